import type { Vendor } from '../../connectors/contract.js';
import type { SourceRow } from '../db/schema/index.js';

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

/** The job layer's repeating syncs, as SourceService keeps them in step (the composition root passes the job layer's). */
export interface SyncScheduler {
  /** Registers (or replaces) the source's repeating sync. Idempotent. */
  schedule(source: SourceSchedule): Promise<void>;
  /** Removes the source's repeating sync. */
  unschedule(sourceId: string, vendor: Vendor): Promise<void>;
}

export function scheduleOf(row: SourceRow): SourceSchedule {
  return { id: row.id, vendor: row.vendor as Vendor, scheduleSeconds: row.scheduleSeconds, enabled: row.enabled && row.deletedAt === null, lastRunAt: row.lastRunAt };
}
