import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, real, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, tz } from './_columns.js';
import type { SyncRunStatus } from './sync.js';

/**
 * One configured connector instance. Settings are non-secret and validated by the vendor's own schema;
 * the secret is an AES-256-GCM blob under HUB_SECRET_KEY (or an `env:NAME` reference) and never leaves the server.
 */
export const sources = pgTable(
  'sources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    vendor: text('vendor').notNull(),
    name: text('name').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** base64(iv | tag | ciphertext) with a key id prefix, or null when the source has no secret. */
    secretCiphertext: text('secret_ciphertext'),
    secretUpdatedAt: tz('secret_updated_at'),
    scheduleSeconds: integer('schedule_seconds').notNull().default(3600),
    enabled: boolean('enabled').notNull().default(true),
    /** Largest share (0..1) of a source's records one run may tombstone before the guard refuses. */
    maxDeleteShare: real('max_delete_share'),
    lastRunId: uuid('last_run_id'),
    lastRunStatus: text('last_run_status').$type<SyncRunStatus>(),
    lastRunAt: tz('last_run_at'),
    lastSuccessAt: tz('last_success_at'),
    /** Soft delete: the inventory stays as tombstoned history. */
    deletedAt: tz('deleted_at'),
    ...timestamps,
  },
  (t) => [
    // Names are how operators and `sources apply` address a source; unique among live sources.
    uniqueIndex('sources_name_live_uq').on(t.name).where(sql`${t.deletedAt} is null`),
    index('sources_vendor_idx').on(t.vendor),
    check('sources_vendor_ck', sql`${t.vendor} in ('sagemaker','mlflow','datarobot','domino')`),
    check('sources_schedule_ck', sql`${t.scheduleSeconds} between 60 and 604800`),
  ],
);

export type SourceRow = typeof sources.$inferSelect;
export type NewSourceRow = typeof sources.$inferInsert;
