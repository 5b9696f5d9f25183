import {
  AuthenticationError,
  ConnectorError,
  MalformedResponseError,
  VendorNotFoundError,
  WRITE_BACK_RETRY,
  type ConnectionCheck,
  type Connector,
  type ConnectorDeps,
  type LifecycleWriteBack,
  type NormalisedBatch,
  type WriteBackOutcome,
} from '../contract.js';
import { MlflowClient } from './client.js';
import { mlflowSecretSchema, mlflowSettingsSchema, type MlflowSecret, type MlflowSettings, type MlflowSettingsInput } from './config.js';
import { MODEL_CONCURRENCY, listEstate } from './listing.js';
import { mapConcurrently } from '../shared/map-concurrently.js';
import { compileEnvironmentRule } from '../shared/environment.js';
import type { NormaliseContext } from './normalise.js';
import { applyMlflowLifecycle } from './write-back.js';

export { mlflowSecretSchema, mlflowSettingsSchema } from './config.js';
export type { MlflowSecret, MlflowSettings, MlflowSettingsInput } from './config.js';

/** Registered models per page when neither the settings nor the deps say (MLflow's own default). */
const DEFAULT_PAGE_SIZE = 100;
/** MLflow refuses `max_results` above 1000 on `registered-models/search`. */
const MAX_PAGE_SIZE = 1000;

/**
 * One MLflow source: OSS tracking server (optionally with the basic-auth app) or a Databricks workspace registry.
 * Settings and secret are validated here, so stored values can be passed as they are.
 */
export function createMlflowConnector(settings: MlflowSettingsInput, secret: MlflowSecret | undefined, deps: ConnectorDeps = {}): Connector {
  return new MlflowConnector(mlflowSettingsSchema.parse(settings), mlflowSecretSchema.parse(secret ?? null), deps);
}

class MlflowConnector implements Connector {
  readonly vendor = 'mlflow' as const;
  private readonly client: MlflowClient;
  /** check() makes exactly one call: no retries, so a wrong URL is reported at once. */
  private readonly checkClient: MlflowClient;
  /** Write-backs send each request once: the hub's outbox retries them (WRITE_BACK_RETRY). */
  private readonly writeBackClient: MlflowClient;
  private readonly context: NormaliseContext;

  constructor(
    private readonly settings: MlflowSettings,
    private readonly secret: MlflowSecret,
    private readonly deps: ConnectorDeps,
  ) {
    this.client = new MlflowClient({ trackingUri: settings.trackingUri, secret, deps });
    this.checkClient = new MlflowClient({ trackingUri: settings.trackingUri, secret, deps: { ...deps, retry: { ...deps.retry, attempts: 1 } } });
    this.writeBackClient = new MlflowClient({ trackingUri: settings.trackingUri, secret, deps: { ...deps, retry: { ...deps.retry, ...WRITE_BACK_RETRY } } });
    this.context = { trackingUri: settings.trackingUri, productionAliases: settings.productionAliases, classifyEnvironment: compileEnvironmentRule(settings.environmentRule) };
  }

  list(signal: AbortSignal): AsyncIterable<NormalisedBatch> {
    return listEstate(
      { client: this.client, context: this.context, pageSize: Math.min(this.settings.pageSize ?? this.deps.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), logger: this.deps.logger },
      signal,
    );
  }

  async check(signal: AbortSignal): Promise<ConnectionCheck> {
    const label = this.checkClient.label;
    const authentication = this.secret === null ? 'none' : 'token' in this.secret ? 'bearer token' : 'basic (user name and password)';
    try {
      await this.checkClient.searchRegisteredModels(1, undefined, signal);
      return { ok: true, message: `Connected to ${label}; the model registry is readable.`, details: { authentication } };
    } catch (error) {
      if (signal.aborted) throw error;
      return { ok: false, message: explainCheckFailure(error, label, this.secret === null), details: { authentication } };
    }
  }

  applyLifecycle(change: LifecycleWriteBack, signal: AbortSignal): Promise<WriteBackOutcome> {
    return applyMlflowLifecycle(this.writeBackClient, this.settings, change, signal);
  }

  /** Page tokens are offsets: a model deleted from a page already read makes the listing skip a later one. */
  async presentModels(externalIds: readonly string[], signal: AbortSignal): Promise<string[]> {
    // A model's external id is its registered name.
    const found = await mapConcurrently(externalIds, MODEL_CONCURRENCY, signal, (name, taskSignal) => this.client.getRegisteredModel(name, taskSignal));
    return externalIds.filter((_, i) => found[i] !== null);
  }
}

/** A failed check in words an IT operator can act on. */
function explainCheckFailure(error: unknown, label: string, noSecret: boolean): string {
  if (error instanceof AuthenticationError) {
    if (error.status === 403) return `${label} accepted the credentials but they may not read the model registry (403). Grant the account read access to registered models.`;
    return noSecret
      ? `${label} requires authentication (401). Add a token or a user name and password to the source.`
      : `${label} rejected the credentials (401). Check the token, or the user name and password.`;
  }
  if (error instanceof VendorNotFoundError) return `${label} has no MLflow REST API under /api/2.0/mlflow (404). Check the tracking URI.`;
  if (error instanceof MalformedResponseError) return `${label} answered, but not like an MLflow server. Check the tracking URI.`;
  if (error instanceof ConnectorError && error.status === null) return `Could not reach ${label}: ${error.message}`;
  if (error instanceof ConnectorError && error.status !== null && error.status >= 300 && error.status < 400) {
    return `${label} redirected the request (${error.status}). Use the final URL (for example https instead of http) as the tracking URI.`;
  }
  if (error instanceof ConnectorError) return `${label} answered with an error (${error.status ?? 'no status'}): ${error.message}`;
  return `Checking ${label} failed: ${error instanceof Error ? error.message : String(error)}`;
}
