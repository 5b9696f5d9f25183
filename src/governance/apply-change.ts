import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { changeRequests, findings, modelVersions, writeBackOutbox, type ChangeRequestRow } from '../db/schema/index.js';
import type { Principal } from '../auth/principal.js';
import type { AuditEntry, AuditRecorder } from '../audit/audit-recorder.js';
import type { VersionContext } from './change-request.repository.js';

/** One vendor-visible state change of an applied request, delivered by its own outbox row. */
interface StateChange {
  modelVersionId: string;
  sourceId: string;
  fromState: string;
  toState: string;
}

/**
 * Applies a fully approved request. Runs inside the approval's transaction, with the request and version rows
 * already locked, so the state changes, the request's APPLIED status, the audit events, the outbox rows, resolved
 * findings and a champion's retirement commit together or not at all.
 */
export async function applyChangeRequest(
  tx: Tx,
  deps: { audit: AuditRecorder },
  input: { request: ChangeRequestRow; version: VersionContext; actor: Principal; now: Date; requestId?: string | null },
): Promise<void> {
  const { request, version, actor, now } = input;
  const audits: AuditEntry[] = [];
  const base = { actor, requestId: input.requestId ?? null };
  const changes: StateChange[] = [{ modelVersionId: version.id, sourceId: version.sourceId, fromState: request.fromState, toState: request.toState }];

  await tx
    .update(modelVersions)
    .set({ lifecycleState: request.toState, lifecycleChangedAt: now })
    .where(eq(modelVersions.id, version.id));
  audits.push({
    ...base,
    action: 'model_version.lifecycle_changed',
    entityKind: 'model_version',
    entityId: version.id,
    before: { lifecycleState: request.fromState },
    after: { lifecycleState: request.toState, changeRequestId: request.id },
  });

  if (request.replacesVersionId) {
    const retired = await retireReplaced(tx, request, now, base);
    audits.push(...retired.audits);
    if (retired.change) changes.push(retired.change);
  }

  await tx
    .update(changeRequests)
    .set({ status: 'APPLIED', decidedAt: now, statusReason: null })
    .where(eq(changeRequests.id, request.id));
  audits.push({
    ...base,
    action: 'change_request.applied',
    entityKind: 'change_request',
    entityId: request.id,
    before: { status: 'PENDING' },
    after: { status: 'APPLIED', modelVersionId: version.id, fromState: request.fromState, toState: request.toState, writeBackStatus: 'PENDING' },
  });

  // One row per state change, delivered in this order (the promotion before the champion's retirement); the unique
  // index on (change_request_id, model_version_id) makes a second delivery of one change impossible.
  await tx.insert(writeBackOutbox).values(changes.map((change, position) => ({ ...change, changeRequestId: request.id, position, nextAttemptAt: now })));

  if (request.toState === 'PRODUCTION') {
    const resolved = await tx
      .update(findings)
      .set({ resolvedAt: now })
      .where(and(eq(findings.kind, 'UNGOVERNED_PRODUCTION'), eq(findings.entityId, version.id), isNull(findings.resolvedAt)))
      .returning({ id: findings.id, message: findings.message });
    for (const finding of resolved) {
      audits.push({
        ...base,
        action: 'finding.resolved',
        entityKind: 'finding',
        entityId: finding.id,
        before: { kind: 'UNGOVERNED_PRODUCTION', resolvedAt: null },
        after: { resolvedAt: now.toISOString(), reason: `Brought under governance by change request ${request.id}.` },
      });
    }
  }

  await deps.audit.record(tx, audits);
}

/**
 * Champion/challenger: the replaced version is retired in the same change, and its open requests are superseded.
 * Returns the retirement as a state change to write back (none when the version was already retired).
 */
async function retireReplaced(
  tx: Tx,
  request: ChangeRequestRow,
  now: Date,
  base: Pick<AuditEntry, 'actor' | 'requestId'>,
): Promise<{ audits: AuditEntry[]; change: StateChange | null }> {
  const replacedId = request.replacesVersionId!;
  const audits: AuditEntry[] = [];
  const [before] = await tx
    .select({ lifecycleState: modelVersions.lifecycleState, sourceId: modelVersions.sourceId })
    .from(modelVersions)
    .where(eq(modelVersions.id, replacedId))
    .for('update');
  if (!before || before.lifecycleState === 'RETIRED') return { audits, change: null };
  await tx.update(modelVersions).set({ lifecycleState: 'RETIRED', lifecycleChangedAt: now }).where(eq(modelVersions.id, replacedId));
  audits.push({
    ...base,
    action: 'model_version.lifecycle_changed',
    entityKind: 'model_version',
    entityId: replacedId,
    before: { lifecycleState: before.lifecycleState },
    after: { lifecycleState: 'RETIRED', changeRequestId: request.id, reason: 'Replaced by the version this request promoted to PRODUCTION.' },
  });
  const superseded = await tx
    .update(changeRequests)
    .set({ status: 'SUPERSEDED', decidedAt: now, statusReason: `The version was retired when change request ${request.id} promoted its successor.` })
    .where(and(eq(changeRequests.modelVersionId, replacedId), eq(changeRequests.status, 'PENDING'), ne(changeRequests.id, request.id)))
    .returning({ id: changeRequests.id });
  for (const { id } of superseded) {
    audits.push({ ...base, action: 'change_request.superseded', entityKind: 'change_request', entityId: id, before: { status: 'PENDING' }, after: { status: 'SUPERSEDED' } });
  }
  return { audits, change: { modelVersionId: replacedId, sourceId: before.sourceId, fromState: before.lifecycleState, toState: 'RETIRED' } };
}
