import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tz } from './_columns.js';
import { modelVersions } from './inventory.js';

/** Per target state and risk tier: which roles must approve and how many. ADMIN edits; every change audited. */
export const policies = pgTable(
  'policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    toState: text('to_state').notNull(),
    /** LOW | MEDIUM | HIGH | CRITICAL, or '*' for any tier (and unclassified models where allowed). */
    riskTier: text('risk_tier').notNull(),
    /** [{ role, count }] */
    requirements: jsonb('requirements').$type<Array<{ role: string; count: number }>>().notNull(),
    revision: integer('revision').notNull().default(1),
    updatedBy: text('updated_by').notNull(),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('policies_state_tier_uq').on(t.toState, t.riskTier)],
);

/** A lifecycle transition someone asked for, with the policy it was opened under (snapshotted). */
export const changeRequests = pgTable(
  'change_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    modelVersionId: uuid('model_version_id')
      .notNull()
      .references(() => modelVersions.id),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    /** The version this one replaces when promoted to PRODUCTION (retired in the same change). */
    replacesVersionId: uuid('replaces_version_id').references(() => modelVersions.id),
    requesterId: text('requester_id').notNull(),
    /** How the requester was named when asking (see displayNameOf); null on requests opened before names were kept. */
    requesterName: text('requester_name'),
    requesterRoles: text('requester_roles').array().notNull(),
    justification: text('justification').notNull(),
    evidence: jsonb('evidence').$type<Array<{ title: string; url: string }>>().notNull().default([]),
    /** The policy as it stood when the request was opened: [{ role, count }] plus its id and revision. */
    policySnapshot: jsonb('policy_snapshot').$type<Record<string, unknown>>().notNull(),
    /** PENDING | APPLIED | REJECTED | CANCELLED | EXPIRED | SUPERSEDED */
    status: text('status').notNull().default('PENDING'),
    statusReason: text('status_reason'),
    expiresAt: tz('expires_at').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
    decidedAt: tz('decided_at'),
    // Write-back status is not kept here: the request's outbox rows hold it (governance/write-back-status.ts).
  },
  (t) => [
    // One open request per version at a time.
    uniqueIndex('change_requests_one_pending_uq').on(t.modelVersionId).where(sql`${t.status} = 'PENDING'`),
    index('change_requests_status_idx').on(t.status, t.createdAt),
    index('change_requests_requester_idx').on(t.requesterId),
    index('change_requests_created_idx').on(t.createdAt, t.id),
  ],
);

/** One decision filling one slot of a request. Constraints back segregation of duties. */
export const approvals = pgTable(
  'approvals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    changeRequestId: uuid('change_request_id')
      .notNull()
      .references(() => changeRequests.id),
    /** APPROVE | REJECT */
    decision: text('decision').notNull(),
    slotRole: text('slot_role').notNull(),
    slotIndex: integer('slot_index').notNull(),
    approverId: text('approver_id').notNull(),
    /** How the approver was named when deciding (see displayNameOf); null on decisions made before names were kept. */
    approverName: text('approver_name'),
    approverRoles: text('approver_roles').array().notNull(),
    /** Copied from the request so the database itself can refuse self-approval. */
    requesterId: text('requester_id').notNull(),
    comment: text('comment'),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [
    // One person fills at most one slot of a request.
    uniqueIndex('approvals_one_per_person_uq').on(t.changeRequestId, t.approverId),
    // A slot is filled once: concurrent approvals of the same slot cannot both land.
    uniqueIndex('approvals_slot_uq').on(t.changeRequestId, t.slotRole, t.slotIndex),
    check('approvals_not_self_ck', sql`${t.approverId} <> ${t.requesterId}`),
    check('approvals_role_held_ck', sql`${t.slotRole} = any(${t.approverRoles}) or 'ADMIN' = any(${t.approverRoles}) or ${t.decision} = 'REJECT'`),
  ],
);

/**
 * Write-backs to deliver to vendors after a request is applied (transactional outbox): one row per version whose
 * governed state the request changed, i.e. the version it is about and, when it replaced one, the retired champion.
 */
export const writeBackOutbox = pgTable(
  'write_back_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    changeRequestId: uuid('change_request_id')
      .notNull()
      .references(() => changeRequests.id),
    /** The version whose state change this row delivers. */
    modelVersionId: uuid('model_version_id')
      .notNull()
      .references(() => modelVersions.id),
    /** The version's governed state before and after the request applied. */
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    /** Delivery order within the request (0: the request's own version); a row waits until the rows before it are final. */
    position: smallint('position').notNull(),
    sourceId: uuid('source_id').notNull(),
    /** PENDING | IN_PROGRESS | DONE | FAILED | UNSUPPORTED */
    status: text('status').notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** What the last attempt came to: the vendor's account of the change, or why it failed. */
    message: text('message'),
    nextAttemptAt: tz('next_attempt_at').notNull().defaultNow(),
    /** When the last attempt's outcome was recorded; null before the first. The request's writeBackAt is the latest of these. */
    lastAttemptAt: tz('last_attempt_at'),
    /** Claim lease: a worker owns the row until this time; a crashed worker's claim expires. */
    claimedBy: text('claimed_by'),
    claimedUntil: tz('claimed_until'),
    createdAt: tz('created_at').notNull().defaultNow(),
    doneAt: tz('done_at'),
  },
  (t) => [
    // Each state change of an applied request is delivered exactly once.
    uniqueIndex('write_back_outbox_request_version_uq').on(t.changeRequestId, t.modelVersionId),
    index('write_back_outbox_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

export type PolicyRow = typeof policies.$inferSelect;
export type ChangeRequestRow = typeof changeRequests.$inferSelect;
export type ApprovalRow = typeof approvals.$inferSelect;
export type WriteBackOutboxRow = typeof writeBackOutbox.$inferSelect;
