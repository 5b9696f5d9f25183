import { asc, gt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { auditEvents, type AuditEventRow } from '../db/schema/index.js';
import { GENESIS_HASH, eventHash, type HashedFields } from './audit-chain.js';

/** Who acted: a principal's stable id and the roles it held (the audit module sits below auth, so it names no Principal). */
export interface AuditActor {
  id: string;
  roles: readonly string[];
}

export interface AuditEntry {
  actor: AuditActor;
  /** verb.noun, e.g. `source.created`, `change_request.approved`, `finding.opened`. */
  action: string;
  entityKind: string;
  entityId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** The API request id (or job id) that caused it, for correlation with logs. */
  requestId?: string | null;
}

/** Serialises appends: the chain needs each event to see its predecessor's hash. Held to the end of the transaction. */
const AUDIT_CHAIN_LOCK = 7_240_002;
/** Events per INSERT statement (12 parameters each, well under the protocol's 65 535). */
const AUDIT_INSERT_CHUNK = 1_000;

/**
 * The tamper-evident audit log. Each event carries sha256(previous hash + canonical event); the database refuses
 * UPDATE/DELETE/TRUNCATE (migration 0001). Events are written in the same transaction as the change they record,
 * so a change without its audit row cannot commit.
 */
export class AuditRecorder {
  /**
   * Appends events inside the caller's transaction (pass `tx`). Takes a transaction-scoped advisory lock so
   * concurrent writers chain one after another.
   */
  async record(tx: Executor, entries: AuditEntry | AuditEntry[]): Promise<AuditEventRow[]> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return [];
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    const [last] = await tx
      .select({ seq: auditEvents.seq, hash: auditEvents.hash })
      .from(auditEvents)
      .orderBy(sql`${auditEvents.seq} desc`)
      .limit(1);
    let prevHash = last?.hash ?? GENESIS_HASH;
    let seq = last?.seq ?? 0;
    const rows: AuditEventRow[] = [];
    for (const entry of list) {
      seq += 1;
      // Millisecond precision: PGlite stores ms, pg µs; the hash must survive a round trip on both.
      const at = new Date(Math.floor(Date.now()));
      const fields: HashedFields = {
        seq,
        at,
        actorId: entry.actor.id,
        actorRoles: [...entry.actor.roles],
        action: entry.action,
        entityKind: entry.entityKind,
        entityId: entry.entityId,
        before: jsonSafe(entry.before ?? null),
        after: jsonSafe(entry.after ?? null),
        requestId: entry.requestId ?? null,
      };
      const hash = eventHash(prevHash, fields);
      rows.push({ ...fields, prevHash, hash });
      prevHash = hash;
    }
    // PostgreSQL's wire protocol caps a statement at 65 535 parameters (12 per event): a sync that opens thousands of
    // findings at once must append in chunks, still inside the caller's transaction and still in chain order.
    for (let start = 0; start < rows.length; start += AUDIT_INSERT_CHUNK) {
      await tx.insert(auditEvents).values(rows.slice(start, start + AUDIT_INSERT_CHUNK));
    }
    return rows;
  }

  /**
   * Walks the chain in order and recomputes every hash. Returns the first sequence number whose stored hash or
   * link does not match (an edited, inserted or removed event), or null when the whole chain verifies.
   */
  async verify(db: Executor, batchSize = 5_000): Promise<{ valid: boolean; firstBrokenSeq: number | null; checked: number }> {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    let cursor = 0;
    for (;;) {
      const rows = await db.select().from(auditEvents).where(gt(auditEvents.seq, cursor)).orderBy(asc(auditEvents.seq)).limit(batchSize);
      if (rows.length === 0) return { valid: true, firstBrokenSeq: null, checked };
      for (const row of rows) {
        // A gap in the sequence means an event was removed; the next one breaks the chain there.
        if (row.seq !== expectedSeq || row.prevHash !== prevHash || eventHash(prevHash, row) !== row.hash) {
          return { valid: false, firstBrokenSeq: Math.min(row.seq, expectedSeq), checked };
        }
        prevHash = row.hash;
        expectedSeq = row.seq + 1;
        checked++;
      }
      cursor = rows[rows.length - 1].seq;
    }
  }
}

/** Round-trips through JSON so what is hashed is exactly what jsonb stores and returns. */
function jsonSafe(value: Record<string, unknown> | null): Record<string, unknown> | null {
  return value === null ? null : (JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
}
