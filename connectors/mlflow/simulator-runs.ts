import type { SimModel } from '../shared/simulator-kit.js';
import { SimMlflowError, invalidParameter, matches, runStartTime, type FilterClause } from './simulator-render.js';
import type { MlflowExperiment } from './wire.js';

/**
 * The simulator's run and experiment search (`runs/search`, `experiments/search`): the run filter grammar of
 * mlflow/utils/search_utils.py (`SearchUtils`, the subset on `run_id`), experiments derived from the estate, and the
 * switch that makes the server behave like one without bulk run reads. Pure.
 */

/**
 * How the simulated server answers bulk run reads:
 * - `available`: like a current MLflow;
 * - `endpoint-not-found`: `runs/search` answers 404 `ENDPOINT_NOT_FOUND` (a gateway or workspace API without it);
 * - `in-unsupported`: the run filter has no `IN`, so the connector's filter gets 400 `INVALID_PARAMETER_VALUE`
 *   (an older filter grammar);
 * - `experiments-search-missing`: `experiments/search` is an unknown route, answered with Flask's HTML 404 (a server
 *   from before the route existed).
 */
export const RUN_SEARCH_SUPPORT = ['available', 'endpoint-not-found', 'in-unsupported', 'experiments-search-missing'] as const;
export type RunSearchSupport = (typeof RUN_SEARCH_SUPPORT)[number];

/** `runs/search` and `experiments/search`: default and maximum `max_results` (`SEARCH_MAX_RESULTS_*`). */
export const SEARCH_DEFAULT = 1000;
export const SEARCH_MAX = 50_000;

/** `ViewType` names as the JSON API takes them; ACTIVE_ONLY is the default. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export function viewType(raw: unknown, parameter: string): ViewType {
  if (raw === undefined || raw === null) return 'ACTIVE_ONLY';
  if (raw === 'ACTIVE_ONLY' || raw === 'DELETED_ONLY' || raw === 'ALL') return raw;
  if (raw === 1 || raw === 2 || raw === 3) return (['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const)[raw - 1];
  throw invalidParameter(`Invalid value ${JSON.stringify(raw)} for parameter '${parameter}' supplied.`);
}

/** Every run in the simulator is active: a view shows them unless it asks for deleted ones only. */
export function viewShowsActive(view: ViewType): boolean {
  return view !== 'DELETED_ONLY';
}

// ---------------------------------------------------------------------------------------------------------------
// Run filter: `<identifier> <comparator> <value>` clauses joined by AND. Identifiers are `[attribute.]run_id`
// (also `attributes.`, `attr.`, `run.`, and backticked keys); comparators `=`, `!=`, `LIKE`, `ILIKE`, `IN`, `NOT IN`;
// a list is a parenthesised, comma-separated list of quoted strings. Metrics, params, tags, datasets and other
// attributes are valid MLflow but not simulated: they are refused with 400 like a filter MLflow cannot parse.

export type RunFilterClause = FilterClause | { key: 'run_id'; comparator: 'IN' | 'NOT IN'; values: ReadonlySet<string> };

const RUN_CLAUSE = /^\s*(?:([A-Za-z]+)\.)?(`[^`]+`|[A-Za-z_][\w]*)\s+(NOT\s+IN|IN|LIKE|ILIKE)\s*|^\s*(?:([A-Za-z]+)\.)?(`[^`]+`|[A-Za-z_][\w]*)\s*(!=|=)\s*/i;
const STRING_VALUE = /^('([^']*)'|"([^"]*)")\s*/;
const LIST_VALUE = /^\(((?:[^()'"]|'[^']*'|"[^"]*")*)\)\s*/;
const ATTRIBUTE_PREFIXES = new Set(['attribute', 'attributes', 'attr', 'run']);
/** Run attributes MLflow can filter on that the simulator does not. */
const OTHER_ATTRIBUTES = new Set(['run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage', 'start_time', 'end_time', 'created', 'Created']);

export function parseRunFilter(filter: string | null, support: RunSearchSupport): RunFilterClause[] {
  const clauses: RunFilterClause[] = [];
  let rest = (filter ?? '').trim();
  while (rest !== '') {
    const match = RUN_CLAUSE.exec(rest);
    if (!match) throw invalidParameter(`Invalid clause(s) in filter string: '${rest}'`);
    const prefix = match[1] ?? match[4];
    const key = (match[2] ?? match[5]).replace(/^`(.*)`$/, '$1');
    const comparator = (match[3] ?? match[6]).toUpperCase().replace(/\s+/g, ' ');
    if (prefix !== undefined && !ATTRIBUTE_PREFIXES.has(prefix)) {
      throw invalidParameter(`Filtering runs on '${prefix}.${key}' is not simulated; only the run_id attribute is.`);
    }
    if (key !== 'run_id') {
      if (OTHER_ATTRIBUTES.has(key)) throw invalidParameter(`Filtering runs on the attribute '${key}' is not simulated; only run_id is.`);
      throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '{'run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage', 'start_time', 'end_time'}'`);
    }
    rest = rest.slice(match[0].length);
    if (comparator === 'IN' || comparator === 'NOT IN') {
      if (support === 'in-unsupported') throw invalidParameter(`Invalid comparator '${comparator}' not one of '{'=', '!=', 'LIKE', 'ILIKE'}'`);
      const list = LIST_VALUE.exec(rest);
      if (!list) throw invalidParameter(`Expected a quoted string value or a list of quoted string values for attributes. Got value ${rest.split(/\s/)[0]}`);
      clauses.push({ key: 'run_id', comparator, values: new Set(parseRunIdList(list[1]).filter(isLower)) });
      rest = rest.slice(list[0].length);
    } else {
      const value = STRING_VALUE.exec(rest);
      if (!value) throw invalidParameter(`Expected a quoted string value for attributes. Got value ${rest.split(/\s/)[0]}`);
      clauses.push({ key: 'run_id', comparator: comparator as FilterClause['comparator'], value: value[2] ?? value[3] });
      rest = rest.slice(value[0].length);
    }
    if (rest === '') break;
    const and = /^AND\s+/i.exec(rest);
    if (!and) throw invalidParameter(`Invalid clause(s) in filter string: '${rest}'`);
    rest = rest.slice(and[0].length);
  }
  return clauses;
}

/** A Python tuple literal of strings (`ast.literal_eval`): quoted items, commas, an optional trailing comma. */
function parseRunIdList(inner: string): string[] {
  const items: string[] = [];
  let rest = inner.trim();
  if (rest === '') throw invalidParameter('While parsing a list in the query, expected a non-empty list of string values, but got empty list');
  while (rest !== '') {
    const item = STRING_VALUE.exec(rest);
    if (!item) throw invalidParameter(`While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: (${inner})`);
    items.push(item[2] ?? item[3]);
    rest = rest.slice(item[0].length);
    if (rest === '') break;
    if (!rest.startsWith(',')) throw invalidParameter('While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.');
    rest = rest.slice(1).trim();
  }
  return items;
}

/** Python's `str.islower()`: at least one cased character and no upper-case one (search_utils drops other ids). */
function isLower(value: string): boolean {
  return value !== value.toUpperCase() && value === value.toLowerCase();
}

export function runMatches(clauses: readonly RunFilterClause[], runId: string): boolean {
  return clauses.every((clause) => {
    if ('values' in clause) return clause.comparator === 'IN' ? clause.values.has(runId) : !clause.values.has(runId);
    return matches([clause], () => runId);
  });
}

/** The run ids a filter names with `=` or `IN`, so a search can look them up instead of scanning; null when none. */
export function namedRunIds(clauses: readonly RunFilterClause[]): string[] | null {
  for (const clause of clauses) {
    if ('values' in clause) {
      if (clause.comparator === 'IN') return [...clause.values];
    } else if (clause.comparator === '=') return [clause.value];
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Experiments: the ones the estate's versions were trained in, plus MLflow's "Default" experiment 0.

export function renderExperiments(models: readonly SimModel[]): MlflowExperiment[] {
  const spans = new Map<string, { created: number; updated: number }>();
  let earliest = Number.MAX_SAFE_INTEGER;
  for (const model of models) {
    earliest = Math.min(earliest, model.createdAt);
    for (const version of model.versions) {
      const span = spans.get(version.experimentId);
      const trained = runStartTime(version);
      spans.set(version.experimentId, span ? { created: Math.min(span.created, trained), updated: Math.max(span.updated, trained) } : { created: trained, updated: trained });
    }
  }
  if (!spans.has('0')) spans.set('0', { created: earliest === Number.MAX_SAFE_INTEGER ? 0 : earliest, updated: earliest === Number.MAX_SAFE_INTEGER ? 0 : earliest });
  return [...spans]
    .sort(([a], [b]) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, span]) => ({
      experiment_id: id,
      name: id === '0' ? 'Default' : `/Shared/experiments/experiment-${id}`,
      artifact_location: `s3://mlflow-artifacts/${id}`,
      lifecycle_stage: 'active',
      creation_time: span.created,
      last_update_time: span.updated,
    }));
}

export function endpointNotFound(method: string, route: string): SimMlflowError {
  return new SimMlflowError(404, 'ENDPOINT_NOT_FOUND', `No API found for '${method} /mlflow/${route}'`);
}
