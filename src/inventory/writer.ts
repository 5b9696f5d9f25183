import type { NormalisedBatch, NormalisedRecordBase, RecordError } from '../../connectors/contract.js';
import { sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import { appendChanges, type InventoryChange } from './change-log.js';
import { DEFAULT_MAX_DELETE_SHARE, assertShare, judgeDeletion } from './deletion-guard.js';
import { changedFields, type FieldSnapshot } from './diff.js';
import { DEPLOYMENT_SPEC, MODEL_SPEC, VERSION_SPEC, type EntityKind, type EntitySpec } from './entity-specs.js';
import type { PreparedRecord, PreparedRecords } from './prepare-records.js';
import { clearSeen, markSeen } from './seen-set.js';
import { markModelsSeen, tallyListing, tombstoneUnseen, unseenModels } from './tombstone-statements.js';
import type { BatchResult, TombstoneResult, WriteContext } from './types.js';
import { PreparedBatch, kindForWrite, prepareAhead, type PreparedKind } from './batch-preparation.js';
import type { RowsPayload } from './column-encoding.js';
import { buildInsertNew, buildMarkUnchanged, buildUpsert, type InsertResultRow, type ProbeResultRow, type UpsertResultRow } from './upsert-statement.js';
import { WriteRoutes, type StoredKinds, type WriteRoute } from './write-routes.js';

/** Work a caller adds to one of the writer's transactions, given what the transaction wrote. */
export type InTransaction<R> = (tx: Executor, result: R) => Promise<void>;

export interface InventoryWriterOptions {
  /** Largest share (0..1) of a source's live records one complete listing may tombstone; default 0.5. */
  defaultMaxDeleteShare?: number;
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
 * later batches follow what the previous batch of the same kind found (see WriteRoutes).
 * The statement that creates parents also links earlier children that were waiting for them. Then one insert into
 * inventory_changes for the updates and restores, whose changed fields are named in TypeScript.
 * What a run has seen is the union of the records it wrote (they have a change row of the run) and the seen set
 * (everything else it listed), so a first sync does not pay for a seen row per record. Unchanged records are not
 * written; governance-owned columns are never written.
 */
export class InventoryWriter {
  private readonly defaultMaxDeleteShare: number;
  private readonly routes = new WriteRoutes();

  constructor(
    private readonly db: Db,
    options: InventoryWriterOptions = {},
  ) {
    this.defaultMaxDeleteShare = options.defaultMaxDeleteShare ?? DEFAULT_MAX_DELETE_SHARE;
    assertShare(this.defaultMaxDeleteShare);
  }

  /**
   * Validates, hashes and encodes a batch ahead of its write, in slices that leave the event loop free: call it for
   * the next batch while the current one is being written, then pass the result to {@link writeBatch}.
   */
  prepare(ctx: WriteContext, batch: NormalisedBatch): Promise<PreparedBatch> {
    return prepareAhead(batch, (kind) => this.routes.next(ctx.runId, kind));
  }

  /**
   * Upserts one normalised batch (or one made ready by {@link prepare}) for the run's source. Records with bad values
   * are rejected one by one (reported in `errors` and counted in `failed`) while the rest are written; the batch's own
   * `errors` (records the connector could not normalise) are not repeated in the result, the caller has them. A
   * database failure rejects the whole batch and leaves nothing of it written. `record` runs in the batch's
   * transaction once its rows and change log are written (the run's counts, so they commit with what they count);
   * throwing from it rolls the batch back.
   */
  async writeBatch(ctx: WriteContext, input: NormalisedBatch | PreparedBatch, record?: InTransaction<BatchResult>): Promise<BatchResult> {
    const ahead = input instanceof PreparedBatch ? input : undefined;
    const batch = ahead ? ahead.batch : (input as NormalisedBatch);
    return this.db.transaction(async (tx) => {
      // The statements touch one batch of rows by index; once tables grow, their cost estimates cross
      // jit_above_cost and JIT compilation would take longer than the statements themselves.
      await tx.execute(sql`SET LOCAL jit = off`);
      const route = await this.routesFor(tx, ctx);
      // Each kind's statement is on its way to the database before the next kind is validated, hashed and encoded
      // (unless that was done ahead), so that work overlaps the statement instead of adding to it.
      const model = kindForWrite(MODEL_SPEC, batch.models, ahead?.models, route.model);
      const models = model.records;
      const modelWrite = this.writeKind(tx, MODEL_SPEC, ctx, model, route.model);
      const version = kindForWrite(VERSION_SPEC, batch.versions, ahead?.versions, route.version);
      const versions = version.records;
      const modelOutcome = await modelWrite;
      const versionWrite = this.writeKind(tx, VERSION_SPEC, ctx, version, route.version);
      const deployment = kindForWrite(DEPLOYMENT_SPEC, batch.deployments, ahead?.deployments, route.deployment);
      const deployments = deployment.records;
      const versionOutcome = await versionWrite;
      const deploymentOutcome = await this.writeKind(tx, DEPLOYMENT_SPEC, ctx, deployment, route.deployment);
      const all = [modelOutcome, versionOutcome, deploymentOutcome];
      await appendChanges(tx, ctx, all.flatMap((outcome) => outcome.changes));
      // Written records are known seen by their change row and unchanged ones were marked by the probe; this
      // catches the rest. Ids of records the connector could not normalise count too: the vendor still has them.
      await markSeen(tx, ctx.runId, [
        { kind: 'model', externalIds: notYetSeen(models.seen, modelOutcome) },
        { kind: 'version', externalIds: notYetSeen(versions.seen, versionOutcome) },
        { kind: 'deployment', externalIds: notYetSeen(deployments.seen, deploymentOutcome) },
        ...batch.errors.map((error) => ({ kind: error.kind, externalIds: error.externalId ? [error.externalId] : [] })),
      ]);
      const result = batchResult([models, versions, deployments], all);
      await record?.(tx, result);
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
    this.routes.forget(ctx.runId);
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
    this.routes.forget(ctx.runId);
    await clearSeen(this.db, ctx.runId);
    return {
      decision: 'SKIPPED_INCOMPLETE',
      reason: `Nothing was tombstoned: the listing did not complete (${reason}).`,
      deleted: 0,
      wouldDelete: 0,
      share: 0,
    };
  }

  /**
   * The routes of this batch's three kinds. A run's first batch asks the database whether the source has stored
   * records of each kind (see WriteRoutes); later batches follow what the previous batch found.
   */
  private async routesFor(db: Executor, ctx: WriteContext): Promise<Record<EntityKind, WriteRoute>> {
    if (this.routes.next(ctx.runId, 'model') === undefined) this.routes.start(ctx.runId, await storedKinds(db, ctx.sourceId));
    return {
      model: this.routes.next(ctx.runId, 'model')!,
      version: this.routes.next(ctx.runId, 'version')!,
      deployment: this.routes.next(ctx.runId, 'deployment')!,
    };
  }

  /**
   * Writes one kind of record by the batch's route, and records what this batch found for the next one. The routes
   * differ in cost only: both write the same rows and change log. The insert route sends the kind's encoded rows,
   * which kindForWrite makes for it.
   */
  private async writeKind<R extends NormalisedRecordBase>(
    db: Executor,
    spec: EntitySpec<R>,
    ctx: WriteContext,
    kind: PreparedKind<R>,
    route: WriteRoute,
  ): Promise<KindOutcome> {
    const rows = kind.records.rows;
    const outcome: KindOutcome = { created: [], written: new Set(), marked: new Set(), updated: 0, unresolved: [], changes: [] };
    if (rows.length === 0) return outcome;
    const payload = route === 'insert' ? kind.payload : null;
    const stored = payload ? await insertNew(db, spec, ctx, rows, payload, outcome) : rows;
    if (stored.length > 0) await probeAndUpsert(db, spec, ctx, stored, outcome);
    this.routes.record(ctx.runId, spec.kind, { records: rows.length, stored: payload ? stored.length : rows.length - outcome.created.length });
    return outcome;
  }
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
