import type { Role } from '../auth/principal.js';

/**
 * Who may do what in governance outside the controls under four eyes (controls.ts) and approval slots
 * (policies.ts APPROVER_ROLES). The services check these and the GraphQL mutations declare them, from this one list.
 */

/** Who may ask for a lifecycle transition. */
export const REQUESTER_ROLES: readonly Role[] = ['DATA_SCIENTIST', 'OPERATOR', 'ADMIN'];
/** Who may set a model's governance attributes where that only tightens (setModelGovernance). */
export const CLASSIFIER_ROLES: readonly Role[] = ['RISK_OFFICER', 'ADMIN'];
