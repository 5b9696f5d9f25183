import {
  EstateStore,
  FaultInjector,
  generateEstate,
  handleControl,
  listenLoopback,
  quotedCredentials,
  readRequest,
  writeResponse,
  type FaultKnobs,
  type SimModel,
  type SimRequest,
  type SimResponse,
  type SimulatorHandle,
  type SimulatorOptions,
  type SimVersion,
} from '../shared/simulator-kit.js';
import { BEARER_UNAUTHENTICATED_BODY } from './unconfirmed.js';
import {
  SimMlflowError,
  invalidParameter,
  matches,
  maxResults,
  modelNotFound,
  orderBy,
  page,
  parseFilter,
  parsePageToken,
  renderRegisteredModel,
  renderRun,
  renderVersion,
  runStartTime,
  versionNotFound,
} from './simulator-render.js';
import {
  RUN_SEARCH_SUPPORT,
  SEARCH_DEFAULT,
  SEARCH_MAX,
  endpointNotFound,
  namedRunIds,
  parseRunFilter,
  renderExperiments,
  runMatches,
  viewShowsActive,
  viewType,
  type RunSearchSupport,
} from './simulator-runs.js';
import { API_PREFIX } from './wire.js';

/**
 * A loopback MLflow tracking server (REST API 2.0: model registry, runs/get, runs/search, experiments/search and
 * experiments/get) over the shared vendor-neutral estate.
 *
 * Faithful to the reference §2: GET routes read query strings (repeated `order_by`), POST/PATCH/DELETE read a JSON
 * body and require `Content-Type: application/json` (DELETE included), `version` is a string, timestamps are ms,
 * empty fields are omitted, `next_page_token` is base64 `{"offset": N}` and only sent when more remain, errors are
 * `{error_code, message}`; the basic-auth app's 401/403 are plain text. Throttling is Databricks' 429
 * `REQUEST_LIMIT_EXCEEDED` (OSS has none).
 *
 * Estate mapping: a version's stage renders as `current_stage` (a production SimDeployment already puts its version
 * in `Production`), `SimVersion.aliases` render as aliases; MLflow OSS has no deployments of its own. Write-backs
 * (alias set/delete, tags, stage transitions) mutate the estate and are logged with `store.recordWriteBack`.
 * Each version's run lives in the version's `experimentId`; the experiments are those ids plus MLflow's "Default" (0).
 *
 * Besides the shared control API (`/__sim/...`, simulator-kit.ts), `PUT /__sim/mlflow/run-search` with
 * `{"support": "<RunSearchSupport>"}` switches how bulk run reads are answered (an older server; simulator-runs.ts),
 * and `GET` on the same path reads the setting.
 */
export interface MlflowSimulatorOptions extends SimulatorOptions {
  /** `bearer` (default; `Authorization: Bearer <credential>`), `basic` (basic-auth app), or `none`. */
  auth?: 'bearer' | 'basic' | 'none';
  /** The user name basic auth expects with `credential` as password. Default `mlflow-user`. */
  basicUsername?: string;
  /** A credential that authenticates but may not read: answered with 403 `Permission denied`. */
  forbiddenCredential?: string;
  /** How bulk run reads are answered at start (default `available`); changeable through `/__sim/mlflow/run-search`. */
  runSearch?: RunSearchSupport;
}

/** Registered-model search: default and hard maximum of `max_results` (reference §2.3). */
const REGISTERED_MODELS_DEFAULT = 100;
const REGISTERED_MODELS_MAX = 1000;
/** Model-version search: the OSS store's default page; its maximum is backend-specific, so larger asks are clamped. */
const MODEL_VERSIONS_DEFAULT = 10_000;

export async function startMlflowSimulator(options: MlflowSimulatorOptions = {}): Promise<SimulatorHandle> {
  const store = new EstateStore(
    generateEstate({
      seed: options.seed ?? 1,
      models: options.models ?? 20,
      versionsPerModel: options.versionsPerModel ?? 3,
      deployments: options.deployments ?? 10,
      productionShare: options.productionShare,
    }),
  );
  const faults = new FaultInjector(options.seed ?? 1);
  const api = new MlflowApi(
    store,
    {
      registeredModelsCap: options.maxPageSize ?? REGISTERED_MODELS_MAX,
      searchCap: options.maxPageSize ?? Number.MAX_SAFE_INTEGER,
    },
    options.runSearch ?? 'available',
  );
  const auth = new AuthCheck(options.auth ?? 'bearer', options.credential ?? 'sim-credential', options.basicUsername ?? 'mlflow-user', options.forbiddenCredential);

  const server = await listenLoopback((req, res) => {
    void (async () => {
      try {
        const request = await readRequest(req);
        const control = runSearchControl(request, api) ?? handleControl(request, store, faults);
        if (control) return writeResponse(res, control);

        const fault = faults.decide();
        if (faults.knobs.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.knobs.latencyMs));
        if (faults.knobs.refuseQuotingCredentials) return writeResponse(res, auth.refusalQuoting(request, faults.knobs));
        const denied = auth.check(request);
        if (denied) return writeResponse(res, denied);
        if (fault === 'throttle') return writeResponse(res, throttled(faults.knobs.retryAfterSeconds));
        if (fault === 'server-error') return writeResponse(res, serverError(faults.requestCount));
        writeResponse(res, api.handle(request), fault === 'truncate');
      } catch (error) {
        if (!res.headersSent) writeResponse(res, errorResponse(new SimMlflowError(500, 'INTERNAL_ERROR', (error as Error).message)));
      }
    })();
  }, options.port);

  return { url: server.url, store, faults, close: () => server.close() };
}

// ---------------------------------------------------------------------------------------------------------------

class AuthCheck {
  constructor(
    private readonly mode: 'bearer' | 'basic' | 'none',
    private readonly credential: string,
    private readonly username: string,
    private readonly forbidden: string | undefined,
  ) {}

  /** A gateway's refusal quoting the credential: the basic-auth app's plain text, or MLflow's JSON error. */
  refusalQuoting(request: SimRequest, knobs: FaultKnobs): SimResponse {
    const quoted = quotedCredentials(request, ['authorization'], knobs);
    if (this.mode === 'basic') return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Basic realm="mlflow"' }, rawBody: `You are not authenticated: ${quoted}` };
    return errorResponse(new SimMlflowError(401, 'UNAUTHENTICATED', `Invalid credentials: ${quoted}`));
  }

  /** The vendor's refusal, or null when the request may proceed. */
  check(request: SimRequest): SimResponse | null {
    if (this.mode === 'none') return null;
    const header = request.headers.authorization ?? '';
    if (this.mode === 'bearer') {
      const token = /^Bearer (.+)$/.exec(header)?.[1];
      if (token === this.credential) return null;
      if (token !== undefined && token === this.forbidden) return errorResponse(new SimMlflowError(403, 'PERMISSION_DENIED', 'Permission denied'));
      return { status: 401, json: BEARER_UNAUTHENTICATED_BODY };
    }
    const decoded = /^Basic (.+)$/.exec(header)?.[1];
    const [user, ...rest] = decoded ? Buffer.from(decoded, 'base64').toString('utf8').split(':') : [];
    const password = rest.join(':');
    if (user === this.username && password === this.credential) return null;
    if (user === this.username && password !== '' && password === this.forbidden) {
      return { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' }, rawBody: 'Permission denied' };
    }
    // NOTE: the basic-auth app answers 401 in plain text, not MLflow's JSON error shape.
    return {
      status: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Basic realm="mlflow"' },
      rawBody:
        'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.',
    };
  }
}

function throttled(retryAfterSeconds: number | null): SimResponse {
  return {
    status: 429,
    headers: retryAfterSeconds === null ? {} : { 'retry-after': String(retryAfterSeconds) },
    json: { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'Too many requests. Please wait and retry.' },
  };
}

function serverError(requestNumber: number): SimResponse {
  return requestNumber % 2 === 0
    ? errorResponse(new SimMlflowError(503, 'TEMPORARILY_UNAVAILABLE', 'The service is temporarily unavailable.'))
    : errorResponse(new SimMlflowError(500, 'INTERNAL_ERROR', 'An internal error occurred.'));
}

function errorResponse(error: SimMlflowError): SimResponse {
  return { status: error.status, json: { error_code: error.errorCode, message: error.message } };
}

function html(status: number, title: string): SimResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, rawBody: `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n` };
}

// ---------------------------------------------------------------------------------------------------------------

/** Request parameters: query string for GET, JSON body otherwise. `raw` is the value as sent (JSON types kept). */
type Params = { get(name: string): string | null; getAll(name: string): string[]; raw(name: string): unknown };
type Route = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; handle: (params: Params) => unknown };

/** The REST routes, rendered from (and writing to) the estate. */
class MlflowApi {
  private readonly routes: Record<string, Route[]>;
  private runIndex = new Map<string, { model: string; version: number }>();

  constructor(
    private readonly store: EstateStore,
    /** Page caps: registered-model search, and every other search (versions, runs, experiments). */
    private readonly caps: { registeredModelsCap: number; searchCap: number },
    /** How bulk run reads are answered (simulator-runs.ts). */
    public runSearch: RunSearchSupport,
  ) {
    this.routes = {
      'registered-models/search': [{ method: 'GET', handle: (p) => this.searchRegisteredModels(p) }],
      'registered-models/get': [{ method: 'GET', handle: (p) => ({ registered_model: renderRegisteredModel(this.model(required(p, 'name'))) }) }],
      'registered-models/alias': [
        { method: 'GET', handle: (p) => this.getAlias(p) },
        { method: 'POST', handle: (p) => this.setAlias(p) },
        { method: 'DELETE', handle: (p) => this.deleteAlias(p) },
      ],
      'registered-models/set-tag': [{ method: 'POST', handle: (p) => this.setModelTag(p) }],
      'model-versions/search': [{ method: 'GET', handle: (p) => this.searchModelVersions(p) }],
      'model-versions/get': [{ method: 'GET', handle: (p) => this.getModelVersion(p) }],
      'model-versions/set-tag': [{ method: 'POST', handle: (p) => this.setVersionTag(p) }],
      'model-versions/delete-tag': [{ method: 'DELETE', handle: (p) => this.deleteVersionTag(p) }],
      'model-versions/transition-stage': [{ method: 'POST', handle: (p) => this.transitionStage(p) }],
      'runs/get': [{ method: 'GET', handle: (p) => this.getRun(p) }],
      'runs/search': [{ method: 'POST', handle: (p) => this.searchRuns(p) }],
      'experiments/search': [
        { method: 'GET', handle: (p) => this.searchExperiments(p) },
        { method: 'POST', handle: (p) => this.searchExperiments(p) },
      ],
      'experiments/get': [{ method: 'GET', handle: (p) => this.getExperiment(p) }],
    };
  }

  handle(request: SimRequest): SimResponse {
    const path = request.url.pathname;
    if (!path.startsWith(`${API_PREFIX}/`)) return html(404, 'Not Found');
    const name = path.slice(API_PREFIX.length + 1);
    const routes = this.routes[name];
    // A server from before experiments/search does not know the route: Flask's HTML 404.
    if (!routes || (name === 'experiments/search' && this.runSearch === 'experiments-search-missing')) return html(404, 'Not Found');
    const route = routes.find((r) => r.method === request.method);
    if (!route) return html(405, 'Method Not Allowed');
    try {
      return { status: 200, json: route.handle(route.method === 'GET' ? queryParams(request.url.searchParams) : jsonParams(request)) };
    } catch (error) {
      if (error instanceof SimMlflowError) return errorResponse(error);
      throw error;
    }
  }

  private searchRegisteredModels(params: Params): unknown {
    const clauses = parseFilter(params.get('filter'), ['name', 'tags']);
    const size = maxResults(params.get('max_results'), { default: REGISTERED_MODELS_DEFAULT, vendorMax: REGISTERED_MODELS_MAX, cap: this.caps.registeredModelsCap });
    const sort = orderBy<SimModel>(
      params.getAll('order_by'),
      { name: (m) => m.name, creation_timestamp: (m) => m.createdAt, last_updated_timestamp: (m) => m.updatedAt, timestamp: (m) => m.updatedAt },
      (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    const found = this.store.estate.models.filter((m) => matches(clauses, (key) => (key === 'name' ? m.name : modelTags(m)[key.slice(5)]))).sort(sort);
    const { items, next_page_token } = page(found, parsePageToken(params.get('page_token')), size);
    return omitUndefined({ registered_models: items.length > 0 ? items.map(renderRegisteredModel) : undefined, next_page_token });
  }

  private searchModelVersions(params: Params): unknown {
    const clauses = parseFilter(params.get('filter'), ['name', 'run_id', 'version_number', 'tags']);
    const size = maxResults(params.get('max_results'), { default: MODEL_VERSIONS_DEFAULT, vendorMax: null, cap: this.caps.searchCap });
    type Entry = { model: SimModel; version: SimVersion };
    const sort = orderBy<Entry>(
      params.getAll('order_by'),
      {
        name: (e) => e.model.name,
        version_number: (e) => e.version.number,
        creation_timestamp: (e) => e.version.createdAt,
        last_updated_timestamp: (e) => e.version.updatedAt,
      },
      (a, b) => (a.model.name < b.model.name ? -1 : a.model.name > b.model.name ? 1 : b.version.number - a.version.number),
    );
    const found: Entry[] = [];
    // `name = '…'` is what listings send per model: look that model up instead of scanning every version.
    const exactName = clauses.find((c) => c.key === 'name' && c.comparator === '=')?.value;
    const candidates = exactName === undefined ? this.store.estate.models : [this.store.findModel(exactName)].filter((m) => m !== undefined);
    for (const model of candidates) {
      for (const version of model.versions) {
        const attribute = (key: string) =>
          key === 'name' ? model.name : key === 'run_id' ? version.runId : key === 'version_number' ? String(version.number) : version.tags[key.slice(5)];
        if (matches(clauses, attribute)) found.push({ model, version });
      }
    }
    found.sort(sort);
    const { items, next_page_token } = page(found, parsePageToken(params.get('page_token')), size);
    return omitUndefined({ model_versions: items.length > 0 ? items.map((e) => renderVersion(e.model, e.version)) : undefined, next_page_token });
  }

  private getModelVersion(params: Params): unknown {
    const { model, version } = this.version(required(params, 'name'), required(params, 'version'));
    return { model_version: renderVersion(model, version) };
  }

  private getRun(params: Params): unknown {
    const runId = params.get('run_id') || params.get('run_uuid');
    if (!runId) throw invalidParameter("Missing value for required parameter 'run_id'.");
    const found = this.findRun(runId);
    if (!found) throw new SimMlflowError(404, 'RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
    return { run: renderRun(found.model, found.version) };
  }

  /** `POST runs/search`: the runs of the named experiments that match the filter, newest first (MLflow's default). */
  private searchRuns(params: Params): unknown {
    if (this.runSearch === 'endpoint-not-found') throw endpointNotFound('POST', 'runs/search');
    const experimentIds = params.raw('experiment_ids') ?? [];
    if (!Array.isArray(experimentIds) || !experimentIds.every((id) => typeof id === 'string')) {
      throw invalidParameter(`Invalid value ${JSON.stringify(experimentIds)} for parameter 'experiment_ids' supplied.`);
    }
    const filter = params.raw('filter') ?? '';
    if (typeof filter !== 'string') throw invalidParameter(`Invalid value ${JSON.stringify(filter)} for parameter 'filter' supplied.`);
    if (params.getAll('order_by').length > 0) throw invalidParameter('order_by on runs/search is not simulated; the default order (start_time DESC, run_id) applies.');
    const size = maxResults(params.get('max_results'), { default: SEARCH_DEFAULT, vendorMax: SEARCH_MAX, cap: this.caps.searchCap });
    const view = viewType(params.raw('run_view_type'), 'run_view_type');
    const clauses = parseRunFilter(filter, this.runSearch);

    const inExperiments = new Set(experimentIds as string[]);
    const named = namedRunIds(clauses);
    const candidates = named
      ? named.map((runId) => this.findRun(runId)).filter((found) => found !== null)
      : this.store.estate.models.flatMap((model) => model.versions.map((version) => ({ model, version })));
    const found = new Map<string, { model: SimModel; version: SimVersion }>();
    for (const candidate of candidates) {
      const { version } = candidate;
      if (inExperiments.has(version.experimentId) && viewShowsActive(view) && runMatches(clauses, version.runId)) found.set(version.runId, candidate);
    }
    const ordered = [...found.values()].sort(
      (a, b) => runStartTime(b.version) - runStartTime(a.version) || (a.version.runId < b.version.runId ? -1 : a.version.runId > b.version.runId ? 1 : 0),
    );
    const { items, next_page_token } = page(ordered, parsePageToken(params.get('page_token')), size);
    return omitUndefined({ runs: items.length > 0 ? items.map((e) => renderRun(e.model, e.version)) : undefined, next_page_token });
  }

  /** `experiments/get`: `{experiment}`, or 404 RESOURCE_DOES_NOT_EXIST as the SQL store answers an unknown id. */
  private getExperiment(params: Params): unknown {
    const id = required(params, 'experiment_id');
    const experiment = renderExperiments(this.store.estate.models).find((e) => e.experiment_id === id);
    if (!experiment) throw new SimMlflowError(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
    return { experiment };
  }

  /** `experiments/search` (GET or POST): the estate's experiments, all active. */
  private searchExperiments(params: Params): unknown {
    const size = maxResults(params.get('max_results'), { default: SEARCH_DEFAULT, vendorMax: SEARCH_MAX, cap: this.caps.searchCap });
    const view = viewType(params.raw('view_type'), 'view_type');
    const clauses = parseFilter(params.get('filter'), ['name']);
    type Experiment = ReturnType<typeof renderExperiments>[number];
    const sort = orderBy<Experiment>(
      params.getAll('order_by'),
      {
        name: (e) => e.name ?? '',
        experiment_id: (e) => Number(e.experiment_id),
        creation_time: (e) => e.creation_time ?? 0,
        last_update_time: (e) => e.last_update_time ?? 0,
      },
      (a, b) => Number(a.experiment_id) - Number(b.experiment_id),
    );
    const found = renderExperiments(this.store.estate.models)
      .filter(() => viewShowsActive(view))
      .filter((experiment) => matches(clauses, (key) => (key === 'name' ? experiment.name : undefined)))
      .sort(sort);
    const { items, next_page_token } = page(found, parsePageToken(params.get('page_token')), size);
    return omitUndefined({ experiments: items.length > 0 ? items : undefined, next_page_token });
  }

  private getAlias(params: Params): unknown {
    const name = required(params, 'name');
    const alias = required(params, 'alias');
    const model = this.model(name);
    const version = model.versions.find((v) => v.aliases.includes(alias));
    if (!version) throw new SimMlflowError(404, 'RESOURCE_DOES_NOT_EXIST', `Registered model alias ${alias} not found.`);
    return { model_version: renderVersion(model, version) };
  }

  private setAlias(params: Params): unknown {
    const alias = required(params, 'alias');
    const { model, version } = this.version(required(params, 'name'), required(params, 'version'));
    if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) {
      throw invalidParameter(`'${alias}' alias name (case insensitive) is reserved.`);
    }
    // An alias names one version of a model: setting it moves it.
    for (const other of model.versions) other.aliases = other.aliases.filter((a) => a !== alias);
    version.aliases.push(alias);
    this.store.recordWriteBack('POST registered-models/alias', `${model.name}/${version.number}`, { alias });
    return {};
  }

  private deleteAlias(params: Params): unknown {
    const alias = required(params, 'alias');
    const model = this.model(required(params, 'name'));
    const holder = model.versions.find((v) => v.aliases.includes(alias));
    if (holder) holder.aliases = holder.aliases.filter((a) => a !== alias);
    this.store.recordWriteBack('DELETE registered-models/alias', holder ? `${model.name}/${holder.number}` : model.name, { alias });
    return {};
  }

  private setModelTag(params: Params): unknown {
    const model = this.model(required(params, 'name'));
    const key = required(params, 'key');
    model.tags[key] = checkedTag('Registered model', key, params.get('value') ?? '');
    this.store.recordWriteBack('POST registered-models/set-tag', model.name, { key, value: model.tags[key] });
    return {};
  }

  private setVersionTag(params: Params): unknown {
    const { model, version } = this.version(required(params, 'name'), required(params, 'version'));
    const key = required(params, 'key');
    version.tags[key] = checkedTag('Model version', key, params.get('value') ?? '');
    this.store.recordWriteBack('POST model-versions/set-tag', `${model.name}/${version.number}`, { key, value: version.tags[key] });
    return {};
  }

  private deleteVersionTag(params: Params): unknown {
    const { model, version } = this.version(required(params, 'name'), required(params, 'version'));
    const key = required(params, 'key');
    if (!(key in version.tags)) throw new SimMlflowError(404, 'RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in model version ${model.name}/${version.number}.`);
    delete version.tags[key];
    this.store.recordWriteBack('DELETE model-versions/delete-tag', `${model.name}/${version.number}`, { key });
    return {};
  }

  private transitionStage(params: Params): unknown {
    const { model, version } = this.version(required(params, 'name'), required(params, 'version'));
    const stage = ['None', 'Staging', 'Production', 'Archived'].find((s) => s.toLowerCase() === required(params, 'stage').toLowerCase());
    if (!stage) throw invalidParameter(`Invalid Model Version stage: ${params.get('stage')}. Value must be one of None, Staging, Production, Archived.`);
    const archive = params.get('archive_existing_versions');
    if (archive === null) throw invalidParameter("Missing value for required parameter 'archive_existing_versions'.");
    if (archive === 'true' && (stage === 'Staging' || stage === 'Production')) {
      for (const other of model.versions) {
        if (other !== version && other.stage === stage) this.store.changeVersion(model.name, other.number, { stage: 'Archived' });
      }
    }
    this.store.changeVersion(model.name, version.number, { stage: stage as SimVersion['stage'] });
    this.store.recordWriteBack('POST model-versions/transition-stage', `${model.name}/${version.number}`, { stage, archive_existing_versions: archive === 'true' });
    return { model_version: renderVersion(model, version) };
  }

  private model(name: string): SimModel {
    const model = this.store.findModel(name);
    if (!model) throw modelNotFound(name);
    return model;
  }

  private version(name: string, label: string): { model: SimModel; version: SimVersion } {
    const model = this.model(name);
    const version = /^\d+$/.test(label) ? model.versions.find((v) => v.number === Number(label)) : undefined;
    if (!version) throw versionNotFound(name, label);
    return { model, version };
  }

  /** Run id → its version; the index is rebuilt when it misses or is stale (the estate changes under it). */
  private findRun(runId: string): { model: SimModel; version: SimVersion } | null {
    const lookup = () => {
      const entry = this.runIndex.get(runId);
      const model = entry && this.store.findModel(entry.model);
      const version = model?.versions.find((v) => v.number === entry?.version && v.runId === runId);
      return model && version ? { model, version } : null;
    };
    const hit = lookup();
    if (hit) return hit;
    this.runIndex = new Map();
    for (const model of this.store.estate.models) for (const version of model.versions) this.runIndex.set(version.runId, { model: model.name, version: version.number });
    return lookup();
  }
}

function modelTags(model: SimModel): Record<string, string> {
  return { ...model.tags, owner: model.owner };
}

function required(params: Params, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') throw invalidParameter(`Missing value for required parameter '${name}'.`);
  return value;
}

/** POST/PATCH/DELETE bodies: JSON only, as MLflow's `_get_request_json` insists. */
function jsonParams(request: SimRequest): Params {
  const contentType = String(request.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(contentType)) {
    throw new SimMlflowError(400, 'INVALID_PARAMETER_VALUE', `Bad Request. Content-Type header must be one of ['application/json'], got '${contentType}'`);
  }
  let body: Record<string, unknown>;
  try {
    body = request.body === '' ? {} : (JSON.parse(request.body) as Record<string, unknown>);
  } catch {
    throw invalidParameter('Malformed request body: not valid JSON.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidParameter('Malformed request body: expected a JSON object.');
  const text = (value: unknown) => (value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value));
  return {
    get: (name) => text(body[name]),
    getAll: (name) => (Array.isArray(body[name]) ? (body[name] as unknown[]).map((v) => text(v) ?? '') : body[name] === undefined ? [] : [text(body[name]) ?? '']),
    raw: (name) => body[name] ?? undefined,
  };
}

function queryParams(query: URLSearchParams): Params {
  return { get: (name) => query.get(name), getAll: (name) => query.getAll(name), raw: (name) => query.get(name) ?? undefined };
}

/** `/__sim/mlflow/run-search`: read or switch how bulk run reads are answered; null for every other path. */
function runSearchControl(request: SimRequest, api: MlflowApi): SimResponse | null {
  if (request.url.pathname !== '/__sim/mlflow/run-search') return null;
  if (request.method === 'GET') return { status: 200, json: { support: api.runSearch } };
  if (request.method !== 'PUT') return { status: 405, json: { error: `use GET or PUT on ${request.url.pathname}` } };
  let support: unknown;
  try {
    support = (JSON.parse(request.body || '{}') as { support?: unknown }).support;
  } catch {
    return { status: 400, json: { error: 'the body must be JSON: {"support": "..."}' } };
  }
  if (!RUN_SEARCH_SUPPORT.includes(support as RunSearchSupport)) return { status: 400, json: { error: `support must be one of ${RUN_SEARCH_SUPPORT.join(', ')}` } };
  api.runSearch = support as RunSearchSupport;
  return { status: 200, json: { support: api.runSearch } };
}

function omitUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** MLflow 2.x's model registry tag limits (`mlflow/utils/validation.py`); newer servers allow longer values. */
const MAX_REGISTRY_TAG_KEY = 250;
const MAX_REGISTRY_TAG_VALUE = 5000;

/** The tag's value, or MLflow's INVALID_PARAMETER_VALUE for a key or value over its length limit. */
function checkedTag(entity: 'Registered model' | 'Model version', key: string, value: string): string {
  for (const [part, text, limit] of [['key', key, MAX_REGISTRY_TAG_KEY], ['value', value, MAX_REGISTRY_TAG_VALUE]] as const) {
    if (text.length > limit) throw invalidParameter(`${entity} ${part} '${text.slice(0, 250)}' had length ${text.length}, which exceeded length limit of ${limit}`);
  }
  return value;
}
