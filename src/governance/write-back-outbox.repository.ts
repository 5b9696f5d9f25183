import { and, asc, eq, inArray, lt, lte, min, notExists, notInArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor, Tx } from '../db/client.js';
import { writeBackOutbox, type WriteBackOutboxRow } from '../db/schema/index.js';

/** The statuses a row never leaves. */
const FINAL_ROW_STATUSES = ['DONE', 'FAILED', 'UNSUPPORTED'];

/** What one attempt left on its row: its status (final, or PENDING again for a retry) and when it is due next. */
export interface AttemptRecord {
  status: 'DONE' | 'FAILED' | 'UNSUPPORTED' | 'PENDING';
  lastError: string | null;
  message: string;
  nextAttemptAt: Date;
  doneAt: Date | null;
  lastAttemptAt: Date;
}

/** The first unfinished row of a request: what decides when its next attempt is due. */
export interface NextUnfinishedRow {
  status: string;
  nextAttemptAt: Date;
  claimedUntil: Date | null;
}

/**
 * Storage of the write-back outbox. Every claim and every write after it is fenced on the claim (status IN_PROGRESS
 * and claimed_by the worker), so a worker whose lease lapsed can no longer change a row another worker has taken.
 */
export class WriteBackOutboxRepository {
  /** Change request ids with a row due for delivery (or whose claim lapsed), oldest first. */
  async dueRequestIds(db: Executor, now: Date, limit: number): Promise<string[]> {
    const rows = await db
      .select({ id: writeBackOutbox.changeRequestId })
      .from(writeBackOutbox)
      .where(this.deliverable(db, now))
      .groupBy(writeBackOutbox.changeRequestId)
      .orderBy(asc(min(writeBackOutbox.nextAttemptAt)))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** The request's first row (by position) that is not final; undefined when every row is final. */
  async firstUnfinished(db: Executor, changeRequestId: string): Promise<NextUnfinishedRow | undefined> {
    const [row] = await db
      .select({ status: writeBackOutbox.status, nextAttemptAt: writeBackOutbox.nextAttemptAt, claimedUntil: writeBackOutbox.claimedUntil })
      .from(writeBackOutbox)
      .where(and(eq(writeBackOutbox.changeRequestId, changeRequestId), notInArray(writeBackOutbox.status, FINAL_ROW_STATUSES)))
      .orderBy(asc(writeBackOutbox.position))
      .limit(1);
    return row;
  }

  /**
   * Atomically takes the request's next deliverable row for `workerId` until `now + leaseMs`, counting the attempt;
   * null when none is deliverable now.
   */
  async claimNext(db: Executor, changeRequestId: string, workerId: string, now: Date, leaseMs: number): Promise<WriteBackOutboxRow | null> {
    const next = db
      .select({ id: writeBackOutbox.id })
      .from(writeBackOutbox)
      .where(and(eq(writeBackOutbox.changeRequestId, changeRequestId), this.deliverable(db, now)))
      .orderBy(asc(writeBackOutbox.position))
      .limit(1);
    // The claimable test is repeated on the row itself: of two workers that chose the same row, only one takes it.
    const [row] = await db
      .update(writeBackOutbox)
      .set({
        status: 'IN_PROGRESS',
        claimedBy: workerId,
        claimedUntil: new Date(now.getTime() + leaseMs),
        attempts: sql`${writeBackOutbox.attempts} + 1`,
      })
      .where(and(inArray(writeBackOutbox.id, next), this.claimable(now)))
      .returning();
    return row ?? null;
  }

  /** Records an attempt's outcome and releases the claim; false when the claim was no longer `workerId`'s. */
  async recordAttempt(tx: Tx, rowId: string, workerId: string, attempt: AttemptRecord): Promise<boolean> {
    const [updated] = await tx
      .update(writeBackOutbox)
      .set({ ...attempt, claimedBy: null, claimedUntil: null })
      .where(this.claimedBy(rowId, workerId))
      .returning({ id: writeBackOutbox.id });
    return updated !== undefined;
  }

  /** Extends `workerId`'s claim on the row to `until`; false when the claim was lost. */
  async renewClaim(db: Executor, rowId: string, workerId: string, until: Date): Promise<boolean> {
    const [kept] = await db
      .update(writeBackOutbox)
      .set({ claimedUntil: until })
      .where(this.claimedBy(rowId, workerId))
      .returning({ id: writeBackOutbox.id });
    return kept !== undefined;
  }

  private claimedBy(rowId: string, workerId: string) {
    return and(eq(writeBackOutbox.id, rowId), eq(writeBackOutbox.status, 'IN_PROGRESS'), eq(writeBackOutbox.claimedBy, workerId));
  }

  private claimable(now: Date) {
    return or(
      and(eq(writeBackOutbox.status, 'PENDING'), lte(writeBackOutbox.nextAttemptAt, now)),
      and(eq(writeBackOutbox.status, 'IN_PROGRESS'), lte(writeBackOutbox.claimedUntil, now)),
    );
  }

  /** Claimable, and every row before it in its request final. */
  private deliverable(db: Executor, now: Date) {
    const earlier = alias(writeBackOutbox, 'earlier');
    return and(
      this.claimable(now),
      notExists(
        db
          .select({ id: earlier.id })
          .from(earlier)
          .where(
            and(
              eq(earlier.changeRequestId, writeBackOutbox.changeRequestId),
              lt(earlier.position, writeBackOutbox.position),
              notInArray(earlier.status, FINAL_ROW_STATUSES),
            ),
          ),
      ),
    );
  }
}
