import type { Vendor } from '../../connectors/contract.js';
import type { QueueDepth } from '../observability/operations.service.js';
import type { SourceSchedule } from '../sources/source-schedule.js';
import type { SyncTrigger } from '../sync/sync-trigger.js';

/** The sources table as schedule reconciliation reads it (SourceService): fresh on every call. */
export interface ScheduleReader {
  /** Enabled, live sources. */
  listSchedules(): Promise<SourceSchedule[]>;
  /** One source as it is now (a disabled or deleted one as not enabled), or null when there is none. */
  getSchedule(id: string): Promise<SourceSchedule | null>;
}

/**
 * The queue side of the job layer. BullMQ (with REDIS_URL) and the in-process runner both implement it; the
 * composition root hands its functions to the services that need them (enqueueSync, enqueueWriteBack, a scheduler,
 * queue depths), which declare them in their own modules and never import this one.
 */
export interface JobDispatcher {
  /** Registers (or replaces) the source's repeating sync; removes it when the source is disabled. Idempotent. */
  scheduleSource(source: SourceSchedule): Promise<void>;
  /** Removes the source's repeating sync. */
  unscheduleSource(sourceId: string, vendor: Vendor): Promise<void>;
  /** Asks for a sync now. Returns without waiting for it; the run row tells the outcome. */
  enqueueSync(sourceId: string, vendor: Vendor, trigger: SyncTrigger): Promise<void>;
  /**
   * Asks for one delivery attempt of a change request's outbox rows, now or at `notBefore`; never retried by the
   * runner (the outbox is the retry authority). Idempotent per request and due time.
   */
  enqueueWriteBack(changeRequestId: string, notBefore?: Date): Promise<void>;
  /** Jobs waiting / active / delayed / failed per queue, for /metrics and `hub status`. */
  queueDepths(): Promise<QueueDepth[]>;
  /** Next scheduled run per source id, where known. */
  nextRuns(): Promise<Map<string, Date>>;
  close(): Promise<void>;
}
