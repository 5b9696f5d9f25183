import { and, eq, isNull } from 'drizzle-orm';
import { ConnectorError, type Connector, type ConnectorDeps, type NormalisedBatch, type Vendor } from '../../connectors/contract.js';
import { rootCause } from '../../connectors/shared/error-causes.js';
import type { Principal } from '../auth/principal.js';
import type { Db } from '../db/client.js';
import { isConnectionFailure } from '../db/sql.js';
import { sources, type SourceRow, type SyncRunRow } from '../db/schema/index.js';
import { NotFoundError, ServiceUnavailableError } from '../errors.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import { prepareBatch } from '../inventory/batch-preparation.js';
import type { InventoryWriter } from '../inventory/writer.js';
import { WriteRoutes } from '../inventory/write-routes.js';
import type { BatchResult, TombstoneResult, WriteContext } from '../inventory/types.js';
import type { Logger } from '../logger.js';
import type { HubMetrics } from '../observability/metrics.js';
import type { FindingsReconciler } from './findings.js';
import { RunAbandonedError, SyncRunRepository, type RunCounts } from './run-repository.js';
import type { SyncTrigger } from './sync-trigger.js';

export interface SyncServiceOptions {
  /** Default deletion guard share for sources without their own. */
  maxDeleteShare: number;
  staleSourceHours: number;
  /** How often a running sync proves it is alive. */
  heartbeatMs: number;
  /** A RUNNING run whose heartbeat is older than this was abandoned by a dead worker. Must exceed heartbeatMs several times. */
  staleRunMs: number;
  /** A QUEUED run nobody picked up for this long is failed (queue lost, workers down). */
  queuedTimeoutMs: number;
  /** Overrides for connectors (timeouts, retry policy, page size). */
  connectorDeps?: Partial<ConnectorDeps>;
}

/** Unlisted models a run asks the vendor about one by one before tombstoning (see keepModelsStillPresent). */
const MAX_MODELS_TO_CONFIRM = 200;

export const DEFAULT_SYNC_OPTIONS: Omit<SyncServiceOptions, 'maxDeleteShare' | 'staleSourceHours'> = {
  heartbeatMs: 5_000,
  staleRunMs: 120_000,
  queuedTimeoutMs: 6 * 3_600_000,
};

/** Asks the job layer for a sync of the source; returns once it is queued (the composition root passes the job layer's). */
export type EnqueueSync = (sourceId: string, vendor: Vendor, trigger: SyncTrigger) => Promise<void>;

export interface SyncServiceDeps {
  db: Db;
  writer: InventoryWriter;
  /** Builds the source's connector with its decrypted secret (SourceService.loadConnector). */
  loadConnector: (sourceId: string, deps: ConnectorDeps) => Promise<{ source: SourceRow; connector: Connector }>;
  enqueueSync: EnqueueSync;
  audit: AuditRecorder;
  findings: FindingsReconciler;
  logger: Logger;
  metrics?: HubMetrics;
  /** Identifies this process in run rows (host:pid). */
  workerId: string;
  options: SyncServiceOptions;
}

export interface SyncJob {
  sourceId: string;
  trigger: SyncTrigger;
  jobId?: string | null;
  signal?: AbortSignal;
  /** Called after each page with the counts so far (CLI progress). */
  onProgress?: (counts: RunCounts) => void;
}

export type SyncJobResult = { status: 'ran'; run: SyncRunRow; error: unknown } | { status: 'skipped'; active: SyncRunRow };

/**
 * One sync run of one source: stream the connector's batches into the inventory writer, tombstone after a complete
 * listing (guarded), record the run, reconcile findings. Used by both job runners (BullMQ and in-process) and by
 * `hub sync`; there is no second implementation.
 */
export class SyncService {
  private readonly runs: SyncRunRepository;

  constructor(private readonly deps: SyncServiceDeps) {
    this.runs = new SyncRunRepository(deps.db);
  }

  /**
   * A manual sync request (API, CLI). Returns the source's queued/running run when there is one — the request is
   * answered with the run in progress, never queued twice — otherwise a new QUEUED run, and asks a worker for it.
   */
  async triggerSync(sourceId: string, actor: Principal, requestId: string | null = null): Promise<{ run: SyncRunRow; alreadyRunning: boolean }> {
    const source = await this.liveSource(sourceId);
    await this.runs.failAbandoned(sourceId, this.deps.options.staleRunMs, this.deps.options.queuedTimeoutMs);
    const claim = await this.runs.claim(sourceId, 'manual', 'QUEUED', null, null);
    if (!claim.claimed) return { run: claim.active, alreadyRunning: true };
    try {
      await this.deps.enqueueSync(sourceId, source.vendor as Vendor, 'manual');
    } catch (error) {
      // The job queue (Redis) is unreachable: nobody would ever pick the QUEUED run up, and it would answer every
      // later trigger as "already running". Withdraw it and refuse, so the caller can simply retry.
      await this.runs.withdrawQueued(claim.run.id);
      this.deps.logger.warn({ sourceId, err: describeError(error) }, 'sync trigger refused: the job queue is unavailable');
      throw new ServiceUnavailableError('The job queue is unavailable, so the sync could not be queued; retry later.');
    }
    await this.deps.audit.record(this.deps.db, { actor, action: 'sync.triggered', entityKind: 'source', entityId: sourceId, after: { runId: claim.run.id }, requestId });
    return { run: claim.run, alreadyRunning: false };
  }

  /**
   * The job handler: start the queued manual run, or claim a new one; skip when the source is busy. A job whose own
   * run is still RUNNING was handed over from a worker that died (the job queue gives a job to one worker at a time):
   * that run is failed, and the new one is a `retry` of it.
   */
  async runJob(job: SyncJob): Promise<SyncJobResult> {
    const { sourceId } = job;
    const workerId = this.deps.workerId;
    const abandoned = await this.runs.failAbandoned(sourceId, this.deps.options.staleRunMs, this.deps.options.queuedTimeoutMs);
    let deadRun = job.jobId ? abandoned.find((r) => r.jobId === job.jobId) : undefined;
    let active = await this.runs.active(sourceId);
    if (active?.status === 'RUNNING' && job.jobId && active.jobId === job.jobId) {
      await this.runs.failRunning(active.id, 'The worker running this sync stopped (crashed or was killed); the job was handed to another worker.');
      deadRun = active;
      active = await this.runs.active(sourceId);
    }
    let run: SyncRunRow;
    if (active?.status === 'QUEUED' && (await this.runs.start(active.id, job.jobId ?? null, workerId))) {
      run = (await this.runs.byId(active.id))!;
    } else {
      const claim = await this.runs.claim(sourceId, deadRun ? 'retry' : job.trigger, 'RUNNING', job.jobId ?? null, workerId);
      if (!claim.claimed) return { status: 'skipped', active: claim.active };
      run = claim.run;
    }
    if (deadRun) {
      this.deps.logger.warn(
        { sourceId, runId: run.id, jobId: job.jobId, deadRunId: deadRun.id, deadWorkerId: deadRun.workerId },
        'sync taken over from a worker that stopped; its run is failed and this run carries on',
      );
    }
    return this.execute(run, job);
  }

  private async execute(run: SyncRunRow, job: SyncJob): Promise<SyncJobResult> {
    const { writer, metrics } = this.deps;
    const logger = this.deps.logger.child({ sourceId: run.sourceId, runId: run.id, jobId: job.jobId ?? undefined });
    const ctx = { sourceId: run.sourceId, runId: run.id };
    const counts: RunCounts = { seen: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0, pages: 0 };
    const recordErrors: Array<Record<string, string>> = [];
    const started = performance.now();
    // Stops the listing when the run was declared abandoned elsewhere (its heartbeat went stale), so a retry run
    // never writes alongside it.
    const abandoned = new AbortController();
    const heartbeat = setInterval(() => {
      this.runs.heartbeat(run.id).then(
        (alive) => {
          if (!alive && !abandoned.signal.aborted) abandoned.abort(new RunAbandonedError());
        },
        (error: unknown) => logger.warn({ err: error }, 'sync heartbeat failed'),
      );
    }, this.deps.options.heartbeatMs);
    heartbeat.unref();

    // Ends a look-ahead request still in flight when the run stops early (a write failed, the worker shuts down).
    const listing = new AbortController();
    let vendor = 'unknown';
    let guard: TombstoneResult | null = null;
    let failure: unknown = null;
    let source: SourceRow | null = null;
    try {
      const signal = job.signal ? AbortSignal.any([job.signal, abandoned.signal]) : abandoned.signal;
      const loaded = await this.deps.loadConnector(run.sourceId, {
        logger,
        ...this.deps.options.connectorDeps,
        onVendorCall: (call) => {
          metrics?.vendorCalls.inc({ vendor: call.vendor, operation: call.operation, status: String(call.status) });
          if (call.attempt > 1) metrics?.vendorRetries.inc({ vendor: call.vendor });
        },
      });
      source = loaded.source;
      vendor = loaded.source.vendor;
      logger.info({ vendor, trigger: run.trigger }, 'sync started');
      // One page of look-ahead: the vendor is asked for page N+1 while page N is written, and page N+1 is validated,
      // hashed and encoded as soon as it arrives, so a sync costs about max(listing, preparing, writing) instead of
      // their sum; memory holds at most two pages.
      const pages = loaded.connector.list(AbortSignal.any([signal, listing.signal]))[Symbol.asyncIterator]();
      const routes = new WriteRoutes();
      const nextPage = () => pages.next().then((step) => (step.done ? null : prepareBatch(step.value, routes)));
      let upcoming = nextPage();
      for (;;) {
        const page = await upcoming;
        if (!page) break;
        signal.throwIfAborted();
        upcoming = nextPage();
        upcoming.catch(() => undefined); // awaited on the next turn; a write failure first must not leave it unhandled
        const { batch } = page;
        // The run's counts are stored in the batch's own transaction, so they agree with its change log.
        const result = await writer.writeBatch(ctx, page, { routes, record: (tx, written) => new SyncRunRepository(tx).addCounts(run.id, batchCounts(batch, written)) });
        addCounts(counts, batchCounts(batch, result));
        for (const error of [...batch.errors, ...result.errors]) {
          if (recordErrors.length < 500) recordErrors.push({ kind: error.kind, externalId: error.externalId, reason: error.reason });
        }
        job.onProgress?.({ ...counts });
      }
      await this.keepModelsStillPresent(loaded.connector, ctx, signal, logger);
      const tombstones = await writer.finishListing(ctx, {
        maxDeleteShare: loaded.source.maxDeleteShare ?? this.deps.options.maxDeleteShare,
        record: (tx, result) => new SyncRunRepository(tx).addCounts(run.id, { deleted: result.deleted }),
      });
      counts.deleted = tombstones.deleted;
      guard = tombstones;
    } catch (error) {
      failure = error;
    } finally {
      clearInterval(heartbeat);
      listing.abort(new Error('sync run ended'));
    }

    const status = failure ? 'FAILED' : counts.failed > 0 || guard?.decision.startsWith('REFUSED') ? 'PARTIAL' : 'SUCCEEDED';
    const finished = await this.untilDatabaseAnswers(logger, async () => {
      if (failure) {
        guard = await writer.abandonListing(ctx, describeError(failure)).catch((abandonError: unknown) => {
          if (isConnectionFailure(abandonError)) throw abandonError;
          logger.error({ err: abandonError }, 'could not clear the run\'s listing state');
          return null;
        });
      }
      return this.deps.db.transaction(async (tx) => {
        const repo = new SyncRunRepository(tx);
        const row = await repo.finish(run.id, run.sourceId, { status, deletionGuard: guard, error: failure ? describeError(failure) : null, recordErrors });
        if (!failure) await this.deps.findings.reconcileSource(tx, run.sourceId, run.id);
        await this.deps.findings.reconcileStaleSources(tx, this.deps.options.staleSourceHours, run.id);
        return row;
      });
    });

    const seconds = (performance.now() - started) / 1000;
    metrics?.syncRuns.inc({ source: source?.name ?? run.sourceId, vendor, status });
    metrics?.syncDuration.observe({ vendor, status }, seconds);
    for (const outcome of ['created', 'updated', 'unchanged', 'deleted', 'failed'] as const) {
      if (counts[outcome] > 0) metrics?.syncRecords.inc({ vendor, outcome }, counts[outcome]);
    }
    const summary = { status, ...counts, seconds: Math.round(seconds * 10) / 10, deletionGuard: guard?.decision };
    if (failure) logger.warn({ ...summary, error: describeError(failure) }, 'sync failed');
    else logger.info(summary, 'sync finished');
    return { status: 'ran', run: finished, error: failure };
  }

  /**
   * For a connector whose paging can skip a model when another is deleted mid-listing: asks the vendor about the
   * models the listing did not return, and keeps those it still has out of this run's tombstones. Bounded: beyond
   * {@link MAX_MODELS_TO_CONFIRM} unlisted models the deletion guard alone decides. A failed confirmation fails the
   * run (nothing is tombstoned; the run is retried).
   */
  private async keepModelsStillPresent(connector: Connector, ctx: WriteContext, signal: AbortSignal, logger: Logger): Promise<void> {
    if (!connector.presentModels) return;
    const unlisted = await this.deps.writer.unlistedModels(ctx, MAX_MODELS_TO_CONFIRM + 1);
    if (unlisted.length === 0) return;
    if (unlisted.length > MAX_MODELS_TO_CONFIRM) {
      logger.info({ unlisted: `more than ${MAX_MODELS_TO_CONFIRM}` }, 'too many unlisted models to confirm one by one; the deletion guard decides');
      return;
    }
    const present = await connector.presentModels(unlisted, signal);
    if (present.length === 0) return;
    await this.deps.writer.keepUnlisted(ctx, present);
    logger.warn({ models: present }, 'the listing skipped models the vendor still has (its paging shifted while a model was deleted); they are kept, not tombstoned');
  }

  /** Fails runs abandoned by dead workers and re-evaluates stale sources (the maintenance job). */
  async sweep(): Promise<{ abandoned: SyncRunRow[] }> {
    const abandoned = await this.runs.failAbandoned(null, this.deps.options.staleRunMs, this.deps.options.queuedTimeoutMs);
    await this.deps.db.transaction((tx) => this.deps.findings.reconcileStaleSources(tx, this.deps.options.staleSourceHours, null));
    return { abandoned };
  }

  /**
   * Records a run's outcome even when the database is briefly unreachable (restart, failover): the failure that
   * ended the run is often that very outage. Without this the run would stay RUNNING until judged abandoned, and the
   * runner's retry in between would be skipped as "source already running". Retries connection failures only, with
   * backoff, for at most `staleRunMs` (after that the run is abandoned-and-retried by the usual sweep).
   */
  private async untilDatabaseAnswers<T>(logger: Logger, record: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.deps.options.staleRunMs;
    for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 5_000)) {
      try {
        return await record();
      } catch (error) {
        if (!isConnectionFailure(error) || Date.now() + delayMs > deadline) throw error;
        logger.warn({ err: describeError(error), retryInMs: delayMs }, 'database unreachable; will record the run\'s outcome when it answers');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async liveSource(sourceId: string): Promise<SourceRow> {
    const [source] = await this.deps.db.select().from(sources).where(and(eq(sources.id, sourceId), isNull(sources.deletedAt))).limit(1);
    if (!source) throw new NotFoundError(`No source with id ${sourceId}`);
    return source;
  }
}

/** What one written batch adds to its run's counts. */
function batchCounts(batch: NormalisedBatch, written: BatchResult): RunCounts {
  return {
    pages: 1,
    seen: batch.models.length + batch.versions.length + batch.deployments.length + batch.errors.length,
    created: written.created,
    updated: written.updated,
    unchanged: written.unchanged,
    deleted: 0,
    // The writer reports its own rejections; records the connector could not normalise come with the batch.
    failed: written.failed + batch.errors.length,
  };
}

function addCounts(counts: RunCounts, added: RunCounts): void {
  for (const key of Object.keys(added) as Array<keyof RunCounts>) counts[key] += added[key];
}

/**
 * A run-level error in words, without stack traces and without SQL: run errors are shown to API clients, and
 * drizzle's query errors carry the statement and its parameters, so they are described by their driver cause. A
 * connector error is the vendor's, even when a socket code behind it looks like a database outage's.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof ConnectorError) && isConnectionFailure(error)) return `The database became unreachable during the sync (${rootMessage(error)}); the batch being written was rolled back.`;
  if (error instanceof Error && error.name === 'DrizzleQueryError' && error.cause instanceof Error) return describeError(error.cause);
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

function rootMessage(error: unknown): string {
  const root = rootCause(error) as { message?: unknown } | null | undefined;
  return typeof root?.message === 'string' ? root.message : String(root);
}
