import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tz } from './_columns.js';

/**
 * The people who decide. Independence (segregation of duties) compares persons, not the keys or tokens they use.
 * `roles` are the roles granted to the person; a credential never holds more than these.
 */
export const persons = pgTable(
  'persons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    active: boolean('active').notNull().default(true),
    roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
    /**
     * The hub's own break-glass identity (holder of the bootstrap admin key). Not a human: it works only while no
     * active ADMIN person exists or HUB_BREAK_GLASS=true, and does not count as an ADMIN person.
     */
    breakGlass: boolean('break_glass').notNull().default(false),
    createdAt: tz('created_at').notNull().defaultNow(),
    updatedAt: tz('updated_at')
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
    deactivatedAt: tz('deactivated_at'),
  },
  (t) => [uniqueIndex('persons_email_uq').on(sql`lower(${t.email})`), uniqueIndex('persons_break_glass_uq').on(t.breakGlass).where(sql`${t.breakGlass}`)],
);

/** SSO identities of a person: the IdP's (issuer, subject) pair, linked by an ADMIN or by verified email. */
export const personIdentities = pgTable(
  'person_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
    /** How it was linked: `admin:<principal id>` or `email` (first login with a verified email). */
    linkedBy: text('linked_by'),
    /** Set when the person was deactivated (or an ADMIN unlinked it): the identity no longer signs in. */
    disabledAt: tz('disabled_at'),
  },
  (t) => [uniqueIndex('person_identities_issuer_subject_uq').on(t.issuer, t.subject), index('person_identities_person_idx').on(t.personId)],
);

/** API keys for BI tools and automation. Only a hash is stored; the key is shown once at creation. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** A label only: who the key acts for is `person_id`. */
    name: text('name').notNull(),
    /** The public, recognisable part (`mh_<8 chars>`), for lookup and for spotting a leaked key. */
    prefix: text('prefix').notNull(),
    /** sha256 of the whole key (high-entropy, so a fast hash is sufficient). */
    keyHash: text('key_hash').notNull(),
    /** A subset of the person's roles at creation; effective roles are these ∩ the person's current roles. */
    roles: text('roles').array().notNull(),
    personId: uuid('person_id')
      .notNull()
      .references(() => persons.id),
    createdBy: text('created_by').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
    lastUsedAt: tz('last_used_at'),
    expiresAt: tz('expires_at'),
    revokedAt: tz('revoked_at'),
    /** A BI service account's key: it may run only registered operations (trusted documents). */
    biServiceAccount: boolean('bi_service_account').notNull().default(false),
  },
  (t) => [uniqueIndex('api_keys_prefix_uq').on(t.prefix), index('api_keys_created_idx').on(t.createdAt), index('api_keys_person_idx').on(t.personId)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type PersonRow = typeof persons.$inferSelect;
export type PersonIdentityRow = typeof personIdentities.$inferSelect;
