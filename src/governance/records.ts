import type { approvals, changeRequests, controlRequests, models, policies } from '../db/schema/index.js';

/**
 * Governance's read models: what its services return and the API shows. Each is the stored row as drizzle infers
 * it, so a column added to the table reaches its readers without a second declaration; callers import these, never
 * the schema.
 */

/** A requested lifecycle transition of one version, with its policy snapshot and status. */
export type ChangeRequestRecord = typeof changeRequests.$inferSelect;

/** One decision filling one slot of a change request. */
export type ApprovalRecord = typeof approvals.$inferSelect;

/** A change to the controls themselves, under four eyes. */
export type ControlRequestRecord = typeof controlRequests.$inferSelect;

/** An approval policy of one (target state, tier). */
export type PolicyRecord = typeof policies.$inferSelect;

/** A model's governance attributes (governance-owned columns; syncs never write them). */
export type ModelAttributesRecord = Pick<
  typeof models.$inferSelect,
  'id' | 'riskTier' | 'businessUnit' | 'accountableOwner' | 'accountableOwnerPersonId'
>;
