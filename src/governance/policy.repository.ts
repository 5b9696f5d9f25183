import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { policies, type PolicyRow } from '../db/schema/index.js';
import { systemPrincipal } from '../auth/principal.js';
import { AuditRecorder } from '../audit/audit-recorder.js';
import { DEFAULT_POLICIES, type PolicyDefinition } from './policies.js';

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
 * edits are kept.
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
    return inserted;
  });
}
