import { and, asc, desc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { approvals, changeRequests, modelVersions, models, sources } from '../db/schema/index.js';
import type { Principal } from '../auth/principal.js';
import { pgError, queryRows } from '../db/sql.js';
import type { ForwardPage } from '../page.js';
import type { ApprovalRecord, ChangeRequestRecord } from './records.js';

export type NewChangeRequest = typeof changeRequests.$inferInsert;
export type NewApproval = typeof approvals.$inferInsert;

/** A request's closing: its final status, when, and why. */
export interface Closing {
  status: 'REJECTED' | 'CANCELLED' | 'EXPIRED' | 'SUPERSEDED';
  decidedAt: Date;
  statusReason: string | null;
}

/** The rule an approval's constraints enforce, when an insert breaks one (see insertApproval). */
export type ApprovalConflict = 'DUPLICATE_APPROVER' | 'NO_OPEN_SLOT' | 'SELF_APPROVAL' | 'ROLE_REQUIRED';

/** Filters of `changeRequests(filter, first, after)`. Every field narrows; absent fields do not. */
export interface ChangeRequestFilter {
  status?: string[];
  requesterId?: string;
  /** The person behind the requester, whichever of their credentials opened it. */
  requesterPersonId?: string;
  /** Only PENDING requests with an open slot the caller could fill (not theirs, not yet decided by them). */
  eligibleForMe?: boolean;
  modelId?: string;
  modelVersionId?: string;
  vendor?: string;
  createdAfter?: Date;
  createdBefore?: Date;
}

/** Keyset position in the newest-first ordering (created_at desc, id desc). */
export interface ChangeRequestKey {
  createdAt: Date;
  id: string;
}


/** The version a request is about, with what governance needs of its model, read together. */
export interface VersionContext {
  id: string;
  sourceId: string;
  externalId: string;
  modelId: string | null;
  modelExternalId: string | null;
  lifecycleState: string;
  deletedAt: Date | null;
  createdBy: string | null;
  riskTier: string | null;
  accountableOwner: string | null;
  accountableOwnerPersonId: string | null;
  /** The vendor's owner of the model (vendor-owned text). */
  modelOwner: string | null;
}

/** Storage of change requests and their approvals. Writes take the caller's transaction (`db` is then a `Tx`). */
export class ChangeRequestRepository {
  async findById(db: Executor, id: string): Promise<ChangeRequestRecord | undefined> {
    const [row] = await db.select().from(changeRequests).where(eq(changeRequests.id, id));
    return row;
  }

  /** Locks the request row: every decision on one request runs one after another. */
  async lockById(db: Executor, id: string): Promise<ChangeRequestRecord | undefined> {
    const [row] = await db.select().from(changeRequests).where(eq(changeRequests.id, id)).for('update');
    return row;
  }

  async findByIds(db: Executor, ids: readonly string[]): Promise<ChangeRequestRecord[]> {
    if (ids.length === 0) return [];
    return db.select().from(changeRequests).where(inArray(changeRequests.id, [...ids]));
  }

  async approvalsOf(db: Executor, changeRequestIds: readonly string[]): Promise<ApprovalRecord[]> {
    if (changeRequestIds.length === 0) return [];
    return db
      .select()
      .from(approvals)
      .where(inArray(approvals.changeRequestId, [...changeRequestIds]))
      .orderBy(asc(approvals.createdAt), asc(approvals.id));
  }

  /** Every request of the given versions, newest first. */
  async byVersions(db: Executor, versionIds: readonly string[]): Promise<ChangeRequestRecord[]> {
    if (versionIds.length === 0) return [];
    return db
      .select()
      .from(changeRequests)
      .where(inArray(changeRequests.modelVersionId, [...versionIds]))
      .orderBy(desc(changeRequests.createdAt), desc(changeRequests.id));
  }

  /** Inserts a new PENDING request; null when the version already has an open one (the unique index said so). */
  async open(db: Executor, request: NewChangeRequest): Promise<ChangeRequestRecord | null> {
    try {
      const [row] = await db.insert(changeRequests).values(request).returning();
      return row;
    } catch (error) {
      if (pgError(error)?.code === '23505') return null;
      throw error;
    }
  }

  async close(db: Executor, id: string, closing: Closing): Promise<ChangeRequestRecord> {
    const [row] = await db.update(changeRequests).set(closing).where(eq(changeRequests.id, id)).returning();
    return row;
  }

  /** Closes PENDING requests past their expiry (of one version, or all) as EXPIRED; returns their ids. */
  async expirePending(db: Executor, now: Date, reason: string, versionId?: string): Promise<string[]> {
    const rows = await db
      .update(changeRequests)
      .set({ status: 'EXPIRED', decidedAt: now, statusReason: reason })
      .where(and(eq(changeRequests.status, 'PENDING'), lte(changeRequests.expiresAt, now), versionId ? eq(changeRequests.modelVersionId, versionId) : undefined))
      .returning({ id: changeRequests.id });
    return rows.map((r) => r.id);
  }

  /**
   * Records a decision. The request's row lock makes a constraint violation unreachable in practice; the constraints
   * are the backstop, reported as the rule they enforce (the transaction is then unusable: the caller rolls back).
   */
  async insertApproval(db: Executor, approval: NewApproval): Promise<ApprovalConflict | null> {
    try {
      await db.insert(approvals).values(approval);
      return null;
    } catch (error) {
      const pg = pgError(error);
      const text = `${pg?.constraint ?? ''} ${pg?.message ?? ''}`;
      if (text.includes('approvals_one_per_person_uq') || text.includes('approvals_one_per_person_id_uq')) return 'DUPLICATE_APPROVER';
      if (text.includes('approvals_slot_uq')) return 'NO_OPEN_SLOT';
      if (text.includes('approvals_not_self_ck') || text.includes('approvals_not_self_person_ck')) return 'SELF_APPROVAL';
      if (text.includes('approvals_role_held_ck')) return 'ROLE_REQUIRED';
      throw error;
    }
  }

  async versionContext(db: Executor, versionId: string, options: { lock?: boolean } = {}): Promise<VersionContext | undefined> {
    const query = db
      .select({
        id: modelVersions.id,
        sourceId: modelVersions.sourceId,
        externalId: modelVersions.externalId,
        modelId: modelVersions.modelId,
        modelExternalId: modelVersions.modelExternalId,
        lifecycleState: modelVersions.lifecycleState,
        deletedAt: modelVersions.deletedAt,
        createdBy: modelVersions.createdBy,
        riskTier: models.riskTier,
        accountableOwner: models.accountableOwner,
        accountableOwnerPersonId: models.accountableOwnerPersonId,
        modelOwner: models.owner,
      })
      .from(modelVersions)
      .leftJoin(models, eq(models.id, modelVersions.modelId))
      .where(eq(modelVersions.id, versionId));
    // Only the version row is locked: the model's attributes are read, not written.
    const [row] = options.lock ? await query.for('update', { of: modelVersions }) : await query;
    return row;
  }

  /** One page of requests, newest first, with the total matching the filter. */
  async list(db: Executor, filter: ChangeRequestFilter, page: { first: number; after?: ChangeRequestKey | null }, actor: Principal): Promise<ForwardPage<ChangeRequestRecord>> {
    const where = this.conditions(filter, actor);
    const keyset = page.after
      ? sql`(${changeRequests.createdAt}, ${changeRequests.id}) < (${page.after.createdAt.toISOString()}::timestamptz, ${page.after.id}::uuid)`
      : undefined;
    const rows = await db
      .select({ request: changeRequests })
      .from(changeRequests)
      .innerJoin(modelVersions, eq(modelVersions.id, changeRequests.modelVersionId))
      .leftJoin(models, eq(models.id, modelVersions.modelId))
      .innerJoin(sources, eq(sources.id, modelVersions.sourceId))
      .where(and(...where, keyset))
      .orderBy(desc(changeRequests.createdAt), desc(changeRequests.id))
      .limit(page.first + 1);
    const [{ count }] = await queryRows<{ count: number }>(
      db,
      sql`select count(*)::int as count from ${changeRequests}
          join ${modelVersions} on ${modelVersions.id} = ${changeRequests.modelVersionId}
          left join ${models} on ${models.id} = ${modelVersions.modelId}
          join ${sources} on ${sources.id} = ${modelVersions.sourceId}
          where ${where.length ? and(...where) : sql`true`}`,
    );
    return { items: rows.slice(0, page.first).map((r) => r.request), hasNextPage: rows.length > page.first, totalCount: Number(count) };
  }

  /** The filter as conditions on `change_requests`, `model_versions`, `models` and `sources` (unaliased), e.g. for exports. */
  conditions(filter: ChangeRequestFilter, actor: Principal): SQL[] {
    const where: SQL[] = [];
    if (filter.status?.length) where.push(inArray(changeRequests.status, filter.status));
    if (filter.requesterId) where.push(eq(changeRequests.requesterId, filter.requesterId));
    if (filter.requesterPersonId) where.push(eq(changeRequests.requesterPersonId, filter.requesterPersonId));
    if (filter.modelId) where.push(eq(modelVersions.modelId, filter.modelId));
    if (filter.modelVersionId) where.push(eq(changeRequests.modelVersionId, filter.modelVersionId));
    if (filter.vendor) where.push(eq(sources.vendor, filter.vendor));
    if (filter.createdAfter) where.push(sql`${changeRequests.createdAt} >= ${filter.createdAfter.toISOString()}::timestamptz`);
    if (filter.createdBefore) where.push(sql`${changeRequests.createdAt} < ${filter.createdBefore.toISOString()}::timestamptz`);
    if (filter.eligibleForMe != null) where.push(filter.eligibleForMe ? this.eligibleFor(actor) : sql`not ${this.eligibleFor(actor)}`);
    return where;
  }

  /**
   * Mirrors segregation.ts's chooseSlot in SQL: pending, not the caller's own, not yet decided by them, and with a
   * requirement of a role they hold exactly that still has room (VALIDATOR excluded when they own or created the
   * version, now or when the request was opened).
   */
  private eligibleFor(actor: Principal): SQL {
    // Names compared to owner texts (the SQL twin of parties.ts actorOf; the person's email is matched by person id).
    const identities = [actor.id, actor.displayName].filter((v) => v && v.trim() !== '').map((v) => v.trim().toLowerCase());
    const roles = sql.param([...actor.roles]);
    const ids = sql.param(identities);
    const party = actor.personId ?? actor.id;
    const person = actor.personId ?? '';
    const owners = changeRequests.ownersAtRequest;
    return sql`(${changeRequests.status} = 'PENDING'
      and coalesce(${changeRequests.requesterPersonId}::text, ${changeRequests.requesterId}) <> ${party}
      and not exists (select 1 from ${approvals} a where a.change_request_id = ${changeRequests.id} and coalesce(a.approver_person_id::text, a.approver_id) = ${party})
      and exists (
        select 1 from jsonb_array_elements(${changeRequests.policySnapshot} -> 'requirements') r
        where (r ->> 'role') = any(${roles}::text[])
          and (r ->> 'count')::int > (select count(*) from ${approvals} a2 where a2.change_request_id = ${changeRequests.id} and a2.slot_role = r ->> 'role' and a2.slot_index is not null)
          and not ((r ->> 'role') = 'VALIDATOR' and (
            (${person} <> '' and ${person} in (coalesce(${models.accountableOwnerPersonId}::text, ''), coalesce(${owners} ->> 'accountableOwnerPersonId', ''),
                          coalesce(${owners} ->> 'vendorOwnerPersonId', ''), coalesce(${owners} ->> 'versionCreatorPersonId', '')))
            or lower(trim(coalesce(${models.accountableOwner}, ''))) = any(${ids}::text[])
            or lower(trim(coalesce(${models.owner}, ''))) = any(${ids}::text[])
            or lower(trim(coalesce(${modelVersions.createdBy}, ''))) = any(${ids}::text[])
            or lower(trim(coalesce(${owners} ->> 'accountableOwner', ''))) = any(${ids}::text[])
            or lower(trim(coalesce(${owners} ->> 'versionCreatedBy', ''))) = any(${ids}::text[])))
      ))`;
  }

}
