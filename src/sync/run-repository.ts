import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { sources, syncRunSeen, syncRuns, type SyncRunRow } from '../db/schema/index.js';
import { isUniqueViolation } from '../db/sql.js';
import type { SyncRunStatus } from '../inventory/queries/records.js';
import type { TombstoneResult } from '../inventory/types.js';
import type { SyncTrigger } from './sync-trigger.js';

/** Cap on record-level errors stored per run: enough to act on, bounded so a broken vendor cannot bloat a row. */
export const MAX_RECORD_ERRORS = 500;


export interface RunCounts {
  seen: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
  pages: number;
}

/** What one written batch (or the tombstoning) adds to a run's counts. */
export type RunCountsDelta = Partial<RunCounts>;

/** A run that is no longer RUNNING: another worker declared it abandoned (its heartbeat went stale) and retries it. */
export class RunAbandonedError extends Error {
  override name = 'RunAbandonedError';
  constructor() {
    super('This run was declared abandoned (no heartbeat for too long) and stopped; its retry carries on.');
  }
}

export type ClaimResult = { claimed: true; run: SyncRunRow } | { claimed: false; active: SyncRunRow };

/**
 * The `sync_runs` table's access paths. The partial unique index `sync_runs_one_active_uq` (one QUEUED or RUNNING run
 * per source) is what makes "at most one run per source" hold across any number of workers.
 */
export class SyncRunRepository {
  constructor(private readonly db: Executor) {}

  /** The source's queued or running run, if any. */
  async active(sourceId: string): Promise<SyncRunRow | null> {
    const [row] = await this.db
      .select()
      .from(syncRuns)
      .where(and(eq(syncRuns.sourceId, sourceId), inArray(syncRuns.status, ['QUEUED', 'RUNNING'])))
      .limit(1);
    return row ?? null;
  }

  async byId(runId: string): Promise<SyncRunRow | null> {
    const [row] = await this.db.select().from(syncRuns).where(eq(syncRuns.id, runId)).limit(1);
    return row ?? null;
  }

  /** Inserts a run in the given state unless the source already has an active one (then returns that one). */
  async claim(sourceId: string, trigger: SyncTrigger, status: 'QUEUED' | 'RUNNING', jobId: string | null, workerId: string | null): Promise<ClaimResult> {
    try {
      const [run] = await this.db.insert(syncRuns).values({ sourceId, trigger, status, jobId, workerId }).returning();
      return { claimed: true, run };
    } catch (error) {
      if (!isUniqueViolation(error, 'sync_runs_one_active_uq')) throw error;
      const active = await this.active(sourceId);
      if (!active) return this.claim(sourceId, trigger, status, jobId, workerId); // it finished in between
      return { claimed: false, active };
    }
  }

  /** QUEUED → RUNNING for the worker that picked up a manual trigger. False when it is no longer queued. */
  async start(runId: string, jobId: string | null, workerId: string): Promise<boolean> {
    const rows = await this.db
      .update(syncRuns)
      .set({ status: 'RUNNING', startedAt: sql`now()`, heartbeatAt: sql`now()`, jobId, workerId })
      .where(and(eq(syncRuns.id, runId), eq(syncRuns.status, 'QUEUED')))
      .returning({ id: syncRuns.id });
    return rows.length === 1;
  }

  /** Removes a QUEUED run that was never handed to the job queue (the enqueue failed); no worker knows of it. */
  async withdrawQueued(runId: string): Promise<void> {
    await this.db.delete(syncRuns).where(and(eq(syncRuns.id, runId), eq(syncRuns.status, 'QUEUED')));
  }

  /** Marks one RUNNING run FAILED (its worker is known to be gone). */
  async failRunning(runId: string, message: string): Promise<void> {
    const failed = await this.db
      .update(syncRuns)
      .set({ status: 'FAILED', finishedAt: sql`now()`, error: message })
      .where(and(eq(syncRuns.id, runId), eq(syncRuns.status, 'RUNNING')))
      .returning({ id: syncRuns.id });
    await this.forgetSeen(failed.map((r) => r.id));
  }

  /**
   * Drops the listing state of runs that will never finish their listing. A run that ends normally clears its own;
   * a killed worker's run cannot, and without this its seen set would stay in sync_run_seen for good.
   */
  private async forgetSeen(runIds: string[]): Promise<void> {
    if (runIds.length > 0) await this.db.delete(syncRunSeen).where(inArray(syncRunSeen.runId, runIds));
  }

  /**
   * Adds to a RUNNING run's counts. Called in the transaction that writes what is counted (with its change log), so a
   * run's counts agree with its change log however the run ends, a killed worker's included. Throws
   * {@link RunAbandonedError} when the run is no longer RUNNING, rolling that transaction back: a run declared
   * abandoned writes nothing more beside its retry.
   */
  async addCounts(runId: string, delta: RunCountsDelta): Promise<void> {
    const keys = Object.keys(delta) as Array<keyof RunCounts>;
    if (keys.length === 0) throw new Error('addCounts needs at least one count');
    const rows = await this.db
      .update(syncRuns)
      .set(Object.fromEntries(keys.map((key) => [key, sql`${syncRuns[key]} + ${delta[key] ?? 0}`])))
      .where(and(eq(syncRuns.id, runId), eq(syncRuns.status, 'RUNNING')))
      .returning({ id: syncRuns.id });
    if (rows.length === 0) throw new RunAbandonedError();
  }

  /** Proves the run is alive. False when the run is no longer RUNNING (someone abandoned it). */
  async heartbeat(runId: string): Promise<boolean> {
    const rows = await this.db
      .update(syncRuns)
      .set({ heartbeatAt: sql`now()` })
      .where(and(eq(syncRuns.id, runId), eq(syncRuns.status, 'RUNNING')))
      .returning({ id: syncRuns.id });
    return rows.length === 1;
  }

  /**
   * Marks runs whose worker stopped heart-beating as FAILED, so the source can run again. A RUNNING run is
   * abandoned when its heartbeat is older than `staleAfterMs`; a QUEUED one when it waited longer than `queuedTimeoutMs`.
   */
  async failAbandoned(sourceId: string | null, staleAfterMs: number, queuedTimeoutMs: number): Promise<SyncRunRow[]> {
    const scope = sourceId ? eq(syncRuns.sourceId, sourceId) : sql`true`;
    const abandoned = await this.db
      .update(syncRuns)
      .set({ status: 'FAILED', finishedAt: sql`now()`, error: sql`case when ${syncRuns.status} = 'RUNNING' then 'The worker running this sync stopped responding (crashed or was killed); the run was abandoned and will be retried.' else 'The queued sync was never picked up by a worker.' end` })
      .where(
        and(
          scope,
          sql`((${syncRuns.status} = 'RUNNING' and ${syncRuns.heartbeatAt} < now() - make_interval(secs => ${staleAfterMs / 1000}))
            or (${syncRuns.status} = 'QUEUED' and ${syncRuns.startedAt} < now() - make_interval(secs => ${queuedTimeoutMs / 1000})))`,
        ),
      )
      .returning();
    await this.forgetSeen(abandoned.map((r) => r.id));
    return abandoned;
  }

  async finish(
    runId: string,
    sourceId: string,
    outcome: { status: Exclude<SyncRunStatus, 'QUEUED' | 'RUNNING'>; deletionGuard: TombstoneResult | null; error: string | null; recordErrors: Array<Record<string, string>> },
  ): Promise<SyncRunRow> {
    // The counts are not written here: they were, with each batch (addCounts).
    const [run] = await this.db
      .update(syncRuns)
      .set({
        status: outcome.status,
        finishedAt: sql`now()`,
        deletionGuard: outcome.deletionGuard as unknown as Record<string, unknown> | null,
        error: outcome.error,
        recordErrors: outcome.recordErrors.slice(0, MAX_RECORD_ERRORS),
      })
      // A run another worker already declared abandoned keeps that verdict: its retry is the run of record.
      .where(and(eq(syncRuns.id, runId), eq(syncRuns.status, 'RUNNING')))
      .returning();
    if (!run) return (await this.byId(runId))!;
    await this.db
      .update(sources)
      .set({
        lastRunId: runId,
        lastRunStatus: outcome.status,
        lastRunAt: sql`now()`,
        ...(outcome.status === 'FAILED' ? {} : { lastSuccessAt: sql`now()` }),
      })
      .where(eq(sources.id, sourceId));
    return run;
  }
}
