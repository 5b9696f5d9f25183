import { and, desc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { controlRequests } from '../db/schema/index.js';
import { pgError, queryRows } from '../db/sql.js';
import type { ControlRequestRecord } from './records.js';
import type { ForwardPage as Page } from '../page.js';
import type { ChangeRequestKey } from './change-request.repository.js';

/** Filters of `controlRequests(filter, first, after)`. */
export interface ControlRequestFilter {
  status?: string[];
  kind?: string[];
  modelId?: string;
}

export type NewControlRequest = typeof controlRequests.$inferInsert;

/** A control request's closing: its final status and, when a person decided, who and why. */
export type ControlClosing = Pick<NewControlRequest, 'status' | 'decidedAt' | 'statusReason' | 'deciderId' | 'deciderPersonId' | 'deciderName' | 'deciderRoles' | 'decisionComment'>;

/** Storage of control requests. Writes take the caller's transaction (`db` is then a `Tx`). */
export class ControlRequestRepository {
  /** Inserts a new PENDING request; null when an open one already targets the same thing (the unique index said so). */
  async open(db: Executor, request: NewControlRequest): Promise<ControlRequestRecord | null> {
    try {
      const [row] = await db.insert(controlRequests).values(request).returning();
      return row;
    } catch (error) {
      if (pgError(error)?.code === '23505') return null;
      throw error;
    }
  }

  async close(db: Executor, id: string, closing: ControlClosing): Promise<ControlRequestRecord> {
    const [row] = await db.update(controlRequests).set(closing).where(eq(controlRequests.id, id)).returning();
    return row;
  }

  /** Closes every PENDING control request past its expiry as EXPIRED; returns their ids. */
  async expirePending(db: Executor, now: Date, reason: string): Promise<string[]> {
    const rows = await db
      .update(controlRequests)
      .set({ status: 'EXPIRED', decidedAt: now, statusReason: reason })
      .where(and(eq(controlRequests.status, 'PENDING'), lte(controlRequests.expiresAt, now)))
      .returning({ id: controlRequests.id });
    return rows.map((r) => r.id);
  }

  async lockById(db: Executor, id: string): Promise<ControlRequestRecord | undefined> {
    const [row] = await db.select().from(controlRequests).where(eq(controlRequests.id, id)).for('update');
    return row;
  }

  async findByIds(db: Executor, ids: readonly string[]): Promise<ControlRequestRecord[]> {
    if (ids.length === 0) return [];
    return db.select().from(controlRequests).where(inArray(controlRequests.id, [...ids]));
  }

  /** One page, newest first, with the total matching the filter. */
  async list(db: Executor, filter: ControlRequestFilter, page: { first: number; after?: ChangeRequestKey | null }): Promise<Page<ControlRequestRecord>> {
    const where: SQL[] = [];
    if (filter.status?.length) where.push(inArray(controlRequests.status, filter.status));
    if (filter.kind?.length) where.push(inArray(controlRequests.kind, filter.kind));
    if (filter.modelId) where.push(eq(controlRequests.modelId, filter.modelId));
    const keyset = page.after
      ? sql`(${controlRequests.createdAt}, ${controlRequests.id}) < (${page.after.createdAt.toISOString()}::timestamptz, ${page.after.id}::uuid)`
      : undefined;
    const rows = await db
      .select()
      .from(controlRequests)
      .where(and(...where, keyset))
      .orderBy(desc(controlRequests.createdAt), desc(controlRequests.id))
      .limit(page.first + 1);
    const [{ count }] = await queryRows<{ count: number }>(
      db,
      sql`select count(*)::int as count from ${controlRequests} where ${where.length ? and(...where) : sql`true`}`,
    );
    return { items: rows.slice(0, page.first), hasNextPage: rows.length > page.first, totalCount: Number(count) };
  }
}
