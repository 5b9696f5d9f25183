import { ConnectorError, MalformedResponseError, type ConnectorDeps } from '../contract.js';
import { VendorHttpClient, sleep, type RequestOptions } from '../shared/http-client.js';
import { backoffDelay } from '../shared/backoff.js';
import { DATAROBOT_MAX_PAGE_SIZE, dataRobotAuthHeaders, type DataRobotSecret, type DataRobotSettings } from './config.js';
import { LEGACY_PACKAGE_FILTER_PARAM, asyncStateOf } from './unconfirmed.js';
import type { DataRobotPage, RawAsyncStatus, RawLeaderboardModel, RawModelVersion } from './wire.js';

/** Upper bound on status polls of one asynchronous write (each poll backs off up to the retry ceiling). */
const MAX_STATUS_POLLS = 40;

/**
 * DataRobot transport: Bearer auth, offset/limit pages that follow the server's absolute `next` links,
 * and the 202 + `Location` status polling of asynchronous writes. Knows nothing of the hub's vocabulary.
 */
export class DataRobotClient {
  readonly http: VendorHttpClient;
  readonly label: string;
  private readonly origin: string;
  private readonly pageSize: number;
  private readonly pollBaseMs: number;
  private readonly pollMaxMs: number;

  constructor(settings: DataRobotSettings, secret: DataRobotSecret, deps: ConnectorDeps = {}) {
    this.label = `DataRobot at ${settings.endpoint}`;
    this.origin = new URL(settings.endpoint).origin;
    this.pageSize = Math.min(Math.max(1, deps.pageSize ?? DATAROBOT_MAX_PAGE_SIZE), DATAROBOT_MAX_PAGE_SIZE);
    this.pollBaseMs = deps.retry?.baseDelayMs ?? 250;
    this.pollMaxMs = Math.min(deps.retry?.maxDelayMs ?? 5_000, 5_000);
    this.http = new VendorHttpClient({
      vendor: 'datarobot',
      baseUrl: settings.endpoint,
      headers: () => dataRobotAuthHeaders(secret),
      describeError,
      label: this.label,
      deps,
    });
  }

  /**
   * Every page of a list route, one `data` array per iteration. The first request sets `offset=0&limit=…`;
   * later ones follow `next` as the server gives it. A `next` pointing at another origin (a proxy's internal
   * host name) is re-applied to our own URL, as DataRobot's Terraform client does, so the token never leaves
   * the configured host.
   *
   * Offset paging skips items when earlier ones are deleted mid-listing (everything shifts left). When
   * `totalCount` shrinks between pages, the page is read again from `offset - shrink`, and records already seen
   * on the previous page are dropped, so a deletion elsewhere never costs an unrelated record. Only the
   * previous page's ids are remembered.
   */
  async *pages<T>(path: string, operation: string, signal: AbortSignal, query: RequestOptions['query'] = {}): AsyncGenerator<T[]> {
    let url = this.http.url(path, { ...query, offset: 0, limit: this.pageSize });
    let previousTotal: number | null = null;
    let previousIds = new Set<string>();
    for (;;) {
      const { body } = await this.http.requestJson<DataRobotPage<T>>({ path: url.toString(), signal, operation });
      const data = body && typeof body === 'object' ? body.data : undefined;
      if (!Array.isArray(data)) {
        throw new MalformedResponseError(`${this.label}: ${operation} returned no "data" list (not a DataRobot list response)`, 'datarobot', 200);
      }
      const total = typeof body.totalCount === 'number' ? body.totalCount : null;
      const offset = Number(url.searchParams.get('offset'));
      if (previousTotal !== null && total !== null && total < previousTotal && Number.isInteger(offset) && offset > 0) {
        url = new URL(url);
        url.searchParams.set('offset', String(Math.max(0, offset - (previousTotal - total))));
        previousTotal = total;
        continue;
      }
      previousTotal = total;
      const next = typeof body.next === 'string' && body.next !== '' ? body.next : null;
      if (next !== null && data.length === 0) {
        throw new MalformedResponseError(`${this.label}: ${operation} returned an empty page that still links to a next page (${next})`, 'datarobot', 200);
      }
      const fresh = previousIds.size === 0 ? data : data.filter((item) => !previousIds.has(idOf(item)));
      previousIds = new Set(data.map(idOf).filter((id) => id !== ''));
      yield fresh;
      if (next === null) return;
      const nextUrl = this.followable(next, url);
      if (nextUrl.toString() === url.toString()) {
        throw new MalformedResponseError(`${this.label}: ${operation} links to the page it came from (${next}); paging would never end`, 'datarobot', 200);
      }
      url = nextUrl;
    }
  }

  async getJson<T>(path: string, operation: string, signal: AbortSignal, query?: RequestOptions['query']): Promise<T> {
    return (await this.http.requestJson<T>({ path, query, signal, operation })).body;
  }

  async sendJson<T>(method: 'POST' | 'PATCH', path: string, body: unknown, operation: string, signal: AbortSignal): Promise<T> {
    return (await this.http.requestJson<T>({ method, path, body, signal, operation })).body;
  }

  /**
   * An asynchronous write: DataRobot answers 202 with `Location: …/api/v2/status/<id>/`; this polls the status
   * until the task completes (200 `COMPLETED`, or the 303 redirect to the finished resource) and throws when it
   * fails or never finishes. A 200/204 answer means the server did the work synchronously.
   */
  async runAsync(method: 'PATCH' | 'POST', path: string, body: unknown, operation: string, signal: AbortSignal): Promise<void> {
    const response = await this.http.requestJson<unknown>({ method, path, body, signal, operation });
    if (response.status !== 202) return;
    const location = response.headers.get('location');
    if (!location) throw new MalformedResponseError(`${this.label}: ${operation} answered 202 without a Location to poll`, 'datarobot', 202);
    await this.waitForStatus(location, operation, signal);
  }

  /**
   * The Leaderboard-model → package link for deployments of older servers that name only `model.id`.
   * Null when the server knows no package for it (or ignores the filter).
   */
  async packageIdForLeaderboardModel(modelId: string, signal: AbortSignal): Promise<string | null> {
    const page = await this.getJson<DataRobotPage<RawModelVersion>>('modelPackages/', 'model-packages/by-model', signal, {
      [LEGACY_PACKAGE_FILTER_PARAM]: modelId,
      offset: 0,
      limit: this.pageSize,
    });
    const match = Array.isArray(page?.data) ? page.data.find((pkg) => pkg?.modelId === modelId && typeof pkg.id === 'string') : undefined;
    return match?.id ?? null;
  }

  /** A Leaderboard model with its scores (`GET /projects/{projectId}/models/{modelId}/`, recorded in getModel.json). */
  async leaderboardModel(projectId: string, modelId: string, signal: AbortSignal): Promise<RawLeaderboardModel> {
    const path = `projects/${encodeURIComponent(projectId)}/models/${encodeURIComponent(modelId)}/`;
    const body = await this.getJson<RawLeaderboardModel>(path, 'projects/models/get', signal);
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new MalformedResponseError(`${this.label}: projects/models/get did not return a JSON object`, 'datarobot', 200);
    }
    return body;
  }

  private async waitForStatus(location: string, operation: string, signal: AbortSignal): Promise<void> {
    const statusPath = this.statusPath(location);
    for (let poll = 1; poll <= MAX_STATUS_POLLS; poll++) {
      let status: RawAsyncStatus;
      try {
        status = await this.getJson<RawAsyncStatus>(statusPath, `${operation}/status`, signal);
      } catch (error) {
        // NOTE: the finished task redirects (303) to the resource; the shared client does not follow redirects.
        if (error instanceof ConnectorError && error.status === 303) return;
        throw error;
      }
      const state = asyncStateOf(status?.status);
      if (state === 'done') return;
      if (state === 'failed') {
        throw new ConnectorError(`${this.label}: ${operation} failed at DataRobot (${status.status}): ${status.message ?? 'no message'}`, 'datarobot', 200, false);
      }
      await sleep(backoffDelay(poll, { baseDelayMs: this.pollBaseMs, maxDelayMs: this.pollMaxMs, jitter: 'none' }), signal);
    }
    throw new ConnectorError(`${this.label}: ${operation} did not finish after ${MAX_STATUS_POLLS} status checks; it may still complete at DataRobot`, 'datarobot', null, true);
  }

  /** The status id is taken out of the Location (as the Terraform client does) and asked of our own endpoint. */
  private statusPath(location: string): string {
    const url = new URL(location, this.origin);
    const match = /\/status\/([^/]+)\/?$/.exec(url.pathname);
    if (match) return `status/${match[1]}/`;
    if (url.origin === this.origin) return url.toString();
    throw new MalformedResponseError(`${this.label}: asynchronous task location ${location} is not a status resource of this server`, 'datarobot', 202);
  }

  private followable(next: string, current: URL): URL {
    const url = new URL(next, current);
    if (url.origin === this.origin) return url;
    const rebased = new URL(current);
    rebased.search = url.search;
    return rebased;
  }
}

function idOf(item: unknown): string {
  const id = item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : '';
}

/** DataRobot error bodies are JSON with `message` (and sometimes `errorName`, 422 `errors`). */
export function describeError(_status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; errorName?: unknown; errors?: unknown };
    const parts = [parsed.errorName, parsed.message].filter((part) => typeof part === 'string' && part !== '');
    if (parsed.errors && typeof parsed.errors === 'object') parts.push(JSON.stringify(parsed.errors));
    return parts.join(': ');
  } catch {
    return '';
  }
}
