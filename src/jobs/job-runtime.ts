import type { Logger } from '../logger.js';
import type { HubMetrics } from '../observability/metrics.js';
import type { BullMqWorkerPool } from './bullmq.js';
import type { JobHandlers } from './handlers.js';
import { InProcessJobRunner } from './in-process.js';
import { ALL_QUEUES } from './queues.js';
import { checkSchedulesEvery, reconcileSchedules } from './schedule-reconciliation.js';
import type { JobDispatcher, ScheduleReader } from './types.js';

export interface JobRuntimeOptions {
  /** BullMQ on this Redis, or null for the in-process runner. */
  redis: { url: string; prefix: string } | null;
  logger: Logger;
  metrics: HubMetrics;
  /** Jobs per queue per worker process. */
  concurrency: number;
  /** A BullMQ worker that stops renewing its job's lock this long (killed) has the job handed to another worker. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** How often a running BullMQ worker checks that Redis still holds every schedule. */
  scheduleCheckMs: number;
}

/**
 * The job layer of one process: its dispatcher from the start (the API queues syncs and write-backs), its workers once
 * the process takes jobs (`hub worker`, `hub start`).
 */
export interface JobRuntime {
  readonly dispatcher: JobDispatcher;
  /**
   * Consumes jobs with these handlers and registers every source's schedule; with BullMQ, keeps Redis's schedules
   * matching the sources table while it runs.
   */
  startWorkers(handlers: JobHandlers, schedules: ScheduleReader): Promise<void>;
  /** Pings Redis when configured (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function createJobRuntime(options: JobRuntimeOptions): Promise<JobRuntime> {
  if (!options.redis) return inProcessRuntime(options.logger);
  // BullMQ and ioredis are loaded only where Redis is configured: the in-process runner needs neither.
  const bullmq = await import('./bullmq.js');
  const { url, prefix } = options.redis;
  const { logger, metrics } = options;
  const dispatcher = new bullmq.BullMqDispatcher({ url, prefix, logger, metrics });
  let pool: BullMqWorkerPool | null = null;
  let scheduleChecks: { stop(): Promise<void> } | null = null;
  return {
    dispatcher,
    async startWorkers(handlers, schedules) {
      pool = new bullmq.BullMqWorkerPool({
        url,
        prefix,
        logger,
        metrics,
        handlers,
        concurrency: options.concurrency,
        lockDurationMs: options.lockDurationMs,
        stalledIntervalMs: options.stalledIntervalMs,
      });
      pool.start();
      // Idempotent: restarts neither duplicate schedulers nor pull their next tick forward.
      const registered = await reconcileSchedules(dispatcher, schedules);
      await dispatcher.ensureMaintenanceSchedule();
      // Logged once schedules are reconciled: supervisors and tests take it as "ready".
      logger.info({ queues: ALL_QUEUES, concurrency: options.concurrency, worker: pool.workerName, schedules: registered }, 'job workers started');
      scheduleChecks = checkSchedulesEvery(options.scheduleCheckMs, dispatcher, schedules, logger);
    },
    ping: () => dispatcher.ping(),
    async close() {
      await scheduleChecks?.stop();
      await pool?.close();
      await dispatcher.close();
    },
  };
}

function inProcessRuntime(logger: Logger): JobRuntime {
  const runner = new InProcessJobRunner(logger);
  return {
    dispatcher: runner,
    async startWorkers(handlers, schedules) {
      runner.start(handlers);
      for (const schedule of await schedules.listSchedules()) await runner.scheduleSource(schedule);
    },
    ping: async () => undefined,
    close: () => runner.close(),
  };
}
