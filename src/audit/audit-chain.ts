import { createHash } from 'node:crypto';
import type { AuditEventRow } from '../db/schema/index.js';

/**
 * The hash chain of the audit log: each event carries sha256(previous hash + canonical event), so an edited,
 * inserted or removed event breaks every hash after it.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys at every level, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

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
