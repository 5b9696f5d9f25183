import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { changeRequests, controlRequests, models, modelVersions, persons, type ControlRequestRow } from '../db/schema/index.js';
import { ROLES, type Principal } from '../auth/principal.js';
import type { AuditEntry, AuditRecorder } from '../audit/audit-recorder.js';
import { PolicyRepository } from './policy.repository.js';
import type { PolicyDefinition } from './policies.js';

/**
 * Closes every PENDING lifecycle request of a model's versions as SUPERSEDED: they were opened under the model's old
 * tier (so the old policy) or old owner, and cannot apply under that snapshot. The requester opens a new one.
 * Runs in the caller's transaction; returns the superseded ids.
 */
export async function supersedePendingOfModel(
  tx: Tx,
  audit: AuditRecorder,
  input: { modelId: string; reason: string; actor: Principal; now: Date; requestId?: string | null },
): Promise<string[]> {
  const versions = tx.select({ id: modelVersions.id }).from(modelVersions).where(eq(modelVersions.modelId, input.modelId));
  const superseded = await tx
    .update(changeRequests)
    .set({ status: 'SUPERSEDED', decidedAt: input.now, statusReason: input.reason })
    .where(and(eq(changeRequests.status, 'PENDING'), inArray(changeRequests.modelVersionId, versions)))
    .returning({ id: changeRequests.id });
  await audit.record(
    tx,
    superseded.map(({ id }) => ({
      actor: input.actor,
      action: 'change_request.superseded',
      entityKind: 'change_request',
      entityId: id,
      before: { status: 'PENDING' },
      after: { status: 'SUPERSEDED', reason: input.reason },
      requestId: input.requestId ?? null,
    })),
  );
  return superseded.map((r) => r.id);
}

/**
 * Applies an approved control request, inside the decision's transaction with the request row locked: the
 * controlled value, the request's APPLIED status, its audit events (the control's own event and the request's) and
 * the supersession of lifecycle requests the change invalidates commit together or not at all.
 */
export async function applyControlRequest(
  tx: Tx,
  deps: { audit: AuditRecorder },
  input: { request: ControlRequestRow; actor: Principal; now: Date; decisionComment: string | null; requestId?: string | null },
): Promise<void> {
  const { request, actor, now } = input;
  const base = { actor, requestId: input.requestId ?? null };
  const audits: AuditEntry[] = [];
  const proposed = request.proposed;
  const via = { controlRequestId: request.id, requestedBy: request.requesterPersonId ?? request.requesterId };

  switch (request.kind) {
    case 'POLICY_CHANGE': {
      const policy = proposed as unknown as PolicyDefinition;
      const saved = await new PolicyRepository().save(tx, policy, request.requesterId, now);
      audits.push({
        ...base,
        action: saved.revision === 1 ? 'policy.created' : 'policy.updated',
        entityKind: 'policy',
        entityId: saved.id,
        before: request.before,
        after: { toState: saved.toState, riskTier: saved.riskTier, requirements: saved.requirements, revision: saved.revision, ...via },
      });
      break;
    }
    case 'RISK_TIER_CHANGE':
    case 'OWNER_CHANGE': {
      const values = proposed as Record<string, string | null>;
      const change =
        request.kind === 'RISK_TIER_CHANGE'
          ? { riskTier: values.riskTier ?? null }
          : { accountableOwner: values.accountableOwner ?? null, accountableOwnerPersonId: values.accountableOwnerPersonId ?? null };
      await tx.update(models).set(change).where(eq(models.id, request.modelId!));
      audits.push({ ...base, action: 'model.governance_updated', entityKind: 'model', entityId: request.modelId!, before: request.before, after: { ...change, ...via } });
      const what = request.kind === 'RISK_TIER_CHANGE' ? 'risk tier' : 'accountable owner';
      await supersedePendingOfModel(tx, deps.audit, {
        modelId: request.modelId!,
        reason: `The model's ${what} changed (control request ${request.id}); open a new request under the new ${what}.`,
        actor,
        now,
        requestId: input.requestId,
      });
      break;
    }
    case 'ROLE_GRANT': {
      const { personId, role } = proposed as { personId: string; role: string };
      const [person] = await tx.select({ roles: persons.roles }).from(persons).where(eq(persons.id, personId)).for('update');
      if (!person) throw new Error(`Role grant ${request.id} cannot apply: no person ${personId}.`);
      const roles = ROLES.filter((r) => person.roles.includes(r) || r === role);
      await tx.update(persons).set({ roles }).where(eq(persons.id, personId));
      audits.push({ ...base, action: 'person.role_granted', entityKind: 'person', entityId: personId, before: { roles: person.roles }, after: { roles, granted: role, ...via } });
      break;
    }
    default:
      throw new Error(`Unknown control request kind ${request.kind}.`);
  }

  await tx
    .update(controlRequests)
    .set({ status: 'APPLIED', decidedAt: now, deciderId: actor.id, deciderPersonId: actor.personId, deciderName: actor.displayName, deciderRoles: [...actor.roles], decisionComment: input.decisionComment })
    .where(eq(controlRequests.id, request.id));
  audits.push({ ...base, action: 'control_request.applied', entityKind: 'control_request', entityId: request.id, before: { status: 'PENDING' }, after: { status: 'APPLIED', kind: request.kind, comment: input.decisionComment } });
  await deps.audit.record(tx, audits);
}
