import { AuthenticationError, RateLimitError } from '../../connectors/contract.js';
import type { Logger } from '../logger.js';
import type { SyncService } from '../sync/sync.service.js';
import type { SyncJobData, WriteBackJobData } from './queues.js';

/**
 * What a job does, independent of who runs it (BullMQ worker or the in-process runner). Both runners call exactly
 * these functions, so there is one implementation of sync and write-back logic.
 */
export interface JobHandlers {
  sync(data: SyncJobData, context: { jobId: string | null; attempt: number; signal: AbortSignal }): Promise<void>;
  writeBack(data: WriteBackJobData, context: { jobId: string | null; attempt: number }): Promise<void>;
  maintenance(): Promise<void>;
}

/** How a failed job should be treated by the runner. */
export type FailureClass = { kind: 'unrecoverable'; message: string } | { kind: 'rate-limited'; retryAfterMs: number } | { kind: 'retry' };

/** Ids that say what a failed job was doing (a sync's `sourceId` and `runId`). */
export type JobLogFields = Record<string, string>;

/**
 * A job's failure carrying the ids of what it was doing, so the runners' `job failed` line names them like every
 * other line of that work. `failure` is the error itself: retry decisions are made on it.
 */
export class JobFailure extends Error {
  override name = 'JobFailure';
  constructor(
    readonly failure: unknown,
    readonly logFields: JobLogFields,
  ) {
    super(failure instanceof Error ? failure.message : String(failure), { cause: failure });
  }
}

/** Credentials errors are not retried; throttling slows the vendor's queue; everything else retries with backoff. */
export function classifyFailure(error: unknown): FailureClass {
  const failure = error instanceof JobFailure ? error.failure : error;
  if (failure instanceof AuthenticationError) return { kind: 'unrecoverable', message: failure.message };
  if (failure instanceof RateLimitError) return { kind: 'rate-limited', retryAfterMs: failure.retryAfterMs ?? 30_000 };
  return { kind: 'retry' };
}

/** The ids a failed job's error carries (see {@link JobFailure}), also when a runner wrapped it in an error of its own. */
export function failureLogFields(error: unknown): JobLogFields {
  let current = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    if (current instanceof JobFailure) return current.logFields;
    current = current.cause;
  }
  return {};
}

export interface WriteBackDeliverer {
  /** Delivers one applied change request's write-back; throws when it should be retried later. */
  deliver(changeRequestId: string): Promise<string>;
  /** Change requests whose write-back is due (pending, or waiting to retry), for the sweep. */
  pendingDue(limit: number): Promise<string[]>;
}

export interface MaintenanceTasks {
  /** Closes change requests past their expiry. */
  expireDueRequests(): Promise<unknown>;
}

/** The scheduled replay of the audit trail against the governed state (STATE_DIVERGES_FROM_AUDIT findings). */
export interface StateReplaySchedule {
  reconcileIfDue(): Promise<void>;
}

/** Signs a checkpoint of the audit chain when enough events or minutes have passed (AuditCheckpointer). */
export interface PeriodicCheckpoints {
  checkpointIfDue(): Promise<unknown>;
}

export function createJobHandlers(deps: {
  sync: Pick<SyncService, 'runJob' | 'sweep'>;
  writeBacks: WriteBackDeliverer;
  governance: MaintenanceTasks;
  stateReplay?: StateReplaySchedule;
  /** Absent when no audit signing key is configured. */
  auditCheckpoints?: PeriodicCheckpoints;
  enqueueWriteBack: (changeRequestId: string) => Promise<void>;
  logger: Logger;
}): JobHandlers {
  return {
    async sync(data, context) {
      const trigger = context.attempt > 0 ? 'retry' : data.trigger;
      const result = await deps.sync.runJob({ sourceId: data.sourceId, trigger, jobId: context.jobId, signal: context.signal }).catch((error: unknown) => {
        throw new JobFailure(error, { sourceId: data.sourceId });
      });
      if (result.status === 'skipped') {
        deps.logger.info({ sourceId: data.sourceId, activeRunId: result.active.id, jobId: context.jobId }, 'sync skipped: the source already has a run in progress');
        return;
      }
      // The run row already says FAILED; rethrowing hands the job back to the runner's retry policy.
      if (result.error) throw new JobFailure(result.error, { sourceId: data.sourceId, runId: result.run.id });
    },
    async writeBack(data) {
      await deps.writeBacks.deliver(data.changeRequestId);
    },
    async maintenance() {
      const { abandoned } = await deps.sync.sweep();
      if (abandoned.length > 0) deps.logger.warn({ runs: abandoned.map((r) => r.id) }, 'failed sync runs abandoned by stopped workers');
      await deps.governance.expireDueRequests();
      // Re-enqueue write-backs that are due (e.g. their job was lost with a Redis restart); jobs are deduplicated by id.
      for (const id of await deps.writeBacks.pendingDue(500)) await deps.enqueueWriteBack(id);
      await deps.stateReplay?.reconcileIfDue();
      // Every minute: "at least every N events or M minutes" is kept to within a minute. Never throws (logged).
      await deps.auditCheckpoints?.checkpointIfDue();
    },
  };
}
