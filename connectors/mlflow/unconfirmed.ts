/**
 * Everything the MLflow connector and simulator rely on that the reference marks `unconfirmed` (or does not cover),
 * in one place so it can be checked against a real server and changed without hunting through the code.
 * Each item says what we assume and how the code stays safe if the assumption is wrong.
 */
import type { MlflowMetric, MlflowModelVersion } from './wire.js';

/**
 * Quoting a registered-model name inside a search `filter`.
 * Confirmed: string values go in single quotes (`name='churn-model'`). Unconfirmed: how a quote inside the value is
 * escaped. We assume the server also accepts a double-quoted value (sqlparse reads it as an identifier, which MLflow's
 * search utils strip), so a name containing `'` is sent as `name="…"`. A name holding both kinds of quote cannot be
 * expressed; the caller records it as a per-record error rather than sending a filter that could match other models.
 * @returns the filter, or null when the name cannot be quoted.
 */
export function nameEqualsFilter(name: string): string | null {
  if (!name.includes("'")) return `name='${name}'`;
  if (!name.includes('"')) return `name="${name}"`;
  return null;
}

/**
 * MLflow 3 `model_metrics` on a model version: the item shape is unconfirmed. We assume a logged-model metric
 * (`{key, value, timestamp, step, …}`) and return the items that are objects; the normaliser keeps only those with a
 * string `key` and a finite numeric `value`. Run metrics (`runs/get`, confirmed) win over these when both exist.
 */
export function modelMetricsOf(version: MlflowModelVersion): MlflowMetric[] {
  return (Array.isArray(version.model_metrics) ? version.model_metrics : []).filter(
    (item): item is MlflowMetric => typeof item === 'object' && item !== null && !Array.isArray(item),
  );
}

/**
 * A 403 on `runs/get` (or `experiments/get`) while the registry itself is readable: with the basic-auth app,
 * permissions are per experiment and per registered model, so a reader may see a version but not its run. Unconfirmed
 * whether servers answer 403 or 404 there. We treat both as "not readable": the version is kept, without run
 * lineage/metrics (or without the experiment's name).
 */
export const RUN_UNREADABLE_STATUSES: ReadonlySet<number> = new Set([403, 404]);

/**
 * How a bearer-token server (Databricks, token-proxied OSS) rejects a bad token: unconfirmed. The simulator answers
 * 401 with MLflow's JSON error body `{error_code: "UNAUTHENTICATED"}`; the connector only looks at the status code,
 * so any body works. (The basic-auth app's plain-text 401 / 403 bodies are confirmed.)
 */
export const BEARER_UNAUTHENTICATED_BODY = {
  error_code: 'UNAUTHENTICATED',
  message: 'Credential was not sent or was of an unsupported type for this API.',
} as const;

/**
 * Whether Databricks sends `Retry-After` with 429 `REQUEST_LIMIT_EXCEEDED` is unconfirmed. The shared HTTP client
 * honours it when present and backs off exponentially when absent, so nothing here depends on it; the simulator
 * sends it only when its fault knob `retryAfterSeconds` is set.
 */
export const RETRY_AFTER_ON_THROTTLE_IS_OPTIONAL = true;

/**
 * Whether alias and tag changes bump `last_updated_timestamp` is unconfirmed. The connector re-reads aliases on every
 * full listing and never relies on timestamps to detect alias moves; the simulator leaves timestamps untouched.
 */
export const ALIAS_CHANGES_BUMP_TIMESTAMPS = false;

// ---------------------------------------------------------------------------------------------------------------
// Bulk run reads: `POST runs/search` and `POST experiments/search`.
//
// The reference (§2.3) documents only `runs/get`. What follows is read from MLflow's sources (service.proto,
// server/handlers.py `_search_runs`/`_search_experiments`, utils/search_utils.py, the SQL tracking store) and is
// unconfirmed against a running OSS server or Databricks. The listing stays correct if any of it is wrong: a run the
// search does not return is read with `runs/get` as before, and a refused search switches the rest of the listing to
// `runs/get` (run-reader.ts). Only speed depends on these assumptions, never the records.
//
// Assumed:
// - `runs/search` only searches the experiments named in `experiment_ids` (the SQL store filters on them; an empty
//   list finds nothing), so the listing names every experiment `experiments/search` returned.
// - `run_view_type: 'ALL'` also returns deleted runs, which `runs/get` returns too until they are garbage-collected;
//   `experiments/search` with `view_type: 'ALL'` likewise lists deleted experiments.
// - A searched run has the same `info`/`data`/`inputs` as `runs/get` gives (both handlers render `Run.to_proto()`),
//   so the normalised version and its content hash do not depend on which route read the run.
// - Both searches take `max_results` up to 50 000 (`SEARCH_MAX_RESULTS_THRESHOLD`); we ask far less.
// - Paging is `page_token` / `next_page_token`, as on the registry searches.

/**
 * Run ids per `runs/search` request, and the `max_results` asked for: one page answers a chunk on a compliant
 * server. 100 ids keep the filter near 3.5 kB and the answer to 100 runs.
 */
export const RUN_IDS_PER_SEARCH = 100;

/**
 * Experiment ids per `runs/search` request; a server with more experiments is searched in groups of this many
 * (run-reader.ts). Why a cap at all: the SQL store binds every id as a statement parameter, and SQLite before 3.32
 * allows 999 per statement; 500 experiment ids + 100 run ids + the lifecycle stages stay below that.
 */
export const EXPERIMENT_IDS_PER_SEARCH = 500;

/** `experiments/search` page size: MLflow's default `max_results` (`SEARCH_MAX_RESULTS_DEFAULT`). */
export const EXPERIMENTS_PAGE_SIZE = 1000;

/**
 * Whether a run id may go into an `IN` filter. search_utils (`_parse_run_ids`) keeps only ids for which Python's
 * `str.islower()` holds (a guard against MySQL's case-insensitive `IN`), so an id without a lower-case letter, or with
 * an upper-case one, would silently never match; an id with quotes or other punctuation could break the filter.
 * MLflow's own ids are 32 lower-case hex digits. Anything else is read with `runs/get`.
 */
export function isSearchableRunId(runId: string): boolean {
  return /^[a-z0-9_-]+$/.test(runId) && /[a-z]/.test(runId);
}

/**
 * The `runs/search` filter selecting these runs. Assumed grammar (search_utils): `attributes.run_id IN ('a', 'b')`,
 * the only attribute that accepts a list, available since the filter gained `IN`; an older grammar answers
 * 400 INVALID_PARAMETER_VALUE, which the reader treats as a refusal.
 */
export function runIdsFilter(runIds: readonly string[]): string {
  return `attributes.run_id IN (${runIds.map((id) => `'${id}'`).join(', ')})`;
}

/**
 * Statuses with which a server refuses bulk run reads, so the listing falls back to `runs/get`:
 * 404 (`ENDPOINT_NOT_FOUND` from a gateway, or Flask's HTML 404 on a server older than `experiments/search`),
 * 405 / 501 (route or method not implemented), 400 `INVALID_PARAMETER_VALUE` (a filter grammar without `IN`, or a
 * lower `max_results` cap), and 403 (the basic-auth app checks read permission per experiment, and a reader may see a
 * version but not every experiment; `runs/get` then answers per run, and an unreadable run is kept without lineage).
 * Which of these a given server sends is unconfirmed. 401, 429 and 5xx are not refusals: they are handled as on every
 * other request (fail, or retry).
 */
export const BULK_RUN_READ_REFUSAL_STATUSES: ReadonlySet<number> = new Set([400, 403, 404, 405, 501]);
