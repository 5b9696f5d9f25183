import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import { REPLAYED_ENTITY_KINDS, applyAuditEvent, emptyGovernedState, type GovernedStateFromAudit, type ReplayEvent } from './state-replay.js';
import {
  diffApiKey,
  diffApproval,
  diffModel,
  diffPolicy,
  diffRequest,
  diffVersion,
  unaccountedInTables,
  type ApiKeyStateRow,
  type ApprovalStateRow,
  type ModelStateRow,
  type PolicyStateRow,
  type RequestStateRow,
  type StateDivergence,
  type VersionStateRow,
} from './state-replay-diff.js';

export interface StateVerification {
  /** True when every table row agrees with the trail (unknown entities aside). */
  consistent: boolean;
  eventsReplayed: number;
  /** Events lacking a fact the replay needs (older formats): their entities were not compared. */
  unknownEvents: number;
  /** The last event replayed: the verification describes the state as of this event. */
  lastSeq: number;
  divergenceCount: number;
  /** The first `maxDivergences` divergences (all of them unless `truncated`). */
  divergences: StateDivergence[];
  truncated: boolean;
  durationMs: number;
}

export interface StateReplayOptions {
  /** Rows per read, for events and for each table: memory holds one batch plus the replayed state. */
  batchSize?: number;
  /** Divergences kept in the report (all are counted). */
  maxDivergences?: number;
  /** Called after each batch of events (the CLI and the bench show progress). */
  onProgress?: (eventsReplayed: number) => void;
}

/**
 * Replays the audit trail into governed state and compares it with the tables (ARCHITECTURE §5: a replay of the events
 * must reproduce the governed state). Everything is read in one read-only REPEATABLE READ transaction, so a decision
 * committing meanwhile (its state change and its audit event commit together) is either wholly seen or not at all.
 * Events and rows are read in keyset batches: memory is one batch plus the replayed state, never the whole trail.
 */
export class StateReplayService {
  constructor(private readonly deps: { db: Db }) {}

  async verify(options: StateReplayOptions = {}): Promise<StateVerification> {
    const started = Date.now();
    const batchSize = options.batchSize ?? 5_000;
    const max = options.maxDivergences ?? 1_000;
    return this.deps.db.transaction(async (tx) => {
      await tx.execute(sql`set transaction isolation level repeatable read, read only`);
      const state = await replayEvents(tx, batchSize, options.onProgress);
      const divergences: StateDivergence[] = [];
      let count = 0;
      const report = (found: Iterable<StateDivergence>) => {
        for (const divergence of found) {
          count++;
          if (divergences.length < max) divergences.push(divergence);
        }
      };
      await compareTables(tx, state, batchSize, report);
      report(unaccountedInTables(state));
      return {
        consistent: count === 0,
        eventsReplayed: state.events,
        unknownEvents: state.unknownEvents,
        lastSeq: state.lastSeq,
        divergenceCount: count,
        divergences,
        truncated: count > divergences.length,
        durationMs: Date.now() - started,
      };
    });
  }
}

/** Folds every governance event, in seq order, batch by batch. */
export async function replayEvents(tx: Tx | Db, batchSize: number, onProgress?: (events: number) => void): Promise<GovernedStateFromAudit> {
  const state = emptyGovernedState();
  const kinds = sql.join(REPLAYED_ENTITY_KINDS.map((kind) => sql`${kind}`), sql`, `);
  let cursor = 0;
  for (;;) {
    const rows = await queryRows<ReplayEvent & { seq: number | string }>(
      tx,
      sql`select seq, actor_id as "actorId", action, entity_kind as "entityKind", entity_id as "entityId", before, after
          from audit_events where seq > ${cursor} and entity_kind in (${kinds}) order by seq limit ${batchSize}`,
    );
    if (rows.length === 0) return state;
    for (const row of rows) applyAuditEvent(state, { ...row, seq: Number(row.seq) });
    cursor = Number(rows[rows.length - 1].seq);
    onProgress?.(state.events);
  }
}

/**
 * Compares every governed row with the replayed state, removing each compared entry so that what remains afterwards
 * is what the trail holds and the tables do not. Approvals go before their requests: a request's audited decisions
 * that no approval row matched are reported with the request.
 */
async function compareTables(tx: Tx, state: GovernedStateFromAudit, batchSize: number, report: (found: Iterable<StateDivergence>) => void): Promise<void> {
  const skip = (kind: string, id: string) => state.unknownEntities.has(`${kind}:${id}`);
  await forEachRow<VersionStateRow>(tx, batchSize, 'v.id', sql`select v.id, v.lifecycle_state as "lifecycleState", v.source_id as "sourceId" from model_versions v`, (row) => {
    if (!skip('model_version', row.id)) report(diffVersion(row, state.versions.get(row.id)));
    state.versions.delete(row.id);
  });
  await forEachRow<ApprovalStateRow>(
    tx,
    batchSize,
    'a.id',
    sql`select a.id, a.change_request_id as "changeRequestId", a.decision, a.slot_role as "slotRole", a.slot_index as "slotIndex",
          a.approver_id as "approverId", a.comment, v.source_id as "sourceId"
        from approvals a join change_requests cr on cr.id = a.change_request_id left join model_versions v on v.id = cr.model_version_id`,
    (row) => {
      if (!skip('change_request', row.changeRequestId)) report(diffApproval(row, state.requests.get(row.changeRequestId)));
    },
  );
  await forEachRow<RequestStateRow>(
    tx,
    batchSize,
    'cr.id',
    sql`select cr.id, cr.status, cr.model_version_id as "modelVersionId", cr.from_state as "fromState", cr.to_state as "toState",
          cr.requester_id as "requesterId", v.source_id as "sourceId"
        from change_requests cr left join model_versions v on v.id = cr.model_version_id`,
    (row) => {
      if (!skip('change_request', row.id)) report(diffRequest(row, state.requests.get(row.id)));
      state.requests.delete(row.id);
    },
  );
  await forEachRow<PolicyStateRow>(tx, batchSize, 'p.id', sql`select p.id, p.to_state as "toState", p.risk_tier as "riskTier", p.requirements, p.revision from policies p`, (row) => {
    if (!skip('policy', row.id)) report(diffPolicy(row, state.policies.get(row.id)));
    state.policies.delete(row.id);
  });
  await forEachRow<ModelStateRow>(
    tx,
    batchSize,
    'm.id',
    sql`select m.id, m.risk_tier as "riskTier", m.business_unit as "businessUnit", m.accountable_owner as "accountableOwner", m.source_id as "sourceId" from models m`,
    (row) => {
      if (!skip('model', row.id)) report(diffModel(row, state.models.get(row.id)));
      state.models.delete(row.id);
    },
  );
  await forEachRow<ApiKeyStateRow>(tx, batchSize, 'k.id', sql`select k.id, k.roles, k.revoked_at is not null as revoked from api_keys k`, (row) => {
    if (!skip('api_key', row.id)) report(diffApiKey(row, state.apiKeys.get(row.id)));
    state.apiKeys.delete(row.id);
  });
}

/** Keyset over a uuid key: `select … from t alias` plus `where key > cursor order by key limit n`. */
async function forEachRow<T extends { id: string }>(tx: Tx, batchSize: number, key: string, select: SQL, each: (row: T) => void): Promise<void> {
  const keyColumn = sql.raw(key);
  let cursor: string | null = null;
  for (;;) {
    const after: SQL = cursor === null ? sql`true` : sql`${keyColumn} > ${cursor}::uuid`;
    const rows: T[] = await queryRows<T>(tx, sql`${select} where ${after} order by ${keyColumn} limit ${batchSize}`);
    for (const row of rows) each(row);
    if (rows.length < batchSize) return;
    cursor = rows[rows.length - 1].id;
  }
}
