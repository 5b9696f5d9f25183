import { and, eq, inArray, lte, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { approvals, changeRequests, models, type ApprovalRow, type ChangeRequestRow, type ModelRow, type PolicyRow } from '../db/schema/index.js';
import { displayNameOf, hasAnyRole, systemPrincipal, type Principal, type Role } from '../auth/principal.js';
import { ConflictError, InputError, NotAllowedError, NotFoundError, type FieldProblem } from '../errors.js';
import { pgError } from '../db/sql.js';
import type { Logger } from '../logger.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { AuditAnchor } from '../audit/checkpointer.js';
import { checkTransition, isLifecycleState, type LifecycleState } from './lifecycle.js';
import { ANY_TIER, APPROVER_ROLES, isRiskTier, selectPolicy, slotsFor, validatePolicy, describeRequirements, type PolicyDefinition, type PolicySnapshot, type Requirement, type RiskTier } from './policies.js';
import { PolicyRepository } from './policy.repository.js';
import { ChangeRequestRepository, type ChangeRequestFilter, type ChangeRequestKey, type VersionContext } from './change-request.repository.js';
import type { ForwardPage } from '../page.js';
import { chooseSlot } from './segregation.js';
import { snapshotOf, type Evidence } from './change-request.js';
import { applyChangeRequest } from './apply-change.js';
import { TEXT_LIMITS, tooLong } from './limits.js';
import { CONTROL_MUTATION, ownerChangeTightens, policyChangeTightens, tierChangeTightens } from './controls.js';
import { supersedePendingOfModel } from './apply-control.js';
import { CLASSIFIER_ROLES, REQUESTER_ROLES } from './roles.js';
import { ControlRequestService } from './control-request.service.js';
import { findPersonByEmail } from '../people/people.repository.js';
import { actorOf, approvalParty, independenceOf, ownersOf, partyOf, requestParty, type OwnersAtRequest } from './parties.js';

/** Asks the job layer to deliver an applied request's write-back (the composition root passes the job layer's). */
export type EnqueueWriteBack = (changeRequestId: string) => Promise<void>;

export interface GovernanceServiceDeps {
  db: Db;
  audit: AuditRecorder;
  enqueueWriteBack: EnqueueWriteBack;
  /** Signs a checkpoint of the audit chain after every applied change (absent: no signing key configured). */
  anchor?: AuditAnchor;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How long a request stays open before it expires (ARCHITECTURE default 14). */
  changeRequestTtlDays: number;
  now?: () => Date;
}

/** Correlation for audit rows: the API request id (or job id) behind the call. */
export interface CallContext {
  requestId?: string | null;
}

export interface GovernanceAttributesPatch {
  /** Absent: unchanged; null: cleared. */
  riskTier?: RiskTier | null;
  businessUnit?: string | null;
  accountableOwner?: string | null;
}

export interface LifecycleTransitionInput {
  modelVersionId: string;
  toState: LifecycleState;
  justification: string;
  evidence: Evidence[];
  /** PRODUCTION only: the current PRODUCTION version of the same model, retired in the same change. */
  replacesVersionId?: string | null;
}


const DAY_MS = 86_400_000;

/** A request found closed while being decided on: committed as closed, then reported to the caller. */
type Closed = { closed: 'EXPIRED' | 'SUPERSEDED'; reason: string };

/**
 * Approval-gated lifecycle control (ARCHITECTURE §5): governance attributes, policies, change requests, decisions
 * and their segregation of duties, and the exactly-once application of an approved change.
 *
 * Refusals are thrown as domain errors carrying an `extensions.code`: NotAllowedError for who may not do something
 * (ROLE_REQUIRED, SELF_APPROVAL, DUPLICATE_APPROVER, OWNER_CANNOT_VALIDATE, NOT_REQUESTER), ConflictError for what
 * the state forbids (INVALID_TRANSITION, RISK_TIER_REQUIRED, NO_POLICY, REQUEST_NOT_PENDING, REQUEST_ALREADY_OPEN,
 * REQUEST_EXPIRED, REQUEST_SUPERSEDED, NO_OPEN_SLOT, VERSION_DELETED), InputError for malformed input.
 */
export class GovernanceService {
  private readonly policies = new PolicyRepository();
  private readonly requests = new ChangeRequestRepository();
  private readonly now: () => Date;
  /** Changes to the controls themselves (policies, lowered tiers, owners, role grants), under four eyes. */
  readonly controls: ControlRequestService;

  constructor(private readonly deps: GovernanceServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.controls = new ControlRequestService({ ...deps, now: this.now });
  }

  // ── Governance attributes ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Sets a model's risk tier, business unit and accountable owner (RISK_OFFICER, ADMIN). Audited; syncs never touch
   * them. Only what tightens applies here: the business unit, a raised tier or a first classification, a first owner.
   * Lowering or clearing a tier and moving or clearing an owner are refused with FOUR_EYES_REQUIRED naming the
   * request mutation (see controls.ts). A tier change supersedes the model's pending lifecycle requests.
   */
  async setModelGovernance(modelId: string, patch: GovernanceAttributesPatch, actor: Principal, ctx: CallContext = {}): Promise<ModelRow> {
    requireRole(actor, CLASSIFIER_ROLES, 'set governance attributes');
    if (patch.riskTier != null && !isRiskTier(patch.riskTier)) {
      throw new InputError('Unknown risk tier.', [{ path: 'riskTier', message: 'Use LOW, MEDIUM, HIGH or CRITICAL.' }]);
    }
    const longOwner = tooLong('accountableOwner', patch.accountableOwner, TEXT_LIMITS.evidenceTitle);
    const longUnit = tooLong('businessUnit', patch.businessUnit, TEXT_LIMITS.evidenceTitle);
    if (longOwner || longUnit) throw new InputError('A governance attribute is too long.', [longOwner, longUnit].filter((p): p is FieldProblem => p !== null));
    const clean = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());
    const next = { riskTier: patch.riskTier, businessUnit: clean(patch.businessUnit), accountableOwner: clean(patch.accountableOwner) };
    return this.deps.db.transaction(async (tx) => {
      const [model] = await tx.select().from(models).where(eq(models.id, modelId)).for('update');
      if (!model) throw new NotFoundError(`Model ${modelId} does not exist.`);
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const key of ['riskTier', 'businessUnit', 'accountableOwner'] as const) {
        if (next[key] !== undefined && next[key] !== model[key]) {
          before[key] = model[key];
          after[key] = next[key];
        }
      }
      if (Object.keys(after).length === 0) return model;
      if ('riskTier' in after && !tierChangeTightens(model.riskTier as RiskTier | null, after.riskTier as RiskTier | null)) {
        throw fourEyes('RISK_TIER_CHANGE', `Lowering or clearing a risk tier (${model.riskTier} → ${after.riskTier ?? 'none'}) needs a second RISK_OFFICER`);
      }
      if ('accountableOwner' in after) {
        const from = model.accountableOwner ?? model.accountableOwnerPersonId;
        if (!ownerChangeTightens(from, after.accountableOwner as string | null)) {
          throw fourEyes('OWNER_CHANGE', "Moving or clearing a model's accountable owner needs a second RISK_OFFICER");
        }
        // The owner as a person where the text is a person's email: who may not validate the model.
        after.accountableOwnerPersonId = (await findPersonByEmail(tx, after.accountableOwner as string))?.id ?? null;
      }
      const [updated] = await tx.update(models).set(after).where(eq(models.id, modelId)).returning();
      await this.deps.audit.record(tx, { actor, action: 'model.governance_updated', entityKind: 'model', entityId: modelId, before, after, requestId: ctx.requestId });
      if ('riskTier' in after) {
        await supersedePendingOfModel(tx, this.deps.audit, {
          modelId,
          reason: `The model's risk tier changed from ${model.riskTier ?? 'unclassified'} to ${after.riskTier}; open a new request under the policy of the new tier.`,
          actor,
          now: this.now(),
          requestId: ctx.requestId,
        });
      }
      return updated;
    });
  }

  // ── Policies ─────────────────────────────────────────────────────────────────────────────────────────────────

  async listPolicies(): Promise<PolicyRow[]> {
    return this.policies.list(this.deps.db);
  }

  /**
   * Creates or replaces the policy of (toState, riskTier) (ADMIN) when the change only tightens the policy in effect
   * (every approver asked for before still asked for, at least as often); anything else is refused with
   * FOUR_EYES_REQUIRED: use requestPolicyChange. Open requests keep the snapshot they were opened under.
   */
  async updatePolicy(input: PolicyDefinition, actor: Principal, ctx: CallContext = {}): Promise<PolicyRow> {
    requireRole(actor, ['ADMIN'], 'edit approval policies');
    const problems = validatePolicy(input);
    if (problems.length) throw new InputError('The policy is not valid.', problems);
    return this.deps.db.transaction(async (tx) => {
      const existing = await this.policies.lock(tx, input.toState, input.riskTier);
      const inEffect = existing ?? (input.riskTier === ANY_TIER ? undefined : await this.policies.lock(tx, input.toState, ANY_TIER));
      if (!policyChangeTightens(inEffect ? (inEffect.requirements as Requirement[]) : null, input.requirements)) {
        throw fourEyes('POLICY_CHANGE', `This policy change does not only tighten ${input.toState}/${input.riskTier}, so it needs a RISK_OFFICER other than you`);
      }
      const saved = await this.policies.save(tx, input, actor.id, this.now());
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

  // ── Change requests ──────────────────────────────────────────────────────────────────────────────────────────

  /** Opens a request to move a version (DATA_SCIENTIST, OPERATOR, ADMIN), under the policy that applies now. */
  async requestLifecycleTransition(input: LifecycleTransitionInput, actor: Principal, ctx: CallContext = {}): Promise<ChangeRequestRow> {
    requireRole(actor, REQUESTER_ROLES, 'request lifecycle transitions');
    const { justification, evidence } = validateRequestInput(input);
    const now = this.now();
    const opened = await this.deps.db.transaction(async (tx) => {
      const version = await this.requests.versionContext(tx, input.modelVersionId);
      if (!version) throw new NotFoundError(`Model version ${input.modelVersionId} does not exist.`);
      if (version.deletedAt) throw new ConflictError('The version no longer exists at the vendor (tombstoned); it cannot change state.', 'VERSION_DELETED');
      const from = version.lifecycleState as LifecycleState;
      const transition = checkTransition(from, input.toState);
      if (!transition.ok) throw new ConflictError(transition.reason, 'INVALID_TRANSITION', { from, to: input.toState });
      if (input.replacesVersionId) await this.checkReplaced(tx, version, input);

      const tier = version.riskTier && isRiskTier(version.riskTier) ? version.riskTier : null;
      const selection = selectPolicy(await this.policies.listForState(tx, input.toState), input.toState, tier);
      if (!selection.ok) throw new ConflictError(selection.reason, selection.code);
      const snapshot: PolicySnapshot = {
        policyId: selection.policy.id,
        toState: input.toState,
        riskTier: selection.policy.riskTier as PolicySnapshot['riskTier'],
        revision: selection.policy.revision,
        requirements: selection.policy.requirements as Requirement[],
        modelRiskTier: tier,
      };

      // A stale request past its expiry must not block a new one: close it first (the sweeper may not have run yet).
      await this.expireWhere(tx, and(eq(changeRequests.modelVersionId, version.id), eq(changeRequests.status, 'PENDING'), lte(changeRequests.expiresAt, now))!, now, ctx);
      let request: ChangeRequestRow;
      try {
        [request] = await tx
          .insert(changeRequests)
          .values({
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
          })
          .returning();
      } catch (error) {
        if (pgError(error)?.code === '23505') {
          throw new ConflictError('This version already has an open change request; decide on or cancel it first.', 'REQUEST_ALREADY_OPEN');
        }
        throw error;
      }
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
      return request;
    });
    this.deps.logger.info({ changeRequestId: opened.id, toState: opened.toState }, 'change request opened');
    return opened;
  }

  /** Fills one slot with an approval; the last one applies the change (see applyChangeRequest). */
  async approveChangeRequest(id: string, comment: string | null | undefined, actor: Principal, ctx: CallContext = {}): Promise<ChangeRequestRow> {
    return this.decide(id, 'APPROVE', checkComment(comment?.trim() || null), actor, ctx);
  }

  /**
   * Rejects a request (a comment saying why is required). Final. A holder of a role the request needs may reject it
   * even after that role's slots are filled: a VALIDATOR who finds a problem late can still stop it.
   */
  async rejectChangeRequest(id: string, comment: string, actor: Principal, ctx: CallContext = {}): Promise<ChangeRequestRow> {
    const reason = comment?.trim();
    if (!reason) throw new InputError('A rejection needs a comment saying why.', [{ path: 'comment', message: 'Required.' }]);
    return this.decide(id, 'REJECT', checkComment(reason), actor, ctx);
  }

  /** Withdraws a pending request (its requester, or ADMIN). */
  async cancelChangeRequest(id: string, actor: Principal, ctx: CallContext = {}): Promise<ChangeRequestRow> {
    return this.deps.db.transaction(async (tx) => {
      const request = await this.requests.lockById(tx, id);
      if (!request) throw new NotFoundError(`Change request ${id} does not exist.`);
      if (requestParty(request) !== partyOf(actor) && !actor.roles.includes('ADMIN')) {
        throw new NotAllowedError('Only the requester or an ADMIN can cancel a change request.', 'NOT_REQUESTER');
      }
      if (request.status !== 'PENDING') throw notPending(request);
      const [cancelled] = await tx
        .update(changeRequests)
        .set({ status: 'CANCELLED', decidedAt: this.now(), statusReason: `Cancelled by ${displayNameOf(actor)}.` })
        .where(eq(changeRequests.id, id))
        .returning();
      await this.deps.audit.record(tx, { actor, action: 'change_request.cancelled', entityKind: 'change_request', entityId: id, before: { status: 'PENDING' }, after: { status: 'CANCELLED' }, requestId: ctx.requestId });
      return cancelled;
    });
  }

  /** Closes every PENDING change and control request past its expiry as EXPIRED (the scheduler calls it). Returns how many. */
  async expireDueRequests(): Promise<number> {
    const now = this.now();
    const count = await this.deps.db.transaction(
      async (tx) => (await this.expireWhere(tx, and(eq(changeRequests.status, 'PENDING'), lte(changeRequests.expiresAt, now))!, now, {})) + (await this.controls.expireDue(tx, now)),
    );
    if (count > 0) this.deps.logger.info({ count }, 'change requests expired');
    return count;
  }

  // ── Queries ──────────────────────────────────────────────────────────────────────────────────────────────────

  async getChangeRequest(id: string): Promise<ChangeRequestRow | null> {
    return (await this.requests.findById(this.deps.db, id)) ?? null;
  }

  /** For DataLoader / node resolution: rows in the order of `ids`, null where absent. */
  async changeRequestsByIds(ids: readonly string[]): Promise<Array<ChangeRequestRow | null>> {
    const rows = await this.requests.findByIds(this.deps.db, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async listChangeRequests(filter: ChangeRequestFilter, page: { first: number; after?: ChangeRequestKey | null }, actor: Principal): Promise<ForwardPage<ChangeRequestRow>> {
    return this.requests.list(this.deps.db, filter, page, actor);
  }

  /** Decisions per request id (for DataLoader), oldest first. */
  async approvalsOf(changeRequestIds: readonly string[]): Promise<Map<string, ApprovalRow[]>> {
    const rows = await this.requests.approvalsOf(this.deps.db, changeRequestIds);
    const byRequest = new Map<string, ApprovalRow[]>(changeRequestIds.map((id) => [id, []]));
    for (const row of rows) byRequest.get(row.changeRequestId)?.push(row);
    return byRequest;
  }

  /** Every request per version id (for DataLoader), newest first; the open one, if any, is the first PENDING. */
  async changeRequestsOfVersions(versionIds: readonly string[]): Promise<Map<string, ChangeRequestRow[]>> {
    const rows = await this.requests.byVersions(this.deps.db, versionIds);
    const byVersion = new Map<string, ChangeRequestRow[]>(versionIds.map((id) => [id, []]));
    for (const row of rows) byVersion.get(row.modelVersionId)?.push(row);
    return byVersion;
  }

  /** Accountable owners as person ids, per model id (for DataLoader); models without one are absent. */
  async accountableOwnerPersonIds(modelIds: readonly string[]): Promise<Map<string, string>> {
    if (modelIds.length === 0) return new Map();
    const rows = await this.deps.db
      .select({ id: models.id, personId: models.accountableOwnerPersonId })
      .from(models)
      .where(inArray(models.id, [...modelIds]));
    return new Map(rows.filter((r) => r.personId !== null).map((r) => [r.id, r.personId!]));
  }

    // ── Internals ────────────────────────────────────────────────────────────────────────────────────────────────

  private async decide(id: string, decision: 'APPROVE' | 'REJECT', comment: string | null, actor: Principal, ctx: CallContext): Promise<ChangeRequestRow> {
    const now = this.now();
    const outcome = await this.deps.db.transaction(async (tx): Promise<{ request: ChangeRequestRow; applied: boolean } | Closed> => {
      // The row lock serialises every decision on this request: concurrent approvals see each other's slots.
      const request = await this.requests.lockById(tx, id);
      if (!request) throw new NotFoundError(`Change request ${id} does not exist.`);
      if (request.status !== 'PENDING') throw notPending(request);
      // Checked before anything else so the requester hears SELF_APPROVAL, not that they lack an approver role.
      if (partyOf(actor) === requestParty(request)) throw new NotAllowedError('You opened this request; someone else must decide on it.', 'SELF_APPROVAL');
      requireRole(actor, APPROVER_ROLES, 'decide on change requests');
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
      if (!choice.ok) {
        if (choice.code === 'NO_OPEN_SLOT') throw new ConflictError(choice.reason, choice.code);
        throw new NotAllowedError(choice.reason, choice.code);
      }
      await this.insertDecision(tx, { request, decision, slot: choice.slot, actor, comment, now });
      // approverId: the person the approval row names, recorded so the state replay can check the row against it.
      const slotFacts = { decision, slotRole: choice.slot.role, slotIndex: choice.slot.index, approverId: actor.id, comment };
      if (decision === 'REJECT') {
        const [rejected] = await tx
          .update(changeRequests)
          .set({ status: 'REJECTED', decidedAt: now, statusReason: comment })
          .where(eq(changeRequests.id, id))
          .returning();
        await this.deps.audit.record(tx, { actor, action: 'change_request.rejected', entityKind: 'change_request', entityId: id, before: { status: 'PENDING' }, after: { status: 'REJECTED', ...slotFacts }, requestId: ctx.requestId });
        return { request: rejected, applied: false };
      }
      await this.deps.audit.record(tx, { actor, action: 'change_request.approved', entityKind: 'change_request', entityId: id, after: slotFacts, requestId: ctx.requestId });
      if (decisions.filter((d) => d.slotIndex !== null).length + 1 < slots.length) return { request, applied: false };
      await applyChangeRequest(tx, this.deps, { request, version: version!, actor, now, requestId: ctx.requestId });
      return { request: (await this.requests.findById(tx, id))!, applied: true };
    });
    if ('closed' in outcome) {
      throw new ConflictError(outcome.reason, outcome.closed === 'EXPIRED' ? 'REQUEST_EXPIRED' : 'REQUEST_SUPERSEDED');
    }
    if (outcome.applied) {
      this.deps.logger.info({ changeRequestId: id, toState: outcome.request.toState }, 'change request applied');
      // After commit, so the checkpoint covers the applied change's own audit events.
      await this.deps.anchor?.checkpoint('change_request.applied');
      await this.enqueueWriteBack(id);
    }
    return outcome.request;
  }

  private async insertDecision(
    tx: Tx,
    input: { request: ChangeRequestRow; decision: 'APPROVE' | 'REJECT'; slot: { role: string; index: number | null }; actor: Principal; comment: string | null; now: Date },
  ): Promise<void> {
    try {
      await tx.insert(approvals).values({
        changeRequestId: input.request.id,
        decision: input.decision,
        slotRole: input.slot.role,
        slotIndex: input.slot.index,
        approverId: input.actor.id,
        approverPersonId: input.actor.personId,
        approverName: displayNameOf(input.actor),
        approverRoles: [...input.actor.roles],
        requesterId: input.request.requesterId,
        requesterPersonId: input.request.requesterPersonId,
        comment: input.comment,
        createdAt: input.now,
      });
    } catch (error) {
      // The row lock makes these unreachable in practice; the constraints are the backstop, reported as the rule they enforce.
      const pg = pgError(error);
      const text = `${pg?.constraint ?? ''} ${pg?.message ?? ''}`;
      if (text.includes('approvals_one_per_person_uq') || text.includes('approvals_one_per_person_id_uq')) throw new NotAllowedError('You have already filled a slot of this request.', 'DUPLICATE_APPROVER');
      if (text.includes('approvals_slot_uq')) throw new ConflictError('That slot has just been filled by someone else.', 'NO_OPEN_SLOT');
      if (text.includes('approvals_not_self_ck') || text.includes('approvals_not_self_person_ck')) throw new NotAllowedError('You opened this request; someone else must decide on it.', 'SELF_APPROVAL');
      if (text.includes('approvals_role_held_ck')) throw new NotAllowedError(`Filling this slot needs the ${input.slot.role} role.`, 'ROLE_REQUIRED');
      throw error;
    }
  }

  private async close(tx: Tx, request: ChangeRequestRow, closed: Closed, now: Date, ctx: CallContext): Promise<void> {
    await tx.update(changeRequests).set({ status: closed.closed, decidedAt: now, statusReason: closed.reason }).where(eq(changeRequests.id, request.id));
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

  private async expireWhere(tx: Tx, where: SQL, now: Date, ctx: CallContext): Promise<number> {
    const reason = 'The request was not decided before it expired.';
    const expired = await tx
      .update(changeRequests)
      .set({ status: 'EXPIRED', decidedAt: now, statusReason: reason })
      .where(where)
      .returning({ id: changeRequests.id });
    await this.deps.audit.record(
      tx,
      expired.map(({ id }) => ({
        actor: systemPrincipal('governance'),
        action: 'change_request.expired',
        entityKind: 'change_request',
        entityId: id,
        before: { status: 'PENDING' },
        after: { status: 'EXPIRED', reason },
        requestId: ctx.requestId,
      })),
    );
    return expired.length;
  }

  private async checkReplaced(tx: Tx, version: VersionContext, input: LifecycleTransitionInput): Promise<void> {
    const problem = (message: string) => new InputError('replacesVersionId is not valid.', [{ path: 'replacesVersionId', message }]);
    if (input.toState !== 'PRODUCTION') throw problem('Only a promotion to PRODUCTION can replace another version.');
    if (input.replacesVersionId === version.id) throw problem('A version cannot replace itself.');
    const replaced = await this.requests.versionContext(tx, input.replacesVersionId!);
    if (!replaced || replaced.modelId === null || replaced.modelId !== version.modelId) throw problem('The replaced version must be another version of the same model.');
    if (replaced.lifecycleState !== 'PRODUCTION') throw problem(`The replaced version is in ${replaced.lifecycleState}, not PRODUCTION.`);
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

function requireRole(actor: Principal, roles: readonly Role[], what: string): void {
  if (!hasAnyRole(actor, roles)) throw new NotAllowedError(`Only ${roles.join(', ')} may ${what}.`, 'ROLE_REQUIRED');
}

/** A change to the controls that needs a second person: says which mutation asks for it. */
function fourEyes(kind: keyof typeof CONTROL_MUTATION, what: string): NotAllowedError {
  return new NotAllowedError(`${what}; ask for it with ${CONTROL_MUTATION[kind]}.`, 'FOUR_EYES_REQUIRED', { use: CONTROL_MUTATION[kind] });
}

function checkComment(comment: string | null): string | null {
  const problem = tooLong('comment', comment, TEXT_LIMITS.comment);
  if (problem) throw new InputError(`A comment may be at most ${TEXT_LIMITS.comment} characters.`, [problem]);
  return comment;
}

function notPending(request: ChangeRequestRow): ConflictError {
  return new ConflictError(`The change request is ${request.status}, no longer open for decisions.`, 'REQUEST_NOT_PENDING', { status: request.status });
}

/** Why a pending request can no longer be applied, checked under lock just before a decision. */
function closeReason(request: ChangeRequestRow, version: VersionContext | undefined, now: Date): Closed | null {
  if (request.expiresAt.getTime() <= now.getTime()) return { closed: 'EXPIRED', reason: 'The request was not decided before it expired.' };
  if (!version || version.deletedAt) return { closed: 'SUPERSEDED', reason: 'The version no longer exists at the vendor (tombstoned).' };
  if (version.lifecycleState !== request.fromState) {
    return { closed: 'SUPERSEDED', reason: `The version moved to ${version.lifecycleState} after the request was opened from ${request.fromState}.` };
  }
  return null;
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
