import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import { applyAuditEvent, emptyGovernedState, type GovernedStateFromAudit, type REPLAYED_ENTITY_KINDS, type ReplayEvent } from './state-replay.js';
import {
  diffApiKey,
  diffApproval,
  diffModel,
  diffPerson,
  diffPolicy,
  diffRequest,
  diffVersion,
  unaccountedInTables,
  type ApiKeyStateRow,
  type ApprovalStateRow,
  type ModelStateRow,
  type PersonStateRow,
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
 *
 * Every fact the replay checks belongs to one entity's own events (a version's lifecycle, a request's decisions, a
 * policy's revisions, a person's roles), so the database pairs each entity's events, in seq order, with its row (a full join: rows
 * without events and events without rows included), and a cursor hands them over a batch at a time. Each batch is
 * folded, compared and dropped: the hub's memory holds one batch, however long the trail and however large the estate.
 */
export class StateReplayService {
  constructor(private readonly deps: { db: Db }) {}

  async verify(options: StateReplayOptions = {}): Promise<StateVerification> {
    const started = Date.now();
    const batchSize = options.batchSize ?? 2_000;
    const max = options.maxDivergences ?? 1_000;
    return this.deps.db.transaction(async (tx) => {
      await tx.execute(sql`set transaction isolation level repeatable read, read only`);
      // Grouping a kind's events sorts them: in memory rather than in temporary files, and without JIT-compiling
      // statements that run once (compiling cost seconds on a large trail).
      await tx.execute(sql`set local work_mem = '64MB'`);
      await tx.execute(sql`set local jit = off`);
      const divergences: StateDivergence[] = [];
      let count = 0;
      const report = (found: Iterable<StateDivergence>) => {
        for (const divergence of found) {
          count++;
          if (divergences.length < max) divergences.push(divergence);
        }
      };
      const totals = { events: 0, unknownEvents: 0 };
      for (const pairing of PAIRINGS) {
        await forEachBatch(tx, pairing.query, batchSize, (rows) => {
          const state = emptyGovernedState();
          for (const row of rows) for (const event of row.events ?? []) applyAuditEvent(state, { ...event, seq: Number(event.seq), entityKind: pairing.kind, entityId: row.entityId });
          for (const row of rows) if (row.row && !state.unknownEntities.has(`${pairing.kind}:${row.entityId}`)) report(pairing.diff(row.row as never, state));
          for (const row of rows) if (row.row) pairing.forget(state, row.entityId);
          report(unaccountedInTables(state));
          totals.events += state.events;
          totals.unknownEvents += state.unknownEvents;
          options.onProgress?.(totals.events);
        });
      }
      const [{ last }] = await queryRows<{ last: number | string | null }>(tx, sql`select max(seq) as last from audit_events`);
      return {
        consistent: count === 0,
        eventsReplayed: totals.events,
        unknownEvents: totals.unknownEvents,
        lastSeq: Number(last ?? 0),
        divergenceCount: count,
        divergences,
        truncated: count > divergences.length,
        durationMs: Date.now() - started,
      };
    });
  }
}

/** One entity's events (in seq order) beside its row; either may be missing. */
interface PairedRow {
  entityId: string;
  events: Array<Omit<ReplayEvent, 'entityKind' | 'entityId'>> | null;
  row: Record<string, unknown> | null;
}

interface Pairing {
  kind: (typeof REPLAYED_ENTITY_KINDS)[number];
  query: SQL;
  diff(row: never, state: GovernedStateFromAudit): StateDivergence[];
  /** Drops the compared entity from the batch's state: what remains is in the trail but not in the table. */
  forget(state: GovernedStateFromAudit, id: string): void;
}

/** The events of one entity kind, grouped per entity in seq order. */
function eventsOf(kind: string): SQL {
  return sql`select entity_id, jsonb_agg(jsonb_build_object('seq', seq, 'actorId', actor_id, 'action', action, 'before', before, 'after', after) order by seq) as events
    from audit_events where entity_kind = ${kind} group by entity_id`;
}

/** Full join of an entity kind's grouped events with its table; `row` is the table's side as JSON (null when absent). */
function paired(kind: string, table: SQL, rowJson: SQL): SQL {
  return sql`select coalesce(e.entity_id, t.id::text) as "entityId", e.events, case when t.id is null then null else ${rowJson} end as row
    from (${eventsOf(kind)}) e full join (${table}) t on t.id::text = e.entity_id`;
}

const PAIRINGS: readonly Pairing[] = [
  {
    kind: 'model_version',
    query: paired('model_version', sql`select id, lifecycle_state, source_id from model_versions`, sql`jsonb_build_object('id', t.id, 'lifecycleState', t.lifecycle_state, 'sourceId', t.source_id)`),
    diff: (row: VersionStateRow, state) => diffVersion(row, state.versions.get(row.id)),
    forget: (state, id) => state.versions.delete(id),
  },
  {
    kind: 'change_request',
    query: paired(
      'change_request',
      sql`select cr.*, v.source_id as version_source_id,
            (select jsonb_agg(jsonb_build_object('id', a.id, 'changeRequestId', a.change_request_id, 'decision', a.decision, 'slotRole', a.slot_role,
               'slotIndex', a.slot_index, 'approverId', a.approver_id, 'comment', a.comment) order by a.id) from approvals a where a.change_request_id = cr.id) as approval_rows
          from change_requests cr left join model_versions v on v.id = cr.model_version_id`,
      sql`jsonb_build_object('id', t.id, 'status', t.status, 'modelVersionId', t.model_version_id, 'fromState', t.from_state, 'toState', t.to_state,
            'requesterId', t.requester_id, 'sourceId', t.version_source_id, 'approvals', coalesce(t.approval_rows, '[]'::jsonb))`,
    ),
    // Approvals first: a decision no approval row matched is then reported with its request.
    diff: (row: RequestStateRow & { approvals: Array<Omit<ApprovalStateRow, 'sourceId'>> }, state) => {
      const request = state.requests.get(row.id);
      const approvals = row.approvals.flatMap((approval) => diffApproval({ ...approval, sourceId: row.sourceId }, request));
      return [...approvals, ...diffRequest(row, request)];
    },
    forget: (state, id) => state.requests.delete(id),
  },
  {
    kind: 'policy',
    query: paired('policy', sql`select * from policies`, sql`jsonb_build_object('id', t.id, 'toState', t.to_state, 'riskTier', t.risk_tier, 'requirements', t.requirements, 'revision', t.revision)`),
    diff: (row: PolicyStateRow, state) => diffPolicy(row, state.policies.get(row.id)),
    forget: (state, id) => state.policies.delete(id),
  },
  {
    kind: 'model',
    query: paired(
      'model',
      sql`select * from models`,
      sql`jsonb_build_object('id', t.id, 'riskTier', t.risk_tier, 'businessUnit', t.business_unit, 'accountableOwner', t.accountable_owner, 'sourceId', t.source_id)`,
    ),
    diff: (row: ModelStateRow, state) => diffModel(row, state.models.get(row.id)),
    forget: (state, id) => state.models.delete(id),
  },
  {
    kind: 'api_key',
    query: paired('api_key', sql`select * from api_keys`, sql`jsonb_build_object('id', t.id, 'roles', to_jsonb(t.roles), 'revoked', t.revoked_at is not null)`),
    diff: (row: ApiKeyStateRow, state) => diffApiKey(row, state.apiKeys.get(row.id)),
    forget: (state, id) => state.apiKeys.delete(id),
  },
  {
    kind: 'person',
    query: paired(
      'person',
      sql`select p.*, p.break_glass or exists (select 1 from api_keys k where k.person_id = p.id and lower(k.prefix) || '@keys.invalid' = lower(p.email)) as created_by_upgrade
          from persons p`,
      sql`jsonb_build_object('id', t.id, 'roles', to_jsonb(t.roles), 'active', t.active, 'createdByUpgrade', t.created_by_upgrade)`,
    ),
    diff: (row: PersonStateRow, state) => diffPerson(row, state.persons.get(row.id)),
    forget: (state, id) => state.persons.delete(id),
  },
];

let cursorCount = 0;

/** A server-side cursor (plain SQL: the same on node-postgres and PGlite), fetched a batch at a time. */
async function forEachBatch(tx: Tx, query: SQL, batchSize: number, each: (rows: PairedRow[]) => void): Promise<void> {
  const name = sql.raw(`state_replay_${++cursorCount}`);
  await tx.execute(sql`declare ${name} no scroll cursor for ${query}`);
  try {
    for (;;) {
      const rows = await queryRows<PairedRow>(tx, sql`fetch forward ${sql.raw(String(batchSize))} from ${name}`);
      if (rows.length === 0) return;
      each(rows);
    }
  } finally {
    // After a failed statement the transaction is aborted and takes the cursor with it: the first error is the one to see.
    await tx.execute(sql`close ${name}`).catch(() => undefined);
  }
}
