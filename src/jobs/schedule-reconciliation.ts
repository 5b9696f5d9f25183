import type { Logger } from '../logger.js';
import type { BullMqDispatcher } from './bullmq.js';
import type { ScheduleReader } from './types.js';

/** What reconciliation needs of Redis's schedulers. */
type Schedulers = Pick<BullMqDispatcher, 'syncSchedulers' | 'syncSchedulerEvery' | 'scheduleSource' | 'unscheduleSource' | 'ensureMaintenanceSchedule'>;

/**
 * Makes Redis's schedulers match the sources table, safely while the API changes sources: at worker start, and
 * again every minute while the worker runs (a Redis that came back empty, or lost writes in a failover, gets
 * its schedules back without a restart). Redis is read first, in one read per queue, then the table: the API commits
 * a change before it schedules it, so a table read after the Redis read knows every scheduler that read saw, while
 * a table read before it would drop a source created meanwhile (its first tick then came again on the next
 * re-registration) or undo a new interval. A source whose scheduler is missing or differs is read again before it
 * is (re)scheduled, for the same reason; an unchanged scheduler is left alone, pending tick included (upserting it
 * would replace its pending job with one due now, so every worker restart would sync every source once more).
 */
export async function reconcileSchedules(schedulers: Schedulers, sources: ScheduleReader): Promise<{ registered: number; removed: number }> {
  const inRedis = await schedulers.syncSchedulers();
  const listed = await sources.listSchedules();
  let registered = 0;
  for (const source of listed) {
    if (inRedis.get(source.id)?.every === source.scheduleSeconds * 1000) continue;
    const current = await sources.getSchedule(source.id);
    if (!current?.enabled || (await schedulers.syncSchedulerEvery(current.id, current.vendor)) === current.scheduleSeconds * 1000) continue;
    await schedulers.scheduleSource(current);
    registered++;
  }
  const keep = new Set(listed.map((source) => source.id));
  let removed = 0;
  for (const [sourceId, { vendor }] of inRedis) {
    if (keep.has(sourceId)) continue;
    await schedulers.unscheduleSource(sourceId, vendor);
    removed++;
  }
  return { registered, removed };
}

/**
 * Reconciles the schedules every `everyMs` while a worker runs (schedules live only in Redis, and a Redis that came back
 * empty would otherwise sync nothing until the next worker start), the maintenance sweep's included. A failed check is
 * logged and tried again at the next one.
 */
export function checkSchedulesEvery(everyMs: number, schedulers: Schedulers, sources: ScheduleReader, logger: Logger): { stop(): Promise<void> } {
  let checking: Promise<void> | null = null;
  const check = async () => {
    try {
      const repaired = await reconcileSchedules(schedulers, sources);
      await schedulers.ensureMaintenanceSchedule();
      if (repaired.registered + repaired.removed > 0) logger.warn(repaired, 'job schedules in Redis did not match the sources table; repaired');
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not check the job schedules in Redis; trying again at the next check');
    }
  };
  const timer = setInterval(() => {
    checking ??= check().finally(() => (checking = null));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await checking;
    },
  };
}
