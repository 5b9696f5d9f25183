import { VENDORS, type Vendor } from '../../connectors/contract.js';
import type { SyncTrigger } from '../sync/sync-trigger.js';

/**
 * Queue and scheduler names (STYLE §5). One sync queue per vendor, because a BullMQ worker's rate limiter covers its
 * whole queue: a throttling vendor slows only its own queue. Every key shares the hash-tagged prefix (`{hub}` by
 * default), so all of them live in one Redis Cluster slot, as BullMQ requires for its multi-key scripts.
 */
export const syncQueueName = (vendor: Vendor) => `sync-${vendor}`;
export const WRITEBACK_QUEUE = 'writeback';
export const MAINTENANCE_QUEUE = 'maintenance';
export const ALL_QUEUES = [...VENDORS.map(syncQueueName), WRITEBACK_QUEUE, MAINTENANCE_QUEUE];

export const syncSchedulerId = (sourceId: string) => `sync:${sourceId}`;
export const MAINTENANCE_SCHEDULER_ID = 'maintenance:sweep';

/** Job payloads: ids only, never settings or secrets. */
export interface SyncJobData {
  sourceId: string;
  trigger: SyncTrigger;
}
export interface WriteBackJobData {
  changeRequestId: string;
}

/** Retry policy of sync jobs: a failed run is retried as a new run (trigger `retry`) with exponential backoff. */
export const SYNC_JOB_ATTEMPTS = 3;
export const SYNC_JOB_BACKOFF_MS = 10_000;
/**
 * A write-back job makes one attempt and is never retried by the runner: the outbox (write-back.service.ts) is the
 * one retry authority, and schedules each further attempt as a job of its own.
 * The id names the request and the due time (`due`: as soon as possible), so the sweep and the job chain never queue
 * one attempt twice, while a request's next attempt can be queued from inside the job running the current one.
 */
export const writeBackJobId = (changeRequestId: string, notBefore?: Date) => `writeback-${changeRequestId}-${notBefore ? notBefore.getTime() : 'due'}`;
/** How often the maintenance sweep runs (abandoned runs, stale sources, expiring requests, due write-backs). */
export const MAINTENANCE_EVERY_MS = 60_000;
/**
 * How often a running worker checks that Redis still holds every schedule (see schedule-reconciliation.ts):
 * the schedules live only in Redis, so a Redis that came back empty would otherwise sync nothing until a restart.
 * A check is one read per queue and one query of the sources table.
 */
export const SCHEDULE_CHECK_EVERY_MS = 60_000;
