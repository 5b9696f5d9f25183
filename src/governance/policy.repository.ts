import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { changeRequests, policies, type PolicyRow } from '../db/schema/index.js';
import { systemPrincipal } from '../auth/principal.js';
import { AuditRecorder, type AuditEntry } from '../audit/audit-recorder.js';
import { APPROVER_ROLES, DEFAULT_POLICIES, MAX_APPROVERS_PER_ROLE, type PolicyDefinition, type Requirement } from './policies.js';

/** Storage of approval policies. One row per (target state, tier); `revision` counts ADMIN edits. */
export class PolicyRepository {
  async list(db: Executor): Promise<PolicyRow[]> {
    return db.select().from(policies).orderBy(asc(policies.toState), asc(policies.riskTier));
  }

  async listForState(db: Executor, toState: string): Promise<PolicyRow[]> {
    return db.select().from(policies).where(eq(policies.toState, toState));
  }

  /** The row for (state, tier) locked for update, so concurrent edits bump the revision one after another. */
  async lock(db: Executor, toState: string, riskTier: string): Promise<PolicyRow | undefined> {
    const [row] = await db
      .select()
      .from(policies)
      .where(and(eq(policies.toState, toState), eq(policies.riskTier, riskTier)))
      .for('update');
    return row;
  }

  /** Creates or replaces the requirements of (state, tier), bumping the revision of an existing row. */
  async save(db: Executor, policy: PolicyDefinition, updatedBy: string, now: Date): Promise<PolicyRow> {
    const [row] = await db
      .insert(policies)
      .values({ toState: policy.toState, riskTier: policy.riskTier, requirements: policy.requirements, updatedBy, updatedAt: now })
      .onConflictDoUpdate({
        target: [policies.toState, policies.riskTier],
        set: { requirements: policy.requirements, updatedBy, updatedAt: now, revision: sql`${policies.revision} + 1` },
      })
      .returning();
    return row;
  }

  /** Inserts the defaults that are missing; never overwrites an existing (possibly ADMIN-edited) row. */
  async insertMissing(db: Executor, defaults: readonly PolicyDefinition[], updatedBy: string): Promise<PolicyRow[]> {
    if (defaults.length === 0) return [];
    return db
      .insert(policies)
      .values(defaults.map((p) => ({ toState: p.toState, riskTier: p.riskTier, requirements: p.requirements, updatedBy })))
      .onConflictDoNothing({ target: [policies.toState, policies.riskTier] })
      .returning();
  }
}

/**
 * Seeds DEFAULT_POLICIES idempotently (the composition root calls it at start; safe from several processes at once).
 * Returns the rows it inserted, each audited as `policy.seeded`: none on every start after the first, and an ADMIN's
 * edits are kept. Then brings stored policies in line with "only approver roles approve" (see
 * retireNonApproverRequirements).
 */
export async function seedDefaultPolicies(db: Executor): Promise<PolicyRow[]> {
  const actor = systemPrincipal('policy-seed');
  return db.transaction(async (tx) => {
    const inserted = await new PolicyRepository().insertMissing(tx, DEFAULT_POLICIES, actor.id);
    await new AuditRecorder().record(
      tx,
      inserted.map((row) => ({
        actor,
        action: 'policy.seeded',
        entityKind: 'policy',
        entityId: row.id,
        after: { toState: row.toState, riskTier: row.riskTier, requirements: row.requirements, revision: row.revision },
      })),
    );
    await retireNonApproverRequirements(tx, actor);
    return inserted;
  });
}

/**
 * Policies stored before ADMIN and OPERATOR stopped approving may still name them. Each such requirement becomes a
 * RISK_OFFICER requirement of the same count (merged with an existing one, capped at MAX_APPROVERS_PER_ROLE): the
 * control function is the nearest independent approver, and the policy never needs fewer approvers than before.
 * Every rewrite is audited as `policy.updated`; pending requests opened under a snapshot naming ADMIN or OPERATOR are
 * superseded (nobody could fill those slots any more). Idempotent: a second start finds nothing to do.
 */
export async function retireNonApproverRequirements(tx: Executor, actor = systemPrincipal('policy-seed')): Promise<number> {
  const approver = (role: string) => (APPROVER_ROLES as readonly string[]).includes(role);
  const audits: AuditEntry[] = [];
  const rows = await tx.select().from(policies).for('update');
  for (const row of rows) {
    const old = row.requirements as Requirement[];
    if (old.every((r) => approver(r.role))) continue;
    const counts = new Map<string, number>();
    for (const r of old) {
      const role = approver(r.role) ? r.role : 'RISK_OFFICER';
      counts.set(role, Math.min(MAX_APPROVERS_PER_ROLE, (counts.get(role) ?? 0) + r.count));
    }
    const requirements = [...counts].map(([role, count]) => ({ role, count }));
    const [saved] = await tx
      .update(policies)
      .set({ requirements, revision: sql`${policies.revision} + 1`, updatedBy: actor.id, updatedAt: new Date() })
      .where(eq(policies.id, row.id))
      .returning();
    audits.push({
      actor,
      action: 'policy.updated',
      entityKind: 'policy',
      entityId: row.id,
      before: { requirements: old, revision: row.revision },
      after: { requirements, revision: saved.revision, reason: 'ADMIN and OPERATOR no longer approve; their slots went to RISK_OFFICER.' },
    });
  }
  const reason = 'The policy this request was opened under names ADMIN or OPERATOR, who no longer approve; open it again under the current policy.';
  const superseded = await tx
    .update(changeRequests)
    .set({ status: 'SUPERSEDED', decidedAt: new Date(), statusReason: reason })
    .where(
      and(
        eq(changeRequests.status, 'PENDING'),
        sql`exists (select 1 from jsonb_array_elements(${changeRequests.policySnapshot} -> 'requirements') r where r ->> 'role' in ('ADMIN', 'OPERATOR'))`,
      ),
    )
    .returning({ id: changeRequests.id });
  for (const { id } of superseded) {
    audits.push({ actor, action: 'change_request.superseded', entityKind: 'change_request', entityId: id, before: { status: 'PENDING' }, after: { status: 'SUPERSEDED', reason } });
  }
  await new AuditRecorder().record(tx, audits);
  return audits.length;
}
