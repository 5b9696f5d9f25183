import { z } from 'zod';
import { LIFECYCLE_STATES } from '../contract.js';
import { environmentRuleSchema } from '../shared/environment.js';

const WHAT_TO_PASTE = 'give the address the MLflow web UI is served from, e.g. https://mlflow.example.com';
/** The REST routes the connector appends itself (the UI's `ajax-api` twin included). */
const REST_PATH = /\/(ajax-)?api\/2\.0\/(preview\/)?mlflow(\/|$)/;

/**
 * Settings of one MLflow source (non-secret, stored as jsonb on the source).
 * Works against OSS MLflow (with or without the basic-auth app) and the Databricks workspace registry.
 */
export const mlflowSettingsSchema = z.object({
  /**
   * The tracking server, e.g. `https://mlflow.example.com`; the REST base is `${trackingUri}/api/2.0/mlflow/`. A URL
   * copied from the browser works too: its `#/models…` part is the web UI's page, which no browser sends to the server.
   */
  trackingUri: z
    .url({ protocol: /^https?$/, error: 'trackingUri must be an http(s) URL' })
    // Credentials belong in the secret: a URL ends up in messages and logs.
    // zod 4 runs refinements even after the url check failed: an unparseable value is already reported there.
    .refine((uri) => !URL.canParse(uri) || (new URL(uri).username === '' && new URL(uri).password === ''), 'trackingUri must not contain a user name or password; put them in the secret')
    .refine((uri) => !URL.canParse(uri) || new URL(uri).search === '', `trackingUri must not have a query string (?…): ${WHAT_TO_PASTE}`)
    .refine((uri) => !URL.canParse(uri) || !REST_PATH.test(new URL(uri).pathname), `trackingUri must not point into the REST API (/api/2.0/mlflow/…): ${WHAT_TO_PASTE}`)
    .transform((uri) => uri.replace(/#.*$/s, '').replace(/\/+$/, '')),
  /**
   * Governed state → the alias the write-back sets on the approved version. On RETIRED, every alias of the version
   * named here is removed. Default: PRODUCTION → `production`.
   */
  aliasByState: z.partialRecord(z.enum(LIFECYCLE_STATES), z.string().min(1)).default({ PRODUCTION: 'production' }),
  /**
   * Alias names that mean "serves production" (case-insensitive): the MLflow production notion the environment rule
   * falls back on for aliases it does not otherwise place.
   */
  productionAliases: z.array(z.string().min(1)).min(1).default(['production', 'prod', 'champion']),
  /** How each alias's and stage's environment is decided (connectors/shared/environment.ts); the default rule when absent. */
  environmentRule: environmentRuleSchema.optional(),
  /** Registered models per `registered-models/search` page (MLflow caps it at 1000). */
  pageSize: z.number().int().min(1).max(1000).optional(),
});

/** Settings as stored / entered (defaults not applied yet). */
export type MlflowSettingsInput = z.input<typeof mlflowSettingsSchema>;
/** Settings with defaults applied: what the connector works with. */
export type MlflowSettings = z.output<typeof mlflowSettingsSchema>;

/**
 * The secret: a bearer token (MLflow `MLFLOW_TRACKING_TOKEN`, Databricks PAT / OAuth token), HTTP basic credentials
 * (`mlflow server --app-name basic-auth`), or `null` for a server without authentication.
 */
export const mlflowSecretSchema = z.union([
  z.strictObject({ token: z.string().min(1) }),
  z.strictObject({ username: z.string().min(1), password: z.string().min(1) }),
  z.null(),
]);

export type MlflowSecret = z.output<typeof mlflowSecretSchema>;

/** The Authorization header a secret turns into (none for a server without auth). */
export function authorizationHeader(secret: MlflowSecret): Record<string, string> {
  if (secret === null) return {};
  if ('token' in secret) return { authorization: `Bearer ${secret.token}` };
  return { authorization: `Basic ${Buffer.from(`${secret.username}:${secret.password}`, 'utf8').toString('base64')}` };
}
