import type { Principal } from '../auth/principal.js';
import { InputError } from '../errors.js';
import { ANY_TIER, validatePolicy, type PolicyDefinition, type Requirement } from './policies.js';
import { PolicyRepository } from './policy.repository.js';
import { policyChangeTightens } from './controls.js';
import { fourEyes, requireRole, type CallContext, type GovernanceDeps } from './governance-deps.js';
import type { PolicyRecord } from './records.js';

/** Approval policies: reading them, and an ADMIN's edits that only tighten (the rest go through a control request). */
export class PolicyService {
  private readonly policies = new PolicyRepository();

  constructor(private readonly deps: GovernanceDeps) {}

  async listPolicies(): Promise<PolicyRecord[]> {
    return this.policies.list(this.deps.db);
  }

  /**
   * Creates or replaces the policy of (toState, riskTier) (ADMIN) when the change only tightens the policy in effect
   * (every approver asked for before still asked for, at least as often); anything else is refused with
   * FOUR_EYES_REQUIRED: use requestPolicyChange. Open requests keep the snapshot they were opened under.
   */
  async updatePolicy(input: PolicyDefinition, actor: Principal, ctx: CallContext = {}): Promise<PolicyRecord> {
    requireRole(actor, ['ADMIN'], 'edit approval policies');
    const problems = validatePolicy(input);
    if (problems.length) throw new InputError('The policy is not valid.', problems);
    return this.deps.db.transaction(async (tx) => {
      const existing = await this.policies.lock(tx, input.toState, input.riskTier);
      const inEffect = existing ?? (input.riskTier === ANY_TIER ? undefined : await this.policies.lock(tx, input.toState, ANY_TIER));
      if (!policyChangeTightens(inEffect ? (inEffect.requirements as Requirement[]) : null, input.requirements)) {
        throw fourEyes('POLICY_CHANGE', `This policy change does not only tighten ${input.toState}/${input.riskTier}, so it needs a RISK_OFFICER other than you`);
      }
      const saved = await this.policies.save(tx, input, actor.id, this.deps.now());
      await this.deps.audit.record(tx, {
        actor,
        action: existing ? 'policy.updated' : 'policy.created',
        entityKind: 'policy',
        entityId: saved.id,
        before: existing ? { requirements: existing.requirements, revision: existing.revision } : null,
        after: { toState: saved.toState, riskTier: saved.riskTier, requirements: saved.requirements, revision: saved.revision },
        requestId: ctx.requestId,
      });
      return saved;
    });
  }
}
