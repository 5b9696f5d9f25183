import {
  DEPLOYMENT_ENVIRONMENTS,
  DEPLOYMENT_STATUSES,
  METRIC_KINDS,
  OBSERVED_STAGES,
  VERSION_STATUSES,
  type NormalisedRecordBase,
  type RecordError,
} from '../../connectors/contract.js';
import { canonicalJson } from '../canonical-json.js';
import { hashCanonical } from './content-hash.js';
import type { ColumnSpec, EntitySpec } from './entity-specs.js';

/** Longest external id the hub stores; longer ones are vendor bugs, not identifiers. */
export const MAX_EXTERNAL_ID_LENGTH = 2000;

const INT4_MAX = 2_147_483_647;
/** JSON's escape for U+0000: `\u0000` after an even run of backslashes (an odd run is an escaped backslash and text). */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;
const OBSERVED_STAGE_SET: ReadonlySet<string> = new Set(OBSERVED_STAGES);
const ENVIRONMENT_SET: ReadonlySet<string> = new Set(DEPLOYMENT_ENVIRONMENTS);
const VERSION_STATUS_SET: ReadonlySet<string> = new Set(VERSION_STATUSES);
const DEPLOYMENT_STATUS_SET: ReadonlySet<string> = new Set(DEPLOYMENT_STATUSES);
const METRIC_KIND_SET: ReadonlySet<string> = new Set(METRIC_KINDS);

/** A record that passed validation, with its content hash. */
export interface PreparedRecord<R> {
  record: R;
  externalId: string;
  hash: string;
}

export interface PreparedRecords<R> {
  /** Valid records, one per external id (the last occurrence wins when a batch repeats an id). */
  rows: PreparedRecord<R>[];
  /** Records rejected for bad values. */
  errors: RecordError[];
  /**
   * External ids the vendor listed, including rejected records that still have a usable id: the vendor has them,
   * so they must not be tombstoned because one of their values was bad.
   */
  seen: string[];
}

/**
 * Validates one kind of record before it is turned into SQL arrays: one bad value must cost one record, not the
 * whole batch statement. Rejects blank or over-long external ids, missing required fields, values of the wrong
 * type, invalid dates, non-finite numbers, unmapped observed stages, traffic shares outside 0..1 and NUL
 * characters (PostgreSQL cannot store them in text or jsonb).
 */
export function prepareRecords<R extends NormalisedRecordBase>(spec: EntitySpec<R>, records: readonly R[]): PreparedRecords<R> {
  return new RecordPreparer(spec).add(records).result();
}

/**
 * {@link prepareRecords} in instalments: records can be added in slices (so a large page need not block the event
 * loop in one go) and the result is the same as preparing them all at once.
 */
export class RecordPreparer<R extends NormalisedRecordBase> {
  private readonly byId = new Map<string, PreparedRecord<R>>();
  private readonly errors: RecordError[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly spec: EntitySpec<R>) {}

  add(records: readonly R[]): this {
    const { spec, byId, errors, seen } = this;
    for (const record of records) {
      const idProblem = externalIdProblem(record.externalId);
      if (idProblem) {
        errors.push({ kind: spec.kind, externalId: describeId(record.externalId), reason: idProblem });
        continue;
      }
      seen.add(record.externalId);
      const problem = columnProblem(spec, record) ?? kindProblem(spec, record);
      let canonical: string | null = null;
      let reason = problem;
      if (!reason) {
        try {
          canonical = canonicalJson(record);
        } catch (error) {
          reason = `cannot be serialised as JSON (${(error as Error).message})`;
        }
      }
      if (!reason && canonical!.includes('\\u0000') && ESCAPED_NUL.test(canonical!)) reason = 'contains a NUL character, which PostgreSQL cannot store';
      if (reason) {
        errors.push({ kind: spec.kind, externalId: record.externalId, reason });
        byId.delete(record.externalId);
        continue;
      }
      byId.delete(record.externalId); // re-insert so a repeated id takes the later position and value
      byId.set(record.externalId, { record, externalId: record.externalId, hash: hashCanonical(spec.kind, canonical!) });
    }
    return this;
  }

  result(): PreparedRecords<R> {
    return { rows: [...this.byId.values()], errors: this.errors, seen: [...this.seen] };
  }
}

function externalIdProblem(externalId: unknown): string | null {
  if (typeof externalId !== 'string' || externalId.trim() === '') return 'externalId is missing or blank';
  if (externalId.length > MAX_EXTERNAL_ID_LENGTH) return `externalId is longer than ${MAX_EXTERNAL_ID_LENGTH} characters`;
  return null;
}

function describeId(externalId: unknown): string {
  if (typeof externalId !== 'string') return '(none)';
  return externalId.length > 80 ? `${externalId.slice(0, 80)}…` : externalId || '(blank)';
}

function columnProblem<R>(spec: EntitySpec<R>, record: R): string | null {
  for (const column of spec.columns) {
    const problem = valueProblem(column, column.read(record));
    if (problem) return `${column.field} ${problem}`;
  }
  return null;
}

function valueProblem<R>(column: ColumnSpec<R>, value: unknown): string | null {
  if (value === null || value === undefined) return column.required ? 'is missing' : null;
  switch (column.type) {
    case 'text':
      if (typeof value !== 'string') return `must be text, got ${typeof value}`;
      return column.required && value.trim() === '' ? 'is blank' : null;
    case 'jsonb':
      if (column.jsonArray) return Array.isArray(value) ? null : 'must be an array';
      return typeof value === 'object' && !Array.isArray(value) ? null : 'must be an object';
    case 'timestamptz':
      return value instanceof Date && !Number.isNaN(value.getTime()) ? null : 'must be a valid date';
    case 'int':
      return Number.isInteger(value) && Math.abs(value as number) <= INT4_MAX ? null : 'must be a 32-bit integer';
    case 'real':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a finite number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
  }
}

/** Rules a column type cannot express. */
function kindProblem<R>(spec: EntitySpec<R>, record: R): string | null {
  const fields = record as Record<string, unknown>;
  if (spec.kind === 'version') {
    if (!OBSERVED_STAGE_SET.has(fields.observedStage as string)) return `observedStage must be one of ${OBSERVED_STAGES.join(', ')}`;
    if (!VERSION_STATUS_SET.has(fields.status as string)) return `status must be one of ${VERSION_STATUSES.join(', ')}`;
  }
  if (spec.kind === 'version' || spec.kind === 'deployment') {
    for (const metric of fields.metrics as unknown[]) {
      const problem = metricProblem(metric);
      if (problem) return problem;
    }
  }
  if (spec.kind === 'deployment') {
    if (!DEPLOYMENT_STATUS_SET.has(fields.status as string)) return `status must be one of ${DEPLOYMENT_STATUSES.join(', ')}`;
    if (!ENVIRONMENT_SET.has(fields.environment as string)) return `environment must be one of ${DEPLOYMENT_ENVIRONMENTS.join(', ')}`;
    const share = fields.trafficShare as number | null;
    if (share !== null && (share < 0 || share > 1)) return 'trafficShare must be between 0 and 1';
  }
  return null;
}

/** One entry of a `metrics` array: a named finite value, an integer step or none, a valid date or none, a known kind. */
function metricProblem(metric: unknown): string | null {
  if (typeof metric !== 'object' || metric === null || Array.isArray(metric)) return 'each metric must be an object';
  const { name, value, step, timestamp, kind } = metric as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '') return 'each metric must have a name';
  if (typeof value !== 'number' || !Number.isFinite(value)) return `metric "${name}" must be a finite number`;
  if (step !== null && step !== undefined && !Number.isSafeInteger(step)) return `metric "${name}" step must be an integer`;
  if (timestamp !== null && timestamp !== undefined && !(timestamp instanceof Date && !Number.isNaN(timestamp.getTime()))) return `metric "${name}" timestamp must be a valid date`;
  if (!METRIC_KIND_SET.has(kind as string)) return `metric "${name}" kind must be one of ${METRIC_KINDS.join(', ')}`;
  return null;
}
