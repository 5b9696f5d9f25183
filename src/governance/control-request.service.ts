import type { Tx } from '../db/client.js';
import { displayNameOf, hasAnyRole, systemPrincipal, type Principal } from '../auth/principal.js';
import { InputError, NotAllowedError, NotFoundError, type FieldProblem } from '../errors.js';
import { describeRequirements, validatePolicy, type PolicyDefinition, type RiskTier } from './policies.js';
import { CONTROL_APPROVER, CONTROL_REQUESTERS, validateRoleGrant, validateTier, type ControlKind } from './controls.js';
import { applyControlRequest } from './apply-control.js';
import { findPersonByEmail, findPersonById } from '../people/people.repository.js';
import { ControlRequestRepository, type ControlRequestFilter } from './control-request.repository.js';
import { ModelAttributesRepository } from './model-attributes.repository.js';
import { PolicyRepository } from './policy.repository.js';
import type { ControlRequestRecord } from './records.js';
import type { ForwardPage as Page } from '../page.js';
import type { ChangeRequestKey } from './change-request.repository.js';
import { partyOf, requestParty } from './parties.js';
import { TEXT_LIMITS, tooLong } from './limits.js';
import { DAY_MS, type CallContext, type GovernanceDeps } from './governance-deps.js';
import { refusable, refuse, type RequestResult } from './refusal.js';

export interface ControlRequestServiceDeps extends GovernanceDeps {
  changeRequestTtlDays: number;
}

/** Why a control request was not opened: it would change nothing, or an open one already targets the same thing. */
export type OpenControlRefusal = 'NO_CHANGE' | 'REQUEST_ALREADY_OPEN';
/** Why a decision on a control request was not taken. */
export type ControlDecisionRefusal = 'REQUEST_NOT_PENDING' | 'SELF_APPROVAL' | 'SELF_GRANT' | 'ROLE_REQUIRED' | 'REQUEST_EXPIRED' | 'REQUEST_SUPERSEDED';
/** Why a control request could not be withdrawn. */
export type WithdrawControlRefusal = 'NOT_REQUESTER' | 'REQUEST_NOT_PENDING';

export type OpenControlResult = RequestResult<ControlRequestRecord, OpenControlRefusal>;
export type ControlDecisionResult = RequestResult<ControlRequestRecord, ControlDecisionRefusal>;
export type WithdrawControlResult = RequestResult<ControlRequestRecord, WithdrawControlRefusal>;

type Closed = { closed: 'EXPIRED' | 'SUPERSEDED'; reason: string };

/**
 * Changes to the controls themselves, under four eyes (ARCHITECTURE §5): a policy change, a lowered or cleared risk
 * tier, a moved or cleared accountable owner, a grant of VALIDATOR, RISK_OFFICER or ADMIN. One person opens a
 * control request; a different person holding the kind's approver role (controls.ts) approves or rejects it; an
 * approval applies it exactly once (apply-control.ts), in the decision's transaction, audited. A request whose
 * target moved since it was opened is superseded rather than applied over a value nobody reviewed.
 */
export class ControlRequestService {
  private readonly requests = new ControlRequestRepository();
  private readonly models = new ModelAttributesRepository();
  private readonly policies = new PolicyRepository();

  constructor(private readonly deps: ControlRequestServiceDeps) {}

  async requestPolicyChange(input: PolicyDefinition, justification: string, actor: Principal, ctx: CallContext = {}): Promise<OpenControlResult> {
    requireRequester(actor, 'POLICY_CHANGE');
    const problems = [...validatePolicy(input), ...justificationProblems(justification)];
    if (problems.length) throw new InputError('The policy change is not valid.', problems);
    return this.open(actor, ctx, async (tx) => {
      const current = await this.currentPolicy(tx, input.toState, input.riskTier);
      return {
        kind: 'POLICY_CHANGE',
        targetKey: `${input.toState}/${input.riskTier}`,
        modelId: null,
        proposed: { toState: input.toState, riskTier: input.riskTier, requirements: input.requirements.map((r) => ({ role: r.role, count: r.count })) },
        before: current,
        justification: justification.trim(),
        summary: `policy ${input.toState}/${input.riskTier} → ${describeRequirements(input.requirements)}`,
      };
    });
  }

  async requestRiskTierChange(modelId: string, riskTier: RiskTier | null, justification: string, actor: Principal, ctx: CallContext = {}): Promise<OpenControlResult> {
    requireRequester(actor, 'RISK_TIER_CHANGE');
    const problems = [...validateTier(riskTier), ...justificationProblems(justification)];
    if (problems.length) throw new InputError('The risk tier change is not valid.', problems);
    return this.open(actor, ctx, async (tx) => {
      const model = await this.lockModel(tx, modelId);
      if (model.riskTier === riskTier) refuse('NO_CHANGE', `The model's risk tier is already ${riskTier ?? 'unset'}.`);
      return { kind: 'RISK_TIER_CHANGE', targetKey: modelId, modelId, proposed: { riskTier }, before: { riskTier: model.riskTier }, justification: justification.trim(), summary: `risk tier ${model.riskTier ?? 'none'} → ${riskTier ?? 'none'}` };
    });
  }

  /**
   * Asks to move (or, with neither given, clear) a model's accountable owner: a person by id (recorded with their
   * email), or a text owner, which becomes a person where a person has that email.
   */
  async requestOwnerChange(
    modelId: string,
    owner: { personId?: string | null; text?: string | null },
    justification: string,
    actor: Principal,
    ctx: CallContext = {},
  ): Promise<OpenControlResult> {
    requireRequester(actor, 'OWNER_CHANGE');
    const given = owner.text?.trim() || null;
    const problems = [...justificationProblems(justification)];
    const long = tooLong('accountableOwner', given, TEXT_LIMITS.evidenceTitle);
    if (long) problems.push(long);
    if (owner.personId && given) problems.push({ path: 'accountableOwner', message: 'Give a person or a text owner, not both.' });
    if (problems.length) throw new InputError('The owner change is not valid.', problems);
    return this.open(actor, ctx, async (tx) => {
      const model = await this.lockModel(tx, modelId);
      let next: { accountableOwner: string | null; accountableOwnerPersonId: string | null } = { accountableOwner: given, accountableOwnerPersonId: null };
      if (owner.personId) {
        const person = await findPersonById(tx, owner.personId);
        if (!person || !person.active) throw new NotFoundError(`Person ${owner.personId} does not exist or is inactive.`);
        next = { accountableOwner: person.email, accountableOwnerPersonId: person.id };
      } else if (given) {
        next.accountableOwnerPersonId = (await findPersonByEmail(tx, given))?.id ?? null;
      }
      const before = { accountableOwner: model.accountableOwner, accountableOwnerPersonId: model.accountableOwnerPersonId };
      if (before.accountableOwner === next.accountableOwner && before.accountableOwnerPersonId === next.accountableOwnerPersonId) {
        refuse('NO_CHANGE', `The model's accountable owner is already ${next.accountableOwner ?? 'unset'}.`);
      }
      return { kind: 'OWNER_CHANGE', targetKey: modelId, modelId, proposed: next, before, justification: justification.trim(), summary: `accountable owner ${before.accountableOwner ?? 'none'} → ${next.accountableOwner ?? 'none'}` };
    });
  }

  async requestRoleGrant(personId: string, role: string, justification: string, actor: Principal, ctx: CallContext = {}): Promise<OpenControlResult> {
    requireRequester(actor, 'ROLE_GRANT');
    const problems = [...validateRoleGrant(role), ...justificationProblems(justification)];
    if (problems.length) throw new InputError('The role grant is not valid.', problems);
    return this.open(actor, ctx, async (tx) => {
      const person = await findPersonById(tx, personId);
      if (!person || !person.active || person.breakGlass) throw new NotFoundError(`Person ${personId} does not exist or is inactive.`);
      if (person.roles.includes(role)) refuse('NO_CHANGE', `${person.displayName} already holds ${role}.`);
      return { kind: 'ROLE_GRANT', targetKey: `${personId}/${role}`, modelId: null, proposed: { personId, role }, before: { roles: person.roles }, justification: justification.trim(), summary: `grant ${role} to ${person.displayName}` };
    });
  }

  /** Approves (applying it) or rejects a control request: a person other than the requester, holding its approver role. */
  async decideControlRequest(id: string, decision: 'APPROVE' | 'REJECT', comment: string | null | undefined, actor: Principal, ctx: CallContext = {}): Promise<ControlDecisionResult> {
    const text = comment?.trim() || null;
    if (decision === 'REJECT' && !text) throw new InputError('A rejection needs a comment saying why.', [{ path: 'comment', message: 'Required.' }]);
    const long = tooLong('comment', text, TEXT_LIMITS.comment);
    if (long) throw new InputError(`A comment may be at most ${TEXT_LIMITS.comment} characters.`, [long]);
    const now = this.deps.now();
    const outcome = await refusable<ControlRequestRecord | Closed, ControlDecisionRefusal>(() => this.deps.db.transaction(async (tx): Promise<ControlRequestRecord | Closed> => {
      const request = await this.requests.lockById(tx, id);
      if (!request) throw new NotFoundError(`Control request ${id} does not exist.`);
      if (request.status !== 'PENDING') refuse('REQUEST_NOT_PENDING', `The control request is ${request.status}, no longer open for decisions.`, { status: request.status });
      if (partyOf(actor) === requestParty(request)) refuse('SELF_APPROVAL', 'You opened this request; someone else must decide on it.');
      if (request.kind === 'ROLE_GRANT' && (request.proposed as { personId: string }).personId === actor.personId) {
        refuse('SELF_GRANT', 'This grant is for you; an ADMIN other than you and the requester must decide on it.');
      }
      if (!actor.roles.includes(request.approverRole as never)) {
        refuse('ROLE_REQUIRED', `A ${request.kind} request is decided by a ${request.approverRole} other than its requester.`, { requiredRole: request.approverRole });
      }
      const closed = await this.closeReason(tx, request, now);
      if (closed) {
        await this.close(tx, request, closed, now, ctx.requestId);
        return closed;
      }
      if (decision === 'APPROVE') {
        await applyControlRequest(tx, this.deps, { request, actor, now, decisionComment: text, requestId: ctx.requestId });
      } else {
        await this.requests.close(tx, id, { status: 'REJECTED', decidedAt: now, statusReason: text, deciderId: actor.id, deciderPersonId: actor.personId, deciderName: displayNameOf(actor), deciderRoles: [...actor.roles], decisionComment: text });
        await this.deps.audit.record(tx, { actor, action: 'control_request.rejected', entityKind: 'control_request', entityId: id, before: { status: 'PENDING' }, after: { status: 'REJECTED', kind: request.kind, comment: text }, requestId: ctx.requestId });
      }
      return (await this.requests.findByIds(tx, [id]))[0];
    }));
    if ('ok' in outcome) return outcome;
    if ('closed' in outcome) return { ok: false, refusal: { code: outcome.closed === 'EXPIRED' ? 'REQUEST_EXPIRED' : 'REQUEST_SUPERSEDED', message: outcome.reason } };
    this.deps.logger.info({ controlRequestId: id, kind: outcome.kind, status: outcome.status }, 'control request decided');
    return { ok: true, request: outcome };
  }

  /** Withdraws a pending control request (its requester, or an ADMIN). */
  async cancelControlRequest(id: string, actor: Principal, ctx: CallContext = {}): Promise<WithdrawControlResult> {
    return refusable<WithdrawControlResult, WithdrawControlRefusal>(() => this.deps.db.transaction(async (tx): Promise<WithdrawControlResult> => {
      const request = await this.requests.lockById(tx, id);
      if (!request) throw new NotFoundError(`Control request ${id} does not exist.`);
      if (requestParty(request) !== partyOf(actor) && !actor.roles.includes('ADMIN')) refuse('NOT_REQUESTER', 'Only the requester or an ADMIN can cancel a control request.');
      if (request.status !== 'PENDING') refuse('REQUEST_NOT_PENDING', `The control request is ${request.status}, no longer open.`, { status: request.status });
      const cancelled = await this.requests.close(tx, id, { status: 'CANCELLED', decidedAt: this.deps.now(), statusReason: `Cancelled by ${displayNameOf(actor)}.` });
      await this.deps.audit.record(tx, { actor, action: 'control_request.cancelled', entityKind: 'control_request', entityId: id, before: { status: 'PENDING' }, after: { status: 'CANCELLED' }, requestId: ctx.requestId });
      return { ok: true, request: cancelled };
    }));
  }

  /** Closes every PENDING control request past its expiry as EXPIRED, in the caller's transaction. Returns how many. */
  async expireDue(tx: Tx, now: Date): Promise<number> {
    const reason = 'The request was not decided before it expired.';
    const expired = await this.requests.expirePending(tx, now, reason);
    await this.deps.audit.record(
      tx,
      expired.map((id) => ({
        actor: systemPrincipal('governance'),
        action: 'control_request.expired',
        entityKind: 'control_request',
        entityId: id,
        before: { status: 'PENDING' },
        after: { status: 'EXPIRED', reason },
      })),
    );
    return expired.length;
  }

  async list(filter: ControlRequestFilter, page: { first: number; after?: ChangeRequestKey | null }): Promise<Page<ControlRequestRecord>> {
    return this.requests.list(this.deps.db, filter, page);
  }

  async byIds(ids: readonly string[]): Promise<Array<ControlRequestRecord | null>> {
    const rows = await this.requests.findByIds(this.deps.db, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────────────────────────────

  private async open(
    actor: Principal,
    ctx: CallContext,
    build: (tx: Tx) => Promise<{ kind: ControlKind; targetKey: string; modelId: string | null; proposed: Record<string, unknown>; before: Record<string, unknown>; justification: string; summary: string }>,
  ): Promise<OpenControlResult> {
    const now = this.deps.now();
    return refusable<OpenControlResult, OpenControlRefusal>(() => this.deps.db.transaction(async (tx): Promise<OpenControlResult> => {
      const spec = await build(tx);
      const row = await this.requests.open(tx, {
        kind: spec.kind,
        targetKey: spec.targetKey,
        modelId: spec.modelId,
        proposed: spec.proposed,
        before: spec.before,
        requesterId: actor.id,
        requesterPersonId: actor.personId,
        requesterName: displayNameOf(actor),
        requesterRoles: [...actor.roles],
        justification: spec.justification,
        approverRole: CONTROL_APPROVER[spec.kind],
        expiresAt: new Date(now.getTime() + this.deps.changeRequestTtlDays * DAY_MS),
        createdAt: now,
      });
      if (!row) refuse('REQUEST_ALREADY_OPEN', 'An open control request already targets this; decide on or cancel it first.');
      await this.deps.audit.record(tx, {
        actor,
        action: 'control_request.opened',
        entityKind: 'control_request',
        entityId: row.id,
        after: { kind: spec.kind, target: spec.targetKey, proposed: spec.proposed, before: spec.before, justification: spec.justification, approverRole: row.approverRole, summary: spec.summary },
        requestId: ctx.requestId,
      });
      return { ok: true, request: row };
    }));
  }

  private async lockModel(tx: Tx, modelId: string) {
    const model = await this.models.lock(tx, modelId);
    if (!model) throw new NotFoundError(`Model ${modelId} does not exist.`);
    return model;
  }

  private async currentPolicy(tx: Tx, toState: string, riskTier: string): Promise<Record<string, unknown>> {
    const row = await this.policies.lock(tx, toState, riskTier);
    return row ? { requirements: row.requirements, revision: row.revision } : { requirements: null, revision: 0 };
  }

  /** Expired, or the controlled value moved since the request was opened (so nobody reviewed the change from it). */
  private async closeReason(tx: Tx, request: ControlRequestRecord, now: Date): Promise<Closed | null> {
    if (request.expiresAt.getTime() <= now.getTime()) return { closed: 'EXPIRED', reason: 'The request was not decided before it expired.' };
    const before = request.before as Record<string, unknown>;
    if (request.kind === 'POLICY_CHANGE') {
      const { toState, riskTier } = request.proposed as { toState: string; riskTier: string };
      const current = await this.currentPolicy(tx, toState, riskTier);
      if (current.revision !== before.revision) return { closed: 'SUPERSEDED', reason: `The policy ${toState}/${riskTier} changed after this request was opened.` };
    }
    if (request.kind === 'RISK_TIER_CHANGE' || request.kind === 'OWNER_CHANGE') {
      const fields = request.kind === 'RISK_TIER_CHANGE' ? (['riskTier'] as const) : (['accountableOwner', 'accountableOwnerPersonId'] as const);
      const model = await this.lockModel(tx, request.modelId!);
      if (fields.some((f) => model[f] !== (before[f] ?? null))) return { closed: 'SUPERSEDED', reason: `The model's ${fields[0]} changed after this request was opened.` };
    }
    if (request.kind === 'ROLE_GRANT') {
      const { personId } = request.proposed as { personId: string };
      const person = await findPersonById(tx, personId);
      if (!person || !person.active) return { closed: 'SUPERSEDED', reason: 'The person was deactivated after this request was opened.' };
    }
    return null;
  }

  private async close(tx: Tx, request: ControlRequestRecord, closed: Closed, now: Date, requestId?: string | null): Promise<void> {
    await this.requests.close(tx, request.id, { status: closed.closed, decidedAt: now, statusReason: closed.reason });
    await this.deps.audit.record(tx, {
      actor: systemPrincipal('governance'),
      action: `control_request.${closed.closed.toLowerCase()}`,
      entityKind: 'control_request',
      entityId: request.id,
      before: { status: 'PENDING' },
      after: { status: closed.closed, reason: closed.reason },
      requestId: requestId ?? null,
    });
  }
}

function requireRequester(actor: Principal, kind: ControlKind): void {
  const roles = CONTROL_REQUESTERS[kind];
  if (!hasAnyRole(actor, roles)) throw new NotAllowedError(`Only ${roles.join(', ')} may ask for a ${kind}.`, 'ROLE_REQUIRED');
}

function justificationProblems(justification: string | null | undefined): FieldProblem[] {
  const text = justification?.trim() ?? '';
  if (!text) return [{ path: 'justification', message: 'Say why this change is needed.' }];
  const long = tooLong('justification', text, TEXT_LIMITS.justification);
  return long ? [long] : [];
}
