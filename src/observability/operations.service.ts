import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import type { SyncRunStatus } from '../inventory/queries/records.js';

export interface SourceStatus {
  id: string;
  name: string;
  vendor: string;
  enabled: boolean;
  lastRunStatus: SyncRunStatus | null;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  nextRunAt: Date | null;
}

/** Jobs in one queue, by state. */
export interface QueueDepth {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** Jobs per queue and state, as the job layer counts them (the composition root passes the job layer's). */
export type ReadQueueDepths = () => Promise<QueueDepth[]>;
/** The next scheduled run per source id, where the job layer knows it. */
export type ReadNextRuns = () => Promise<Map<string, Date>>;

export interface SystemStatus {
  sources: SourceStatus[];
  queues: QueueDepth[];
  openFindings: Array<{ kind: string; count: number }>;
  pendingChangeRequests: number;
  writeBackBacklog: number;
}

/** The one-screen picture IT operations look at (`hub status`, the `systemStatus` query). Read-only. */
export class OperationsService {
  constructor(private readonly deps: { db: Db; queueDepths: ReadQueueDepths; nextRuns: ReadNextRuns }) {}

  async status(): Promise<SystemStatus> {
    const { db } = this.deps;
    const [sourceRows, findingRows, [counts], queues, nextRuns] = await Promise.all([
      queryRows<{ id: string; name: string; vendor: string; enabled: boolean; last_run_status: SyncRunStatus | null; last_run_at: string | null; last_success_at: string | null }>(
        db,
        sql`select id, name, vendor, enabled, last_run_status, last_run_at::text, last_success_at::text from sources where deleted_at is null order by name`,
      ),
      queryRows<{ kind: string; count: number }>(db, sql`select kind, count(*)::int as count from findings where resolved_at is null group by kind order by kind`),
      queryRows<{ pending: number; backlog: number }>(
        db,
        sql`select (select count(*)::int from change_requests where status = 'PENDING') as pending,
                   (select count(*)::int from write_back_outbox where status not in ('DONE', 'FAILED', 'UNSUPPORTED')) as backlog`,
      ),
      this.deps.queueDepths(),
      this.deps.nextRuns(),
    ]);
    const date = (value: string | null) => (value ? new Date(value) : null);
    return {
      sources: sourceRows.map((row) => ({
        id: row.id,
        name: row.name,
        vendor: row.vendor,
        enabled: row.enabled,
        lastRunStatus: row.last_run_status,
        lastRunAt: date(row.last_run_at),
        lastSuccessAt: date(row.last_success_at),
        nextRunAt: nextRuns.get(row.id) ?? null,
      })),
      queues,
      openFindings: findingRows.map((row) => ({ kind: row.kind, count: Number(row.count) })),
      pendingChangeRequests: Number(counts.pending),
      writeBackBacklog: Number(counts.backlog),
    };
  }
}
