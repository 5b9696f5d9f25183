import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../../src/db/client.js';
import { syncRuns, type SyncRunRow } from '../../../src/db/schema/index.js';
import { startHubProcess, type HubProcess } from '../../helpers/processes.js';

/** Every run of a source, oldest first. */
export async function runsOf(db: Executor, sourceId: string): Promise<SyncRunRow[]> {
  return db.select().from(syncRuns).where(eq(syncRuns.sourceId, sourceId)).orderBy(asc(syncRuns.startedAt));
}

/** Polls `probe` until it returns a value other than undefined/false, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The process id inside a run's worker id (`host:pid`). */
export function workerPid(run: SyncRunRow): number {
  return Number(run.workerId?.split(':').at(-1));
}

/**
 * `hub worker` processes sharing the test hub's database, Redis and queue prefix. Started together (each takes
 * 10-20 s to boot under load); `stopAll` SIGKILLs whatever is still running, so a failed test leaves no process.
 */
export async function startWorkers(count: number, env: Record<string, string>): Promise<{ workers: HubProcess[]; stopAll(): Promise<void> }> {
  // Readiness is read from the log, so the workers log at info whatever the test hub uses.
  const started = await Promise.allSettled(Array.from({ length: count }, () => startHubProcess('worker', { ...env, LOG_LEVEL: 'info' })));
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stopAll = async () => {
    await Promise.all(workers.map((w) => w.kill()));
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  return { workers, stopAll };
}

/** Whether two runs' [started, finished) intervals overlap (a run still going counts as open-ended). */
export function overlaps(a: SyncRunRow, b: SyncRunRow): boolean {
  const end = (r: SyncRunRow) => (r.finishedAt ?? new Date(8.64e15)).getTime();
  return a.startedAt.getTime() < end(b) && b.startedAt.getTime() < end(a);
}
