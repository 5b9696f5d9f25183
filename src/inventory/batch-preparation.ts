import { setImmediate as nextTurn } from 'node:timers/promises';
import type { NormalisedBatch, NormalisedDeployment, NormalisedModel, NormalisedRecordBase, NormalisedVersion } from '../../connectors/contract.js';
import { encodeColumn, encodeKeys, encodePayload, type RowsPayload } from './column-encoding.js';
import { DEPLOYMENT_SPEC, MODEL_SPEC, VERSION_SPEC, type EntitySpec } from './entity-specs.js';
import { RecordPreparer, type PreparedRecords } from './prepare-records.js';
import type { WriteRoute, WriteRoutes } from './write-routes.js';

/**
 * Records validated and hashed per turn of the event loop: a couple of milliseconds of work, so the statements of a
 * batch being written meanwhile are dispatched with little delay (each delay is time the database sits idle).
 */
const RECORDS_PER_TURN = 100;

/** One kind of a batch, validated and hashed, with its rows encoded when the insert route will send them all. */
export interface PreparedKind<R> {
  records: PreparedRecords<R>;
  /** Null when the kind is expected to take the probe route (which sends only what changed) or has no rows. */
  payload: RowsPayload | null;
}

/** A batch as the writer takes it: its JavaScript-side work (validation, content hashing, encoding) done. */
export interface PreparedBatch {
  readonly batch: NormalisedBatch;
  readonly models: PreparedKind<NormalisedModel>;
  readonly versions: PreparedKind<NormalisedVersion>;
  readonly deployments: PreparedKind<NormalisedDeployment>;
}

/**
 * Validates, hashes and encodes a batch for `InventoryWriter.writeBatch`, in slices that leave the event loop free:
 * call it for the next batch while the current one is being written, so that work overlaps the database's instead of
 * adding to it. `routes` is the run's route forecast: rows are encoded ahead only for kinds expected to take the
 * insert route (a wrong guess costs only encoding at write time).
 */
export async function prepareBatch(batch: NormalisedBatch, routes?: WriteRoutes): Promise<PreparedBatch> {
  const models = await prepareKind(MODEL_SPEC, batch.models, routes?.next('model'));
  const versions = await prepareKind(VERSION_SPEC, batch.versions, routes?.next('version'));
  const deployments = await prepareKind(DEPLOYMENT_SPEC, batch.deployments, routes?.next('deployment'));
  return { batch, models, versions, deployments };
}

async function prepareKind<R extends NormalisedRecordBase>(spec: EntitySpec<R>, records: readonly R[], route: WriteRoute | undefined): Promise<PreparedKind<R>> {
  const preparer = new RecordPreparer(spec);
  for (let start = 0; start < records.length; start += RECORDS_PER_TURN) {
    preparer.add(records.slice(start, start + RECORDS_PER_TURN));
    await nextTurn();
  }
  const prepared = preparer.result();
  if (route !== 'insert' || prepared.rows.length === 0) return { records: prepared, payload: null };
  const keys = encodeKeys(prepared.rows);
  const columns: string[] = [];
  for (const column of spec.columns) {
    columns.push(encodeColumn(column, prepared.rows));
    await nextTurn();
  }
  return { records: prepared, payload: { ...keys, columns } };
}

/**
 * A prepared kind as `route` sends it: with its rows encoded for the insert route (encoded now when the forecast
 * missed), without them for the probe route.
 */
export function kindForRoute<R extends NormalisedRecordBase>(spec: EntitySpec<R>, kind: PreparedKind<R>, route: WriteRoute): PreparedKind<R> {
  if (route !== 'insert' || kind.records.rows.length === 0) return kind.payload === null ? kind : { records: kind.records, payload: null };
  return kind.payload === null ? { records: kind.records, payload: encodePayload(spec, kind.records.rows) } : kind;
}
