import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  EstateStore,
  FaultInjector,
  generateEstate,
  handleControl,
  hexId,
  listenLoopback,
  readRequest,
  writeResponse,
  type SimDeployment,
  type SimModel,
  type SimRequest,
  type SimResponse,
  type SimVersion,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../shared/simulator-kit.js';
import * as wire from './simulator-wire.js';

/** How the simulator refuses `SageMaker.Search` when told to (the connector then falls back to Describe). */
export const SEARCH_REFUSALS = ['AccessDeniedException', 'ValidationException', 'UnknownOperationException'] as const;
export type SearchRefusal = (typeof SEARCH_REFUSALS)[number];

export interface SageMakerSimulatorOptions extends SimulatorOptions {
  /** Refuse every Search this way from the start; also settable at run time (see below). */
  searchRefusal?: SearchRefusal | null;
}

export interface SageMakerSimulatorHandle extends SimulatorHandle {
  /** How Search is refused now (null: answered). In-process tests flip it mid-listing. */
  searchRefusal: SearchRefusal | null;
}

/**
 * A loopback SageMaker: AWS JSON 1.1 on `POST /`, operations chosen by `X-Amz-Target: SageMaker.<Op>`.
 * The SigV4 `Authorization` header is required and its access key id must be the configured credential;
 * the signature itself is not verified. Errors are `{"__type","message"}`; throttling is SageMaker's
 * 400 `ThrottlingException` "Rate exceeded" with no Retry-After (so `retryAfterSeconds` has no effect);
 * a describe of something that does not exist is 400 `ValidationException`.
 *
 * Besides the shared control API, `PUT /__sim/sagemaker/search-refusal` with `{"refusal": "<one of
 * SEARCH_REFUSALS>"}` makes every Search fail that way (a role without `sagemaker:Search`, an expression the
 * service does not take, an endpoint without the operation); `{"refusal": null}` or DELETE restores it.
 */
export async function startSageMakerSimulator(options: SageMakerSimulatorOptions = {}): Promise<SageMakerSimulatorHandle> {
  const store = new EstateStore(
    generateEstate({ seed: options.seed ?? 1, models: options.models ?? 20, versionsPerModel: options.versionsPerModel ?? 3, deployments: options.deployments ?? 10, productionShare: options.productionShare }),
  );
  const faults = new FaultInjector(options.seed ?? 1);
  const api = new SageMakerWireApi(store, options.credential ?? 'sim-credential', Math.min(options.maxPageSize ?? MAX_RESULTS, MAX_RESULTS));
  api.searchRefusal = options.searchRefusal ?? null;

  const server = await listenLoopback((req, res) => void serve(req, res, api, store, faults), options.port);
  return {
    url: server.url,
    store,
    faults,
    close: () => server.close(),
    get searchRefusal() {
      return api.searchRefusal;
    },
    set searchRefusal(refusal: SearchRefusal | null) {
      api.searchRefusal = refusal;
    },
  };
}

const MAX_RESULTS = 100;
const JSON_TYPE = 'application/x-amz-json-1.1';

async function serve(req: IncomingMessage, res: ServerResponse, api: SageMakerWireApi, store: EstateStore, faults: FaultInjector): Promise<void> {
  try {
    const request = await readRequest(req);
    const control = handleSageMakerControl(request, api) ?? handleControl(request, store, faults);
    if (control) return writeResponse(res, control);

    const fault = faults.decide();
    const requestNumber = faults.requestCount;
    if (faults.knobs.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.knobs.latencyMs));
    const requestId = requestIdFor(requestNumber);
    const headers = { 'content-type': JSON_TYPE, 'x-amzn-requestid': requestId };
    const send = (response: SimResponse, truncate = false) => {
      if (!res.destroyed) writeResponse(res, { ...response, headers: { ...headers, ...response.headers } }, truncate);
    };

    const denied = api.authenticate(request);
    if (denied) return send(denied);
    if (fault === 'throttle') return send(awsError(400, 'ThrottlingException', 'Rate exceeded'));
    if (fault === 'server-error') {
      return send(requestNumber % 2 === 1 ? awsError(500, 'InternalFailure', 'We encountered an internal error. Please try again.') : awsError(503, 'ServiceUnavailable', 'Service is unavailable. Please try again later.'));
    }
    send(api.handle(request), fault === 'truncate');
  } catch (error) {
    if (!res.headersSent) writeResponse(res, awsError(500, 'InternalFailure', (error as Error).message));
  }
}

const SEARCH_REFUSAL_ROUTE = '/__sim/sagemaker/search-refusal';

function handleSageMakerControl(request: SimRequest, api: SageMakerWireApi): SimResponse | null {
  if (request.url.pathname !== SEARCH_REFUSAL_ROUTE) return null;
  if (request.method === 'DELETE') {
    api.searchRefusal = null;
    return { status: 200, json: { refusal: null } };
  }
  if (request.method !== 'PUT') return { status: 404, json: { error: `unknown control route ${request.method} ${SEARCH_REFUSAL_ROUTE}` } };
  let refusal: unknown;
  try {
    refusal = (JSON.parse(request.body || '{}') as { refusal?: unknown }).refusal ?? null;
  } catch {
    return { status: 400, json: { error: 'body must be JSON' } };
  }
  if (refusal !== null && !SEARCH_REFUSALS.includes(refusal as SearchRefusal)) return { status: 400, json: { error: `refusal must be null or one of ${SEARCH_REFUSALS.join(', ')}` } };
  api.searchRefusal = refusal as SearchRefusal | null;
  return { status: 200, json: { refusal } };
}

function awsError(status: number, type: string, message: string): SimResponse {
  return { status, rawBody: JSON.stringify({ __type: type, message }) };
}

function ok(body: unknown): SimResponse {
  return { status: 200, rawBody: JSON.stringify(body) };
}

class WireError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

function requestIdFor(n: number): string {
  const h = hexId(`request/${n}`) + hexId(`request/${n}/2`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

type Body = Record<string, unknown>;

/** The SageMaker operations the simulator speaks, over the shared estate. */
/**
 * Lookups by key over the estate, as AWS answers them: without it every Describe/ListTags/Search scanned the whole
 * estate, and at 10 000 groups the simulator, not the connector, set the pace of a sync. Rebuilt whenever the
 * store's arrays are replaced or grow or shrink (every store mutation does one of these).
 */
/** A deployment's endpoint name; a named function so the index keeps one map for it (see EstateIndex.deployment). */
const endpointName = (d: SimDeployment): string => d.name;

class EstateIndex {
  private built: { models: SimModel[]; modelCount: number; deployments: SimDeployment[]; deploymentCount: number } | null = null;
  private byName = new Map<string, SimModel>();
  private byLowerName = new Map<string, SimModel>();
  private byGroupArn = new Map<string, SimModel>();
  private deploymentsByKey = new Map<(d: SimDeployment) => string, Map<string, SimDeployment>>();
  private deploymentsByCreation: Record<'Ascending' | 'Descending', SimDeployment[]> | null = null;

  constructor(private readonly store: EstateStore) {}

  model(name: string): SimModel | undefined {
    return this.fresh().byName.get(name);
  }

  modelByLowerName(name: string): SimModel | undefined {
    return this.fresh().byLowerName.get(name);
  }

  group(arn: string): SimModel | undefined {
    return this.fresh().byGroupArn.get(arn);
  }

  /** The deployment whose `key` is `value`; one map per key function, built on first use. */
  deployment(key: (d: SimDeployment) => string, value: string): SimDeployment | undefined {
    const index = this.fresh();
    let byKey = index.deploymentsByKey.get(key);
    if (!byKey) {
      byKey = new Map();
      for (const d of this.store.estate.deployments) if (!byKey.has(key(d))) byKey.set(key(d), d);
      index.deploymentsByKey.set(key, byKey);
    }
    return byKey.get(value);
  }

  /**
   * Endpoints by CreationTime, ties by name (ListEndpoints' order), either way; sorted once per rebuild, so a Search
   * page costs a slice. The store never changes a deployment's createdAt in place, so the order cannot go stale.
   */
  endpointsByCreation(order: 'Ascending' | 'Descending'): SimDeployment[] {
    const index = this.fresh();
    if (!index.deploymentsByCreation) {
      const ascending = [...this.store.estate.deployments].sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      index.deploymentsByCreation = { Ascending: ascending, Descending: [...ascending].reverse() };
    }
    return index.deploymentsByCreation[order];
  }

  private fresh(): this {
    const { models, deployments } = this.store.estate;
    const built = this.built;
    if (built && built.models === models && built.modelCount === models.length && built.deployments === deployments && built.deploymentCount === deployments.length) return this;
    this.byName = new Map();
    this.byLowerName = new Map();
    this.byGroupArn = new Map();
    for (const m of models) {
      if (!this.byName.has(m.name)) this.byName.set(m.name, m);
      if (!this.byLowerName.has(m.name.toLowerCase())) this.byLowerName.set(m.name.toLowerCase(), m);
      if (!this.byGroupArn.has(wire.groupArn(m))) this.byGroupArn.set(wire.groupArn(m), m);
    }
    this.deploymentsByKey = new Map();
    this.deploymentsByCreation = null;
    this.built = { models, modelCount: models.length, deployments, deploymentCount: deployments.length };
    return this;
  }
}

class SageMakerWireApi {
  /** ApprovalDescription per package ARN: SageMaker keeps it, the vendor-neutral estate has no slot for it. */
  private readonly approvalDescriptions = new Map<string, string>();
  /** When set, every Search is refused this way (see SEARCH_REFUSALS). */
  searchRefusal: SearchRefusal | null = null;

  private readonly index: EstateIndex;

  constructor(private readonly store: EstateStore, private readonly credential: string, private readonly pageCap: number) {
    this.index = new EstateIndex(store);
  }

  /** SigV4 header present and naming the configured access key id; the signature is not checked. */
  authenticate(request: SimRequest): SimResponse | null {
    const authorization = String(request.headers.authorization ?? '');
    const match = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\//.exec(authorization);
    if (!match) return awsError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    if (match[1] !== this.credential) return awsError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    return null;
  }

  handle(request: SimRequest): SimResponse {
    if (request.method !== 'POST' || request.url.pathname !== '/') return awsError(404, 'UnknownOperationException', `No operation at ${request.method} ${request.url.pathname}`);
    const target = String(request.headers['x-amz-target'] ?? '');
    if (!target.startsWith('SageMaker.')) return awsError(400, 'UnknownOperationException', `Unknown target ${target || '(none)'}`);
    let body: Body;
    try {
      body = request.body ? (JSON.parse(request.body) as Body) : {};
    } catch {
      return awsError(400, 'SerializationException', 'Start of structure or map found where not expected.');
    }
    try {
      const operation = this.operations[target.slice('SageMaker.'.length)];
      if (!operation) return awsError(400, 'UnknownOperationException', `Unknown operation ${target}`);
      return ok(operation(body));
    } catch (error) {
      if (error instanceof WireError) return awsError(400, error.type, error.message);
      throw error;
    }
  }

  private readonly operations: Record<string, (body: Body) => unknown> = {
    ListModelPackageGroups: (body) => {
      const groups = sortBy(this.store.estate.models, body, 'Ascending', (m) => [m.createdAt, m.name], (m) => m.name);
      return this.page(groups, body, 'groups', 'ModelPackageGroupSummaryList', wire.groupSummary);
    },
    DescribeModelPackageGroup: (body) => wire.describeGroup(this.group(String(body.ModelPackageGroupName ?? ''))),
    ListModelPackages: (body) => {
      const type = body.ModelPackageType ?? (body.ModelPackageGroupName ? 'Versioned' : 'Unversioned');
      let packages: Array<{ model: SimModel; version: SimModel['versions'][number] }> = [];
      if (type !== 'Unversioned') {
        const groupName = body.ModelPackageGroupName ? this.groupNameOf(String(body.ModelPackageGroupName)) : null;
        const models = groupName === null ? this.store.estate.models : [this.index.model(groupName)].filter((m): m is SimModel => m !== undefined);
        packages = models.flatMap((model) => model.versions.map((version) => ({ model, version })));
      }
      if (typeof body.ModelApprovalStatus === 'string') packages = packages.filter((p) => p.version.approval === body.ModelApprovalStatus);
      const sorted = sortBy(packages, body, 'Ascending', (p) => [p.version.createdAt, `${p.model.name}/${String(p.version.number).padStart(9, '0')}`], (p) => p.model.name);
      const filterKey = `packages/${String(body.ModelPackageGroupName ?? '')}/${String(type)}/${String(body.ModelApprovalStatus ?? '')}`;
      return this.page(sorted, body, filterKey, 'ModelPackageSummaryList', (p) => wire.packageSummary(p.model, p.version));
    },
    DescribeModelPackage: (body) => {
      const { model, version, arn } = this.package(String(body.ModelPackageName ?? ''));
      return wire.describePackage(model, version, this.approvalDescriptions.get(arn));
    },
    UpdateModelPackage: (body) => {
      const { model, version, arn } = this.package(String(body.ModelPackageArn ?? ''));
      const approval = body.ModelApprovalStatus;
      if (approval !== undefined && approval !== 'Approved' && approval !== 'Rejected' && approval !== 'PendingManualApproval') {
        throw new WireError('ValidationException', `1 validation error detected: Value '${String(approval)}' at 'modelApprovalStatus' failed to satisfy constraint: Member must satisfy enum value set: [Approved, Rejected, PendingManualApproval]`);
      }
      const tags = { ...version.tags, ...(body.CustomerMetadataProperties as Record<string, string> | undefined) };
      for (const key of (body.CustomerMetadataPropertiesToRemove as string[] | undefined) ?? []) delete tags[key];
      version.tags = tags;
      if (typeof body.ApprovalDescription === 'string') this.approvalDescriptions.set(arn, body.ApprovalDescription);
      this.store.changeVersion(model.name, version.number, approval ? { approval } : {});
      this.store.recordWriteBack('UpdateModelPackage', arn, body);
      return { ModelPackageArn: arn };
    },
    ListEndpoints: (body) => {
      const endpoints = sortBy(this.store.estate.deployments, body, 'Descending', (d) => [d.createdAt, d.name], (d) => d.name);
      return this.page(endpoints, body, 'endpoints', 'Endpoints', wire.endpointSummary);
    },
    DescribeEndpoint: (body) => {
      const d = this.deployment(String(body.EndpointName ?? ''), endpointName, 'endpoint');
      return wire.describeEndpoint(d, this.group(d.modelName));
    },
    DescribeEndpointConfig: (body) => wire.describeEndpointConfig(this.deployment(String(body.EndpointConfigName ?? ''), wire.endpointConfigName, 'endpoint configuration')),
    DescribeModel: (body) => {
      const name = String(body.ModelName ?? '');
      const match = /^(.+)-v(\d+)$/.exec(name);
      const model = match ? this.index.model(match[1]) : undefined;
      const version = model?.versions.find((v) => v.number === Number(match![2]));
      if (!model || !version) throw new WireError('ValidationException', `Could not find model "${name}".`);
      return wire.describeModel(model, version);
    },
    Search: (body) => {
      this.refuseSearchIfTold(String(body.Resource));
      // AWS searches more resources; this simulator only the ones the connector reads.
      if (body.Resource === 'ModelPackage') return this.searchModelPackages(body);
      if (body.Resource === 'Endpoint') return this.searchEndpoints(body);
      throw new WireError('ValidationException', `The simulator implements Search for Resource 'ModelPackage' and 'Endpoint' only, not '${String(body.Resource)}'.`);
    },
    ListTags: (body) => {
      const arn = String(body.ResourceArn ?? '');
      if (body.MaxResults !== undefined && (Number(body.MaxResults) < 50 || Number(body.MaxResults) > MAX_RESULTS)) {
        throw new WireError('ValidationException', `1 validation error detected: Value '${String(body.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 50`);
      }
      return this.page(wire.tagList(this.tagsOf(arn)), { ...body, MaxResults: body.MaxResults ?? MAX_RESULTS }, `tags/${arn}`, 'Tags', (t) => t, MAX_RESULTS);
    },
  };

  private refuseSearchIfTold(resource: string): void {
    switch (this.searchRefusal) {
      case null:
        return;
      case 'AccessDeniedException':
        throw new WireError('AccessDeniedException', `User: arn:aws:sts::${wire.SIM_ACCOUNT}:assumed-role/ModelOpsHub/hub is not authorized to perform: sagemaker:Search because no identity-based policy allows the sagemaker:Search action`);
      case 'ValidationException':
        throw new WireError('ValidationException', resource === 'Endpoint' ? 'The property CreationTime is not sortable for resource Endpoint.' : `The property ModelPackageGroupName is not searchable for resource ${resource}.`);
      case 'UnknownOperationException':
        throw new WireError('UnknownOperationException', 'Unknown operation SageMaker.Search');
    }
  }

  private searchModelPackages(body: Body): Body {
    const matches = modelPackageFilter(body.SearchExpression);
    const packages = this.searchCandidates(body.SearchExpression).flatMap((model) => model.versions.filter((version) => matches(model, version)).map((version) => ({ model, version })));
    return this.page(sortSearch(packages, body), body, searchTokenKey(body), 'Results', (p) => wire.searchModelPackageResult(p.model, p.version, this.approvalDescriptions.get(wire.packageArn(p.model, p.version))));
  }

  /**
   * Every endpoint by CreationTime, the one endpoint Search the connector makes (unconfirmed.ts, ENDPOINT_SEARCH),
   * paged straight off the index's sorted order. Expressions and other sorts are refused as the simulator's limit.
   */
  private searchEndpoints(body: Body): Body {
    if (body.SearchExpression !== undefined) throw new WireError('ValidationException', 'The simulator implements Search on Resource Endpoint without a SearchExpression only.');
    if (body.SortBy !== 'CreationTime') {
      throw new WireError('ValidationException', `The simulator sorts endpoint Search results by CreationTime only, not '${String(body.SortBy ?? 'LastModifiedTime')}' (Search's default is LastModifiedTime).`);
    }
    const endpoints = this.index.endpointsByCreation(searchSortOrder(body));
    return this.page(endpoints, body, searchTokenKey(body), 'Results', (d) => wire.searchEndpointResult(d, this.group(d.modelName)));
  }

  /** The groups a Search expression can match: the one named when every filter is an Equals on the group name. */
  private searchCandidates(expression: unknown): SimModel[] {
    const filters = (expression as Body | undefined)?.Filters;
    if (!Array.isArray(filters) || filters.length !== 1) return this.store.estate.models;
    const [filter] = filters as Body[];
    if (filter.Name !== 'ModelPackageGroupName' || (filter.Operator ?? 'Equals') !== 'Equals' || typeof filter.Value !== 'string') return this.store.estate.models;
    const model = this.index.model(filter.Value);
    return model ? [model] : [];
  }

  private tagsOf(arn: string): Record<string, string> {
    const group = this.index.group(arn);
    if (group) return group.tags;
    const d = this.index.deployment(wire.endpointArn, arn);
    if (d) return wire.endpointTags(d);
    throw new WireError('ValidationException', `Resource ${arn} does not exist.`);
  }

  /** A list page: MaxResults 1..100 (capped by the simulator's page size), NextToken only when more remain. */
  private page<T>(items: T[], body: Body, filterKey: string, listKey: string, render: (item: T) => unknown, cap = this.pageCap): Body {
    const requested = body.MaxResults === undefined ? cap : Number(body.MaxResults);
    if (!Number.isInteger(requested) || requested < 1 || requested > MAX_RESULTS) {
      throw new WireError('ValidationException', `1 validation error detected: Value '${String(body.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100`);
    }
    const offset = body.NextToken === undefined ? 0 : decodeToken(String(body.NextToken), filterKey);
    const end = offset + Math.min(requested, cap);
    const result: Body = { [listKey]: items.slice(offset, end).map(render) };
    if (end < items.length) result.NextToken = Buffer.from(JSON.stringify({ o: end, k: filterKey })).toString('base64');
    return result;
  }

  private groupNameOf(nameOrArn: string): string {
    return nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
  }

  private group(nameOrArn: string): SimModel {
    const name = this.groupNameOf(nameOrArn);
    const model = this.index.model(name);
    if (!model) throw new WireError('ValidationException', `ModelPackageGroup ${name} does not exist.`);
    return model;
  }

  /** Finds a versioned package by ARN (`…:model-package/<lower-cased group>/<n>`) without scanning the estate. */
  private package(nameOrArn: string): { model: SimModel; version: SimModel['versions'][number]; arn: string } {
    const match = /:model-package\/([^/]+)\/(\d+)$/.exec(nameOrArn);
    const model = match ? this.index.modelByLowerName(match[1]) : undefined;
    const version = model?.versions.find((v) => v.number === Number(match![2]));
    if (!model || !version || wire.packageArn(model, version) !== nameOrArn) throw new WireError('ValidationException', `ModelPackage ${nameOrArn} does not exist.`);
    return { model, version, arn: nameOrArn };
  }

  private deployment(name: string, key: (d: SimDeployment) => string, what: string): SimDeployment {
    const d = this.index.deployment(key, name);
    if (!d) throw new WireError('ValidationException', `Could not find ${what} "${name}".`);
    return d;
  }
}

function decodeToken(token: string, filterKey: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { o?: unknown; k?: unknown };
    if (parsed.k === filterKey && Number.isInteger(parsed.o) && (parsed.o as number) >= 0) return parsed.o as number;
  } catch {
    // fall through: AWS answers a foreign or garbled token the same way
  }
  throw new WireError('ValidationException', 'Invalid pagination token');
}

/** SortBy Name | CreationTime with SortOrder; ties broken by a stable key so pages never overlap. */
function sortBy<T>(items: T[], body: Body, defaultOrder: 'Ascending' | 'Descending', byTime: (item: T) => [number, string], byName: (item: T) => string): T[] {
  const useName = body.SortBy === 'Name';
  const direction = (body.SortOrder ?? defaultOrder) === 'Descending' ? -1 : 1;
  return [...items].sort((a, b) => {
    if (useName) return direction * byName(a).localeCompare(byName(b));
    const [ta, ka] = byTime(a);
    const [tb, kb] = byTime(b);
    return direction * (ta - tb || (ka < kb ? -1 : ka > kb ? 1 : 0));
  });
}

type PackageMatch = (model: SimModel, version: SimVersion) => boolean;

/**
 * A Search expression over model packages. The simulator takes what the connector sends: `Filters` on
 * `ModelPackageGroupName` with `Equals` (the default operator when a Value is given), joined by `And` (the
 * default) or `Or`. Anything else is refused as a ValidationException naming the simulator's limit.
 */
function modelPackageFilter(expression: unknown): PackageMatch {
  if (expression === undefined) return () => true;
  const { Filters, NestedFilters, SubExpressions, Operator } = (expression ?? {}) as Body;
  if (NestedFilters !== undefined || SubExpressions !== undefined) throw new WireError('ValidationException', 'The simulator implements Search expressions with Filters only (no NestedFilters or SubExpressions).');
  if (!Array.isArray(Filters) || Filters.length === 0) throw new WireError('ValidationException', 'A SearchExpression must contain at least one Filters, NestedFilters or SubExpressions member.');
  if (Operator !== undefined && Operator !== 'And' && Operator !== 'Or') {
    throw new WireError('ValidationException', `1 validation error detected: Value '${String(Operator)}' at 'searchExpression.operator' failed to satisfy constraint: Member must satisfy enum value set: [And, Or]`);
  }
  const tests = Filters.map((filter: Body): PackageMatch => {
    const operator = filter.Operator ?? 'Equals';
    if (filter.Name !== 'ModelPackageGroupName' || operator !== 'Equals' || typeof filter.Value !== 'string') {
      throw new WireError('ValidationException', `The simulator implements the Search filter ModelPackageGroupName Equals <name> only, not ${JSON.stringify(filter)}.`);
    }
    return (model) => model.name === filter.Value;
  });
  return Operator === 'Or' ? (m, v) => tests.some((t) => t(m, v)) : (m, v) => tests.every((t) => t(m, v));
}

/** A Search token is tied to the request that produced it: resource, expression and sort. */
function searchTokenKey(body: Body): string {
  return `search/${JSON.stringify([body.Resource, body.SearchExpression ?? null, body.SortBy ?? null, body.SortOrder ?? null])}`;
}

/** Search's `SortOrder`, Descending by default. */
function searchSortOrder(body: Body): 'Ascending' | 'Descending' {
  const order = body.SortOrder ?? 'Descending';
  if (order !== 'Ascending' && order !== 'Descending') {
    throw new WireError('ValidationException', `1 validation error detected: Value '${String(order)}' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [Ascending, Descending]`);
  }
  return order;
}

/** Search's sort of model packages: `SortBy` CreationTime or LastModifiedTime (the default), see {@link searchSortOrder}. */
function sortSearch<T extends { model: SimModel; version: SimVersion }>(items: T[], body: Body): T[] {
  const sortBy = body.SortBy ?? 'LastModifiedTime';
  if (sortBy !== 'CreationTime' && sortBy !== 'LastModifiedTime') throw new WireError('ValidationException', `The simulator sorts Search results by CreationTime or LastModifiedTime only, not '${String(sortBy)}'.`);
  const order = searchSortOrder(body);
  const time = (p: T) => (sortBy === 'CreationTime' ? p.version.createdAt : p.version.updatedAt);
  const key = (p: T) => `${p.model.name}/${String(p.version.number).padStart(9, '0')}`;
  const direction = order === 'Descending' ? -1 : 1;
  return [...items].sort((a, b) => direction * (time(a) - time(b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)));
}
