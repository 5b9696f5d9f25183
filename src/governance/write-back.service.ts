import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { and, asc, eq, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { changeRequests, writeBackOutbox, type WriteBackOutboxRow } from '../db/schema/index.js';
import { systemPrincipal } from '../auth/principal.js';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { ConnectorError, type Connector, type LifecycleState, type LifecycleWriteBack } from '../../connectors/contract.js';
import type { AuditRecorder } from './audit.js';
import { ChangeRequestRepository } from './change-request.repository.js';

/**
 * What one delivery attempt came to:
 * - DONE: the vendor applied the change; the row is final and never delivered again.
 * - UNSUPPORTED: the vendor (or this connector) has no lifecycle write-back; final.
 * - FAILED: permanently failed (non-retryable error, or attempts exhausted); final, reason on the request.
 * - RETRY: a retryable failure; the row is due again at `next_attempt_at` (exponential backoff).
 * - SKIPPED: nothing to do now: already final, not yet due, or leased by another live worker.
 *
 * deliver() never throws for vendor failures, so the job that calls it should simply complete on every outcome.
 * Retries are driven by the outbox itself: a sweeper calls pendingDue() every few seconds and enqueues each id.
 */
export type DeliveryOutcome = 'DONE' | 'FAILED' | 'UNSUPPORTED' | 'RETRY' | 'SKIPPED';

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
  now?: () => Date;
}

const defaultBackoff = (attempts: number) => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

/**
 * Delivers applied lifecycle changes to vendors through the transactional outbox (write_back_outbox). A row is
 * claimed with a lease before the vendor call, so two workers never call the vendor for one request at the same
 * time, and a finished row (DONE / UNSUPPORTED / FAILED) is never claimed again. The lease is short and renewed
 * while the call runs ({@link LeaseKeeper}), so a killed worker holds a row for about a minute, not for as long as a
 * call may take. If a worker dies after the vendor call but before recording it, the lease lapses and the call is
 * repeated once more: the vendor operations are idempotent (set approval status / alias) and carry the change
 * request id.
 */
export class WriteBackService {
  private readonly requests = new ChangeRequestRepository();
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

  /** Change request ids whose write-back is due (or whose claim lapsed), oldest first, for the sweeper to enqueue. */
  async pendingDue(limit = 100): Promise<string[]> {
    const now = this.now();
    const rows = await this.deps.db
      .select({ id: writeBackOutbox.changeRequestId })
      .from(writeBackOutbox)
      .where(this.claimable(now))
      .orderBy(asc(writeBackOutbox.nextAttemptAt))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** One delivery attempt for the request's outbox row. See DeliveryOutcome for what the caller should do. */
  async deliver(changeRequestId: string): Promise<DeliveryOutcome> {
    const row = await this.claim(changeRequestId);
    if (!row) return 'SKIPPED';
    const log = { changeRequestId, sourceId: row.sourceId, attempt: row.attempts, workerId: this.workerId };
    let result: { status: 'DONE' | 'UNSUPPORTED' | 'FAILED' | 'RETRY'; message: string };
    const lease = new LeaseKeeper(this.deps.db, row.id, this.workerId, this.leaseMs, this.now);
    try {
      const change = await this.describe(changeRequestId);
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
    const recorded = await this.record(row, result);
    if (!recorded) {
      this.deps.logger.warn(log, 'write-back lease lost before recording; another worker owns the row now');
      return 'SKIPPED';
    }
    this.deps.logger.info({ ...log, outcome: result.status }, 'write-back attempt recorded');
    return result.status;
  }

  private claimable(now: Date) {
    return or(
      and(eq(writeBackOutbox.status, 'PENDING'), lte(writeBackOutbox.nextAttemptAt, now)),
      and(eq(writeBackOutbox.status, 'IN_PROGRESS'), lte(writeBackOutbox.claimedUntil, now)),
    );
  }

  /** Atomically takes the row for this worker, counting the attempt; null when it is not ours to deliver now. */
  private async claim(changeRequestId: string): Promise<WriteBackOutboxRow | null> {
    const now = this.now();
    const [row] = await this.deps.db
      .update(writeBackOutbox)
      .set({
        status: 'IN_PROGRESS',
        claimedBy: this.workerId,
        claimedUntil: new Date(now.getTime() + this.leaseMs),
        attempts: sql`${writeBackOutbox.attempts} + 1`,
      })
      .where(and(eq(writeBackOutbox.changeRequestId, changeRequestId), this.claimable(now)))
      .returning();
    return row ?? null;
  }

  private async describe(changeRequestId: string): Promise<LifecycleWriteBack> {
    const request = await this.requests.findById(this.deps.db, changeRequestId);
    if (!request) throw new NotFoundError(`Change request ${changeRequestId} does not exist.`);
    const version = await this.requests.versionContext(this.deps.db, request.modelVersionId);
    if (!version) throw new NotFoundError(`Model version ${request.modelVersionId} does not exist.`);
    const decisions = await this.requests.approvalsOf(this.deps.db, [changeRequestId]);
    const approvers = decisions.filter((d) => d.decision === 'APPROVE').map((d) => `${d.approverId} (${d.slotRole})`);
    return {
      changeRequestId,
      modelExternalId: version.modelExternalId,
      versionExternalId: version.externalId,
      fromState: request.fromState as LifecycleState,
      toState: request.toState as LifecycleState,
      summary: `ModelOps hub change request ${changeRequestId}: ${request.fromState} -> ${request.toState}, requested by ${request.requesterId}, approved by ${approvers.join(', ')}.`,
    };
  }

  /** Retryable failures are retried until maxAttempts; anything the connector says cannot succeed fails at once. */
  private failure(error: unknown, attempts: number): { status: 'FAILED' | 'RETRY'; message: string } {
    const message = error instanceof Error ? error.message : String(error);
    const retryable = error instanceof ConnectorError ? error.retryable : !(error instanceof NotFoundError);
    if (!retryable) return { status: 'FAILED', message };
    if (attempts >= this.maxAttempts) return { status: 'FAILED', message: `Gave up after ${attempts} attempts: ${message}` };
    return { status: 'RETRY', message };
  }

  /** Records the attempt on the outbox row (fenced on our claim), on the request, and in the audit log, in one transaction. */
  private async record(row: WriteBackOutboxRow, result: { status: 'DONE' | 'UNSUPPORTED' | 'FAILED' | 'RETRY'; message: string }): Promise<boolean> {
    const now = this.now();
    const final = result.status !== 'RETRY';
    const nextAttemptAt = final ? now : new Date(now.getTime() + this.backoffMs(row.attempts));
    return this.deps.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(writeBackOutbox)
        .set({
          status: final ? result.status : 'PENDING',
          lastError: result.status === 'DONE' || result.status === 'UNSUPPORTED' ? null : result.message,
          nextAttemptAt,
          claimedBy: null,
          claimedUntil: null,
          doneAt: final ? now : null,
        })
        .where(and(eq(writeBackOutbox.id, row.id), eq(writeBackOutbox.status, 'IN_PROGRESS'), eq(writeBackOutbox.claimedBy, this.workerId)))
        .returning({ id: writeBackOutbox.id });
      if (!updated) return false;
      await tx
        .update(changeRequests)
        .set({ writeBackStatus: final ? result.status : 'PENDING', writeBackAttempts: row.attempts, writeBackMessage: result.message, writeBackAt: now })
        .where(eq(changeRequests.id, row.changeRequestId));
      await this.deps.audit.record(tx, {
        actor: this.actor,
        action: final ? `write_back.${result.status.toLowerCase()}` : 'write_back.retry_scheduled',
        entityKind: 'change_request',
        entityId: row.changeRequestId,
        after: { status: result.status, attempt: row.attempts, message: result.message, ...(final ? {} : { nextAttemptAt: nextAttemptAt.toISOString() }) },
      });
      return true;
    });
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
      const [kept] = await this.db
        .update(writeBackOutbox)
        .set({ claimedUntil: new Date(this.now().getTime() + this.leaseMs) })
        .where(and(eq(writeBackOutbox.id, this.rowId), eq(writeBackOutbox.status, 'IN_PROGRESS'), eq(writeBackOutbox.claimedBy, this.workerId)))
        .returning({ id: writeBackOutbox.id });
      if (kept) this.renewedAt = performance.now();
      else this.controller.abort(new Error('The write-back claim was lost to another worker; this attempt stopped.'));
    } catch {
      // Unreachable for now: the next tick tries again, or stops the call once half a lease has gone unrenewed.
    } finally {
      this.renewing = false;
    }
  }
}
