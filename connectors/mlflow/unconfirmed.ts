/**
 * Everything the MLflow connector and simulator rely on that the reference marks `unconfirmed` (or does not cover),
 * in one place so it can be checked against a real server and changed without hunting through the code.
 * Each item says what we assume and how the code stays safe if the assumption is wrong.
 */
import type { MlflowModelVersion } from './wire.js';

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
 * (`{key, value, …}`) and read only items with a string `key` and a finite numeric `value`; anything else is ignored.
 * Run metrics (`runs/get`, confirmed) win over these when both exist.
 */
export function modelMetricsOf(version: MlflowModelVersion): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const item of Array.isArray(version.model_metrics) ? version.model_metrics : []) {
    const { key, value } = (item ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key === 'string' && typeof value === 'number' && Number.isFinite(value)) metrics[key] = value;
  }
  return metrics;
}

/**
 * A 403 on `runs/get` while the registry itself is readable: with the basic-auth app, permissions are per
 * experiment and per registered model, so a reader may see a version but not its run. Unconfirmed whether servers
 * answer 403 or 404 there. We treat both as "run not readable": the version is kept, without run lineage/metrics.
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
