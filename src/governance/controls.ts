import type { FieldProblem } from '../errors.js';
import { GOVERNED_ROLES, ROLES, type Role } from '../auth/principal.js';
import { isRiskTier, RISK_TIERS, type Requirement, type RiskTier } from './policies.js';

/**
 * The controls under four eyes (ARCHITECTURE §5), pure: which changes to the controls need a second person, who
 * that person must be, and which changes only tighten and so apply at once.
 */

export const CONTROL_KINDS = ['POLICY_CHANGE', 'RISK_TIER_CHANGE', 'OWNER_CHANGE', 'ROLE_GRANT'] as const;
export type ControlKind = (typeof CONTROL_KINDS)[number];

/**
 * Who approves each kind: policies, tiers and owners are risk decisions (a RISK_OFFICER other than the requester);
 * role grants are administration (an ADMIN other than the requester).
 */
export const CONTROL_APPROVER: Readonly<Record<ControlKind, Role>> = {
  POLICY_CHANGE: 'RISK_OFFICER',
  RISK_TIER_CHANGE: 'RISK_OFFICER',
  OWNER_CHANGE: 'RISK_OFFICER',
  ROLE_GRANT: 'ADMIN',
};

/** Who may open each kind. */
export const CONTROL_REQUESTERS: Readonly<Record<ControlKind, readonly Role[]>> = {
  POLICY_CHANGE: ['ADMIN', 'RISK_OFFICER'],
  RISK_TIER_CHANGE: ['RISK_OFFICER', 'ADMIN'],
  OWNER_CHANGE: ['RISK_OFFICER', 'ADMIN'],
  ROLE_GRANT: ['ADMIN'],
};

/** The mutation that asks for each kind, named in FOUR_EYES_REQUIRED refusals. */
export const CONTROL_MUTATION: Readonly<Record<ControlKind, string>> = {
  POLICY_CHANGE: 'requestPolicyChange',
  RISK_TIER_CHANGE: 'requestRiskTierChange',
  OWNER_CHANGE: 'requestOwnerChange',
  ROLE_GRANT: 'requestRoleGrant',
};

const rank = (tier: RiskTier) => RISK_TIERS.indexOf(tier);

/**
 * Whether a tier change only tightens, and so applies at once: raising a tier (a stricter policy applies), or the
 * first classification of an unclassified model (which could move no further than VALIDATION before). Lowering a
 * tier and clearing one loosen what the model's versions need, so they go through a second RISK_OFFICER.
 */
export function tierChangeTightens(from: RiskTier | null, to: RiskTier | null): boolean {
  if (to === null) return from === null;
  if (from === null) return true;
  return rank(to) >= rank(from);
}

/**
 * Whether a new policy only tightens the one in effect (`before`: the row's requirements, or the every-tier row it
 * falls back to; null when no policy covered the move): every role asked for before is asked for at least as often.
 * A policy where there was none opens a move that was refused, so it does not tighten.
 */
export function policyChangeTightens(before: readonly Requirement[] | null, after: readonly Requirement[]): boolean {
  if (before === null) return false;
  return before.every((old) => (after.find((r) => r.role === old.role)?.count ?? 0) >= old.count);
}

/**
 * Whether an owner change only tightens: naming an owner where there was none adds a person who may not validate and
 * removes nobody. Moving or clearing an owner frees someone to validate, so it needs a second person.
 */
export function ownerChangeTightens(from: string | null, to: string | null): boolean {
  return from === null && to !== null;
}

export function validateRoleGrant(role: string): FieldProblem[] {
  if (!(ROLES as readonly string[]).includes(role)) return [{ path: 'role', message: `Unknown role ${role}.` }];
  if (!GOVERNED_ROLES.includes(role as Role)) {
    return [{ path: 'role', message: `${role} is granted directly by an ADMIN; only ${GOVERNED_ROLES.join(', ')} need a role grant request.` }];
  }
  return [];
}

export function validateTier(tier: string | null): FieldProblem[] {
  return tier === null || isRiskTier(tier) ? [] : [{ path: 'riskTier', message: `Use ${RISK_TIERS.join(', ')}.` }];
}
