import type { Tx } from '../db/client.js';
import { displayNameOf, type Principal } from '../auth/principal.js';
import { InputError, NotFoundError, type FieldProblem } from '../errors.js';
import { checkTransition, isLifecycleState, type LifecycleState } from './lifecycle.js';
import { describeRequirements, isRiskTier, selectPolicy, type PolicySnapshot, type Requirement } from './policies.js';
import { PolicyRepository } from './policy.repository.js';
import { ChangeRequestRepository, type VersionContext } from './change-request.repository.js';
import type { Evidence } from './change-request.js';
import { TEXT_LIMITS, tooLong } from './limits.js';
import { REQUESTER_ROLES } from './roles.js';
import { ownersOf, partyOf, requestParty } from './parties.js';
import { DAY_MS, requireRole, type CallContext, type GovernanceDeps } from './governance-deps.js';
import { refusable, refuse, type RequestResult } from './refusal.js';
import type { ChangeRequestRecord } from './records.js';
import type { RequestExpiryService } from './request-expiry.service.js';

export interface LifecycleTransitionInput {
  modelVersionId: string;
  toState: LifecycleState;
  justification: string;
  evidence: Evidence[];
  /** PRODUCTION only: the current PRODUCTION version of the same model, retired in the same change. */
  replacesVersionId?: string | null;
}

/** Why a request could not be opened: the version, the lifecycle or the policies forbid it now. */
export type OpenRefusal = 'VERSION_DELETED' | 'INVALID_TRANSITION' | 'RISK_TIER_REQUIRED' | 'NO_POLICY' | 'REQUEST_ALREADY_OPEN';
/** Why a request could not be withdrawn. */
export type WithdrawRefusal = 'NOT_REQUESTER' | 'REQUEST_NOT_PENDING';

export type OpenResult = RequestResult<ChangeRequestRecord, OpenRefusal>;
export type WithdrawResult = RequestResult<ChangeRequestRecord, WithdrawRefusal>;

export interface ChangeRequestServiceDeps extends GovernanceDeps {
  /** How long a request stays open before it expires (ARCHITECTURE default 14). */
  changeRequestTtlDays: number;
  expiry: Pick<RequestExpiryService, 'expireChangeRequests'>;
}

/** Opening a lifecycle change request under the policy that applies now, and withdrawing it. */
export class ChangeRequestService {
  private readonly policies = new PolicyRepository();
  private readonly requests = new ChangeRequestRepository();

  constructor(private readonly deps: ChangeRequestServiceDeps) {}

  /** Opens a request to move a version (DATA_SCIENTIST, OPERATOR, ADMIN), under the policy that applies now. */
  async requestLifecycleTransition(input: LifecycleTransitionInput, actor: Principal, ctx: CallContext = {}): Promise<OpenResult> {
    requireRole(actor, REQUESTER_ROLES, 'request lifecycle transitions');
    const { justification, evidence } = validateRequestInput(input);
    const now = this.deps.now();
    const result = await refusable<OpenResult, OpenRefusal>(() =>
      this.deps.db.transaction(async (tx): Promise<OpenResult> => {
        const version = await this.requests.versionContext(tx, input.modelVersionId);
        if (!version) throw new NotFoundError(`Model version ${input.modelVersionId} does not exist.`);
        if (version.deletedAt) refuse('VERSION_DELETED', 'The version no longer exists at the vendor (tombstoned); it cannot change state.');
        const from = version.lifecycleState as LifecycleState;
        const transition = checkTransition(from, input.toState);
        if (!transition.ok) refuse('INVALID_TRANSITION', transition.reason, { from, to: input.toState });
        if (input.replacesVersionId) await this.checkReplaced(tx, version, input);

        const tier = version.riskTier && isRiskTier(version.riskTier) ? version.riskTier : null;
        const selection = selectPolicy(await this.policies.listForState(tx, input.toState), input.toState, tier);
        if (!selection.ok) refuse(selection.code, selection.reason);
        const snapshot: PolicySnapshot = {
          policyId: selection.policy.id,
          toState: input.toState,
          riskTier: selection.policy.riskTier as PolicySnapshot['riskTier'],
          revision: selection.policy.revision,
          requirements: selection.policy.requirements as Requirement[],
          modelRiskTier: tier,
        };

        // A stale request past its expiry must not block a new one: close it first (the sweeper may not have run yet).
        await this.deps.expiry.expireChangeRequests(tx, now, ctx, version.id);
        const request = await this.requests.open(tx, {
          modelVersionId: version.id,
          fromState: from,
          toState: input.toState,
          replacesVersionId: input.replacesVersionId ?? null,
          requesterId: actor.id,
          requesterPersonId: actor.personId,
          requesterName: displayNameOf(actor),
          requesterRoles: [...actor.roles],
          justification,
          evidence,
          policySnapshot: snapshot as unknown as Record<string, unknown>,
          ownersAtRequest: (await ownersOf(tx, version)) as unknown as Record<string, unknown>,
          expiresAt: new Date(now.getTime() + this.deps.changeRequestTtlDays * DAY_MS),
          createdAt: now,
        });
        if (!request) refuse('REQUEST_ALREADY_OPEN', 'This version already has an open change request; decide on or cancel it first.');
        await this.deps.audit.record(tx, {
          actor,
          action: 'change_request.opened',
          entityKind: 'change_request',
          entityId: request.id,
          after: {
            modelVersionId: version.id,
            fromState: from,
            toState: input.toState,
            replacesVersionId: request.replacesVersionId,
            justification,
            evidence,
            policy: describeRequirements(snapshot.requirements),
            policyRevision: snapshot.revision,
            expiresAt: request.expiresAt.toISOString(),
          },
          requestId: ctx.requestId,
        });
        return { ok: true, request };
      }),
    );
    if (result.ok) this.deps.logger.info({ changeRequestId: result.request.id, toState: result.request.toState }, 'change request opened');
    return result;
  }

  /** Withdraws a pending request (its requester, or ADMIN). */
  async cancelChangeRequest(id: string, actor: Principal, ctx: CallContext = {}): Promise<WithdrawResult> {
    return refusable<WithdrawResult, WithdrawRefusal>(() =>
      this.deps.db.transaction(async (tx): Promise<WithdrawResult> => {
        const request = await this.requests.lockById(tx, id);
        if (!request) throw new NotFoundError(`Change request ${id} does not exist.`);
        if (requestParty(request) !== partyOf(actor) && !actor.roles.includes('ADMIN')) {
          refuse('NOT_REQUESTER', 'Only the requester or an ADMIN can cancel a change request.');
        }
        if (request.status !== 'PENDING') refuseNotPending(request);
        const cancelled = await this.requests.close(tx, id, { status: 'CANCELLED', decidedAt: this.deps.now(), statusReason: `Cancelled by ${displayNameOf(actor)}.` });
        await this.deps.audit.record(tx, { actor, action: 'change_request.cancelled', entityKind: 'change_request', entityId: id, before: { status: 'PENDING' }, after: { status: 'CANCELLED' }, requestId: ctx.requestId });
        return { ok: true, request: cancelled };
      }),
    );
  }

  private async checkReplaced(tx: Tx, version: VersionContext, input: LifecycleTransitionInput): Promise<void> {
    const problem = (message: string) => new InputError('replacesVersionId is not valid.', [{ path: 'replacesVersionId', message }]);
    if (input.toState !== 'PRODUCTION') throw problem('Only a promotion to PRODUCTION can replace another version.');
    if (input.replacesVersionId === version.id) throw problem('A version cannot replace itself.');
    const replaced = await this.requests.versionContext(tx, input.replacesVersionId!);
    if (!replaced || replaced.modelId === null || replaced.modelId !== version.modelId) throw problem('The replaced version must be another version of the same model.');
    if (replaced.lifecycleState !== 'PRODUCTION') throw problem(`The replaced version is in ${replaced.lifecycleState}, not PRODUCTION.`);
  }
}

/** Refuses a decision or withdrawal on a request that is no longer open. */
export function refuseNotPending(request: Pick<ChangeRequestRecord, 'status'>): never {
  refuse('REQUEST_NOT_PENDING', `The change request is ${request.status}, no longer open for decisions.`, { status: request.status });
}

function validateRequestInput(input: LifecycleTransitionInput): { justification: string; evidence: Evidence[] } {
  const problems: FieldProblem[] = [];
  if (!isLifecycleState(input.toState)) problems.push({ path: 'toState', message: `Unknown lifecycle state ${String(input.toState)}.` });
  const justification = input.justification?.trim() ?? '';
  if (!justification) problems.push({ path: 'justification', message: 'Say why this change is needed.' });
  const evidence = (input.evidence ?? []).map((e) => ({ title: e.title?.trim() ?? '', url: e.url?.trim() ?? '' }));
  if (evidence.length > TEXT_LIMITS.evidenceLinks) problems.push({ path: 'evidence', message: `At most ${TEXT_LIMITS.evidenceLinks} links.` });
  const long = [tooLong('justification', justification, TEXT_LIMITS.justification)];
  evidence.forEach((e, i) => {
    if (!e.title) problems.push({ path: `evidence.${i}.title`, message: 'Required.' });
    else long.push(tooLong(`evidence.${i}.title`, e.title, TEXT_LIMITS.evidenceTitle));
    if (!isHttpUrl(e.url)) problems.push({ path: `evidence.${i}.url`, message: 'Must be an http(s) URL.' });
    else long.push(tooLong(`evidence.${i}.url`, e.url, TEXT_LIMITS.evidenceUrl));
  });
  problems.push(...long.filter((p): p is FieldProblem => p !== null));
  if (problems.length) throw new InputError('The change request is not valid.', problems);
  return { justification, evidence };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
