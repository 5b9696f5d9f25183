import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { AuditEventRow } from '../db/schema/index.js';

/**
 * The hash chain of the audit log: each event carries sha256(previous hash + canonical event), so an edited,
 * inserted or removed event breaks every hash after it. The event is rendered in RFC 8785 canonical JSON; for every
 * value an event can hold (jsonb round-tripped, see AuditRecorder) that is byte-for-byte the sorted-keys JSON the
 * chain was hashed with before, so stored hashes keep verifying (tests/unit/audit/canonical-json.test.ts proves it).
 */
export const GENESIS_HASH = '0'.repeat(64);

export type HashedFields = Pick<AuditEventRow, 'seq' | 'at' | 'actorId' | 'actorRoles' | 'action' | 'entityKind' | 'entityId' | 'before' | 'after' | 'requestId'>;

export function eventHash(prevHash: string, event: HashedFields): string {
  const canonical = canonicalJson({
    seq: event.seq,
    at: event.at.toISOString(),
    actorId: event.actorId,
    actorRoles: event.actorRoles,
    action: event.action,
    entityKind: event.entityKind,
    entityId: event.entityId,
    before: event.before ?? null,
    after: event.after ?? null,
    requestId: event.requestId ?? null,
  });
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}
