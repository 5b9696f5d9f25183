import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { tz } from './_columns.js';

/**
 * Append-only, hash-chained audit log. A trigger (migration 0001) refuses UPDATE, DELETE and TRUNCATE.
 * hash = sha256(prev_hash || canonical JSON of the event).
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: tz('at').notNull(),
    actorId: text('actor_id').notNull(),
    actorRoles: text('actor_roles').array().notNull(),
    action: text('action').notNull(),
    entityKind: text('entity_kind').notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before').$type<Record<string, unknown> | null>(),
    after: jsonb('after').$type<Record<string, unknown> | null>(),
    requestId: text('request_id'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_events_entity_idx').on(t.entityKind, t.entityId, t.seq),
    index('audit_events_at_idx').on(t.at),
    check('audit_events_hash_ck', sql`length(${t.hash}) = 64`),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type NewAuditEventRow = typeof auditEvents.$inferInsert;

/**
 * Signed checkpoints of the audit chain: "event `seq` had hash `head_hash`", signed with an Ed25519 key the database
 * never holds. A copy of each also goes outside the database (file sink, log, webhook), so an insider who truncates
 * or re-hashes the chain (and these rows) is caught against the copies. Never updated.
 */
export const auditCheckpoints = pgTable('audit_checkpoints', {
  /** The last audit event the checkpoint covers. */
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  /** That event's hash. */
  headHash: text('head_hash').notNull(),
  signedAt: tz('signed_at').notNull(),
  /** sha256 (hex) of the raw 32-byte Ed25519 public key: which key signed, without trusting the row for the key itself. */
  keyId: text('key_id').notNull(),
  /** base64 Ed25519 signature over the canonical JSON of { seq, headHash, signedAt, keyId }. */
  signature: text('signature').notNull(),
});

export type AuditCheckpointRow = typeof auditCheckpoints.$inferSelect;
