import type { Vendor } from '../../connectors/contract.js';

export type SyncTrigger = 'schedule' | 'manual' | 'retry';

/** What the job layer knows of a source: ids and schedule only, never settings or secrets. */
export interface SourceSchedule {
  id: string;
  vendor: Vendor;
  scheduleSeconds: number;
  enabled: boolean;
  /**
   * When the source last finished a run. The in-process runner's first tick comes one interval after it (at once for
   * a source never run or overdue), so a start right after a run does not sync again. A BullMQ scheduler keeps its
   * own cadence across worker restarts and does not need it.
   */
  lastRunAt?: Date | null;
}

/** The sources table as schedule reconciliation reads it (SourceService): fresh on every call. */
export interface ScheduleReader {
  /** Enabled, live sources. */
  listSchedules(): Promise<SourceSchedule[]>;
  /** One source as it is now (a disabled or deleted one as not enabled), or null when there is none. */
  getSchedule(id: string): Promise<SourceSchedule | null>;
}

/**
 * The job layer as the rest of the hub sees it. BullMQ (with REDIS_URL) and the in-process runner both
 * implement it; services receive it from the composition root and never import bullmq.
 */
export interface JobDispatcher {
  /** Registers (or replaces) the source's repeating sync; removes it when the source is disabled. Idempotent. */
  scheduleSource(source: SourceSchedule): Promise<void>;
  /** Removes the source's repeating sync. */
  unscheduleSource(sourceId: string, vendor: Vendor): Promise<void>;
  /** Asks for a sync now. Returns without waiting for it; the run row tells the outcome. */
  enqueueSync(sourceId: string, vendor: Vendor, trigger: SyncTrigger): Promise<void>;
  /** Asks for the outbox row of a change request to be delivered. */
  enqueueWriteBack(changeRequestId: string): Promise<void>;
  /** Jobs waiting / active / delayed / failed per queue, for /metrics and `hub status`. */
  queueDepths(): Promise<Array<{ queue: string; waiting: number; active: number; delayed: number; failed: number }>>;
  /** Next scheduled run per source id, where known. */
  nextRuns(): Promise<Map<string, Date>>;
  close(): Promise<void>;
}
