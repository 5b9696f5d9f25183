import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Principal, Role as RoleName } from '../../auth/principal.js';
import type { ControlRequestRecord } from '../../governance/records.js';
import { CONTROL_REQUESTERS } from '../../governance/controls.js';
import { ANY_TIER, type PolicyTier, type Requirement, type RiskTier as RiskTierValue } from '../../governance/policies.js';
import type { ModelRecord } from '../../inventory/queries/records.js';
import { fromGlobalId } from '../../global-id.js';
import { READ_ROLES } from '../auth-checker.js';
import type { GraphQLContext } from '../context.js';
import { Role } from '../access/role.enum.js';
import { RiskTier } from '../enums.js';
import { Model } from '../inventory/model.type.js';
import type { ConnectionResult } from '../relay/connection.js';
import type { HubServices } from '../services.js';
import { ControlRequest } from './control-request.type.js';
import { ControlRequestConnection, controlRequestsConnection, controlRequestsPage } from './governance-connections.js';
import { ControlRequestsArgs } from './governance.args.js';
import { Decision } from './governance.enums.js';
import { RequestPolicyChangeInput } from './governance.input.js';
import { requestOrThrow } from './refusals.js';

export const CONTROL_REQUEST_TYPE = 'ControlRequest';

/**
 * The controls under four eyes: asking for a policy change, a lowered tier, an owner change or a role grant, and the
 * second person's decision. Deciding is open to every role at the schema level: the service answers with the precise
 * refusal (SELF_APPROVAL, ROLE_REQUIRED) rather than a generic FORBIDDEN.
 */
@Resolver(() => ControlRequest)
export class ControlRequestResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...READ_ROLES)
  @Query(() => ControlRequestConnection, { description: 'Control requests, newest first: by status, kind or model.' })
  async controlRequests(@Args() args: ControlRequestsArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionResult<ControlRequestRecord>> {
    const page = controlRequestsPage(args, ctx.maxPageSize);
    const filter = args.filter ?? {};
    const result = await this.services.governance.controls.list(
      { status: filter.status ?? undefined, kind: filter.kind ?? undefined, modelId: filter.modelId ? fromGlobalId(filter.modelId, 'Model').id : undefined },
      page,
    );
    return controlRequestsConnection(result, page.after !== null);
  }

  @Authorized(...READ_ROLES)
  @Query(() => ControlRequest, { nullable: true, description: 'One control request by id.' })
  async controlRequest(@Arg('id', () => ID) id: string): Promise<ControlRequestRecord | null> {
    const [row] = await this.services.governance.controls.byIds([fromGlobalId(id, CONTROL_REQUEST_TYPE).id]);
    return row;
  }

  @Authorized(...CONTROL_REQUESTERS.POLICY_CHANGE)
  @Mutation(() => ControlRequest, { description: 'Asks for an approval policy change; a RISK_OFFICER other than you approves it. A change that only tightens can use updatePolicy.' })
  async requestPolicyChange(@Arg('input', () => RequestPolicyChangeInput) input: RequestPolicyChangeInput, @Ctx() ctx: GraphQLContext): Promise<ControlRequestRecord> {
    const result = await this.services.governance.controls.requestPolicyChange(
      {
        toState: input.toState,
        riskTier: (input.riskTier ?? ANY_TIER) as PolicyTier,
        requirements: input.requirements.map((r) => ({ role: r.role as Requirement['role'], count: r.count })),
      },
      input.justification,
      ctx.principal as Principal,
      { requestId: ctx.requestId },
    );
    return requestOrThrow(result);
  }

  @Authorized(...CONTROL_REQUESTERS.RISK_TIER_CHANGE)
  @Mutation(() => ControlRequest, { description: "Asks for a model's risk tier to be lowered or cleared; a RISK_OFFICER other than you approves it. Raising applies at once through setModelGovernance." })
  async requestRiskTierChange(
    @Arg('modelId', () => ID) modelId: string,
    @Arg('riskTier', () => RiskTier, { nullable: true }) riskTier: RiskTierValue | null,
    @Arg('justification', () => String) justification: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ControlRequestRecord> {
    return requestOrThrow(await this.services.governance.controls.requestRiskTierChange(fromGlobalId(modelId, 'Model').id, riskTier ?? null, justification, ctx.principal as Principal, { requestId: ctx.requestId }));
  }

  @Authorized(...CONTROL_REQUESTERS.OWNER_CHANGE)
  @Mutation(() => ControlRequest, {
    description:
      "Asks for a model's accountable owner to be moved or cleared (give neither personId nor accountableOwner); a RISK_OFFICER other than you approves it. A text owner becomes the person with that email, if any.",
  })
  async requestOwnerChange(
    @Arg('modelId', () => ID) modelId: string,
    @Arg('personId', () => ID, { nullable: true, description: 'The new owner as a person.' }) personId: string | null,
    @Arg('accountableOwner', () => String, { nullable: true, description: 'The new owner as text (a name or an email).' }) accountableOwner: string | null,
    @Arg('justification', () => String) justification: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ControlRequestRecord> {
    const result = await this.services.governance.controls.requestOwnerChange(
      fromGlobalId(modelId, 'Model').id,
      { personId: personId ? fromGlobalId(personId, 'Person').id : null, text: accountableOwner },
      justification,
      ctx.principal as Principal,
      { requestId: ctx.requestId },
    );
    return requestOrThrow(result);
  }

  @Authorized(...CONTROL_REQUESTERS.ROLE_GRANT)
  @Mutation(() => ControlRequest, { description: 'Asks for VALIDATOR, RISK_OFFICER or ADMIN to be granted to a person; an ADMIN other than you approves it.' })
  async requestRoleGrant(
    @Arg('personId', () => ID) personId: string,
    @Arg('role', () => Role) role: RoleName,
    @Arg('justification', () => String) justification: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ControlRequestRecord> {
    return requestOrThrow(await this.services.governance.controls.requestRoleGrant(fromGlobalId(personId, 'Person').id, role, justification, ctx.principal as Principal, { requestId: ctx.requestId }));
  }

  @Authorized(...READ_ROLES)
  @Mutation(() => ControlRequest, { description: 'Approves (applying it, exactly once) or rejects (a comment is required) a control request; you must hold its approverRole and not be its requester.' })
  async decideControlRequest(
    @Arg('id', () => ID) id: string,
    @Arg('decision', () => Decision) decision: 'APPROVE' | 'REJECT',
    @Arg('comment', () => String, { nullable: true }) comment: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ControlRequestRecord> {
    return requestOrThrow(await this.services.governance.controls.decideControlRequest(fromGlobalId(id, CONTROL_REQUEST_TYPE).id, decision, comment, ctx.principal as Principal, { requestId: ctx.requestId }));
  }

  @Authorized(...READ_ROLES)
  @Mutation(() => ControlRequest, { description: 'Withdraws a pending control request (its requester or an ADMIN).' })
  async cancelControlRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ControlRequestRecord> {
    return requestOrThrow(await this.services.governance.controls.cancelControlRequest(fromGlobalId(id, CONTROL_REQUEST_TYPE).id, ctx.principal as Principal, { requestId: ctx.requestId }));
  }

  @FieldResolver(() => Model, { nullable: true, description: 'The model of a tier or owner change.' })
  model(@Root() request: ControlRequestRecord, @Ctx() ctx: GraphQLContext): Promise<ModelRecord | null> | null {
    return request.modelId ? ctx.loaders.model.load(request.modelId) : null;
  }
}
