import { MalformedResponseError, VendorNotFoundError, type ConnectorDeps } from '../contract.js';
import { VendorHttpClient } from '../shared/http-client.js';
import { dominoAuthHeaders, type DominoSecret } from './config.js';
import { describeDominoError } from './normalise.js';
import { readListEnvelope, type ListPage } from './unconfirmed.js';

/** Domino's documented routes (reference §4.3). Registry v1 paths are keyed by model name, not id. */
export const DOMINO_ROUTES = {
  registeredModels: '/api/registeredmodels/v2',
  registeredModelVersions: (modelName: string) => `/api/registeredmodels/v1/${encodeURIComponent(modelName)}/versions`,
  modelApis: '/api/modelServing/v1/modelApis',
  modelApiVersions: (modelApiId: string) => `/api/modelServing/v1/modelApis/${encodeURIComponent(modelApiId)}/versions`,
} as const;

/**
 * The Domino REST calls the connector makes, each returning one list page in a tolerant envelope. Transport concerns
 * (auth header, timeout, retry with backoff and Retry-After, error wrapping) are the shared VendorHttpClient's.
 */
export class DominoClient {
  private readonly http: VendorHttpClient;

  constructor(
    host: string,
    secret: DominoSecret,
    private readonly label: string,
    deps: ConnectorDeps,
  ) {
    this.http = new VendorHttpClient({ vendor: 'domino', baseUrl: host, headers: () => dominoAuthHeaders(secret), describeError: describeDominoError, label, deps });
  }

  registeredModels(offset: number, limit: number, signal: AbortSignal): Promise<ListPage> {
    return this.list(DOMINO_ROUTES.registeredModels, 'registeredmodels/list', { offset, limit }, signal);
  }

  /** One page of a model's versions; null when the model is gone (404). */
  registeredModelVersions(modelName: string, offset: number, limit: number, signal: AbortSignal): Promise<ListPage | null> {
    return orNullWhenGone(this.list(DOMINO_ROUTES.registeredModelVersions(modelName), 'registeredmodels/versions', { offset, limit }, signal));
  }

  modelApis(offset: number, limit: number, signal: AbortSignal): Promise<ListPage> {
    return this.list(DOMINO_ROUTES.modelApis, 'modelApis/list', { offset, limit }, signal);
  }

  /** One page of a Model API's versions (a bare array per the reference); null when the Model API is gone (404). */
  modelApiVersions(modelApiId: string, offset: number, limit: number, signal: AbortSignal): Promise<ListPage | null> {
    return orNullWhenGone(this.list(DOMINO_ROUTES.modelApiVersions(modelApiId), 'modelApis/versions', { offset, limit }, signal));
  }

  private async list(path: string, operation: string, query: Record<string, number>, signal: AbortSignal): Promise<ListPage> {
    const response = await this.http.requestJson<unknown>({ path, query, signal, operation });
    const page = readListEnvelope(response.body);
    if (!page) {
      throw new MalformedResponseError(`${this.label}: ${operation} answered with a body that is not a list (neither an array nor {items} / {data})`, 'domino', response.status);
    }
    return page;
  }
}

async function orNullWhenGone<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof VendorNotFoundError) return null;
    throw error;
  }
}
