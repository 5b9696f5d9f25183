import type { NormalisedRecordBase, RecordError } from '../../connectors/contract.js';
import { sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import { appendChanges, type InventoryChange } from './change-log.js';
import { DEFAULT_MAX_DELETE_SHARE, assertShare, judgeDeletion } from './deletion-guard.js';
import { changedFields, type FieldSnapshot } from './diff.js';
import { DEPLOYMENT_SPEC, MODEL_SPEC, VERSION_SPEC, type EntitySpec } from './entity-specs.js';
import type { PreparedRecord, PreparedRecords } from './prepare-records.js';
import { clearSeen, markSeen } from './seen-set.js';
import { markModelsSeen, tallyListing, tombstoneUnseen, unseenModels } from './tombstone-statements.js';
import type { BatchResult, TombstoneResult, WriteContext } from './types.js';
import { kindForRoute, type PreparedBatch, type PreparedKind } from './batch-preparation.js';
import type { RowsPayload } from './column-encoding.js';
import { buildInsertNew, buildMarkUnchanged, buildUpsert, type InsertResultRow, type ProbeResultRow, type UpsertResultRow } from './upsert-statement.js';
import { WriteRoutes, type StoredKinds } from './write-routes.js';

/** Work a caller adds to one of the writer's transactions, given what the transaction wrote. */
export type InTransaction<R> = (tx: Executor, result: R) => Promise<void>;

export interface InventoryWriterOptions {
  /** Largest share (0..1) of a source's live records one complete listing may tombstone; default 0.5. */
  defaultMaxDeleteShare?: number;
}

export interface WriteBatchOptions {
  /**
   * The run's route forecast, shared by its batches (see WriteRoutes); the same one the batch was prepared with.
   * Without it the batch is routed as a run's first.
   */
  routes?: WriteRoutes;
  /** Runs in the batch's transaction once its rows and change log are written (see {@link InventoryWriter.writeBatch}). */
  record?: InTransaction<BatchResult>;
}

/** What writing one kind of record did. */
interface KindOutcome {
  /** External ids of rows inserted (not restored): children waiting for them can now be linked. */
  created: string[];
  /** External ids of every row written (created, updated or restored). */
  written: Set<string>;
  /** External ids found unchanged and marked seen by the probe. */
  marked: Set<string>;
  updated: number;
  unresolved: string[];
  /** UPDATED and RESTORED changes (CREATED ones are logged by the statement that inserts). */
  changes: InventoryChange[];
}

/**
 * Writes normalised batches into the inventory, set-based, and tombstones what a complete listing no longer has.
 *
 * Per batch, in one transaction, per table (models, then versions, then deployments, so children resolve parents
 * written in the same batch), by one of two routes that write the same rows and change log:
 * - `probe`: a probe that marks unchanged records seen and reports unknown parents, then one upsert of the rest
 *   (the route for re-syncs, where most records are stored and unchanged and only their keys need to travel);
 * - `insert`: one insert of the records not stored yet (logging their CREATED changes in the same statement), then
 *   the probe route for those that were (the route for first syncs, where a probe would find nothing).
 * A run's first batch inserts first where the source has nothing of that kind stored and probes first elsewhere;
 * later batches follow what the previous batch of the same kind found, in the run's WriteRoutes, which the caller
 * keeps for the run (the writer itself holds no state between calls).
 * The statement that creates parents also links earlier children that were waiting for them. Then one insert into
 * inventory_changes for the updates and restores, whose changed fields are named in TypeScript.
 * What a run has seen is the union of the records it wrote (they have a change row of the run) and the seen set
 * (everything else it listed), so a first sync does not pay for a seen row per record. Unchanged records are not
 * written; governance-owned columns are never written.
 */
export class InventoryWriter {
  private readonly defaultMaxDeleteShare: number;

  constructor(
    private readonly db: Db,
    options: InventoryWriterOptions = {},
  ) {
    this.defaultMaxDeleteShare = options.defaultMaxDeleteShare ?? DEFAULT_MAX_DELETE_SHARE;
    assertShare(this.defaultMaxDeleteShare);
  }

  /**
   * Upserts one batch, prepared by `prepareBatch`, for the run's source. Records with bad values are rejected one by
   * one (reported in `errors` and counted in `failed`) while the rest are written; the batch's own `errors` (records
   * the connector could not normalise) are not repeated in the result, the caller has them. A database failure
   * rejects the whole batch and leaves nothing of it written. `record` runs in the batch's transaction once its rows
   * and change log are written (the run's counts, so they commit with what they count); throwing from it rolls the
   * batch back.
   */
  async writeBatch(ctx: WriteContext, prepared: PreparedBatch, options: WriteBatchOptions = {}): Promise<BatchResult> {
    const { batch } = prepared;
    const routes = options.routes ?? new WriteRoutes();
    return this.db.transaction(async (tx) => {
      // The statements touch one batch of rows by index; once tables grow, their cost estimates cross
      // jit_above_cost and JIT compilation would take longer than the statements themselves.
      await tx.execute(sql`SET LOCAL jit = off`);
      if (!routes.started) routes.start(await storedKinds(tx, ctx.sourceId));
      // Each kind's statement is on its way to the database before the next kind's rows are encoded (when its
      // forecast missed), so that work overlaps the statement instead of adding to it.
      const model = kindForRoute(MODEL_SPEC, prepared.models, routes.next('model')!);
      const modelWrite = writeKind(tx, MODEL_SPEC, ctx, model, routes);
      const version = kindForRoute(VERSION_SPEC, prepared.versions, routes.next('version')!);
      const modelOutcome = await modelWrite;
      const versionWrite = writeKind(tx, VERSION_SPEC, ctx, version, routes);
      const deployment = kindForRoute(DEPLOYMENT_SPEC, prepared.deployments, routes.next('deployment')!);
      const versionOutcome = await versionWrite;
      const deploymentOutcome = await writeKind(tx, DEPLOYMENT_SPEC, ctx, deployment, routes);
      const all = [modelOutcome, versionOutcome, deploymentOutcome];
      await appendChanges(tx, ctx, all.flatMap((outcome) => outcome.changes));
      // Written records are known seen by their change row and unchanged ones were marked by the probe; this
      // catches the rest. Ids of records the connector could not normalise count too: the vendor still has them.
      await markSeen(tx, ctx.runId, [
        { kind: 'model', externalIds: notYetSeen(model.records.seen, modelOutcome) },
        { kind: 'version', externalIds: notYetSeen(version.records.seen, versionOutcome) },
        { kind: 'deployment', externalIds: notYetSeen(deployment.records.seen, deploymentOutcome) },
        ...batch.errors.map((error) => ({ kind: error.kind, externalIds: error.externalId ? [error.externalId] : [] })),
      ]);
      const result = batchResult([model.records, version.records, deployment.records], all);
      await options.record?.(tx, result);
      return result;
    });
  }

  /**
   * After a COMPLETE listing: tombstones the source's live records the run did not see, unless the deletion guard
   * refuses (REFUSED_EMPTY when the run saw nothing of a source with records stored, REFUSED_SHARE when more than
   * `maxDeleteShare` of the live records would go). Logs a DELETED change per tombstone. Clears the run's seen set whatever the verdict.
   * `record` runs in the same transaction as the tombstones and their change log (see {@link writeBatch}).
   */
  async finishListing(ctx: WriteContext, options: { maxDeleteShare?: number; record?: InTransaction<TombstoneResult> } = {}): Promise<TombstoneResult> {
    const maxDeleteShare = options.maxDeleteShare ?? this.defaultMaxDeleteShare;
    assertShare(maxDeleteShare);
    return this.db.transaction(async (tx) => {
      // Right after a first sync the planner's statistics still describe near-empty tables, and it picks nested
      // loops that rescan the run's change log per record (quadratic: minutes at 100k records). Hash anti-joins
      // are linear whatever the statistics say.
      await tx.execute(sql`SET LOCAL enable_nestloop = off`);
      await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
      const tally = await tallyListing(tx, ctx);
      const verdict = judgeDeletion(tally, maxDeleteShare);
      const deleted = verdict.decision === 'APPLIED' && tally.wouldDelete > 0 ? await tombstoneUnseen(tx, ctx) : 0;
      await clearSeen(tx, ctx.runId);
      const result: TombstoneResult = { decision: verdict.decision, reason: verdict.reason, deleted, wouldDelete: tally.wouldDelete, share: verdict.share };
      await options.record?.(tx, result);
      return result;
    });
  }

  /**
   * Before {@link finishListing}: the live models of the source this run's listing did not return, at most `limit`
   * (for a connector to confirm gone; see {@link keepUnlisted}).
   */
  unlistedModels(ctx: WriteContext, limit: number): Promise<string[]> {
    return unseenModels(this.db, ctx, limit);
  }

  /**
   * Keeps models the listing skipped but the vendor still has (with their versions and deployments) out of this
   * run's tombstones.
   */
  keepUnlisted(ctx: WriteContext, modelExternalIds: readonly string[]): Promise<void> {
    return markModelsSeen(this.db, ctx, modelExternalIds);
  }

  /** For a failed or partial listing: tombstones nothing (absence proves nothing) and clears the run's seen set. */
  async abandonListing(ctx: WriteContext, reason: string): Promise<TombstoneResult> {
    await clearSeen(this.db, ctx.runId);
    return {
      decision: 'SKIPPED_INCOMPLETE',
      reason: `Nothing was tombstoned: the listing did not complete (${reason}).`,
      deleted: 0,
      wouldDelete: 0,
      share: 0,
    };
  }
}

/**
 * Writes one kind of record by the route it was made ready for (see kindForRoute: the insert route carries the kind's
 * encoded rows), and records what this batch found in the run's routes for the next one. The routes differ in cost
 * only: both write the same rows and change log.
 */
async function writeKind<R extends NormalisedRecordBase>(
  db: Executor,
  spec: EntitySpec<R>,
  ctx: WriteContext,
  kind: PreparedKind<R>,
  routes: WriteRoutes,
): Promise<KindOutcome> {
  const rows = kind.records.rows;
  const outcome: KindOutcome = { created: [], written: new Set(), marked: new Set(), updated: 0, unresolved: [], changes: [] };
  if (rows.length === 0) return outcome;
  const { payload } = kind;
  const stored = payload ? await insertNew(db, spec, ctx, rows, payload, outcome) : rows;
  if (stored.length > 0) await probeAndUpsert(db, spec, ctx, stored, outcome);
  routes.record(spec.kind, { records: rows.length, stored: payload ? stored.length : rows.length - outcome.created.length });
  return outcome;
}

/** What one batch did, from its three kinds' prepared records and write outcomes. */
function batchResult(prepared: ReadonlyArray<PreparedRecords<NormalisedRecordBase>>, outcomes: readonly KindOutcome[]): BatchResult {
  const errors: RecordError[] = prepared.flatMap((kind) => kind.errors);
  const valid = prepared.reduce((sum, kind) => sum + kind.rows.length, 0);
  const created = outcomes.reduce((sum, outcome) => sum + outcome.created.length, 0);
  const updated = outcomes.reduce((sum, outcome) => sum + outcome.updated, 0);
  return {
    created,
    updated,
    unchanged: valid - created - updated,
    failed: errors.length,
    unresolvedVersions: outcomes[1].unresolved,
    unresolvedDeployments: outcomes[2].unresolved,
    errors,
  };
}

/** Whether the source has any record of each kind stored (tombstones included). */
async function storedKinds(db: Executor, sourceId: string): Promise<StoredKinds> {
  const [row] = await queryRows<StoredKinds>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM models WHERE source_id = ${sourceId}::uuid) AS model,
      EXISTS (SELECT 1 FROM model_versions WHERE source_id = ${sourceId}::uuid) AS version,
      EXISTS (SELECT 1 FROM deployments WHERE source_id = ${sourceId}::uuid) AS deployment`,
  );
  return row;
}

/** The insert route's first step: inserts what is not stored yet; returns the records that were. */
async function insertNew<R extends NormalisedRecordBase>(
  db: Executor,
  spec: EntitySpec<R>,
  ctx: WriteContext,
  rows: readonly PreparedRecord<R>[],
  payload: RowsPayload,
  outcome: KindOutcome,
): Promise<PreparedRecord<R>[]> {
  const stored = new Set<string>();
  for (const row of await queryRows<InsertResultRow>(db, buildInsertNew(spec, ctx, payload))) {
    if (row.tag === 's') stored.add(row.external_id);
    else outcome.unresolved.push(row.external_id);
  }
  for (const row of rows) {
    if (stored.has(row.externalId)) continue;
    outcome.created.push(row.externalId);
    outcome.written.add(row.externalId);
  }
  return stored.size === 0 ? [] : rows.filter((row) => stored.has(row.externalId));
}

/** The probe route: marks unchanged records seen, then upserts the rest; collects UPDATED and RESTORED changes. */
async function probeAndUpsert<R extends NormalisedRecordBase>(
  db: Executor,
  spec: EntitySpec<R>,
  ctx: WriteContext,
  rows: readonly PreparedRecord<R>[],
  outcome: KindOutcome,
): Promise<void> {
  for (const row of await queryRows<ProbeResultRow>(db, buildMarkUnchanged(spec, ctx, rows))) {
    if (row.tag === 'u') outcome.unresolved.push(row.external_id);
    else outcome.marked.add(row.external_id);
  }
  const pending = outcome.marked.size === 0 ? rows : rows.filter((row) => !outcome.marked.has(row.externalId));
  if (pending.length === 0) return;
  let records: Map<string, R> | null = null;
  for (const row of await queryRows<UpsertResultRow>(db, buildUpsert(spec, ctx, pending))) {
    outcome.written.add(row.external_id);
    if (!row.existed) {
      outcome.created.push(row.external_id);
      continue;
    }
    records ??= new Map(pending.map((prepared) => [prepared.externalId, prepared.record]));
    outcome.updated += 1;
    outcome.changes.push({
      entityKind: spec.kind,
      entityId: row.id,
      externalId: row.external_id,
      change: row.was_deleted ? 'RESTORED' : 'UPDATED',
      changedFields: changedFields(spec.columns, snapshot(row.before), records.get(row.external_id)!),
    });
  }
}

/** Listed ids the run has no record of seeing yet: rejected records, and unchanged repeats of an earlier batch. */
function notYetSeen(seen: readonly string[], outcome: KindOutcome): string[] {
  return seen.filter((id) => !outcome.written.has(id) && !outcome.marked.has(id));
}

/** jsonb arrives parsed from both drivers; a string would mean a driver configured not to parse it. */
function snapshot(before: UpsertResultRow['before']): FieldSnapshot {
  if (before === null) return {};
  return typeof before === 'string' ? (JSON.parse(before) as FieldSnapshot) : before;
}
