import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { controlRequests, type ControlRequestRow } from '../db/schema/index.js';
import { queryRows } from '../db/sql.js';
import type { ForwardPage as Page } from '../page.js';
import type { ChangeRequestKey } from './change-request.repository.js';

/** Filters of `controlRequests(filter, first, after)`. */
export interface ControlRequestFilter {
  status?: string[];
  kind?: string[];
  modelId?: string;
}

/** Queries of control requests. Writes stay in the service, inside its transactions. */
export class ControlRequestRepository {
  async lockById(db: Executor, id: string): Promise<ControlRequestRow | undefined> {
    const [row] = await db.select().from(controlRequests).where(eq(controlRequests.id, id)).for('update');
    return row;
  }

  async findByIds(db: Executor, ids: readonly string[]): Promise<ControlRequestRow[]> {
    if (ids.length === 0) return [];
    return db.select().from(controlRequests).where(inArray(controlRequests.id, [...ids]));
  }

  /** One page, newest first, with the total matching the filter. */
  async list(db: Executor, filter: ControlRequestFilter, page: { first: number; after?: ChangeRequestKey | null }): Promise<Page<ControlRequestRow>> {
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
