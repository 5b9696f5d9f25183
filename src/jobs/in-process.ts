import type { Vendor } from '../../connectors/contract.js';
import { backoffDelay } from '../../connectors/shared/backoff.js';
import type { Logger } from '../logger.js';
import type { QueueDepth } from '../observability/operations.service.js';
import type { SourceSchedule } from '../sources/source-schedule.js';
import type { SyncTrigger } from '../sync/sync-trigger.js';
import { classifyFailure, failureLogFields, type JobHandlers } from './handlers.js';
import { MAINTENANCE_EVERY_MS, SYNC_JOB_ATTEMPTS, SYNC_JOB_BACKOFF_MS, syncQueueName, writeBackJobId } from './queues.js';
import type { JobDispatcher } from './types.js';

/**
 * The job runner for a hub without Redis (the embedded default): timers instead of BullMQ schedulers, calling the
 * same handlers with the same retry policy. The one-run-per-source rule needs nothing here: it is enforced by the
 * database (sync_runs_one_active_uq), exactly as with several BullMQ workers.
 */
export class InProcessJobRunner implements JobDispatcher {
  private handlers: JobHandlers | null = null;
  private readonly schedules = new Map<string, { timer: NodeJS.Timeout; next: Date; everyMs: number; vendor: Vendor }>();
  private readonly pending = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** Write-back jobs waiting or running, by job id. */
  private readonly writeBackJobs = new Set<string>();
  private readonly activeByQueue = new Map<string, number>();
  private maintenanceTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Work asked for before start(): sources created by the demo or tests before workers run. Run at start. */
  private readonly deferred: Array<() => void> = [];
  private readonly registered = new Map<string, SourceSchedule>();

  constructor(private readonly logger: Logger, private readonly options: { retryBaseMs?: number; firstRunDelayMs?: number } = {}) {}

  /** Handlers are attached after construction: they need services that themselves need this dispatcher. */
  start(handlers: JobHandlers): void {
    this.handlers = handlers;
    for (const run of this.deferred.splice(0)) run();
    for (const source of [...this.registered.values()]) void this.scheduleSource(source);
    this.maintenanceTimer = setInterval(() => this.spawn('maintenance', 1, () => this.requireHandlers().maintenance()), MAINTENANCE_EVERY_MS);
    this.maintenanceTimer.unref();
  }

  async scheduleSource(source: SourceSchedule): Promise<void> {
    await this.unscheduleSource(source.id);
    if (!source.enabled || this.closed) return;
    if (!this.handlers) {
      // Not consuming jobs yet: remember the schedule; start() activates it.
      this.registered.set(source.id, source);
      return;
    }
    const everyMs = source.scheduleSeconds * 1000;
    const fire = () => {
      const entry = this.schedules.get(source.id);
      if (entry) entry.next = new Date(Date.now() + everyMs);
      void this.enqueueSync(source.id, source.vendor, 'schedule');
    };
    // The first run comes right away for a source never run (or overdue), else one interval after its last run; then
    // one per interval.
    const firstDelayMs = Math.max(this.options.firstRunDelayMs ?? 1_000, source.lastRunAt ? source.lastRunAt.getTime() + everyMs - Date.now() : 0);
    const first = setTimeout(() => {
      fire();
      const entry = this.schedules.get(source.id);
      if (entry) {
        entry.timer = setInterval(fire, everyMs);
        entry.timer.unref();
      }
    }, firstDelayMs);
    first.unref();
    this.schedules.set(source.id, { timer: first, next: new Date(Date.now() + firstDelayMs), everyMs, vendor: source.vendor });
  }

  async unscheduleSource(sourceId: string): Promise<void> {
    this.registered.delete(sourceId);
    const entry = this.schedules.get(sourceId);
    if (entry) {
      clearTimeout(entry.timer);
      clearInterval(entry.timer);
      this.schedules.delete(sourceId);
    }
  }

  async enqueueSync(sourceId: string, vendor: Vendor, trigger: SyncTrigger): Promise<void> {
    this.spawn(syncQueueName(vendor), SYNC_JOB_ATTEMPTS, (attempt, signal) =>
      this.requireHandlers().sync({ sourceId, trigger }, { jobId: null, attempt, signal }),
    );
  }

  /** One attempt, at `notBefore` when given; never retried here (the outbox is the retry authority, as with BullMQ). */
  async enqueueWriteBack(changeRequestId: string, notBefore?: Date): Promise<void> {
    // Like a BullMQ job id: while a job of this id waits or runs, queueing it again does nothing.
    const jobId = writeBackJobId(changeRequestId, notBefore);
    if (this.closed || this.writeBackJobs.has(jobId)) return;
    this.writeBackJobs.add(jobId);
    const run = () =>
      this.spawn('writeback', 1, async (attempt) => {
        try {
          await this.requireHandlers().writeBack({ changeRequestId }, { jobId, attempt });
        } finally {
          this.writeBackJobs.delete(jobId);
        }
      });
    const delayMs = notBefore ? notBefore.getTime() - Date.now() : 0;
    if (delayMs <= 0) return run();
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      run();
    }, delayMs);
    timer.unref();
    this.retryTimers.add(timer);
  }

  async queueDepths(): Promise<QueueDepth[]> {
    return [...this.activeByQueue.entries()].map(([queue, active]) => ({ queue, waiting: 0, active, delayed: 0, failed: 0 }));
  }

  async nextRuns(): Promise<Map<string, Date>> {
    return new Map([...this.schedules.entries()].map(([id, entry]) => [id, entry.next]));
  }

  /** Waits for everything started so far (tests and `hub sync`). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.schedules.keys()]) await this.unscheduleSource(id);
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    for (const controller of this.controllers) controller.abort(new Error('Interrupted by shutdown'));
    await this.idle();
  }

  private requireHandlers(): JobHandlers {
    if (!this.handlers) throw new Error('InProcessJobRunner.start() was not called');
    return this.handlers;
  }

  /** Runs a task now, retrying with exponential backoff like a BullMQ job with `attempts`. */
  private spawn(queue: string, attempts: number, task: (attempt: number, signal: AbortSignal) => Promise<void>, backoffMs = SYNC_JOB_BACKOFF_MS, attempt = 0): void {
    if (this.closed) return;
    if (!this.handlers) {
      this.deferred.push(() => this.spawn(queue, attempts, task, backoffMs, attempt));
      return;
    }
    const controller = new AbortController();
    this.controllers.add(controller);
    this.activeByQueue.set(queue, (this.activeByQueue.get(queue) ?? 0) + 1);
    const running = (async () => {
      try {
        await task(attempt, controller.signal);
      } catch (error) {
        const failure = classifyFailure(error);
        const last = attempt + 1 >= attempts || failure.kind === 'unrecoverable' || this.closed;
        this.logger.warn({ ...failureLogFields(error), queue, attempt, err: (error as Error).message, willRetry: !last }, 'job failed');
        if (!last) {
          const delay = failure.kind === 'rate-limited' ? failure.retryAfterMs : backoffDelay(attempt + 1, { baseDelayMs: this.options.retryBaseMs ?? backoffMs, maxDelayMs: Infinity, jitter: 'none' });
          const timer = setTimeout(() => {
            this.retryTimers.delete(timer);
            this.spawn(queue, attempts, task, backoffMs, attempt + 1);
          }, delay);
          timer.unref();
          this.retryTimers.add(timer);
        }
      } finally {
        this.controllers.delete(controller);
        this.activeByQueue.set(queue, (this.activeByQueue.get(queue) ?? 1) - 1);
      }
    })();
    this.pending.add(running);
    void running.finally(() => this.pending.delete(running));
  }
}
