import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  ListModelPackageGroupsCommand,
  SageMakerClient,
  UpdateModelPackageCommand,
  paginateListEndpoints,
  paginateListModelPackageGroups,
  paginateListModelPackages,
  paginateListTags,
  paginateSearch,
  type DescribeEndpointCommandOutput,
  type DescribeEndpointConfigCommandOutput,
  type DescribeModelCommandOutput,
  type DescribeModelPackageCommandOutput,
  type EndpointSummary,
  type ModelPackageGroupSummary,
  type ModelPackageSummary,
  type SearchCommandInput,
  type SearchRecord,
  type Tag,
  type UpdateModelPackageCommandInput,
} from '@aws-sdk/client-sagemaker';
import {
  AuthenticationError,
  ConnectorError,
  DEFAULT_RETRY,
  MalformedResponseError,
  RateLimitError,
  VendorNotFoundError,
  type ConnectorDeps,
} from '../contract.js';
import type { SageMakerSecret, SageMakerSettings } from './config.js';
import { childSignal, withChildSignal } from '../shared/child-signal.js';
import { guardedLookup, privateAddressRefusal } from '../shared/private-address.js';
import { PolicyRetryStrategy, isUnreadableSuccess } from './retry-strategy.js';
import {
  AUTH_ERROR_NAMES,
  ENDPOINT_SEARCH,
  GROUP_LISTING_ORDER,
  GROUP_SEARCH,
  isVanishedResourceError,
  modelNameSearchExpression,
  modelPackageGroupSearchExpression,
  searchRefusal,
} from './unconfirmed.js';

/** Node agents for the SDK's HTTP handler whose connections pass the private-address guard. */
function guardedAgents(): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const lookup = guardedLookup();
  return { httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 50, lookup }), httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 50, lookup }) };
}

/** SageMaker's list operations accept MaxResults 1..100. */
export const SAGEMAKER_MAX_PAGE_SIZE = 100;

const THROTTLING_NAMES = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'LimitExceededException', 'SlowDown']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/**
 * SageMaker would not answer a Search (no `sagemaker:Search` permission, an expression it does not accept, an
 * endpoint without the operation). Not a ConnectorError: the listing catches it and falls back to Describe.
 */
export class SearchRefusedError extends Error {
  override name = 'SearchRefusedError';
}

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/**
 * The SageMaker API as the connector uses it: one configured SDK client (endpoint, region, credentials,
 * retry policy, request timeout) and every failure translated into the contract's error vocabulary.
 * Signing, paging tokens and retries are the SDK's; nothing here signs or builds requests by hand.
 */
export class SageMakerApi {
  readonly label: string;
  private readonly client: SageMakerClient;

  constructor(settings: SageMakerSettings, secret: SageMakerSecret, private readonly deps: ConnectorDeps = {}) {
    this.label = settings.endpoint ? `SageMaker at ${settings.endpoint}` : `SageMaker in ${settings.region}`;
    const timeoutMs = deps.timeoutMs ?? 30_000;
    const policy = { ...DEFAULT_RETRY, ...deps.retry };
    this.client = new SageMakerClient({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      // null secret: the SDK's default chain (env, shared config, container/instance role, web identity).
      ...(secret ? { credentials: { accessKeyId: secret.accessKeyId, secretAccessKey: secret.secretAccessKey, sessionToken: secret.sessionToken } } : {}),
      maxAttempts: policy.attempts,
      retryStrategy: new PolicyRetryStrategy(policy),
      // The SDK's options shape for its Node handler: @smithy/node-http-handler is the SDK's dependency, not ours.
      // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes.
      requestHandler: {
        requestTimeout: timeoutMs,
        connectionTimeout: Math.min(timeoutMs, 10_000),
        throwOnRequestTimeout: true,
        // The SDK's own agent settings (keep-alive, 50 sockets), with host names resolved through the guard.
        ...(deps.blockPrivateAddresses ? guardedAgents() : {}),
      },
    });
    const observe = deps.onVendorCall;
    if (observe) {
      // One observation per operation (after the SDK's retries), paginated calls included.
      this.client.middlewareStack.add(
        (next, context) => async (args) => {
          const started = performance.now();
          const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
          try {
            const result = await next(args);
            const meta = (result.output as SdkError).$metadata;
            observe({ vendor: 'sagemaker', operation, status: meta?.httpStatusCode ?? 200, attempt: meta?.attempts ?? 1, ms: performance.now() - started });
            return result;
          } catch (error) {
            const meta = (error as SdkError).$metadata;
            observe({ vendor: 'sagemaker', operation, status: meta?.httpStatusCode ?? 'error', attempt: meta?.attempts ?? 1, ms: performance.now() - started });
            throw error;
          }
        },
        { step: 'initialize', name: 'modelopsVendorCallObserver' },
      );
    }
  }

  /** One cheap authenticated call. */
  async probe(signal: AbortSignal): Promise<void> {
    await this.call('ListModelPackageGroups', signal, (abortSignal) => this.client.send(new ListModelPackageGroupsCommand({ MaxResults: 1 }), { abortSignal }));
  }

  /** Model package groups, oldest first (the order {@link searchGroupPages} is asked for). */
  groupPages(pageSize: number, signal: AbortSignal): AsyncIterable<ModelPackageGroupSummary[]> {
    const pages = (abortSignal: AbortSignal) => paginateListModelPackageGroups({ client: this.client, pageSize, stopOnSameToken: true }, { ...GROUP_LISTING_ORDER }, { abortSignal });
    return this.pages('ListModelPackageGroups', signal, pages, (page) => page.ModelPackageGroupSummaryList);
  }

  /**
   * Search records (`{ ModelPackageGroup }`, tags included) of every group, oldest first as {@link groupPages} lists
   * them, one request per `pageSize` (≤100) groups. Throws {@link SearchRefusedError} when SageMaker refuses it.
   */
  searchGroupPages(pageSize: number, signal: AbortSignal): AsyncIterable<SearchRecord[]> {
    return this.searchPages({ ...GROUP_SEARCH }, pageSize, signal);
  }

  /**
   * Search records (`{ Model }`) of the Models named (at most MODEL_SEARCH_MAX_FILTERS), `pageSize` (≤100) records a
   * request. Throws {@link SearchRefusedError} when SageMaker refuses it.
   */
  searchModelPages(names: readonly string[], pageSize: number, signal: AbortSignal): AsyncIterable<SearchRecord[]> {
    return this.searchPages({ Resource: 'Model', SearchExpression: modelNameSearchExpression(names) }, pageSize, signal);
  }

  /** Versioned packages of one group, newest first (so the first page names the latest version). */
  versionPages(groupName: string, pageSize: number, signal: AbortSignal): AsyncIterable<ModelPackageSummary[]> {
    const input = { ModelPackageGroupName: groupName, ModelPackageType: 'Versioned' as const, SortBy: 'CreationTime' as const, SortOrder: 'Descending' as const };
    const pages = (abortSignal: AbortSignal) => paginateListModelPackages({ client: this.client, pageSize, stopOnSameToken: true }, input, { abortSignal });
    return this.pages('ListModelPackages', signal, pages, (page) => page.ModelPackageSummaryList);
  }

  /**
   * Search records (`{ ModelPackage }`) of one group's versioned packages, newest first, one request per
   * `pageSize` (≤100) versions. Throws {@link SearchRefusedError} when SageMaker refuses the Search itself.
   */
  searchVersionPages(groupName: string, pageSize: number, signal: AbortSignal): AsyncIterable<SearchRecord[]> {
    return this.searchPages({ Resource: 'ModelPackage', SearchExpression: modelPackageGroupSearchExpression(groupName), SortBy: 'CreationTime', SortOrder: 'Descending' }, pageSize, signal);
  }

  /**
   * Search records (`{ Endpoint }`, tags included) of every endpoint, oldest first as {@link endpointPages} lists
   * them, one request per `pageSize` (≤100) endpoints. Throws {@link SearchRefusedError} when SageMaker refuses it.
   */
  searchEndpointPages(pageSize: number, signal: AbortSignal): AsyncIterable<SearchRecord[]> {
    return this.searchPages({ ...ENDPOINT_SEARCH }, pageSize, signal);
  }

  /** Search pages; a refusal becomes {@link SearchRefusedError}, anything else the usual translation. */
  private searchPages(input: SearchCommandInput, pageSize: number, signal: AbortSignal): AsyncIterable<SearchRecord[]> {
    const refused = (error: unknown) => {
      const reason = signal.aborted ? null : searchRefusal(error);
      return reason === null ? null : new SearchRefusedError(`${this.label}: Search was refused (${reason})`, { cause: error });
    };
    const pages = (abortSignal: AbortSignal) => paginateSearch({ client: this.client, pageSize, stopOnSameToken: true }, input, { abortSignal });
    return this.pages('Search', signal, pages, (page) => page.Results, refused);
  }

  endpointPages(pageSize: number, signal: AbortSignal): AsyncIterable<EndpointSummary[]> {
    const pages = (abortSignal: AbortSignal) => paginateListEndpoints({ client: this.client, pageSize, stopOnSameToken: true }, { SortBy: 'CreationTime', SortOrder: 'Ascending' }, { abortSignal });
    return this.pages('ListEndpoints', signal, pages, (page) => page.Endpoints);
  }

  /** All tags of a resource; null when the resource vanished. ListTags takes MaxResults >= 50. */
  async tags(resourceArn: string, signal: AbortSignal): Promise<Tag[] | null> {
    const tags: Tag[] = [];
    try {
      const pages = (abortSignal: AbortSignal) => paginateListTags({ client: this.client, pageSize: 100, stopOnSameToken: true }, { ResourceArn: resourceArn }, { abortSignal });
      for await (const page of this.pages('ListTags', signal, pages, (p) => p.Tags)) {
        tags.push(...page);
      }
    } catch (error) {
      if (error instanceof VendorNotFoundError) return null;
      throw error;
    }
    return tags;
  }

  describeModelPackage(nameOrArn: string, signal: AbortSignal): Promise<DescribeModelPackageCommandOutput | null> {
    return this.describe('DescribeModelPackage', signal, (abortSignal) => this.client.send(new DescribeModelPackageCommand({ ModelPackageName: nameOrArn }), { abortSignal }));
  }

  describeEndpoint(name: string, signal: AbortSignal): Promise<DescribeEndpointCommandOutput | null> {
    return this.describe('DescribeEndpoint', signal, (abortSignal) => this.client.send(new DescribeEndpointCommand({ EndpointName: name }), { abortSignal }));
  }

  describeEndpointConfig(name: string, signal: AbortSignal): Promise<DescribeEndpointConfigCommandOutput | null> {
    return this.describe('DescribeEndpointConfig', signal, (abortSignal) => this.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }), { abortSignal }));
  }

  describeModel(name: string, signal: AbortSignal): Promise<DescribeModelCommandOutput | null> {
    return this.describe('DescribeModel', signal, (abortSignal) => this.client.send(new DescribeModelCommand({ ModelName: name }), { abortSignal }));
  }

  async updateModelPackage(input: UpdateModelPackageCommandInput, signal: AbortSignal): Promise<void> {
    await this.call('UpdateModelPackage', signal, (abortSignal) => this.client.send(new UpdateModelPackageCommand(input), { abortSignal }));
  }

  /** Closes pooled sockets. */
  destroy(): void {
    this.client.destroy();
  }

  private async describe<T>(operation: string, signal: AbortSignal, send: (callSignal: AbortSignal) => Promise<T>): Promise<T | null> {
    try {
      return await this.call(operation, signal, send);
    } catch (error) {
      if (error instanceof VendorNotFoundError) return null;
      throw error;
    }
  }

  /**
   * One SDK call, on a signal of its own (see shared/child-signal.ts): the SDK leaves listeners on the signal while a
   * call runs, and the listing runs dozens of calls under one run signal.
   */
  private async call<T>(operation: string, signal: AbortSignal, send: (callSignal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await withChildSignal(signal, send);
    } catch (error) {
      throw this.translate(error, operation, signal);
    }
  }

  /**
   * A paginator's pages, the paginator on a signal of its own for as long as it is read (as {@link call}). `refine`
   * may claim an SDK failure before the generic translation (Search's refusals).
   */
  private async *pages<P, I>(
    operation: string,
    signal: AbortSignal,
    open: (callSignal: AbortSignal) => AsyncIterable<P>,
    items: (page: P) => I[] | undefined,
    refine?: (error: unknown) => Error | null,
  ): AsyncGenerator<I[]> {
    const own = childSignal(signal);
    try {
      const iterator = open(own.signal)[Symbol.asyncIterator]();
      while (true) {
        let next: IteratorResult<P>;
        try {
          next = await iterator.next();
        } catch (error) {
          throw refine?.(error) ?? this.translate(error, operation, signal);
        }
        if (next.done) return;
        const list = items(next.value);
        if (list !== undefined && !Array.isArray(list)) {
          throw new MalformedResponseError(`${this.label}: ${operation} returned a page without a list`, 'sagemaker', 200);
        }
        yield list ?? [];
      }
    } finally {
      own.release();
    }
  }

  /** SDK failure → contract error, in words an operator can act on. Never includes credentials. */
  translate(error: unknown, operation: string, signal: AbortSignal): unknown {
    if (signal.aborted) return signal.reason ?? error;
    if (error instanceof ConnectorError) return error;
    const e = (error ?? {}) as SdkError;
    const name = e.name ?? 'Error';
    const message = e.message ?? String(error);
    const status = e.$metadata?.httpStatusCode ?? null;
    const attempts = e.$metadata?.attempts ?? 1;
    const where = `${this.label}: ${operation}`;
    const refused = privateAddressRefusal(error);
    if (refused) return new ConnectorError(`${where} was not sent: ${refused.message}`, 'sagemaker', null, false, { cause: error });
    if (name === 'CredentialsProviderError') {
      return new AuthenticationError(`${this.label}: the source has no secret and the SDK's default credential chain found no AWS credentials in the hub's environment.`, 'sagemaker', null, { cause: error });
    }
    if (AUTH_ERROR_NAMES.has(name) || status === 401 || status === 403) {
      return new AuthenticationError(
        `${this.label} rejected the credentials (${name}): ${message} Check the source's access key, secret and IAM permissions.`,
        'sagemaker',
        status,
        { cause: error },
      );
    }
    // NOTE: SageMaker answers throttling with 400, not 429: classify by error type, not by status.
    if (THROTTLING_NAMES.has(name) || status === 429) {
      return new RateLimitError(`${where} was still throttled after ${attempts} attempts (${name}: ${message})`, 'sagemaker', status, null, { cause: error });
    }
    if (isVanishedResourceError(name, message)) return new VendorNotFoundError(`${where}: ${message}`, 'sagemaker', { cause: error });
    if (isUnreadableSuccess(error)) {
      return new MalformedResponseError(`${where} returned a body that is not valid JSON after ${attempts} attempts`, 'sagemaker', status, { cause: error });
    }
    if (error instanceof SyntaxError) {
      return new ConnectorError(`${where} answered HTTP ${status ?? '?'} with a body that is not SageMaker JSON; check the endpoint URL`, 'sagemaker', status, false, { cause: error });
    }
    if (name === 'TimeoutError' || (e.code && NETWORK_CODES.has(e.code))) {
      return new ConnectorError(`${where} failed after ${attempts} attempts: could not reach the service (${e.code ?? name}: ${message})`, 'sagemaker', null, true, { cause: error });
    }
    if (status !== null && status >= 500) {
      return new ConnectorError(`${where} answered ${status} (${name}) after ${attempts} attempts: ${message}`, 'sagemaker', status, true, { cause: error });
    }
    return new ConnectorError(`${where} failed (${name}${status ? `, HTTP ${status}` : ''}): ${message}`, 'sagemaker', status, false, { cause: error });
  }
}
