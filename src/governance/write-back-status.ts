import { asc, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { writeBackOutbox } from '../db/schema/index.js';
import { writeBackStateOf, type WriteBackState } from './change-request.js';

/**
 * A change request's write-back as the API shows it, derived from its outbox rows (one per state change it made), the
 * only place the status is stored.
 */
export interface WriteBackSummary {
  /** By {@link writeBackStateOf} over the rows; null while the request has none (not applied). */
  writeBackStatus: WriteBackState | null;
  /** Delivery attempts over all its rows. */
  writeBackAttempts: number;
  /** Each row's last message, in delivery order, one per line; null when none has one. */
  writeBackMessage: string | null;
  /** The latest recorded attempt of any row. */
  writeBackAt: Date | null;
}

/** The fields of an outbox row the summary reads. */
export type OutboxRowState = { status: string; attempts: number; message: string | null; lastAttemptAt: Date | null };

export const NO_WRITE_BACK: WriteBackSummary = Object.freeze({ writeBackStatus: null, writeBackAttempts: 0, writeBackMessage: null, writeBackAt: null });

/** The request's summary from its rows, given in delivery order. */
export function summariseWriteBack(rows: readonly OutboxRowState[]): WriteBackSummary {
  if (rows.length === 0) return NO_WRITE_BACK;
  const times = rows.flatMap((r) => (r.lastAttemptAt ? [r.lastAttemptAt.getTime()] : []));
  return {
    writeBackStatus: writeBackStateOf(rows.map((r) => r.status)),
    writeBackAttempts: rows.reduce((sum, r) => sum + r.attempts, 0),
    writeBackMessage: rows.flatMap((r) => (r.message ? [r.message] : [])).join('\n') || null,
    writeBackAt: times.length > 0 ? new Date(Math.max(...times)) : null,
  };
}

/** The summaries of these requests in one statement; a request without rows gets {@link NO_WRITE_BACK}. */
export async function writeBackSummaries(db: Db | Tx, changeRequestIds: readonly string[]): Promise<Map<string, WriteBackSummary>> {
  const byRequest = new Map<string, OutboxRowState[]>(changeRequestIds.map((id) => [id, []]));
  if (changeRequestIds.length === 0) return new Map();
  const rows = await db
    .select({
      changeRequestId: writeBackOutbox.changeRequestId,
      status: writeBackOutbox.status,
      attempts: writeBackOutbox.attempts,
      message: writeBackOutbox.message,
      lastAttemptAt: writeBackOutbox.lastAttemptAt,
    })
    .from(writeBackOutbox)
    .where(inArray(writeBackOutbox.changeRequestId, [...new Set(changeRequestIds)]))
    .orderBy(asc(writeBackOutbox.changeRequestId), asc(writeBackOutbox.position));
  for (const row of rows) byRequest.get(row.changeRequestId)?.push(row);
  return new Map([...byRequest].map(([id, states]) => [id, summariseWriteBack(states)]));
}

/** The write-back read side for the API: summaries by request id, batched (the GraphQL loader calls it once per tick). */
export class WriteBackStatusReader {
  constructor(private readonly db: Db) {}

  async summariesOf(changeRequestIds: readonly string[]): Promise<WriteBackSummary[]> {
    const found = await writeBackSummaries(this.db, changeRequestIds);
    return changeRequestIds.map((id) => found.get(id) ?? NO_WRITE_BACK);
  }
}
