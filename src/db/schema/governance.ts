import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tz } from './_columns.js';
import { models, modelVersions } from './inventory.js';
import { persons } from './access.js';

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
    /** The identity that asked (`key:<id>`, token subject). */
    requesterId: text('requester_id').notNull(),
    /** The person behind it: what segregation of duties compares. Null only for identities without a person. */
    requesterPersonId: uuid('requester_person_id').references(() => persons.id),
    /** How the requester was named when asking (see displayNameOf); null on requests opened before names were kept. */
    requesterName: text('requester_name'),
    requesterRoles: text('requester_roles').array().notNull(),
    justification: text('justification').notNull(),
    evidence: jsonb('evidence').$type<Array<{ title: string; url: string }>>().notNull().default([]),
    /** The policy as it stood when the request was opened: [{ role, count }] plus its id and revision. */
    policySnapshot: jsonb('policy_snapshot').$type<Record<string, unknown>>().notNull(),
    /**
     * The model's accountable owner and the version's creator when the request was opened: they stay excluded from
     * validating it even if the owner changes while it is pending ({ accountableOwner, versionCreatedBy }).
     */
    ownersAtRequest: jsonb('owners_at_request').$type<Record<string, unknown>>().notNull().default({}),
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
    // changeRequests(filter: { requesterPersonId }) and "my requests" across every identity of a person.
    index('change_requests_requester_person_idx').on(t.requesterPersonId),
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
    /** Which slot of slot_role; null only on a rejection made after every slot of that role was filled. */
    slotIndex: integer('slot_index'),
    approverId: text('approver_id').notNull(),
    /** The person behind the approving identity: one person fills at most one slot, whatever identity they use. */
    approverPersonId: uuid('approver_person_id').references(() => persons.id),
    /** How the approver was named when deciding (see displayNameOf); null on decisions made before names were kept. */
    approverName: text('approver_name'),
    approverRoles: text('approver_roles').array().notNull(),
    /** Copied from the request so the database itself can refuse self-approval. */
    requesterId: text('requester_id').notNull(),
    requesterPersonId: uuid('requester_person_id').references(() => persons.id),
    comment: text('comment'),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [
    // One person fills at most one slot of a request.
    uniqueIndex('approvals_one_per_person_uq').on(t.changeRequestId, t.approverId),
    // A slot is filled once: concurrent approvals of the same slot cannot both land.
    uniqueIndex('approvals_slot_uq').on(t.changeRequestId, t.slotRole, t.slotIndex),
    check('approvals_not_self_ck', sql`${t.approverId} <> ${t.requesterId}`),
    // The same between persons: no identity of the requester approves (nulls: identities without a person).
    uniqueIndex('approvals_one_per_person_id_uq').on(t.changeRequestId, t.approverPersonId),
    check('approvals_not_self_person_ck', sql`${t.approverPersonId} is null or ${t.requesterPersonId} is null or ${t.approverPersonId} <> ${t.requesterPersonId}`),
    // A slot is filled only by a holder of exactly its role; ADMIN does not stand in for an approver.
    check('approvals_role_held_ck', sql`${t.slotRole} = any(${t.approverRoles})`),
    check('approvals_slotless_reject_ck', sql`${t.slotIndex} is not null or ${t.decision} = 'REJECT'`),
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

/**
 * A change to the controls themselves (ARCHITECTURE §5, "the controls are governed too"): a policy, a lowered risk
 * tier, a model's accountable owner, an approver or admin role grant. Opened by one person, applied exactly once when
 * a second person holding `approver_role` approves it; the constraints below back that in the database.
 */
export const controlRequests = pgTable(
  'control_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** POLICY_CHANGE | RISK_TIER_CHANGE | OWNER_CHANGE | ROLE_GRANT */
    kind: text('kind').notNull(),
    /** What the request changes: `<toState>/<tier>` for a policy, the model id, or `<personId>/<role>`. */
    targetKey: text('target_key').notNull(),
    /** The model of a tier or owner change. */
    modelId: uuid('model_id').references(() => models.id),
    /** The value asked for, and the value when the request was opened (the request is superseded if it moves). */
    proposed: jsonb('proposed').$type<Record<string, unknown>>().notNull(),
    before: jsonb('before').$type<Record<string, unknown>>().notNull(),
    requesterId: text('requester_id').notNull(),
    requesterPersonId: uuid('requester_person_id').references(() => persons.id),
    requesterName: text('requester_name'),
    requesterRoles: text('requester_roles').array().notNull(),
    justification: text('justification').notNull(),
    /** The role the second person must hold: RISK_OFFICER (policies, tiers, owners) or ADMIN (role grants). */
    approverRole: text('approver_role').notNull(),
    /** PENDING | APPLIED | REJECTED | CANCELLED | EXPIRED | SUPERSEDED */
    status: text('status').notNull().default('PENDING'),
    statusReason: text('status_reason'),
    deciderId: text('decider_id'),
    deciderPersonId: uuid('decider_person_id').references(() => persons.id),
    deciderName: text('decider_name'),
    deciderRoles: text('decider_roles').array(),
    decisionComment: text('decision_comment'),
    expiresAt: tz('expires_at').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
    decidedAt: tz('decided_at'),
  },
  (t) => [
    // One open request per thing controlled: a second proposal waits for the first to be decided.
    uniqueIndex('control_requests_one_pending_uq').on(t.kind, t.targetKey).where(sql`${t.status} = 'PENDING'`),
    // controlRequests(status) newest first.
    index('control_requests_status_idx').on(t.status, t.createdAt),
    check('control_requests_not_self_ck', sql`${t.deciderId} is null or ${t.deciderId} <> ${t.requesterId}`),
    check(
      'control_requests_not_self_person_ck',
      sql`${t.deciderPersonId} is null or ${t.requesterPersonId} is null or ${t.deciderPersonId} <> ${t.requesterPersonId}`,
    ),
    // Nobody decides on a grant of a role to themselves.
    check('control_requests_not_own_grant_ck', sql`${t.kind} <> 'ROLE_GRANT' or ${t.deciderPersonId} is null or (${t.proposed} ->> 'personId') <> ${t.deciderPersonId}::text`),
    check(
      'control_requests_decider_role_ck',
      sql`${t.status} not in ('APPLIED', 'REJECTED') or (${t.deciderId} is not null and ${t.approverRole} = any(${t.deciderRoles}))`,
    ),
  ],
);

export type PolicyRow = typeof policies.$inferSelect;
export type ControlRequestRow = typeof controlRequests.$inferSelect;
export type ChangeRequestRow = typeof changeRequests.$inferSelect;
export type ApprovalRow = typeof approvals.$inferSelect;
export type WriteBackOutboxRow = typeof writeBackOutbox.$inferSelect;
