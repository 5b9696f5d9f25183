import { hexId, type SimModel, type SimVersion } from '../shared/simulator-kit.js';
import type { MlflowKeyValue, MlflowModelVersion, MlflowRegisteredModel, MlflowRun } from './wire.js';

/**
 * The simulator's MLflow wire format: the vendor-neutral estate rendered as MLflow REST records (reference §2.4),
 * plus the search filter grammar, ordering and `{"offset": N}` page tokens of the OSS SQL store. Pure.
 */

/** An MLflow error to send: HTTP status + `{error_code, message}`. */
export class SimMlflowError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export const invalidParameter = (message: string) => new SimMlflowError(400, 'INVALID_PARAMETER_VALUE', message);
export const modelNotFound = (name: string) => new SimMlflowError(404, 'RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
export const versionNotFound = (name: string, version: string) =>
  new SimMlflowError(404, 'RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${version}) not found`);

export function renderVersion(model: SimModel, version: SimVersion): MlflowModelVersion {
  return omitEmpty({
    name: model.name,
    version: String(version.number),
    creation_timestamp: version.createdAt,
    last_updated_timestamp: version.updatedAt,
    user_id: version.createdBy,
    current_stage: version.stage,
    description: version.description,
    source: artifactUri(version),
    run_id: version.runId,
    status: 'READY',
    tags: keyValues(version.tags),
    aliases: [...version.aliases].sort(),
  });
}

/** `latest_versions` is the latest version per stage, as MLflow computes it; aliases come from the versions. */
export function renderRegisteredModel(model: SimModel): MlflowRegisteredModel {
  const latestPerStage = new Map<string, SimVersion>();
  for (const version of model.versions) {
    const current = latestPerStage.get(version.stage);
    if (!current || version.number > current.number) latestPerStage.set(version.stage, version);
  }
  const aliases = model.versions
    .flatMap((version) => version.aliases.map((alias) => ({ alias, version: String(version.number) })))
    .sort((a, b) => compare(a.alias, b.alias));
  return omitEmpty({
    name: model.name,
    creation_timestamp: model.createdAt,
    last_updated_timestamp: model.updatedAt,
    description: model.description,
    latest_versions: [...latestPerStage.values()].sort((a, b) => a.number - b.number).map((version) => renderVersion(model, version)),
    // Teams commonly record the owner as a registered-model tag; MLflow itself has no owner field.
    tags: keyValues({ ...model.tags, owner: model.owner }),
    aliases,
  });
}

/** When the run behind a version started: an hour before the version was registered. */
export function runStartTime(version: SimVersion): number {
  return version.createdAt - 60 * 60_000;
}

export function renderRun(model: SimModel, version: SimVersion): MlflowRun {
  const startTime = runStartTime(version);
  const endTime = startTime + 50 * 60_000;
  const user = version.createdBy.split('@')[0];
  return {
    info: {
      run_id: version.runId,
      run_uuid: version.runId,
      experiment_id: version.experimentId,
      run_name: `${model.name}-train-${version.number}`,
      user_id: user,
      status: 'FINISHED',
      start_time: startTime,
      end_time: endTime,
      artifact_uri: `s3://mlflow-artifacts/${version.experimentId}/${version.runId}/artifacts`,
      lifecycle_stage: 'active',
    },
    data: omitEmpty({
      metrics: Object.entries(version.metrics)
        .sort(([a], [b]) => compare(a, b))
        .map(([key, value]) => ({ key, value, timestamp: endTime, step: 0 })),
      params: keyValues(version.params),
      tags: keyValues({ 'mlflow.user': user, 'mlflow.source.git.commit': version.commitId, 'mlflow.runName': `${model.name}-train-${version.number}` }),
    }),
    inputs: {
      dataset_inputs: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: { name: version.dataset, digest: hexId(version.dataset).slice(0, 8), source_type: 's3', source: JSON.stringify({ uri: `s3://lake/${version.dataset}` }) },
        },
      ],
    },
  };
}

function artifactUri(version: SimVersion): string {
  return `s3://mlflow-artifacts/${version.experimentId}/${version.runId}/artifacts/model`;
}

// ---------------------------------------------------------------------------------------------------------------
// Search filters: `<attribute> <comparator> <value>` clauses joined by AND (mlflow/utils/search_utils.py, subset).

export interface FilterClause {
  /** `name`, `run_id`, `version_number`, or `tags.<key>`. */
  key: string;
  comparator: '=' | '!=' | 'LIKE' | 'ILIKE';
  value: string;
}

const CLAUSE = /^\s*(name|run_id|version_number|tags\.(?:`[^`]+`|[\w.-]+))\s*(=|!=|LIKE|ILIKE)\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*/i;

export function parseFilter(filter: string | null, allowedKeys: readonly string[]): FilterClause[] {
  const clauses: FilterClause[] = [];
  let rest = (filter ?? '').trim();
  while (rest !== '') {
    const match = CLAUSE.exec(rest);
    if (!match) throw invalidParameter(`Invalid filter '${filter}'. Could not be parsed.`);
    const key = match[1].replace(/^tags\.`(.*)`$/, 'tags.$1');
    const attribute = key.startsWith('tags.') ? 'tags' : key.toLowerCase();
    if (!allowedKeys.includes(attribute)) throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${allowedKeys.join("', '")}'`);
    clauses.push({ key: attribute === 'tags' ? key : attribute, comparator: match[2].toUpperCase() as FilterClause['comparator'], value: match[3] ?? match[4] ?? match[5] });
    rest = rest.slice(match[0].length);
    if (rest === '') break;
    const and = /^AND\s+/i.exec(rest);
    if (!and) throw invalidParameter(`Invalid filter '${filter}'. Clauses must be joined by AND.`);
    rest = rest.slice(and[0].length);
  }
  return clauses;
}

export function matches(clauses: readonly FilterClause[], attribute: (key: string) => string | undefined): boolean {
  return clauses.every((clause) => {
    const actual = attribute(clause.key);
    if (actual === undefined) return false;
    switch (clause.comparator) {
      case '=':
        return actual === clause.value;
      case '!=':
        return actual !== clause.value;
      case 'LIKE':
        return likePattern(clause.value, '').test(actual);
      case 'ILIKE':
        return likePattern(clause.value, 'i').test(actual);
    }
  });
}

function likePattern(pattern: string, flags: string): RegExp {
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${source}$`, flags);
}

// ---------------------------------------------------------------------------------------------------------------
// Ordering and paging

/** Parses repeated `order_by` values (`key [ASC|DESC]`) into a comparator; `fallback` breaks ties. */
export function orderBy<T>(orderings: readonly string[], keys: Record<string, (item: T) => string | number>, fallback: (a: T, b: T) => number): (a: T, b: T) => number {
  const parsed = orderings.map((ordering) => {
    const match = /^\s*([\w]+)\s*(ASC|DESC)?\s*$/i.exec(ordering);
    const key = match?.[1];
    if (!match || key === undefined || !(key in keys)) throw invalidParameter(`Invalid order_by clause '${ordering}'. Valid keys are ${Object.keys(keys).join(', ')}`);
    return { get: keys[key], sign: match[2]?.toUpperCase() === 'DESC' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { get, sign } of parsed) {
      const result = compare(get(a), get(b));
      if (result !== 0) return sign * result;
    }
    return fallback(a, b);
  };
}

/** `SearchUtils.create_page_token`: base64 of Python's `json.dumps({"offset": N})`. */
export function pageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

export function parsePageToken(token: string | null): number {
  if (!token) return 0;
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // reported below
  }
  throw invalidParameter(`Invalid page token, could not base64-decode`);
}

/** `max_results`: the client's ask (validated against the vendor's maximum), clamped to the simulator's page cap. */
export function maxResults(raw: string | null, options: { default: number; vendorMax: number | null; cap: number }): number {
  if (raw === null || raw === '') return Math.min(options.default, options.cap);
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw invalidParameter(`Invalid value ${raw} for parameter 'max_results' supplied. It must be a positive integer`);
  if (options.vendorMax !== null && value > options.vendorMax) {
    throw invalidParameter(`Invalid value for request parameter max_results. It must be at most ${options.vendorMax}, but got value ${value}`);
  }
  return Math.min(value, options.cap);
}

/** One page of `items` from `offset`, with `next_page_token` only when more remain. */
export function page<T>(items: readonly T[], offset: number, size: number): { items: T[]; next_page_token?: string } {
  const end = offset + size;
  return end < items.length ? { items: items.slice(offset, end), next_page_token: pageToken(end) } : { items: items.slice(offset) };
}

// ---------------------------------------------------------------------------------------------------------------

function keyValues(map: Record<string, string>): MlflowKeyValue[] {
  return Object.entries(map)
    .sort(([a], [b]) => compare(a, b))
    .map(([key, value]) => ({ key, value }));
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** MLflow omits empty and unset fields. */
function omitEmpty<T extends object>(record: T): T {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0)),
  ) as T;
}
