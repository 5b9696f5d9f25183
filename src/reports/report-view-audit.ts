import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { Db } from '../db/client.js';
import type { ReportView } from './reports.route.js';

/**
 * Records each evidence pack served, like an export: who read which record's pack, in which format. The event is
 * about the pack (`evidence_pack`), not the record, so reading a pack never changes the record's own trail or proof.
 */
export function auditReportViews(db: Db, audit: AuditRecorder): (view: ReportView) => Promise<void> {
  return async (view) => {
    await db.transaction(async (tx) => {
      await audit.record(tx, {
        actor: { id: view.principal.id, roles: view.principal.roles },
        action: 'evidence_pack.viewed',
        entityKind: 'evidence_pack',
        entityId: view.id,
        after: { subject: view.subject, format: view.format },
        requestId: view.requestId,
      });
    });
  };
}
