import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import type { ApprovalRecord, ChangeRequestRecord } from '../../governance/records.js';
import { slotStates, snapshotOf, type SlotState, type WriteBackState } from '../../governance/change-request.js';
import { CHANGE_REQUEST_TYPE } from '../../governance/change-request-reference.js';
import { REQUESTER_ROLES } from '../../governance/roles.js';
import type { ModelVersionRecord } from '../../inventory/queries/records.js';
import { READ_ROLES } from '../auth-checker.js';
import type { GraphQLContext } from '../context.js';
import { ModelVersion } from '../inventory/model-version.type.js';
import type { ConnectionResult } from '../relay/connection.js';
import { fromGlobalId } from '../../global-id.js';
import type { HubServices } from '../services.js';
import { Approval, ApprovalSlot, ChangeRequest } from './change-request.type.js';
import { ChangeRequestConnection, changeRequestsConnection, changeRequestsPage } from './governance-connections.js';
import { ChangeRequestsArgs } from './governance.args.js';
import { RequestLifecycleTransitionInput } from './governance.input.js';
import { PolicySnapshot } from './policy.type.js';
import { WriteBackStatus } from './governance.enums.js';
import { requestOrThrow } from './refusals.js';
import { DateTime } from '../scalars.js';

const TYPE = CHANGE_REQUEST_TYPE;

/**
 * Change requests: opening, deciding, cancelling and listing them. Approve, reject and cancel are open to every
 * authenticated role at the schema level on purpose: the service decides, so callers get the precise refusal
 * (SELF_APPROVAL, ROLE_REQUIRED, OWNER_CANNOT_VALIDATE, …) instead of a generic FORBIDDEN.
 */
@Resolver(() => ChangeRequest)
export class ChangeRequestResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...READ_ROLES)
  @Query(() => ChangeRequestConnection, { description: 'Change requests, newest first: by status, requester, model, vendor, age, or those awaiting my decision.' })
  async changeRequests(@Args() args: ChangeRequestsArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionResult<ChangeRequestRecord>> {
    const page = changeRequestsPage(args, ctx.maxPageSize);
    const filter = args.filter ?? {};
    const result = await this.services.governance.reads.listChangeRequests(
      {
        status: filter.status ?? undefined,
        requesterId: filter.requesterId ?? undefined,
        requesterPersonId: filter.requesterPersonId ? fromGlobalId(filter.requesterPersonId, 'Person').id : undefined,
        eligibleForMe: filter.eligibleForMe ?? undefined,
        modelId: filter.modelId ? fromGlobalId(filter.modelId, 'Model').id : undefined,
        modelVersionId: filter.modelVersionId ? fromGlobalId(filter.modelVersionId, 'ModelVersion').id : undefined,
        vendor: filter.vendor ?? undefined,
        createdAfter: filter.createdAfter ?? undefined,
        createdBefore: filter.createdBefore ?? undefined,
      },
      page,
      ctx.principal as Principal,
    );
    return changeRequestsConnection(result, page.after !== null);
  }

  @Authorized(...READ_ROLES)
  @Query(() => ChangeRequest, { nullable: true, description: 'One change request by id.' })
  changeRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ChangeRequestRecord | null> {
    return ctx.loaders.changeRequest.load(fromGlobalId(id, TYPE).id);
  }

  @Authorized(...REQUESTER_ROLES)
  @Mutation(() => ChangeRequest, { description: 'Asks for a version to move to another governed state, under the policy that applies now.' })
  async requestLifecycleTransition(@Arg('input', () => RequestLifecycleTransitionInput) input: RequestLifecycleTransitionInput, @Ctx() ctx: GraphQLContext): Promise<ChangeRequestRecord> {
    const result = await this.services.governance.changeRequests.requestLifecycleTransition(
      {
        modelVersionId: fromGlobalId(input.modelVersionId, 'ModelVersion').id,
        toState: input.toState,
        justification: input.justification,
        evidence: input.evidence.map((e) => ({ title: e.title, url: e.url })),
        replacesVersionId: input.replacesVersionId ? fromGlobalId(input.replacesVersionId, 'ModelVersion').id : null,
      },
      ctx.principal as Principal,
      { requestId: ctx.requestId },
    );
    return requestOrThrow(result);
  }

  @Authorized(...READ_ROLES)
  @Mutation(() => ChangeRequest, { description: 'Fills one approval slot you are eligible for; the last slot applies the change.' })
  async approveChangeRequest(
    @Arg('id', () => ID) id: string,
    @Arg('comment', () => String, { nullable: true }) comment: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ChangeRequestRecord> {
    return requestOrThrow(await this.services.governance.decisions.approveChangeRequest(fromGlobalId(id, TYPE).id, comment, ctx.principal as Principal, { requestId: ctx.requestId }));
  }

  @Authorized(...READ_ROLES)
  @Mutation(() => ChangeRequest, { description: 'Rejects the request (a comment is required); final.' })
  async rejectChangeRequest(@Arg('id', () => ID) id: string, @Arg('comment', () => String) comment: string, @Ctx() ctx: GraphQLContext): Promise<ChangeRequestRecord> {
    return requestOrThrow(await this.services.governance.decisions.rejectChangeRequest(fromGlobalId(id, TYPE).id, comment, ctx.principal as Principal, { requestId: ctx.requestId }));
  }

  @Authorized(...READ_ROLES)
  @Mutation(() => ChangeRequest, { description: 'Withdraws a pending request (its requester or an ADMIN).' })
  async cancelChangeRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ChangeRequestRecord> {
    return requestOrThrow(await this.services.governance.changeRequests.cancelChangeRequest(fromGlobalId(id, TYPE).id, ctx.principal as Principal, { requestId: ctx.requestId }));
  }

  @FieldResolver(() => ModelVersion, { nullable: true, description: 'The version the request is about.' })
  version(@Root() request: ChangeRequestRecord, @Ctx() ctx: GraphQLContext): Promise<ModelVersionRecord | null> {
    return ctx.loaders.version.load(request.modelVersionId);
  }

  @FieldResolver(() => ModelVersion, { nullable: true, description: 'The PRODUCTION version this one replaces (retired in the same change), if named.' })
  replacesVersion(@Root() request: ChangeRequestRecord, @Ctx() ctx: GraphQLContext): Promise<ModelVersionRecord | null> | null {
    return request.replacesVersionId ? ctx.loaders.version.load(request.replacesVersionId) : null;
  }

  @FieldResolver(() => PolicySnapshot, { description: 'The policy the request was opened under.' })
  policy(@Root() request: ChangeRequestRecord): PolicySnapshot {
    const snapshot = snapshotOf(request);
    return { ...snapshot, riskTier: snapshot.riskTier === '*' ? null : snapshot.riskTier };
  }

  @FieldResolver(() => [ApprovalSlot], { description: 'Every approval the policy asks for, in order, with the decision filling it.' })
  async slots(@Root() request: ChangeRequestRecord, @Ctx() ctx: GraphQLContext): Promise<SlotState[]> {
    return slotStates(request, await ctx.loaders.approvalsByRequest.load(request.id));
  }

  @FieldResolver(() => [Approval], { description: 'The decisions so far, oldest first.' })
  approvals(@Root() request: ChangeRequestRecord, @Ctx() ctx: GraphQLContext): Promise<ApprovalRecord[]> {
    return ctx.loaders.approvalsByRequest.load(request.id);
  }

  // The write-back fields come from the request's outbox rows (where they are stored), batched per response.
  @FieldResolver(() => WriteBackStatus, {
    nullable: true,
    description:
      'Delivery to the vendor of every state change the request made (a replaced champion\'s retirement included): FAILED if any failed, else PENDING while any is undelivered, else DONE when the vendor applied all, else UNSUPPORTED. Null until the request is applied.',
  })
  async writeBackStatus(@Root() request: ChangeRequestRecord, @Ctx() ctx: GraphQLContext): Promise<WriteBackState | null> {
    return (await ctx.loaders.writeBackByRequest.load(request.id)).writeBackStatus;
  }

  @FieldResolver(() => Int, { description: 'Delivery attempts so far, over all its state changes.' })
  async writeBackAttempts(@Root() request: ChangeRequestRecord, @Ctx() ctx: GraphQLContext): Promise<number> {
    return (await ctx.loaders.writeBackByRequest.load(request.id)).writeBackAttempts;
  }

  @FieldResolver(() => String, { nullable: true, description: 'What the vendor did with each state change, or why its delivery failed: one line per change, in delivery order.' })
  async writeBackMessage(@Root() request: ChangeRequestRecord, @Ctx() ctx: GraphQLContext): Promise<string | null> {
    return (await ctx.loaders.writeBackByRequest.load(request.id)).writeBackMessage;
  }

  @FieldResolver(() => DateTime, { nullable: true, description: 'When the last delivery attempt was recorded.' })
  async writeBackAt(@Root() request: ChangeRequestRecord, @Ctx() ctx: GraphQLContext): Promise<Date | null> {
    return (await ctx.loaders.writeBackByRequest.load(request.id)).writeBackAt;
  }
}

/** Governance fields on the inventory's ModelVersion. */
@Resolver(() => ModelVersion)
export class ModelVersionGovernanceResolver {
  @FieldResolver(() => ChangeRequest, { nullable: true, description: 'The open (PENDING) change request of this version, if any.' })
  async changeRequest(@Root() version: ModelVersionRecord, @Ctx() ctx: GraphQLContext): Promise<ChangeRequestRecord | null> {
    const requests = await ctx.loaders.requestsByVersion.load(version.id);
    return requests.find((r) => r.status === 'PENDING') ?? null;
  }

  @FieldResolver(() => [ChangeRequest], { description: 'Every change request of this version, newest first.' })
  changeRequests(@Root() version: ModelVersionRecord, @Ctx() ctx: GraphQLContext): Promise<ChangeRequestRecord[]> {
    return ctx.loaders.requestsByVersion.load(version.id);
  }
}
