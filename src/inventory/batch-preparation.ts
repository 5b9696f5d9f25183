import { setImmediate as nextTurn } from 'node:timers/promises';
import type { NormalisedBatch, NormalisedDeployment, NormalisedModel, NormalisedRecordBase, NormalisedVersion } from '../../connectors/contract.js';
import { encodeColumn, encodeKeys, encodePayload, type RowsPayload } from './column-encoding.js';
import { DEPLOYMENT_SPEC, MODEL_SPEC, VERSION_SPEC, type EntityKind, type EntitySpec } from './entity-specs.js';
import { RecordPreparer, prepareRecords, type PreparedRecords } from './prepare-records.js';
import type { WriteRoute } from './write-routes.js';

/**
 * Records validated and hashed per turn of the event loop when a batch is prepared ahead: a couple of milliseconds of
 * work, so the statements of the batch being written meanwhile are dispatched with little delay (each delay is time
 * the database sits idle).
 */
const RECORDS_PER_TURN = 100;

/** One kind of a batch, validated and hashed, with its rows encoded when the insert route will send them all. */
export interface PreparedKind<R> {
  records: PreparedRecords<R>;
  /** Null when the kind is expected to take the probe route (which sends only what changed) or has no rows. */
  payload: RowsPayload | null;
}

/**
 * A batch whose JavaScript-side work (validation, content hashing, encoding) was done while the previous batch was
 * being written, so that work overlaps the database's instead of adding to it. Made by `InventoryWriter.prepare`.
 */
export class PreparedBatch {
  constructor(
    readonly batch: NormalisedBatch,
    readonly models: PreparedKind<NormalisedModel>,
    readonly versions: PreparedKind<NormalisedVersion>,
    readonly deployments: PreparedKind<NormalisedDeployment>,
  ) {}
}

/**
 * Prepares a batch in slices, yielding to the event loop between them. `expectedRoute` is the route each kind is
 * expected to take (the one the previous batch chose); a wrong guess costs only encoding at write time.
 */
export async function prepareAhead(batch: NormalisedBatch, expectedRoute: (kind: EntityKind) => WriteRoute | undefined): Promise<PreparedBatch> {
  const models = await prepareKindAhead(MODEL_SPEC, batch.models, expectedRoute('model'));
  const versions = await prepareKindAhead(VERSION_SPEC, batch.versions, expectedRoute('version'));
  const deployments = await prepareKindAhead(DEPLOYMENT_SPEC, batch.deployments, expectedRoute('deployment'));
  return new PreparedBatch(batch, models, versions, deployments);
}

async function prepareKindAhead<R extends NormalisedRecordBase>(spec: EntitySpec<R>, records: readonly R[], route: WriteRoute | undefined): Promise<PreparedKind<R>> {
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
 * One kind of a batch as the writer needs it for a route: prepared ahead when it was, otherwise now; encoded when
 * the insert route sends every row.
 */
export function kindForWrite<R extends NormalisedRecordBase>(
  spec: EntitySpec<R>,
  records: readonly R[],
  ahead: PreparedKind<R> | undefined,
  route: WriteRoute,
): PreparedKind<R> {
  const prepared = ahead?.records ?? prepareRecords(spec, records);
  if (route !== 'insert' || prepared.rows.length === 0) return { records: prepared, payload: null };
  return { records: prepared, payload: ahead?.payload ?? encodePayload(spec, prepared.rows) };
}
