import { and, desc, eq, gte, inArray, lt, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditEvents } from '../db/schema/index.js';
import { queryRows } from '../db/sql.js';
import type { ForwardPage } from '../page.js';
import { AuditRecorder } from './audit-recorder.js';
import { gatherCheckpoints, verifyAuditChain, type AuditChainReport } from './chain-verification.js';

/** Filters of `auditEvents(filter, first, after)`. Every field narrows; absent fields do not. */
export interface AuditEventFilter {
  entityKind?: string;
  entityId?: string;
  actorId?: string;
  /** Exact actions (`change_request.applied`) or prefixes ending in `.` (`change_request.`). */
  actions?: string[];
  since?: Date;
  /** Entity kinds the caller may not see (audit events about people and keys are for ADMIN only). */
  hiddenEntityKinds?: string[];
}

/** One audit event as readers see it: the stored, hash-chained row. */
export type AuditEventRecord = typeof auditEvents.$inferSelect;

/** One page of events, newest first. */
export type AuditEventPage = ForwardPage<AuditEventRecord>;

export type AuditChainVerification = AuditChainReport;

export interface AuditServiceDeps {
  db: Db;
  /** The public keys that signed checkpoints (the hub's own); empty: the chain is checked against itself only. */
  publicKeys?: readonly string[];
  /** Copies of the checkpoints outside the database (the file sink's directory), read when verifying. */
  checkpointDirs?: readonly string[];
}

/** Reads the audit log (newest first, keyset on seq) and verifies its hash chain. Writing is AuditRecorder's job. */
export class AuditService {
  constructor(private readonly deps: AuditServiceDeps) {}

  /** One page, newest first. `afterSeq` is the seq of the last event of the previous page. */
  async list(filter: AuditEventFilter, page: { first: number; afterSeq?: number | null }): Promise<AuditEventPage> {
    const where = auditEventConditions(filter);
    const keyset = page.afterSeq != null ? lt(auditEvents.seq, page.afterSeq) : undefined;
    const rows = await this.deps.db
      .select()
      .from(auditEvents)
      .where(and(...where, keyset))
      .orderBy(desc(auditEvents.seq))
      .limit(page.first + 1);
    const [{ count }] = await queryRows<{ count: number }>(
      this.deps.db,
      sql`select count(*)::int as count from ${auditEvents} where ${where.length ? and(...where) : sql`true`}`,
    );
    return { items: rows.slice(0, page.first), hasNextPage: rows.length > page.first, totalCount: Number(count) };
  }

  /** Events by seq, in the order asked, null where absent (node resolution). */
  async bySeqs(seqs: readonly number[]): Promise<Array<AuditEventRecord | null>> {
    if (seqs.length === 0) return [];
    const rows = await this.deps.db.select().from(auditEvents).where(inArray(auditEvents.seq, [...seqs]));
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    return seqs.map((seq) => bySeq.get(seq) ?? null);
  }

  /**
   * Recomputes every hash from the first event, streaming, and checks the chain against every signed checkpoint in
   * the database and in the checkpoint directories: edited, missing, truncated and re-hashed events, bad signatures.
   */
  async verify(): Promise<AuditChainVerification> {
    const { checkpoints, unreadable } = await gatherCheckpoints(this.deps.db, this.deps.checkpointDirs ?? []);
    return verifyAuditChain(this.deps.db, { checkpoints, unreadable, publicKeys: [...(this.deps.publicKeys ?? [])] });
  }
}

/** The filter as conditions on `audit_events` (unaliased), shared with the audit export. */
export function auditEventConditions(filter: AuditEventFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.entityKind) where.push(eq(auditEvents.entityKind, filter.entityKind));
  if (filter.entityId) where.push(eq(auditEvents.entityId, filter.entityId));
  if (filter.actorId) where.push(eq(auditEvents.actorId, filter.actorId));
  if (filter.since) where.push(gte(auditEvents.at, filter.since));
  if (filter.hiddenEntityKinds?.length) where.push(notInArray(auditEvents.entityKind, filter.hiddenEntityKinds));
  if (filter.actions?.length) {
    const exact = filter.actions.filter((a) => !a.endsWith('.'));
    const prefixes = filter.actions.filter((a) => a.endsWith('.'));
    const parts: SQL[] = [];
    if (exact.length) parts.push(inArray(auditEvents.action, exact));
    // Prefixes are matched with starts_with, not LIKE, so `_` and `%` in an action name are literal.
    for (const prefix of prefixes) parts.push(sql`starts_with(${auditEvents.action}, ${prefix})`);
    where.push(sql`(${sql.join(parts, sql` or `)})`);
  }
  return where;
}
