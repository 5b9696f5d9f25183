import { hostname } from 'node:os';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { VENDORS, type Vendor } from '../../connectors/contract.js';
import type { Logger } from '../logger.js';
import type { HubMetrics } from '../observability/metrics.js';
import type { QueueDepth } from '../observability/operations.service.js';
import type { SourceSchedule } from '../sources/source-schedule.js';
import type { SyncTrigger } from '../sync/sync-trigger.js';
import { classifyFailure, failureLogFields, type JobHandlers } from './handlers.js';
import {
  ALL_QUEUES,
  MAINTENANCE_EVERY_MS,
  MAINTENANCE_QUEUE,
  MAINTENANCE_SCHEDULER_ID,
  SYNC_JOB_ATTEMPTS,
  SYNC_JOB_BACKOFF_MS,
  WRITEBACK_QUEUE,
  writeBackJobId,
  syncQueueName,
  syncSchedulerId,
  type SyncJobData,
  type WriteBackJobData,
} from './queues.js';
import type { JobDispatcher } from './types.js';

export interface BullMqOptions {
  url: string;
  /** Hash-tagged key prefix, e.g. `{hub}`. */
  prefix: string;
  logger: Logger;
  metrics?: HubMetrics;
}

const KEEP_JOBS = { removeOnComplete: { count: 1_000 }, removeOnFail: { count: 5_000 } };

function connectionOptions(extra: RedisOptions): RedisOptions {
  return { lazyConnect: false, ...extra };
}

/**
 * The producer side: queues and schedulers. Producers fail fast (no offline queue, one retry per request) so an API
 * call made while Redis is down answers with an error instead of hanging.
 */
export class BullMqDispatcher implements JobDispatcher {
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly options: BullMqOptions) {
    this.connection = new Redis(options.url, connectionOptions({ maxRetriesPerRequest: 1, enableOfflineQueue: false }));
    this.connection.on('error', (error) => options.logger.warn({ err: error.message }, 'redis (producer) connection error'));
  }

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.options.prefix });
      queue.on('error', (error) => this.options.logger.warn({ err: error.message, queue: name }, 'queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  async scheduleSource(source: SourceSchedule): Promise<void> {
    const queue = this.queue(syncQueueName(source.vendor));
    if (!source.enabled) {
      await queue.removeJobScheduler(syncSchedulerId(source.id));
      return;
    }
    await queue.upsertJobScheduler(
      syncSchedulerId(source.id),
      { every: source.scheduleSeconds * 1000 },
      {
        name: 'sync',
        data: { sourceId: source.id, trigger: 'schedule' } satisfies SyncJobData,
        opts: { attempts: SYNC_JOB_ATTEMPTS, backoff: { type: 'exponential', delay: SYNC_JOB_BACKOFF_MS }, ...KEEP_JOBS },
      },
    );
  }

  async unscheduleSource(sourceId: string, vendor: Vendor): Promise<void> {
    await this.queue(syncQueueName(vendor)).removeJobScheduler(syncSchedulerId(sourceId));
  }

  /** Every sync scheduler in Redis by source id, with its vendor, interval (ms) and next tick, in one read per queue. */
  async syncSchedulers(): Promise<Map<string, { vendor: Vendor; every: number | null; next: Date | null }>> {
    const found = new Map<string, { vendor: Vendor; every: number | null; next: Date | null }>();
    for (const vendor of VENDORS) {
      for (const scheduler of await this.queue(syncQueueName(vendor)).getJobSchedulers(0, -1)) {
        const id = scheduler.key ?? scheduler.id;
        if (id?.startsWith('sync:')) found.set(id.slice('sync:'.length), { vendor, every: scheduler.every ?? null, next: scheduler.next ? new Date(scheduler.next) : null });
      }
    }
    return found;
  }

  /** The interval (ms) of the source's scheduler, or null when it has none. */
  async syncSchedulerEvery(sourceId: string, vendor: Vendor): Promise<number | null> {
    return (await this.queue(syncQueueName(vendor)).getJobScheduler(syncSchedulerId(sourceId)))?.every ?? null;
  }

  /** Registers the maintenance sweep's scheduler unless it is there already (an upsert would make its tick due now). */
  async ensureMaintenanceSchedule(): Promise<void> {
    const queue = this.queue(MAINTENANCE_QUEUE);
    if ((await queue.getJobScheduler(MAINTENANCE_SCHEDULER_ID))?.every === MAINTENANCE_EVERY_MS) return;
    await queue.upsertJobScheduler(MAINTENANCE_SCHEDULER_ID, { every: MAINTENANCE_EVERY_MS }, { name: 'sweep', opts: { attempts: 1, ...KEEP_JOBS } });
  }

  async enqueueSync(sourceId: string, vendor: Vendor, trigger: SyncTrigger): Promise<void> {
    await this.queue(syncQueueName(vendor)).add('sync', { sourceId, trigger } satisfies SyncJobData, {
      attempts: SYNC_JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: SYNC_JOB_BACKOFF_MS },
      ...KEEP_JOBS,
    });
  }

  async enqueueWriteBack(changeRequestId: string, notBefore?: Date): Promise<void> {
    await this.queue(WRITEBACK_QUEUE).add('writeback', { changeRequestId } satisfies WriteBackJobData, {
      jobId: writeBackJobId(changeRequestId, notBefore),
      delay: notBefore ? Math.max(0, notBefore.getTime() - Date.now()) : 0,
      // No BullMQ retries: the outbox decides (queues.ts). Failed jobs are dropped too, so a kept failure's id never
      // blocks the sweep from queueing the attempt again.
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  async queueDepths(): Promise<QueueDepth[]> {
    return Promise.all(
      ALL_QUEUES.map(async (name) => {
        const counts = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed');
        return { queue: name, waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 };
      }),
    );
  }

  async nextRuns(): Promise<Map<string, Date>> {
    const next = new Map<string, Date>();
    for (const [sourceId, scheduler] of await this.syncSchedulers()) if (scheduler.next) next.set(sourceId, scheduler.next);
    return next;
  }

  /** Readiness probe: Redis answers. */
  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    this.connection.disconnect();
  }
}

export interface WorkerPoolOptions extends BullMqOptions {
  handlers: JobHandlers;
  concurrency: number;
  /** Lock duration: a worker that stops renewing its lock this long (killed) has its job handed to another worker. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/**
 * The consumer side: one worker per queue. Workers use their own connection with `maxRetriesPerRequest: null`, as
 * BullMQ requires, so they ride out Redis restarts and reconnect by themselves.
 */
export class BullMqWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];
  private readonly running = new Set<AbortController>();
  readonly workerName = `${hostname()}:${process.pid}`;

  constructor(private readonly options: WorkerPoolOptions) {}

  start(): void {
    const { handlers, logger } = this.options;
    for (const vendor of VENDORS) {
      this.spawn(syncQueueName(vendor), this.options.concurrency, (job, signal) =>
        handlers.sync(job.data as SyncJobData, { jobId: job.id ?? null, attempt: job.attemptsMade, signal }),
      );
    }
    this.spawn(WRITEBACK_QUEUE, this.options.concurrency, (job) => handlers.writeBack(job.data as WriteBackJobData, { jobId: job.id ?? null, attempt: job.attemptsMade }));
    this.spawn(MAINTENANCE_QUEUE, 1, () => handlers.maintenance());
    logger.debug({ queues: ALL_QUEUES, concurrency: this.options.concurrency, worker: this.workerName }, 'job workers consuming');
  }

  private spawn(queueName: string, concurrency: number, run: (job: Job, signal: AbortSignal) => Promise<void>): void {
    const { logger, metrics } = this.options;
    const connection = new Redis(this.options.url, connectionOptions({ maxRetriesPerRequest: null }));
    connection.on('error', (error) => logger.warn({ err: error.message, queue: queueName }, 'redis (worker) connection error'));
    this.connections.push(connection);
    const worker: Worker = new Worker(
      queueName,
      async (job, _token, bullSignal) => {
        const controller = new AbortController();
        this.running.add(controller);
        const signal = bullSignal ? AbortSignal.any([bullSignal, controller.signal]) : controller.signal;
        try {
          await run(job, signal);
          metrics?.jobLatency.observe({ queue: queueName, outcome: 'completed' }, (Date.now() - job.timestamp) / 1000);
        } catch (error) {
          metrics?.jobLatency.observe({ queue: queueName, outcome: 'failed' }, (Date.now() - job.timestamp) / 1000);
          const failure = classifyFailure(error);
          if (failure.kind === 'unrecoverable') throw Object.assign(new UnrecoverableError(failure.message), { cause: error });
          if (failure.kind === 'rate-limited') {
            // The vendor asked us to slow down: pause this vendor's whole queue, then retry the job later.
            await this.queueHandle(queueName).rateLimit(failure.retryAfterMs);
            throw Worker.RateLimitError();
          }
          throw error;
        } finally {
          this.running.delete(controller);
        }
      },
      {
        connection,
        prefix: this.options.prefix,
        concurrency,
        name: this.workerName,
        lockDuration: this.options.lockDurationMs ?? 30_000,
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        maxStalledCount: 2,
      },
    );
    worker.on('error', (error) => logger.warn({ err: error.message, queue: queueName }, 'worker error'));
    worker.on('failed', (job, error) => logger.warn({ ...failureLogFields(error), queue: queueName, jobId: job?.id, attempt: job?.attemptsMade, err: error.message }, 'job failed'));
    this.workers.push(worker);
  }

  private readonly handles = new Map<string, Queue>();
  private queueHandle(name: string): Queue {
    let queue = this.handles.get(name);
    if (!queue) {
      const connection = new Redis(this.options.url, connectionOptions({ maxRetriesPerRequest: null }));
      this.connections.push(connection);
      queue = new Queue(name, { connection, prefix: this.options.prefix });
      this.handles.set(name, queue);
    }
    return queue;
  }

  /**
   * Graceful stop: take no new jobs, abort running syncs (they finish the page being written, record the run as
   * interrupted and hand the job back for retry), then close connections.
   */
  async close(): Promise<void> {
    const closing = this.workers.map((worker) => worker.close());
    for (const controller of this.running) controller.abort(new Error('Interrupted by worker shutdown; the job will be retried by another worker'));
    await Promise.allSettled(closing);
    await Promise.allSettled([...this.handles.values()].map((queue) => queue.close()));
    for (const connection of this.connections) connection.disconnect();
  }
}
