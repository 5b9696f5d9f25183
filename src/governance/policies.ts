import type { FieldProblem } from '../errors.js';
import type { Role } from '../auth/principal.js';
import { isLifecycleState, type LifecycleState } from './lifecycle.js';
import { isRiskTier, RISK_TIERS, type RiskTier } from '../inventory/risk-tiers.js';

export { RISK_TIERS, isRiskTier, type RiskTier } from '../inventory/risk-tiers.js';

/**
 * Approval policies, pure: which roles must approve a move into a state, per risk tier, and how many of each.
 * Storage is policy.repository.ts; the change request keeps a snapshot of the policy it was opened under.
 */

/** A policy row's tier: a concrete tier, or `*` for every tier (and for unclassified models where they may move). */
export type PolicyTier = RiskTier | '*';
export const ANY_TIER = '*';

/**
 * Roles that may be asked to fill an approval slot. ADMIN administers and OPERATOR runs sources: neither approves,
 * so a policy naming them is refused, and stored ones are rewritten at start (policy.repository.ts,
 * retireNonApproverRequirements).
 */
export const APPROVER_ROLES = ['VALIDATOR', 'RISK_OFFICER'] as const satisfies readonly Role[];
export type ApproverRole = (typeof APPROVER_ROLES)[number];

/** States a model may only enter once its risk tier is set. */
export const TIER_REQUIRED_STATES: readonly LifecycleState[] = ['APPROVED', 'PRODUCTION'];

export interface Requirement {
  role: ApproverRole;
  count: number;
}

export interface PolicyDefinition {
  toState: LifecycleState;
  riskTier: PolicyTier;
  requirements: Requirement[];
}

/** What a change request stores: the policy as it stood when the request was opened. */
export interface PolicySnapshot extends PolicyDefinition {
  policyId: string;
  revision: number;
  /** The model's tier when the request was opened (null when unclassified). */
  modelRiskTier: RiskTier | null;
}

/** One approval a request needs: the `index`-th approver of `role`. */
export interface Slot {
  role: ApproverRole;
  index: number;
}

/** Largest count one requirement may ask for; more is a typo, not a policy. */
export const MAX_APPROVERS_PER_ROLE = 5;

/**
 * Seeded on first start (never overwriting an ADMIN's edit). Retirement needs a RISK_OFFICER: withdrawing a model
 * is a business-risk decision, and OPERATORs are typically the ones asking for it.
 */
export const DEFAULT_POLICIES: readonly PolicyDefinition[] = [
  { toState: 'VALIDATION', riskTier: '*', requirements: [{ role: 'VALIDATOR', count: 1 }] },
  { toState: 'DEVELOPMENT', riskTier: '*', requirements: [{ role: 'VALIDATOR', count: 1 }] },
  { toState: 'APPROVED', riskTier: 'LOW', requirements: [{ role: 'VALIDATOR', count: 1 }] },
  { toState: 'APPROVED', riskTier: 'MEDIUM', requirements: [{ role: 'VALIDATOR', count: 1 }] },
  { toState: 'APPROVED', riskTier: 'HIGH', requirements: [{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 1 }] },
  { toState: 'APPROVED', riskTier: 'CRITICAL', requirements: [{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 2 }] },
  { toState: 'PRODUCTION', riskTier: 'LOW', requirements: [{ role: 'VALIDATOR', count: 1 }] },
  { toState: 'PRODUCTION', riskTier: 'MEDIUM', requirements: [{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 1 }] },
  { toState: 'PRODUCTION', riskTier: 'HIGH', requirements: [{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 1 }] },
  { toState: 'PRODUCTION', riskTier: 'CRITICAL', requirements: [{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 2 }] },
  { toState: 'RETIRED', riskTier: '*', requirements: [{ role: 'RISK_OFFICER', count: 1 }] },
];

export type PolicySelection<P> = { ok: true; policy: P } | { ok: false; code: 'RISK_TIER_REQUIRED' | 'NO_POLICY'; reason: string };

/**
 * The policy governing a move into `toState` for a model of `riskTier`: the tier's own policy, else the `*` one.
 * Unclassified models (tier null) may never go to APPROVED or PRODUCTION, whatever the policies say.
 */
export function selectPolicy<P extends { toState: string; riskTier: string }>(
  policies: readonly P[],
  toState: LifecycleState,
  riskTier: RiskTier | null,
): PolicySelection<P> {
  if (riskTier === null && TIER_REQUIRED_STATES.includes(toState)) {
    return {
      ok: false,
      code: 'RISK_TIER_REQUIRED',
      reason: `The model has no risk tier yet; a RISK_OFFICER must classify it before any version can move to ${toState}.`,
    };
  }
  const forState = policies.filter((p) => p.toState === toState);
  const policy = (riskTier && forState.find((p) => p.riskTier === riskTier)) || forState.find((p) => p.riskTier === ANY_TIER);
  if (policy) return { ok: true, policy };
  if (riskTier === null && forState.length > 0) {
    return { ok: false, code: 'RISK_TIER_REQUIRED', reason: `Moves to ${toState} are governed per risk tier; classify the model first.` };
  }
  return { ok: false, code: 'NO_POLICY', reason: `No approval policy covers a move to ${toState} for risk tier ${riskTier ?? 'unclassified'}; an ADMIN must define one.` };
}

/** The approval slots a policy asks for, in policy order: [{VALIDATOR,0}, {RISK_OFFICER,0}, {RISK_OFFICER,1}]. */
export function slotsFor(requirements: readonly Requirement[]): Slot[] {
  return requirements.flatMap(({ role, count }) => Array.from({ length: count }, (_, index) => ({ role, index })));
}

/** Problems with a policy an ADMIN wants to save; empty when it is acceptable. */
export function validatePolicy(input: { toState: string; riskTier: string; requirements: ReadonlyArray<{ role: string; count: number }> }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isLifecycleState(input.toState)) problems.push({ path: 'toState', message: `Unknown lifecycle state ${input.toState}.` });
  if (input.riskTier !== ANY_TIER && !isRiskTier(input.riskTier)) {
    problems.push({ path: 'riskTier', message: `Risk tier must be one of ${RISK_TIERS.join(', ')} or ${ANY_TIER}.` });
  }
  if (input.requirements.length === 0) problems.push({ path: 'requirements', message: 'A policy needs at least one approver.' });
  const seen = new Set<string>();
  input.requirements.forEach((req, i) => {
    if (!(APPROVER_ROLES as readonly string[]).includes(req.role)) {
      problems.push({
        path: `requirements.${i}.role`,
        message: `${req.role} cannot approve: a policy may name only ${APPROVER_ROLES.join(' or ')} (ADMIN administers and OPERATOR runs sources; neither approves).`,
      });
    }
    if (seen.has(req.role)) problems.push({ path: `requirements.${i}.role`, message: `${req.role} is listed twice; give one count.` });
    seen.add(req.role);
    if (!Number.isInteger(req.count) || req.count < 1 || req.count > MAX_APPROVERS_PER_ROLE) {
      problems.push({ path: `requirements.${i}.count`, message: `Count must be a whole number from 1 to ${MAX_APPROVERS_PER_ROLE}.` });
    }
  });
  return problems;
}

/** "1 VALIDATOR + 2 RISK_OFFICER", for messages and audit. */
export function describeRequirements(requirements: readonly Requirement[]): string {
  return requirements.map((r) => `${r.count} ${r.role}`).join(' + ');
}
