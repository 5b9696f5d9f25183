import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tz } from './_columns.js';

/** API keys for BI tools and automation. Only a hash is stored; the key is shown once at creation. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** The public, recognisable part (`mh_<8 chars>`), for lookup and for spotting a leaked key. */
    prefix: text('prefix').notNull(),
    /** sha256 of the whole key (high-entropy, so a fast hash is sufficient). */
    keyHash: text('key_hash').notNull(),
    roles: text('roles').array().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
    lastUsedAt: tz('last_used_at'),
    expiresAt: tz('expires_at'),
    revokedAt: tz('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_prefix_uq').on(t.prefix), index('api_keys_created_idx').on(t.createdAt)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
