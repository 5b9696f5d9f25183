import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db, Tx } from '../db/client.js';
import type { WriteBackOutboxRow } from '../db/schema/index.js';
import { displayNameOf, systemPrincipal } from '../auth/principal.js';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { backoffDelay } from '../../connectors/shared/backoff.js';
import { ConnectorError, RateLimitError, type Connector, type LifecycleState, type LifecycleWriteBack } from '../../connectors/contract.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import { ChangeRequestRepository } from './change-request.repository.js';
import { WriteBackOutboxRepository } from './write-back-outbox.repository.js';
import type { WriteBackState } from './change-request.js';
import { writeBackSummaries } from './write-back-status.js';
import { changeRequestReference } from './change-request-reference.js';

/**
 * What a deliver() call came to. An applied request has one outbox row per state change it made (its version's,
 * and a replaced champion's retirement), delivered in order; one deliver() call delivers every row that is due, and
 * reports the request as a whole:
 * - DONE: the vendor applied every change; the rows are final and never delivered again.
 * - UNSUPPORTED: every row is final, and the vendor (or this connector) could not take at least one change.
 * - FAILED: a change permanently failed (non-retryable error, or attempts exhausted); final, reason on the request.
 * - RETRY: a retryable failure; that row is due again at `next_attempt_at` (exponential backoff), the rows after it
 *   wait for it.
 * - SKIPPED: nothing to do now: already final, not yet due, or leased by another live worker.
 *
 * deliver() never throws for vendor failures, so the job that calls it should simply complete on every outcome.
 * Retries are driven by the outbox itself, the one retry authority for write-backs (connectors send write-back requests
 * once, the job runner never retries a write-back job): after each attempt the job queues the next one for
 * nextAttemptAt(), and a sweep enqueues pendingDue() every minute, so a lost job is never a lost write-back.
 */
export type DeliveryOutcome = 'DONE' | 'FAILED' | 'UNSUPPORTED' | 'RETRY' | 'SKIPPED';

/** `retryAfterMs`: the vendor's own hint (429 Retry-After) of how long to wait, when longer than the backoff. */
type AttemptResult = { status: 'DONE' | 'UNSUPPORTED' | 'FAILED' | 'RETRY'; message: string; retryAfterMs?: number | null };

export interface WriteBackServiceDeps {
  db: Db;
  audit: AuditRecorder;
  loadConnector: (sourceId: string) => Promise<{ connector: Connector }>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Attempts before a retryable failure becomes FAILED (default 8). */
  maxAttempts?: number;
  /**
   * How long a claim protects a row from other workers (default 1 min). A live worker renews it while its vendor call
   * runs; a crashed worker's claim lapses after it, and another worker takes the row over.
   */
  leaseMs?: number;
  /** Longest a vendor call may take before it is abandoned and retried (default 2 min). */
  callTimeoutMs?: number;
  /** Delay before attempt n+1 after n failed attempts (default 30 s doubling, capped at 1 h). */
  backoffMs?: (attempts: number) => number;
  /** Identifies this worker on claimed rows (default host:pid:random). */
  workerId?: string;
  /** The hub's public base URL (HUB_PUBLIC_URL): write-backs then link to the request; null or absent: no link. */
  publicUrl?: string | null;
  now?: () => Date;
}

/** A vendor's Retry-After is honoured up to this (a misconfigured vendor must not park a write-back for days). */
const MAX_RETRY_AFTER_MS = 3_600_000;

const defaultBackoff = (attempts: number) => backoffDelay(attempts, { baseDelayMs: 30_000, maxDelayMs: 3_600_000, jitter: 'none' });

/**
 * Delivers applied lifecycle changes to vendors through the transactional outbox (write_back_outbox), one row per
 * state change, the rows of one request in their order: a row is claimable only once the rows before it are final,
 * so a replaced champion's retirement never reaches the vendor before (or while) its successor's promotion does. A row
 * is claimed with a lease before the vendor call, so two workers never call the vendor for one request at the same
 * time, and a finished row (DONE / UNSUPPORTED / FAILED) is never claimed again. The lease is short and renewed
 * while the call runs ({@link LeaseKeeper}), so a killed worker holds a row for about a minute, not for as long as a
 * call may take. If a worker dies after the vendor call but before recording it, the lease lapses and the call is
 * repeated once more: the vendor operations are idempotent (set approval status / alias) and carry the change
 * request id.
 */
export class WriteBackService {
  private readonly requests = new ChangeRequestRepository();
  private readonly outbox = new WriteBackOutboxRepository();
  private readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly callTimeoutMs: number;
  private readonly backoffMs: (attempts: number) => number;
  private readonly workerId: string;
  private readonly now: () => Date;
  private readonly actor = systemPrincipal('write-back');

  constructor(private readonly deps: WriteBackServiceDeps) {
    this.maxAttempts = deps.maxAttempts ?? 8;
    this.leaseMs = deps.leaseMs ?? 60_000;
    this.callTimeoutMs = deps.callTimeoutMs ?? 120_000;
    this.backoffMs = deps.backoffMs ?? defaultBackoff;
    this.workerId = deps.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.now = deps.now ?? (() => new Date());
  }

  /** Change request ids with a row due for delivery (or whose claim lapsed), oldest first, for the sweeper to enqueue. */
  async pendingDue(limit = 100): Promise<string[]> {
    return this.outbox.dueRequestIds(this.deps.db, this.now(), limit);
  }

  /**
   * When the request's next attempt is due: its first unfinished row's next_attempt_at, or, while a worker holds that
   * row, the end of the claim (when another worker may take it over). Null when every row is final. Rows after the
   * first unfinished one wait for it, so their own times do not count.
   */
  async nextAttemptAt(changeRequestId: string): Promise<Date | null> {
    const row = await this.outbox.firstUnfinished(this.deps.db, changeRequestId);
    if (!row) return null;
    return row.status === 'IN_PROGRESS' && row.claimedUntil ? row.claimedUntil : row.nextAttemptAt;
  }

  /** Delivers the request's due rows, in order. See DeliveryOutcome for what the caller should do. */
  async deliver(changeRequestId: string): Promise<DeliveryOutcome> {
    let request: WriteBackState | null = null;
    for (;;) {
      const row = await this.outbox.claimNext(this.deps.db, changeRequestId, this.workerId, this.now(), this.leaseMs);
      if (!row) break;
      const recorded = await this.attempt(row);
      if (!recorded) return 'SKIPPED';
      request = recorded.request;
      if (recorded.row === 'RETRY') break;
    }
    if (request === null) return 'SKIPPED';
    return request === 'PENDING' ? 'RETRY' : request;
  }

  /** One delivery attempt of one row; null when the claim was lost before the outcome could be recorded. */
  private async attempt(row: WriteBackOutboxRow): Promise<{ row: AttemptResult['status']; request: WriteBackState } | null> {
    const log = { changeRequestId: row.changeRequestId, modelVersionId: row.modelVersionId, sourceId: row.sourceId, attempt: row.attempts, workerId: this.workerId };
    let result: AttemptResult;
    const lease = new LeaseKeeper(this.outbox, this.deps.db, row.id, this.workerId, this.leaseMs, this.now);
    try {
      const change = await this.describe(row);
      const { connector } = await this.deps.loadConnector(row.sourceId);
      if (!connector.applyLifecycle) {
        result = { status: 'UNSUPPORTED', message: `The ${connector.vendor} connector has no lifecycle write-back.` };
      } else {
        const outcome = await connector.applyLifecycle(change, AbortSignal.any([AbortSignal.timeout(this.callTimeoutMs), lease.signal]));
        result = { status: outcome.status, message: outcome.message };
      }
    } catch (error) {
      result = this.failure(error, row.attempts);
      this.deps.logger.warn({ ...log, err: error, outcome: result.status }, 'write-back attempt failed');
    } finally {
      lease.stop();
    }
    const request = await this.record(row, result);
    if (!request) {
      this.deps.logger.warn(log, 'write-back lease lost before recording; another worker owns the row now');
      return null;
    }
    this.deps.logger.info({ ...log, outcome: result.status }, 'write-back attempt recorded');
    return { row: result.status, request };
  }

  private async describe(row: WriteBackOutboxRow): Promise<LifecycleWriteBack> {
    const request = await this.requests.findById(this.deps.db, row.changeRequestId);
    if (!request) throw new NotFoundError(`Change request ${row.changeRequestId} does not exist.`);
    const version = await this.requests.versionContext(this.deps.db, row.modelVersionId);
    if (!version) throw new NotFoundError(`Model version ${row.modelVersionId} does not exist.`);
    const successor = row.modelVersionId === request.replacesVersionId ? await this.requests.versionContext(this.deps.db, request.modelVersionId) : null;
    const decisions = await this.requests.approvalsOf(this.deps.db, [request.id]);
    const approvers = decisions.filter((d) => d.decision === 'APPROVE').map((d) => `${displayNameOf({ id: d.approverId, displayName: d.approverName })} (${d.slotRole})`);
    const reference = changeRequestReference(request.id, this.deps.publicUrl ?? null);
    const change = `${row.fromState} -> ${row.toState}${successor ? ` (replaced by ${successor.externalId})` : ''}`;
    const requester = displayNameOf({ id: request.requesterId, displayName: request.requesterName });
    return {
      changeRequestRef: reference.ref,
      changeRequestUrl: reference.url,
      modelExternalId: version.modelExternalId,
      versionExternalId: version.externalId,
      fromState: row.fromState as LifecycleState,
      toState: row.toState as LifecycleState,
      replacedBy: successor?.externalId ?? null,
      summary: `ModelOps hub change request ${reference.ref}: ${change}, requested by ${requester}, approved by ${approvers.join(', ')}.`,
    };
  }

  /** Retryable failures are retried until maxAttempts; anything the connector says cannot succeed fails at once. */
  private failure(error: unknown, attempts: number): AttemptResult {
    const message = error instanceof Error ? error.message : String(error);
    const retryable = error instanceof ConnectorError ? error.retryable : !(error instanceof NotFoundError);
    if (!retryable) return { status: 'FAILED', message };
    if (attempts >= this.maxAttempts) return { status: 'FAILED', message: `Gave up after ${attempts} attempts: ${message}` };
    return { status: 'RETRY', message, retryAfterMs: error instanceof RateLimitError ? error.retryAfterMs : null };
  }

  /**
   * Records the attempt on the outbox row (fenced on our claim), on the request (over all its rows), and in the audit
   * log, in one transaction. Returns the request's write-back status, or null when the claim was lost.
   */
  private async record(row: WriteBackOutboxRow, result: AttemptResult): Promise<WriteBackState | null> {
    const now = this.now();
    const final = result.status !== 'RETRY';
    const nextAttemptAt = final ? now : new Date(now.getTime() + Math.max(this.backoffMs(row.attempts), Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS)));
    return this.deps.db.transaction(async (tx) => {
      const recorded = await this.outbox.recordAttempt(tx, row.id, this.workerId, {
        status: result.status === 'RETRY' ? 'PENDING' : result.status,
        lastError: result.status === 'DONE' || result.status === 'UNSUPPORTED' ? null : result.message,
        message: result.message,
        nextAttemptAt,
        doneAt: final ? now : null,
        lastAttemptAt: now,
      });
      if (!recorded) return null;
      const request = await this.summarise(tx, row.changeRequestId);
      await this.deps.audit.record(tx, {
        actor: this.actor,
        action: final ? `write_back.${result.status.toLowerCase()}` : 'write_back.retry_scheduled',
        entityKind: 'change_request',
        entityId: row.changeRequestId,
        after: {
          status: result.status,
          modelVersionId: row.modelVersionId,
          toState: row.toState,
          attempt: row.attempts,
          message: result.message,
          ...(final ? {} : { nextAttemptAt: nextAttemptAt.toISOString() }),
        },
      });
      return request;
    });
  }

  /** The request's write-back status over all its rows (the rows are the one record of it: see write-back-status.ts). */
  private async summarise(tx: Tx, changeRequestId: string): Promise<WriteBackState> {
    return (await writeBackSummaries(tx, [changeRequestId])).get(changeRequestId)?.writeBackStatus ?? 'PENDING';
  }
}

/**
 * Keeps a write-back claim alive while its vendor call runs: renews the lease every third of it, and aborts the call
 * (through `signal`) as soon as the claim is lost to another worker, or when renewals have failed for half a lease
 * (the database is unreachable): the call then stops while the lease still holds, so no other worker can have
 * claimed the row and called the vendor at the same time.
 */
class LeaseKeeper {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private renewedAt = performance.now();
  private renewing = false;

  constructor(
    private readonly outbox: WriteBackOutboxRepository,
    private readonly db: Db,
    private readonly rowId: string,
    private readonly workerId: string,
    private readonly leaseMs: number,
    private readonly now: () => Date,
  ) {
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.floor(leaseMs / 3)));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    if (this.controller.signal.aborted) return;
    // Also when a renewal hangs rather than fails: half a lease is still left to stop the call in.
    if (performance.now() - this.renewedAt > this.leaseMs / 2) {
      this.controller.abort(new Error('The write-back claim could not be renewed (database unreachable); this attempt stopped.'));
      return;
    }
    if (!this.renewing) void this.renew();
  }

  private async renew(): Promise<void> {
    this.renewing = true;
    try {
      const kept = await this.outbox.renewClaim(this.db, this.rowId, this.workerId, new Date(this.now().getTime() + this.leaseMs));
      if (kept) this.renewedAt = performance.now();
      else this.controller.abort(new Error('The write-back claim was lost to another worker; this attempt stopped.'));
    } catch {
      // Unreachable for now: the next tick tries again, or stops the call once half a lease has gone unrenewed.
    } finally {
      this.renewing = false;
    }
  }
}
