import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import type { AuditEventRecord } from '../../audit/audit.service.js';
import type { PolicyRecord } from '../../governance/records.js';
import { ANY_TIER, type PolicyTier, type Requirement, type RiskTier } from '../../governance/policies.js';
import { CLASSIFIER_ROLES } from '../../governance/roles.js';
import type { ModelRecord } from '../../inventory/queries/records.js';
import { READ_ROLES } from '../auth-checker.js';
import type { GraphQLContext } from '../context.js';
import { Model } from '../inventory/model.type.js';
import type { ConnectionResult } from '../relay/connection.js';
import { fromGlobalId } from '../../global-id.js';
import type { HubServices } from '../services.js';
import { AuditChainVerification, AuditEvent } from './audit-event.type.js';
import { AuditEventConnection, auditEventsConnection, auditEventsPage } from './governance-connections.js';
import { AuditEventsArgs } from './governance.args.js';
import { SetModelGovernanceInput, UpdatePolicyInput } from './governance.input.js';
import { Policy } from './policy.type.js';

/** Audit events about these entity kinds are visible to ADMIN only. */
const ADMIN_ONLY_AUDIT_KINDS = ['person', 'api_key'] as const;

/**
 * Audit rows name entities by database id, while API clients only hold opaque global ids: accept either, so an
 * approver can read a request's trail with the id the API gave them. Anything that is not a global id is taken as-is.
 */
function auditEntityId(value: string): string {
  try {
    return fromGlobalId(value).id;
  } catch {
    return value;
  }
}

/** The API view of a policy row: the every-tier row (`*`) shows as a null tier. */
export function toPolicy(row: PolicyRecord): Policy {
  return {
    id: row.id,
    toState: row.toState as Policy['toState'],
    riskTier: row.riskTier === ANY_TIER ? null : (row.riskTier as RiskTier),
    requirements: row.requirements as Requirement[],
    revision: row.revision,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  };
}

/** Governance attributes, policies and the audit log. */
@Resolver()
export class GovernanceAdminResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...CLASSIFIER_ROLES)
  @Mutation(() => Model, { description: "Sets a model's risk tier, business unit and accountable owner (audited; syncs never change them)." })
  async setModelGovernance(
    @Arg('modelId', () => ID) modelId: string,
    @Arg('input', () => SetModelGovernanceInput) input: SetModelGovernanceInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ModelRecord | null> {
    const id = fromGlobalId(modelId, 'Model').id;
    await this.services.governance.attributes.setModelGovernance(id, input, ctx.principal as Principal, { requestId: ctx.requestId });
    return ctx.loaders.model.clear(id).load(id);
  }

  @Authorized(...READ_ROLES)
  @Query(() => [Policy], { description: 'Every approval policy, by target state and tier.' })
  async policies(): Promise<Policy[]> {
    return (await this.services.governance.policies.listPolicies()).map(toPolicy);
  }

  @Authorized('ADMIN')
  @Mutation(() => Policy, { description: 'Creates or replaces the policy of one target state and tier (audited). Open requests keep the policy they were opened under.' })
  async updatePolicy(@Arg('input', () => UpdatePolicyInput) input: UpdatePolicyInput, @Ctx() ctx: GraphQLContext): Promise<Policy> {
    const row = await this.services.governance.policies.updatePolicy(
      {
        toState: input.toState,
        riskTier: (input.riskTier ?? ANY_TIER) as PolicyTier,
        requirements: input.requirements.map((r) => ({ role: r.role as Requirement['role'], count: r.count })),
      },
      ctx.principal as Principal,
      { requestId: ctx.requestId },
    );
    return toPolicy(row);
  }

  @Authorized(...READ_ROLES)
  @Query(() => AuditEventConnection, { description: 'The audit log, newest first.' })
  async auditEvents(@Args() args: AuditEventsArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionResult<AuditEventRecord>> {
    const page = auditEventsPage(args, ctx.maxPageSize);
    const filter = args.filter ?? {};
    const result = await this.services.audit.list(
      {
        entityKind: filter.entityKind ?? undefined,
        entityId: filter.entityId ? auditEntityId(filter.entityId) : undefined,
        actorId: filter.actorId ?? undefined,
        actions: filter.actions ?? undefined,
        since: filter.since ?? undefined,
        // Who holds which key or role, and every break-glass use, is ADMIN business.
        hiddenEntityKinds: ctx.principal?.roles.includes('ADMIN') ? [] : [...ADMIN_ONLY_AUDIT_KINDS],
      },
      page,
    );
    return auditEventsConnection(result, page.afterSeq !== null);
  }

  @Authorized(...READ_ROLES)
  @Query(() => AuditChainVerification, { description: 'Recomputes every hash of the audit chain and reports the first broken event, if any.' })
  verifyAuditChain(): Promise<AuditChainVerification> {
    return this.services.audit.verify();
  }
}
