import type { Tx } from '../db/client.js';
import { displayNameOf, hasAnyRole, systemPrincipal, type Principal } from '../auth/principal.js';
import { InputError, NotFoundError } from '../errors.js';
import type { AuditAnchor } from '../audit/checkpointer.js';
import { APPROVER_ROLES, slotsFor } from './policies.js';
import { ChangeRequestRepository, type VersionContext } from './change-request.repository.js';
import { chooseSlot, type SodCode } from './segregation.js';
import { snapshotOf } from './change-request.js';
import { applyChangeRequest } from './apply-change.js';
import { actorOf, approvalParty, independenceOf, ownersOf, partyOf, requestParty, type OwnersAtRequest } from './parties.js';
import { checkComment, type CallContext, type EnqueueWriteBack, type GovernanceDeps } from './governance-deps.js';
import { refusable, refuse, type Refused, type RequestResult } from './refusal.js';
import { refuseNotPending } from './change-request.service.js';
import type { ChangeRequestRecord } from './records.js';

/** Why a decision was not taken: the request is closed (or found closed now), or segregation of duties forbids it. */
export type DecisionRefusal = 'REQUEST_NOT_PENDING' | 'REQUEST_EXPIRED' | 'REQUEST_SUPERSEDED' | 'SELF_APPROVAL' | SodCode;
export type DecisionResult = RequestResult<ChangeRequestRecord, DecisionRefusal>;

export interface DecisionServiceDeps extends GovernanceDeps {
  enqueueWriteBack: EnqueueWriteBack;
  /** Signs a checkpoint of the audit chain after every applied change (absent: no signing key configured). */
  anchor?: AuditAnchor;
}

/** A request found closed while being decided on: committed as closed, then reported to the caller. */
type Closed = { closed: 'EXPIRED' | 'SUPERSEDED'; reason: string };

/**
 * Decisions on change requests and their segregation of duties (segregation.ts): each fills one slot of the policy
 * snapshot; the last approval applies the change exactly once (apply-change.ts), in the decision's transaction.
 */
export class DecisionService {
  private readonly requests = new ChangeRequestRepository();

  constructor(private readonly deps: DecisionServiceDeps) {}

  /** Fills one slot with an approval; the last one applies the change (see applyChangeRequest). */
  async approveChangeRequest(id: string, comment: string | null | undefined, actor: Principal, ctx: CallContext = {}): Promise<DecisionResult> {
    return this.decide(id, 'APPROVE', checkComment(comment?.trim() || null), actor, ctx);
  }

  /**
   * Rejects a request (a comment saying why is required). Final. A holder of a role the request needs may reject it
   * even after that role's slots are filled: a VALIDATOR who finds a problem late can still stop it.
   */
  async rejectChangeRequest(id: string, comment: string, actor: Principal, ctx: CallContext = {}): Promise<DecisionResult> {
    const reason = comment?.trim();
    if (!reason) throw new InputError('A rejection needs a comment saying why.', [{ path: 'comment', message: 'Required.' }]);
    return this.decide(id, 'REJECT', checkComment(reason), actor, ctx);
  }

  private async decide(id: string, decision: 'APPROVE' | 'REJECT', comment: string | null, actor: Principal, ctx: CallContext): Promise<DecisionResult> {
    const now = this.deps.now();
    type Outcome = { request: ChangeRequestRecord; applied: boolean } | Closed;
    const outcome = await refusable<Outcome, DecisionRefusal>(() =>
      this.deps.db.transaction(async (tx): Promise<Outcome> => {
        // The row lock serialises every decision on this request: concurrent approvals see each other's slots.
        const request = await this.requests.lockById(tx, id);
        if (!request) throw new NotFoundError(`Change request ${id} does not exist.`);
        if (request.status !== 'PENDING') refuseNotPending(request);
        // Checked before anything else so the requester hears SELF_APPROVAL, not that they lack an approver role.
        if (partyOf(actor) === requestParty(request)) refuse('SELF_APPROVAL', 'You opened this request; someone else must decide on it.');
        if (!hasAnyRole(actor, APPROVER_ROLES)) refuse('ROLE_REQUIRED', `Only ${APPROVER_ROLES.join(', ')} may decide on change requests.`);
        const version = await this.requests.versionContext(tx, request.modelVersionId, { lock: true });
        const closed = closeReason(request, version, now);
        if (closed) {
          await this.close(tx, request, closed, now, ctx);
          return closed;
        }
        const decisions = await this.requests.approvalsOf(tx, [id]);
        const slots = slotsFor(snapshotOf(request).requirements);
        const choice = chooseSlot({
          actor: await actorOf(tx, actor),
          requesterParty: requestParty(request),
          slots,
          decisions: decisions.map((d) => ({ party: approvalParty(d), slotRole: d.slotRole, slotIndex: d.slotIndex })),
          independence: independenceOf(request.ownersAtRequest as OwnersAtRequest, await ownersOf(tx, version!)),
          decision,
        });
        if (!choice.ok) refuse(choice.code, choice.reason);
        const conflict = await this.requests.insertApproval(tx, {
          changeRequestId: request.id,
          decision,
          slotRole: choice.slot.role,
          slotIndex: choice.slot.index,
          approverId: actor.id,
          approverPersonId: actor.personId,
          approverName: displayNameOf(actor),
          approverRoles: [...actor.roles],
          requesterId: request.requesterId,
          requesterPersonId: request.requesterPersonId,
          comment,
          createdAt: now,
        });
        if (conflict) refuse(conflict, CONFLICT_MESSAGES[conflict](choice.slot.role));
        // approverId: the person the approval row names, recorded so the state replay can check the row against it.
        const slotFacts = { decision, slotRole: choice.slot.role, slotIndex: choice.slot.index, approverId: actor.id, comment };
        if (decision === 'REJECT') {
          const rejected = await this.requests.close(tx, id, { status: 'REJECTED', decidedAt: now, statusReason: comment });
          await this.deps.audit.record(tx, { actor, action: 'change_request.rejected', entityKind: 'change_request', entityId: id, before: { status: 'PENDING' }, after: { status: 'REJECTED', ...slotFacts }, requestId: ctx.requestId });
          return { request: rejected, applied: false };
        }
        await this.deps.audit.record(tx, { actor, action: 'change_request.approved', entityKind: 'change_request', entityId: id, after: slotFacts, requestId: ctx.requestId });
        if (decisions.filter((d) => d.slotIndex !== null).length + 1 < slots.length) return { request, applied: false };
        await applyChangeRequest(tx, this.deps, { request, version: version!, actor, now, requestId: ctx.requestId });
        return { request: (await this.requests.findById(tx, id))!, applied: true };
      }),
    );
    if ('ok' in outcome) return outcome;
    if ('closed' in outcome) return closedRefusal(outcome);
    if (outcome.applied) {
      this.deps.logger.info({ changeRequestId: id, toState: outcome.request.toState }, 'change request applied');
      // After commit, so the checkpoint covers the applied change's own audit events.
      await this.deps.anchor?.checkpoint('change_request.applied');
      await this.enqueueWriteBack(id);
    }
    return { ok: true, request: outcome.request };
  }

  private async close(tx: Tx, request: ChangeRequestRecord, closed: Closed, now: Date, ctx: CallContext): Promise<void> {
    await this.requests.close(tx, request.id, { status: closed.closed, decidedAt: now, statusReason: closed.reason });
    await this.deps.audit.record(tx, {
      actor: systemPrincipal('governance'),
      action: `change_request.${closed.closed.toLowerCase()}`,
      entityKind: 'change_request',
      entityId: request.id,
      before: { status: 'PENDING' },
      after: { status: closed.closed, reason: closed.reason },
      requestId: ctx.requestId,
    });
  }

  /** After commit. A lost enqueue is not lost work: the outbox sweeper (WriteBackService.pendingDue) finds the row. */
  private async enqueueWriteBack(id: string): Promise<void> {
    try {
      await this.deps.enqueueWriteBack(id);
    } catch (error) {
      this.deps.logger.warn({ changeRequestId: id, err: error }, 'write-back enqueue failed; the outbox sweeper will pick it up');
    }
  }
}

const CONFLICT_MESSAGES: Record<'DUPLICATE_APPROVER' | 'NO_OPEN_SLOT' | 'SELF_APPROVAL' | 'ROLE_REQUIRED', (role: string) => string> = {
  DUPLICATE_APPROVER: () => 'You have already filled a slot of this request.',
  NO_OPEN_SLOT: () => 'That slot has just been filled by someone else.',
  SELF_APPROVAL: () => 'You opened this request; someone else must decide on it.',
  ROLE_REQUIRED: (role) => `Filling this slot needs the ${role} role.`,
};

function closedRefusal(outcome: Closed): Refused<DecisionRefusal> {
  return { ok: false, refusal: { code: outcome.closed === 'EXPIRED' ? 'REQUEST_EXPIRED' : 'REQUEST_SUPERSEDED', message: outcome.reason } };
}

/** Why a pending request can no longer be applied, checked under lock just before a decision. */
function closeReason(request: ChangeRequestRecord, version: VersionContext | undefined, now: Date): Closed | null {
  if (request.expiresAt.getTime() <= now.getTime()) return { closed: 'EXPIRED', reason: 'The request was not decided before it expired.' };
  if (!version || version.deletedAt) return { closed: 'SUPERSEDED', reason: 'The version no longer exists at the vendor (tombstoned).' };
  if (version.lifecycleState !== request.fromState) {
    return { closed: 'SUPERSEDED', reason: `The version moved to ${version.lifecycleState} after the request was opened from ${request.fromState}.` };
  }
  return null;
}
