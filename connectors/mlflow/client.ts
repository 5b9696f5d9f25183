import { ConnectorError, MalformedResponseError, VendorNotFoundError, type ConnectorDeps } from '../contract.js';
import { VendorHttpClient } from '../shared/http-client.js';
import { authorizationHeader, type MlflowSecret } from './config.js';
import { RUN_UNREADABLE_STATUSES } from './unconfirmed.js';
import {
  API_PREFIX,
  type GetExperimentResponse,
  type GetRunResponse,
  type MlflowExperiment,
  type MlflowErrorBody,
  type MlflowModelVersion,
  type MlflowRegisteredModel,
  type MlflowRun,
  type SearchExperimentsResponse,
  type SearchModelVersionsResponse,
  type SearchRegisteredModelsResponse,
  type SearchRunsRequest,
  type SearchRunsResponse,
} from './wire.js';

/** Versions per `model-versions/search` page. Databricks caps it at 10 000; OSS accepts more. */
export const VERSION_PAGE_SIZE = 1000;

export interface MlflowClientOptions {
  trackingUri: string;
  secret: MlflowSecret;
  deps?: ConnectorDeps;
}

/**
 * The MLflow REST calls the connector makes, one method per route (reference §2.3), on the shared HTTP client
 * (timeout, retry with backoff and Retry-After, error wrapping).
 */
export class MlflowClient {
  readonly label: string;
  private readonly http: VendorHttpClient;

  constructor(options: MlflowClientOptions) {
    this.label = `MLflow at ${options.trackingUri}`;
    this.http = new VendorHttpClient({
      vendor: 'mlflow',
      baseUrl: `${options.trackingUri}${API_PREFIX}`,
      headers: () => authorizationHeader(options.secret),
      describeError: describeMlflowError,
      label: this.label,
      deps: options.deps,
    });
  }

  async searchRegisteredModels(maxResults: number, pageToken: string | undefined, signal: AbortSignal): Promise<SearchRegisteredModelsResponse> {
    const { body } = await this.http.requestJson<SearchRegisteredModelsResponse>({
      path: 'registered-models/search',
      query: { max_results: maxResults, page_token: pageToken || undefined },
      signal,
      operation: 'registered-models/search',
    });
    return envelope(body, 'registered_models', 'registered-models/search', this.label);
  }

  async searchModelVersions(filter: string, pageToken: string | undefined, signal: AbortSignal): Promise<SearchModelVersionsResponse> {
    const { body } = await this.http.requestJson<SearchModelVersionsResponse>({
      path: 'model-versions/search',
      query: { filter, max_results: VERSION_PAGE_SIZE, page_token: pageToken || undefined },
      signal,
      operation: 'model-versions/search',
    });
    return envelope(body, 'model_versions', 'model-versions/search', this.label);
  }

  /** The registered model, or null when it does not exist (any more). */
  async getRegisteredModel(name: string, signal: AbortSignal): Promise<MlflowRegisteredModel | null> {
    try {
      const { body } = await this.http.requestJson<{ registered_model?: MlflowRegisteredModel }>({
        path: 'registered-models/get',
        query: { name },
        signal,
        operation: 'registered-models/get',
      });
      return body.registered_model ?? null;
    } catch (error) {
      if (error instanceof VendorNotFoundError) return null;
      throw error;
    }
  }

  async getModelVersion(name: string, version: string, signal: AbortSignal): Promise<MlflowModelVersion> {
    const { body } = await this.http.requestJson<{ model_version?: MlflowModelVersion }>({
      path: 'model-versions/get',
      query: { name, version },
      signal,
      operation: 'model-versions/get',
    });
    if (!body.model_version) throw new VendorNotFoundError(`${this.label}: model version ${name}/${version} came back empty`, 'mlflow');
    return body.model_version;
  }

  /** The run, or null when it cannot be read (deleted and garbage-collected, or not visible to this credential). */
  async getRun(runId: string, signal: AbortSignal): Promise<MlflowRun | null> {
    return (await this.getReadable<GetRunResponse>('runs/get', { run_id: runId }, signal))?.run ?? null;
  }

  /** The experiment, or null when it cannot be read (gone, or not visible to this credential). */
  async getExperiment(experimentId: string, signal: AbortSignal): Promise<MlflowExperiment | null> {
    return (await this.getReadable<GetExperimentResponse>('experiments/get', { experiment_id: experimentId }, signal))?.experiment ?? null;
  }

  /** A GET of a tracking object that may be unreadable to this credential (RUN_UNREADABLE_STATUSES): null then. */
  private async getReadable<T>(path: string, query: Record<string, string>, signal: AbortSignal): Promise<T | null> {
    try {
      return (await this.http.requestJson<T>({ path, query, signal, operation: path })).body;
    } catch (error) {
      if (error instanceof ConnectorError && error.status !== null && RUN_UNREADABLE_STATUSES.has(error.status)) return null;
      throw error;
    }
  }

  /** One page of experiments, deleted ones included (`view_type: ALL`), so their runs can be searched too. */
  async searchExperiments(maxResults: number, pageToken: string | undefined, signal: AbortSignal): Promise<SearchExperimentsResponse> {
    const { body } = await this.http.requestJson<SearchExperimentsResponse>({
      method: 'POST',
      path: 'experiments/search',
      body: { max_results: maxResults, page_token: pageToken || undefined, view_type: 'ALL' },
      signal,
      operation: 'experiments/search',
    });
    return envelope(body, 'experiments', 'experiments/search', this.label);
  }

  /** One page of runs; see unconfirmed.ts for what the request relies on. */
  async searchRuns(request: SearchRunsRequest, signal: AbortSignal): Promise<SearchRunsResponse> {
    const { body } = await this.http.requestJson<SearchRunsResponse>({
      method: 'POST',
      path: 'runs/search',
      body: { ...request, page_token: request.page_token || undefined },
      signal,
      operation: 'runs/search',
    });
    return envelope(body, 'runs', 'runs/search', this.label);
  }

  async setAlias(name: string, alias: string, version: string, signal: AbortSignal): Promise<void> {
    await this.http.requestJson({ method: 'POST', path: 'registered-models/alias', body: { name, alias, version }, signal, operation: 'registered-models/alias' });
  }

  /** DELETE with a JSON body, as MLflow's own client sends it (`rest_utils.call_endpoint`). */
  async deleteAlias(name: string, alias: string, signal: AbortSignal): Promise<void> {
    await this.http.requestJson({ method: 'DELETE', path: 'registered-models/alias', body: { name, alias }, signal, operation: 'registered-models/alias' });
  }

  async setVersionTag(name: string, version: string, key: string, value: string, signal: AbortSignal): Promise<void> {
    await this.http.requestJson({ method: 'POST', path: 'model-versions/set-tag', body: { name, version, key, value }, signal, operation: 'model-versions/set-tag' });
  }
}

/**
 * MLflow errors are JSON `{error_code, message}`; the basic-auth app answers 401/403 in plain text, and a proxy or a
 * wrong URL may answer HTML. Returns the most readable part.
 */
export function describeMlflowError(_status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as MlflowErrorBody;
    if (parsed && typeof parsed === 'object' && (parsed.error_code || parsed.message)) return [parsed.error_code, parsed.message].filter(Boolean).join(': ');
  } catch {
    // not JSON: fall through to the text
  }
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text;
}

/** A 200 whose body is not an object (or whose list is not an array) is not an MLflow answer. */
function envelope<T extends object>(body: T, listKey: string, operation: string, label: string): T {
  const list = (body as Record<string, unknown> | null)?.[listKey];
  if (body === null || typeof body !== 'object' || Array.isArray(body) || (list !== undefined && !Array.isArray(list))) {
    throw new MalformedResponseError(`${label}: ${operation} answered with something that is not an MLflow search result`, 'mlflow', 200);
  }
  return body;
}
