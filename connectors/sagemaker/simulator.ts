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
  quotedCredentials,
  type FaultKnobs,
  type SimDeployment,
  type SimModel,
  type SimRequest,
  type SimResponse,
  type SimVersion,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../shared/simulator-kit.js';
import * as wire from './simulator-wire.js';
import { MODEL_NAME_PROPERTY } from './unconfirmed.js';

/** How the simulator refuses `SageMaker.Search` when told to (the connector then falls back to Describe). */
export const SEARCH_REFUSALS = ['AccessDeniedException', 'ValidationException', 'UnknownOperationException'] as const;
export type SearchRefusal = (typeof SEARCH_REFUSALS)[number];

/** The Search resources the simulator answers. */
export const SEARCH_RESOURCES = ['ModelPackageGroup', 'ModelPackage', 'Endpoint', 'Model'] as const;
export type SearchResource = (typeof SEARCH_RESOURCES)[number];

/**
 * What `UpdateModelPackage` does with `CustomerMetadataProperties`. AWS merges: the keys sent are added or
 * overwritten, keys named in `CustomerMetadataPropertiesToRemove` are removed, every other key is kept (the API's
 * remove list only makes sense so). Some independently written SageMaker servers (moto among them) replace the whole
 * map with the one sent instead.
 */
export type CustomerMetadataUpdate = 'merge' | 'replace';

export interface SageMakerSimulatorOptions extends SimulatorOptions {
  /** Refuse every Search this way from the start; also settable at run time (see below). */
  searchRefusal?: SearchRefusal | null;
  /** Default `merge`, as AWS does; `replace` behaves like the servers that replace the map. */
  customerMetadataUpdate?: CustomerMetadataUpdate;
}

export interface SageMakerSimulatorHandle extends SimulatorHandle {
  /** How every Search is refused now (null: answered). In-process tests flip it mid-listing. */
  searchRefusal: SearchRefusal | null;
  /**
   * How the Search of one resource is refused, beside {@link searchRefusal} (which wins). `Model` →
   * `ValidationException` is AWS refusing the model filter's property name.
   */
  readonly searchRefusals: Map<SearchResource, SearchRefusal>;
  /**
   * Names Search does not see yet, as an index that lags writes: group names (Resource ModelPackageGroup) and Model
   * names (Resource Model). Every other operation still sees them.
   */
  readonly searchLag: Set<string>;
  /**
   * At most this many records per Search page of a resource, whatever MaxResults asks: a service whose pages come
   * short, so a Search that fits one page by MaxResults still needs NextToken.
   */
  readonly searchPageCaps: Map<SearchResource, number>;
  /** Names of the groups with managed storage (`ManagedConfiguration`; their packages name a ManagedStorageType). */
  readonly managedGroups: Set<string>;
  /** Search requests received per Resource (refused ones included), for tests to read back. */
  readonly searches: Readonly<Partial<Record<string, number>>>;
  /** How UpdateModelPackage treats CustomerMetadataProperties now (see {@link CustomerMetadataUpdate}). */
  customerMetadataUpdate: CustomerMetadataUpdate;
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
 * service does not take, an endpoint without the operation), and with `"resource": "<one of SEARCH_RESOURCES>"` only
 * that resource's Search; `{"refusal": null}` restores it (for the resource, when one is named); DELETE restores all.
 */
export async function startSageMakerSimulator(options: SageMakerSimulatorOptions = {}): Promise<SageMakerSimulatorHandle> {
  const store = new EstateStore(
    generateEstate({ seed: options.seed ?? 1, models: options.models ?? 20, versionsPerModel: options.versionsPerModel ?? 3, deployments: options.deployments ?? 10, productionShare: options.productionShare }),
  );
  const faults = new FaultInjector(options.seed ?? 1);
  const api = new SageMakerWireApi(store, options.credential ?? 'sim-credential', Math.min(options.maxPageSize ?? MAX_RESULTS, MAX_RESULTS));
  api.searchRefusal = options.searchRefusal ?? null;
  api.customerMetadataUpdate = options.customerMetadataUpdate ?? 'merge';

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
    searchRefusals: api.searchRefusals,
    searchLag: api.searchLag,
    searchPageCaps: api.searchPageCaps,
    managedGroups: api.managedGroups,
    searches: api.searches,
    get customerMetadataUpdate() {
      return api.customerMetadataUpdate;
    },
    set customerMetadataUpdate(mode: CustomerMetadataUpdate) {
      api.customerMetadataUpdate = mode;
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

    if (faults.knobs.refuseQuotingCredentials) return send(signatureRefusal(request, faults.knobs));
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

/**
 * AWS's InvalidSignatureException, which quotes the canonical request it expected (the security token among its
 * signed headers), with what a gateway in front of SageMaker adds: the signed Authorization header.
 */
function signatureRefusal(request: SimRequest, knobs: FaultKnobs): SimResponse {
  const signed = ['content-type', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target'].filter((name) => typeof request.headers[name] === 'string');
  const canonical = ['POST', '/', '', ...signed.map((name) => `${name}:${String(request.headers[name])}`), '', signed.join(';')].join('\n');
  return awsError(
    403,
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
      `Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonical}'\n\n` +
      quotedCredentials(request, ['authorization', 'x-amz-security-token'], knobs),
  );
}

const SEARCH_REFUSAL_ROUTE = '/__sim/sagemaker/search-refusal';

function handleSageMakerControl(request: SimRequest, api: SageMakerWireApi): SimResponse | null {
  if (request.url.pathname !== SEARCH_REFUSAL_ROUTE) return null;
  if (request.method === 'DELETE') {
    api.searchRefusal = null;
    api.searchRefusals.clear();
    return { status: 200, json: { refusal: null } };
  }
  if (request.method !== 'PUT') return { status: 404, json: { error: `unknown control route ${request.method} ${SEARCH_REFUSAL_ROUTE}` } };
  let body: { refusal?: unknown; resource?: unknown };
  try {
    body = JSON.parse(request.body || '{}') as typeof body;
  } catch {
    return { status: 400, json: { error: 'body must be JSON' } };
  }
  const refusal = body.refusal ?? null;
  const resource = body.resource ?? null;
  if (refusal !== null && !SEARCH_REFUSALS.includes(refusal as SearchRefusal)) return { status: 400, json: { error: `refusal must be null or one of ${SEARCH_REFUSALS.join(', ')}` } };
  if (resource !== null && !SEARCH_RESOURCES.includes(resource as SearchResource)) return { status: 400, json: { error: `resource must be absent or one of ${SEARCH_RESOURCES.join(', ')}` } };
  if (resource === null) api.searchRefusal = refusal as SearchRefusal | null;
  else if (refusal === null) api.searchRefusals.delete(resource as SearchResource);
  else api.searchRefusals.set(resource as SearchResource, refusal as SearchRefusal);
  return { status: 200, json: { refusal, resource } };
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
  private modelsByCreation: Record<'Ascending' | 'Descending', SimModel[]> | null = null;

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
    index.deploymentsByCreation ??= byCreation(this.store.estate.deployments);
    return index.deploymentsByCreation[order];
  }

  /** Groups by CreationTime, ties by name (ListModelPackageGroups' order), either way; as {@link endpointsByCreation}. */
  groupsByCreation(order: 'Ascending' | 'Descending'): SimModel[] {
    const index = this.fresh();
    index.modelsByCreation ??= byCreation(this.store.estate.models);
    return index.modelsByCreation[order];
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
    this.modelsByCreation = null;
    this.built = { models, modelCount: models.length, deployments, deploymentCount: deployments.length };
    return this;
  }
}

/** Items oldest first, ties by name, and the reverse: the store never changes a createdAt in place. */
function byCreation<T extends { createdAt: number; name: string }>(items: readonly T[]): Record<'Ascending' | 'Descending', T[]> {
  const ascending = [...items].sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { Ascending: ascending, Descending: [...ascending].reverse() };
}

class SageMakerWireApi {
  /** What UpdateModelPackage wrote per package ARN: SageMaker keeps it, the vendor-neutral estate has no slot for it. */
  private readonly written = new Map<string, wire.PackageWrites>();
  customerMetadataUpdate: CustomerMetadataUpdate = 'merge';
  /** When set, every Search is refused this way (see SEARCH_REFUSALS). */
  searchRefusal: SearchRefusal | null = null;
  /** Refusals of one resource's Search (see the handle). */
  readonly searchRefusals = new Map<SearchResource, SearchRefusal>();
  /** Names Search does not see yet (see the handle). */
  readonly searchLag = new Set<string>();
  readonly searchPageCaps = new Map<SearchResource, number>();
  readonly managedGroups = new Set<string>();
  readonly searches: Partial<Record<string, number>> = {};

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
      // By CreationTime (the default) straight off the index; by Name sorted per request.
      const groups =
        body.SortBy === 'Name'
          ? sortBy(this.store.estate.models, body, 'Ascending', (m) => [m.createdAt, m.name], (m) => m.name)
          : this.index.groupsByCreation(body.SortOrder === 'Descending' ? 'Descending' : 'Ascending');
      return this.page(groups, body, `groups/${String(body.SortBy ?? '')}/${String(body.SortOrder ?? '')}`, 'ModelPackageGroupSummaryList', (m) => wire.groupSummary(m, this.managedGroups.has(m.name)));
    },
    DescribeModelPackageGroup: (body) => {
      const model = this.group(String(body.ModelPackageGroupName ?? ''));
      return wire.describeGroup(model, this.managedGroups.has(model.name));
    },
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
      return wire.describePackage(model, version, this.written.get(arn), this.managedGroups.has(model.name));
    },
    UpdateModelPackage: (body) => {
      const { model, version, arn } = this.package(String(body.ModelPackageArn ?? ''));
      const approval = body.ModelApprovalStatus;
      if (approval !== undefined && approval !== 'Approved' && approval !== 'Rejected' && approval !== 'PendingManualApproval') {
        throw new WireError('ValidationException', `1 validation error detected: Value '${String(approval)}' at 'modelApprovalStatus' failed to satisfy constraint: Member must satisfy enum value set: [Approved, Rejected, PendingManualApproval]`);
      }
      const description = body.ApprovalDescription;
      if (typeof description === 'string' && description.length > wire.MAX_APPROVAL_DESCRIPTION) {
        throw new WireError('ValidationException', `1 validation error detected: Value at 'approvalDescription' failed to satisfy constraint: Member must have length less than or equal to ${wire.MAX_APPROVAL_DESCRIPTION}`);
      }
      const sent = body.CustomerMetadataProperties as Record<string, string> | undefined;
      const refused = sent === undefined ? null : wire.customerMetadataProblem(sent);
      if (refused) throw new WireError('ValidationException', refused);
      const written = this.written.get(arn) ?? {};
      const current = wire.customerMetadataOf(model, version, written);
      const next = this.customerMetadataUpdate === 'replace' && sent !== undefined ? { ...sent } : { ...current, ...sent };
      for (const key of (body.CustomerMetadataPropertiesToRemove as string[] | undefined) ?? []) delete next[key];
      this.written.set(arn, { ...written, customerMetadata: next, ...(typeof description === 'string' ? { approvalDescription: description } : {}) });
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
      const served = this.servedModel(name);
      if (!served) throw new WireError('ValidationException', `Could not find model "${name}".`);
      return wire.describeModel(served.model, served.version);
    },
    Search: (body) => {
      const resource = String(body.Resource);
      this.searches[resource] = (this.searches[resource] ?? 0) + 1;
      this.refuseSearchIfTold(resource);
      const size = expressionSize(body.SearchExpression);
      if (size > MAX_EXPRESSION_SIZE) {
        throw new WireError('ValidationException', `The SearchExpression holds ${size} SubExpressions, NestedFilters and Filters; the maximum is ${MAX_EXPRESSION_SIZE}.`);
      }
      // AWS searches more resources; this simulator only the ones the connector reads.
      if (resource === 'ModelPackage') return this.searchModelPackages(body);
      if (resource === 'ModelPackageGroup') return this.searchModelPackageGroups(body);
      if (resource === 'Endpoint') return this.searchEndpoints(body);
      if (resource === 'Model') return this.searchModels(body);
      throw new WireError('ValidationException', `The simulator implements Search for Resource ${SEARCH_RESOURCES.join(', ')} only, not '${resource}'.`);
    },
    ListTags: (body) => {
      const arn = String(body.ResourceArn ?? '');
      if (body.MaxResults !== undefined && (Number(body.MaxResults) < 50 || Number(body.MaxResults) > MAX_RESULTS)) {
        throw new WireError('ValidationException', `1 validation error detected: Value '${String(body.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 50`);
      }
      return this.page(wire.tagList(this.tagsOf(arn)), { ...body, MaxResults: body.MaxResults ?? MAX_RESULTS }, `tags/${arn}`, 'Tags', (t) => t, { cap: MAX_RESULTS });
    },
  };

  private refuseSearchIfTold(resource: string): void {
    switch (this.searchRefusal ?? this.searchRefusals.get(resource as SearchResource) ?? null) {
      case null:
        return;
      case 'AccessDeniedException':
        throw new WireError('AccessDeniedException', `User: arn:aws:sts::${wire.SIM_ACCOUNT}:assumed-role/ModelOpsHub/hub is not authorized to perform: sagemaker:Search because no identity-based policy allows the sagemaker:Search action`);
      case 'ValidationException':
        throw new WireError('ValidationException', VALIDATION_REFUSALS[resource] ?? `The property ModelPackageGroupName is not searchable for resource ${resource}.`);
      case 'UnknownOperationException':
        throw new WireError('UnknownOperationException', 'Unknown operation SageMaker.Search');
    }
  }

  private searchPageCap(resource: SearchResource): number {
    return Math.min(this.pageCap, this.searchPageCaps.get(resource) ?? MAX_RESULTS);
  }

  /** A SageMaker Model by name (`<group>-v<version>`, one per version, see wire.modelNameFor), found by key. */
  private servedModel(name: string): { model: SimModel; version: SimVersion } | null {
    const match = /^(.+)-v(\d+)$/.exec(name);
    const model = match ? this.index.model(match[1]) : undefined;
    const version = model?.versions.find((v) => v.number === Number(match![2]));
    return model && version ? { model, version } : null;
  }

  /**
   * Every group by CreationTime, the one group Search the connector makes (unconfirmed.ts, GROUP_SEARCH), paged off
   * the index's sorted order; a group in {@link searchLag} is left out of the page it would be on. Expressions and
   * other sorts are refused as the simulator's limit.
   */
  private searchModelPackageGroups(body: Body): Body {
    if (body.SearchExpression !== undefined) throw new WireError('ValidationException', 'The simulator implements Search on Resource ModelPackageGroup without a SearchExpression only.');
    if (body.SortBy !== 'CreationTime') {
      throw new WireError('ValidationException', `The simulator sorts group Search results by CreationTime only, not '${String(body.SortBy ?? 'LastModifiedTime')}'.`);
    }
    const groups = this.index.groupsByCreation(searchSortOrder(body));
    return this.page(groups, body, searchTokenKey(body), 'Results', wire.searchModelPackageGroupResult, { cap: this.searchPageCap('ModelPackageGroup'), visible: (m) => !this.searchLag.has(m.name) });
  }

  /**
   * The Models named by an `Or` of `Equals` filters on MODEL_NAME_PROPERTY (unconfirmed.ts), each found by key, so a
   * request costs its ≤50 names, not the estate. Sorted by CreationTime (the simulator's only sort for Models), newest
   * first unless SortOrder says otherwise. A name in {@link searchLag} or of no Model matches nothing.
   */
  private searchModels(body: Body): Body {
    if (body.SortBy !== undefined && body.SortBy !== 'CreationTime') throw new WireError('ValidationException', `The simulator sorts Model Search results by CreationTime only, not '${String(body.SortBy)}'.`);
    const found = modelNamesAsked(body.SearchExpression)
      .filter((name) => !this.searchLag.has(name))
      .map((name) => this.servedModel(name))
      .filter((served): served is { model: SimModel; version: SimVersion } => served !== null);
    const sorted = sortSearch(found, { ...body, SortBy: 'CreationTime' });
    return this.page(sorted, body, searchTokenKey(body), 'Results', (m) => wire.searchModelResult(m.model, m.version), { cap: this.searchPageCap('Model') });
  }

  private searchModelPackages(body: Body): Body {
    const matches = modelPackageFilter(body.SearchExpression);
    const packages = this.searchCandidates(body.SearchExpression).flatMap((model) => model.versions.filter((version) => matches(model, version)).map((version) => ({ model, version })));
    return this.page(sortSearch(packages, body), body, searchTokenKey(body), 'Results', (p) => wire.searchModelPackageResult(p.model, p.version, this.written.get(wire.packageArn(p.model, p.version))));
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

  /**
   * A list page: MaxResults 1..100 (capped by the simulator's page size), NextToken only when more remain. Items not
   * `visible` (Search's lagging index) are left out of the page they would be on, which may then come out short.
   */
  private page<T>(items: readonly T[], body: Body, filterKey: string, listKey: string, render: (item: T) => unknown, options: { cap?: number; visible?: (item: T) => boolean } = {}): Body {
    const { cap = this.pageCap, visible } = options;
    const requested = body.MaxResults === undefined ? cap : Number(body.MaxResults);
    if (!Number.isInteger(requested) || requested < 1 || requested > MAX_RESULTS) {
      throw new WireError('ValidationException', `1 validation error detected: Value '${String(body.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100`);
    }
    const offset = body.NextToken === undefined ? 0 : decodeToken(String(body.NextToken), filterKey);
    const end = offset + Math.min(requested, cap);
    const slice = items.slice(offset, end);
    const result: Body = { [listKey]: (visible ? slice.filter(visible) : slice).map(render) };
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
  const { values, operator } = equalsFilters(expression, 'ModelPackageGroupName');
  return operator === 'Or' ? (model) => values.includes(model.name) : (model) => values.every((value) => model.name === value);
}

/**
 * The Model names a Model Search asks for: `Equals` filters on MODEL_NAME_PROPERTY joined by `Or` (any of them) or
 * `And` (all of them, so one name at most). Anything else is refused as the simulator's limit.
 */
function modelNamesAsked(expression: unknown): string[] {
  if (expression === undefined) throw new WireError('ValidationException', `The simulator implements Search on Resource Model with ${MODEL_NAME_PROPERTY} Equals filters only.`);
  const { values, operator } = equalsFilters(expression, MODEL_NAME_PROPERTY);
  if (operator === 'Or') return [...new Set(values)];
  return new Set(values).size === 1 ? [values[0]] : [];
}

/** The values of an expression made of `Equals` filters on `property` only, and how they are joined. */
function equalsFilters(expression: unknown, property: string): { values: string[]; operator: 'And' | 'Or' } {
  const { Filters, NestedFilters, SubExpressions, Operator } = (expression ?? {}) as Body;
  if (NestedFilters !== undefined || SubExpressions !== undefined) throw new WireError('ValidationException', 'The simulator implements Search expressions with Filters only (no NestedFilters or SubExpressions).');
  if (!Array.isArray(Filters) || Filters.length === 0) throw new WireError('ValidationException', 'A SearchExpression must contain at least one Filters, NestedFilters or SubExpressions member.');
  if (Operator !== undefined && Operator !== 'And' && Operator !== 'Or') {
    throw new WireError('ValidationException', `1 validation error detected: Value '${String(Operator)}' at 'searchExpression.operator' failed to satisfy constraint: Member must satisfy enum value set: [And, Or]`);
  }
  const values = Filters.map((filter: Body) => {
    if (filter.Name !== property || (filter.Operator ?? 'Equals') !== 'Equals' || typeof filter.Value !== 'string') {
      throw new WireError('ValidationException', `The simulator implements the Search filter ${property} Equals <name> only, not ${JSON.stringify(filter)}.`);
    }
    return filter.Value;
  });
  return { values, operator: Operator === 'Or' ? 'Or' : 'And' };
}

/** AWS's documented ceiling on "recursive SubExpressions, NestedFilters, and Filters" in one SearchExpression. */
const MAX_EXPRESSION_SIZE = 50;

/** The SubExpressions, NestedFilters and Filters of an expression, counted through every level. */
function expressionSize(expression: unknown): number {
  const { Filters, NestedFilters, SubExpressions } = (expression ?? {}) as Body;
  const list = (value: unknown): Body[] => (Array.isArray(value) ? (value as Body[]) : []);
  const nested = list(NestedFilters).reduce((n, group) => n + 1 + list(group.Filters).length, 0);
  return list(Filters).length + nested + list(SubExpressions).reduce((n, sub) => n + 1 + expressionSize(sub), 0);
}

/** What a Search refused with ValidationException says, by resource: the property or sort the service would reject. */
const VALIDATION_REFUSALS: Partial<Record<string, string>> = {
  Endpoint: 'The property CreationTime is not sortable for resource Endpoint.',
  ModelPackageGroup: 'The property CreationTime is not sortable for resource ModelPackageGroup.',
  Model: `The property ${MODEL_NAME_PROPERTY} is not searchable for resource Model.`,
};

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
