import { setTimeout as sleep } from 'node:timers/promises';
import { AuthenticationError, RateLimitError } from '../../connectors/contract.js';
import { findCause } from '../../connectors/shared/error-causes.js';
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

/** A write-back attempt due within this is waited for inside the job rather than queued as a job of its own. */
const WAIT_IN_JOB_MS = 1_000;
/** Bounds that waiting: a request whose row keeps being due without being deliverable is left to the sweep. */
const WAIT_IN_JOB_ROUNDS = 5;

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
  return findCause(error, (link): link is JobFailure => link instanceof JobFailure)?.logFields ?? {};
}

/**
 * The write-back outbox, the one retry authority for write-backs: it counts the attempts, says when the next one is
 * due and when to give up. The job layer only runs an attempt when the outbox says one is due.
 */
export interface WriteBackDeliverer {
  /** Delivers the request's due rows; records every vendor failure on the outbox and throws only when storage fails. */
  deliver(changeRequestId: string): Promise<string>;
  /** When the request's next attempt is due (or its claim lapses); null when nothing is left to deliver. */
  nextAttemptAt(changeRequestId: string): Promise<Date | null>;
  /** Change requests whose write-back is due (pending, or waiting to retry), for the sweep. */
  pendingDue(limit: number): Promise<string[]>;
}

/** Queues a write-back job, delayed until `notBefore` when given; one job per request and due time. */
export type EnqueueWriteBackJob = (changeRequestId: string, notBefore?: Date) => Promise<void>;

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
  enqueueWriteBack: EnqueueWriteBackJob;
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
      // The next attempt is a job delayed until the outbox says it is due. One due within a moment is waited for here
      // instead: a job that ran a little early (timer or clock skew) would otherwise queue its own id again, which
      // the runner ignores while this job still holds it. A job that fails here (storage unreachable) is not retried
      // by the runner: the sweep below re-enqueues the row from the outbox.
      for (let round = 0; round < WAIT_IN_JOB_ROUNDS; round++) {
        await deps.writeBacks.deliver(data.changeRequestId);
        const next = await deps.writeBacks.nextAttemptAt(data.changeRequestId);
        if (!next) return;
        const waitMs = next.getTime() - Date.now();
        if (waitMs > WAIT_IN_JOB_MS) return deps.enqueueWriteBack(data.changeRequestId, next);
        await sleep(Math.max(0, waitMs));
      }
    },
    async maintenance() {
      const { abandoned } = await deps.sync.sweep();
      if (abandoned.length > 0) deps.logger.warn({ runs: abandoned.map((r) => r.id) }, 'failed sync runs abandoned by stopped workers');
      await deps.governance.expireDueRequests();
      // Re-enqueue write-backs that are due, so a lost job (Redis restart, failed job) is never a lost write-back;
      // a request's job for "due now" is deduplicated by id.
      for (const id of await deps.writeBacks.pendingDue(500)) await deps.enqueueWriteBack(id);
      await deps.stateReplay?.reconcileIfDue();
      // Every minute: "at least every N events or M minutes" is kept to within a minute. Never throws (logged).
      await deps.auditCheckpoints?.checkpointIfDue();
    },
  };
}
