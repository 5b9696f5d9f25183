import {
  AuthenticationError,
  ConnectorError,
  DEFAULT_RETRY,
  MalformedResponseError,
  RateLimitError,
  VendorNotFoundError,
  type ConnectorDeps,
  type RetryPolicy,
  type Vendor,
} from '../contract.js';
import { Agent } from 'undici';
import { backoffDelay } from './backoff.js';
import { codeOf, findCause } from './error-causes.js';
import { guardedLookup, privateAddressRefusal } from './private-address.js';

/**
 * The one request function the REST connectors (MLflow, DataRobot, Domino) share: base URL, auth headers,
 * timeout, retry with exponential backoff + jitter (shared/backoff.ts), `Retry-After`, and error wrapping into the contract's
 * `ConnectorError` vocabulary. SageMaker does not use it: it goes through the AWS SDK.
 */
export interface HttpClientOptions {
  vendor: Vendor;
  /** Absolute base URL; request paths are resolved against it. */
  baseUrl: string;
  /** Auth and other fixed headers. A function so secrets are read at call time and never stored on the client. */
  headers: () => Record<string, string>;
  /** Pulls a readable message out of a vendor error body (each vendor shapes errors differently). */
  describeError?: (status: number, body: string) => string;
  /** Human name of the source in error messages ("MLflow at http://…"). */
  label: string;
  deps?: ConnectorDeps;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path relative to the base URL, or an absolute URL (DataRobot's `next` links). */
  path: string;
  query?: Record<string, string | number | boolean | undefined | Array<string | number>>;
  body?: unknown;
  signal: AbortSignal;
  /** A short name for logs and metrics (`registered-models/search`). */
  operation: string;
}

export interface JsonResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

export class VendorHttpClient {
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  /** Connections whose host names are resolved through the private-address guard (when the deps ask for it). */
  private readonly dispatcher: Agent | undefined;

  constructor(private readonly options: HttpClientOptions) {
    this.fetchImpl = options.deps?.fetch ?? globalThis.fetch;
    this.dispatcher = options.deps?.blockPrivateAddresses ? new Agent({ connect: { lookup: guardedLookup() } }) : undefined;
    this.retry = { ...DEFAULT_RETRY, ...options.deps?.retry };
    this.timeoutMs = options.deps?.timeoutMs ?? 30_000;
  }

  /** Resolves `path` against the base URL, keeping the base's own path prefix (`/api/v2`). */
  url(path: string, query?: RequestOptions['query']): URL {
    const url = /^https?:\/\//i.test(path)
      ? new URL(path)
      : new URL(this.options.baseUrl.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, ''));
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, String(item));
      else url.searchParams.set(key, String(value));
    }
    return url;
  }

  async requestJson<T>(request: RequestOptions): Promise<JsonResponse<T>> {
    const { vendor, label } = this.options;
    const url = this.url(request.path, request.query);
    let lastError: ConnectorError | null = null;

    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      request.signal.throwIfAborted();
      const started = performance.now();
      let status: number | 'error' = 'error';
      try {
        const response = await this.send(url, request);
        status = response.status;
        const text = await readBody(response, vendor, label);
        if (response.ok) {
          return { status: response.status, body: parseJson<T>(text, vendor, label, request.operation, response.status), headers: response.headers };
        }
        const message = `${label}: ${request.operation} answered ${response.status}: ${this.describe(response.status, text)}`;
        if (response.status === 401 || response.status === 403) {
          throw new AuthenticationError(
            `${label} rejected the credentials (${response.status}). Check the source's secret and its permissions. ${this.describe(response.status, text)}`,
            vendor,
            response.status,
          );
        }
        if (response.status === 404) throw new VendorNotFoundError(message, vendor);
        if (response.status === 429) {
          const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
          lastError = new RateLimitError(message, vendor, 429, retryAfterMs);
        } else if (RETRYABLE_STATUS.has(response.status)) {
          lastError = new ConnectorError(message, vendor, response.status, true);
        } else {
          throw new ConnectorError(message, vendor, response.status, false);
        }
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason ?? error;
        if (error instanceof ConnectorError && !error.retryable) throw error;
        const refused = privateAddressRefusal(error);
        if (refused) throw new ConnectorError(`${label}: ${request.operation} was not sent: ${refused.message}`, vendor, null, false, { cause: error });
        lastError = error instanceof ConnectorError ? error : networkError(error, vendor, label, request.operation, this.timeoutMs);
      } finally {
        this.options.deps?.onVendorCall?.({ vendor, operation: request.operation, status, attempt, ms: performance.now() - started });
      }

      if (attempt < this.retry.attempts) {
        const delay = retryDelay(attempt, this.retry, lastError instanceof RateLimitError ? lastError.retryAfterMs : null);
        this.options.deps?.logger?.debug({ vendor, operation: request.operation, attempt, delayMs: delay, reason: lastError.message }, 'vendor call failed, retrying');
        await sleep(delay, request.signal);
      }
    }
    throw lastError ?? new ConnectorError(`${label}: ${request.operation} failed`, vendor, null, true);
  }

  private async send(url: URL, request: RequestOptions): Promise<Response> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers() };
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    return this.fetchImpl(url, {
      method: request.method ?? 'GET',
      headers,
      body,
      signal: AbortSignal.any([request.signal, timeout]),
      redirect: 'manual',
      // Node's fetch is undici: it takes an undici dispatcher (the lib.dom RequestInit type does not know the field).
      ...(this.dispatcher ? ({ dispatcher: this.dispatcher } as RequestInit) : {}),
    });
  }

  /**
   * The vendor's own words, whole: the hub scrubs credentials out of vendor text and only then caps it
   * (src/sources/vendor-text.ts), so a cut here could leave half a quoted credential behind.
   */
  private describe(status: number, body: string): string {
    return this.options.describeError?.(status, body) || body || '(empty body)';
  }
}

/** The wait before retry `attempt`: a vendor's Retry-After when it gives one (capped at maxDelayMs), else the backoff. */
export function retryDelay(attempt: number, policy: RetryPolicy, retryAfterMs: number | null): number {
  if (retryAfterMs !== null) return Math.min(Math.max(retryAfterMs, 0), policy.maxDelayMs);
  // Equal jitter: spread out, yet never much sooner than planned (a struggling vendor gets its breather).
  return backoffDelay(attempt, { baseDelayMs: policy.baseDelayMs, maxDelayMs: policy.maxDelayMs, jitter: 'equal' });
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function readBody(response: Response, vendor: Vendor, label: string): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    // A connection cut mid-body (truncated response) surfaces here.
    throw new MalformedResponseError(`${label}: the response body was cut off (${(error as Error).message})`, vendor, response.status, { cause: error });
  }
}

function parseJson<T>(text: string, vendor: Vendor, label: string, operation: string, status: number): T {
  if (text.trim() === '') return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new MalformedResponseError(
      `${label}: ${operation} returned a body that is not valid JSON (${text.length} bytes): ${JSON.stringify(text)}`,
      vendor,
      status,
      { cause: error },
    );
  }
}

function networkError(error: unknown, vendor: Vendor, label: string, operation: string, timeoutMs: number): ConnectorError {
  const err = error as Error;
  if (err?.name === 'TimeoutError') {
    return new ConnectorError(`${label}: ${operation} timed out after ${timeoutMs} ms`, vendor, null, true, { cause: error });
  }
  // fetch reports "fetch failed"; the socket's code (ECONNREFUSED, ENOTFOUND, …) is on a cause behind it.
  const causeCode = codeOf(findCause(err?.cause, (link) => codeOf(link) !== undefined));
  const code = causeCode ? ` (${causeCode})` : '';
  return new ConnectorError(`${label}: ${operation} could not reach the server${code}: ${err?.message ?? String(error)}`, vendor, null, true, { cause: error });
}
