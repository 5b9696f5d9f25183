import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import type { HubMetrics } from './metrics.js';
import type { ReadQueueDepths } from './operations.service.js';

/** Gauges that mirror database and queue state, refreshed at scrape time (one cheap query each). */
export function registerStateGauges(metrics: HubMetrics, db: Db, queueDepths: ReadQueueDepths): void {
  metrics.onScrape(async () => {
    const rows = await queryRows<{ kind: string; n: number }>(db, sql`select kind, count(*)::int as n from findings where resolved_at is null group by kind`);
    metrics.openFindings.reset();
    for (const row of rows) metrics.openFindings.set({ kind: row.kind }, Number(row.n));
  });
  metrics.onScrape(async () => {
    const [row] = await queryRows<{ pending: number; backlog: number }>(
      db,
      sql`select (select count(*)::int from change_requests where status = 'PENDING') as pending,
                 (select count(*)::int from write_back_outbox where status not in ('DONE', 'FAILED', 'UNSUPPORTED')) as backlog`,
    );
    metrics.pendingChangeRequests.set(Number(row.pending));
    metrics.writeBackBacklog.set(Number(row.backlog));
  });
  metrics.onScrape(async () => {
    for (const depth of await queueDepths()) {
      for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) metrics.queueDepth.set({ queue: depth.queue, state }, depth[state]);
    }
  });
}
