import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  EstateStore,
  FaultInjector,
  generateEstate,
  handleControl,
  hexId,
  listenLoopback,
  quotedCredentials,
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
import { MAX_PAGE_SIZE } from './unconfirmed.js';

/**
 * Domino on loopback: the registry (`/api/registeredmodels/...`) and Model APIs (`/api/modelServing/v1/modelApis...`)
 * as reference §4 documents them, rendering the shared estate. Shapes the reference marks `unconfirmed` are rendered
 * with the first spelling listed in ./unconfirmed.ts. Read-only: Domino documents no write the connector makes.
 */
export interface DominoSimulatorOptions extends SimulatorOptions {
  /**
   * Envelope of the registry lists, whose real shape is `unconfirmed`: `items` (default) =
   * `{items, metadata: {pagination}}`; `data` = `{data}` and `array` = a bare array, both without pagination metadata
   * (the model list still honours offset/limit, version lists are then returned whole).
   */
  registryEnvelope?: 'items' | 'data' | 'array';
}

const ROUTES: Array<[RegExp, string]> = [
  [/^\/api\/registeredmodels\/v2$/, 'registeredModels'],
  [/^\/api\/registeredmodels\/v1\/([^/]+)$/, 'registeredModel'],
  [/^\/api\/registeredmodels\/v1\/([^/]+)\/versions$/, 'registeredVersions'],
  [/^\/api\/registeredmodels\/v1\/([^/]+)\/versions\/([^/]+)$/, 'registeredVersion'],
  [/^\/api\/registeredmodels\/v1\/([^/]+)\/versions\/([^/]+)\/modelapis$/, 'versionModelApis'],
  [/^\/api\/modelServing\/v1\/modelApis$/, 'modelApis'],
  [/^\/api\/modelServing\/v1\/modelApis\/([^/]+)$/, 'modelApi'],
  [/^\/api\/modelServing\/v1\/modelApis\/([^/]+)\/versions$/, 'modelApiVersions'],
  [/^\/api\/modelServing\/v1\/modelApis\/([^/]+)\/versions\/([^/]+)$/, 'modelApiVersion'],
];

export async function startDominoSimulator(options: DominoSimulatorOptions = {}): Promise<SimulatorHandle> {
  const seed = options.seed ?? 1;
  const store = new EstateStore(
    generateEstate({
      seed,
      models: options.models ?? 20,
      versionsPerModel: options.versionsPerModel ?? 3,
      deployments: options.deployments ?? 10,
      productionShare: options.productionShare,
    }),
  );
  const faults = new FaultInjector(seed);
  const renderer = new DominoRenderer(store, options.credential ?? 'sim-credential', options.maxPageSize ?? MAX_PAGE_SIZE, options.registryEnvelope ?? 'items');

  const server = await listenLoopback((req, res) => void serve(req, res), options.port);
  renderer.baseUrl = server.url;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const request = await readRequest(req);
      const control = handleControl(request, store, faults);
      if (control) return writeResponse(res, control);
      const decision = faults.decide();
      if (faults.knobs.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.knobs.latencyMs));
      if (res.destroyed) return;
      if (faults.knobs.refuseQuotingCredentials) return writeResponse(res, renderer.failure(401, `Unauthorized: ${quotedCredentials(request, ['x-domino-api-key', 'authorization'], faults.knobs)}`));
      if (!renderer.authenticated(request)) return writeResponse(res, renderer.failure(401, 'Unauthorized: a valid X-Domino-Api-Key or Bearer token is required'));
      if (decision === 'throttle') {
        const retryAfter = faults.knobs.retryAfterSeconds;
        return writeResponse(res, { ...renderer.failure(429, 'Too many requests'), headers: retryAfter === null ? {} : { 'retry-after': String(retryAfter) } });
      }
      if (decision === 'server-error') return writeResponse(res, renderer.failure(500, 'Internal server error'));
      writeResponse(res, renderer.route(request), decision === 'truncate');
    } catch (error) {
      if (!res.headersSent) writeResponse(res, renderer.failure(500, (error as Error).message));
    }
  }

  return { url: server.url, store, faults, close: () => server.close() };
}

/** Renders the estate in Domino's wire format. */
class DominoRenderer {
  baseUrl = '';
  private requestSeq = 0;

  constructor(
    private readonly store: EstateStore,
    private readonly credential: string,
    private readonly maxPageSize: number,
    private readonly registryEnvelope: 'items' | 'data' | 'array',
  ) {}

  authenticated(request: SimRequest): boolean {
    return request.headers['x-domino-api-key'] === this.credential || request.headers.authorization === `Bearer ${this.credential}`;
  }

  /** Domino's FailureEnvelopeV1. Request ids count up, so a replayed run gets the same ids. */
  failure(status: number, message: string): SimResponse {
    return { status, json: { requestId: this.nextRequestId(), errors: [message] } };
  }

  route(request: SimRequest): SimResponse {
    const path = request.url.pathname.replace(/\/+$/, '');
    for (const [pattern, name] of ROUTES) {
      const match = pattern.exec(path);
      if (!match) continue;
      if (request.method !== 'GET') return this.failure(405, `${request.method} is not supported on ${path}`);
      const [first, second] = match.slice(1).map(decodeURIComponent);
      return this.dispatch(name, first, second, request.url.searchParams);
    }
    return this.failure(404, `No route for ${path}`);
  }

  private dispatch(name: string, first: string, second: string, query: URLSearchParams): SimResponse {
    const paging = this.paging(query);
    if (typeof paging === 'string') return this.failure(400, paging);
    switch (name) {
      case 'registeredModels': {
        const nameFilter = query.get('name');
        const models = this.store.estate.models.filter((m) => !nameFilter || m.name.includes(nameFilter));
        return this.list(this.registryEnvelope, models, paging, (m) => this.registeredModel(m), true);
      }
      case 'registeredModel':
        return this.withModel(first, (model) => ok(this.registeredModel(model)));
      case 'registeredVersions':
        return this.withModel(first, (model) => this.list(this.registryEnvelope, model.versions, paging, (v) => this.registeredVersion(model, v), false));
      case 'registeredVersion':
        return this.withVersion(first, second, (model, version) => ok(this.registeredVersion(model, version)));
      case 'versionModelApis':
        return this.withVersion(first, second, (model, version) => {
          const serving = this.store.estate.deployments.filter((d) => d.modelName === model.name && d.versionNumber === version.number);
          return this.list('items', serving, paging, (d) => this.modelApi(d), true);
        });
      case 'modelApis': {
        const nameFilter = query.get('name');
        const projectId = query.get('projectId');
        const apis = this.store.estate.deployments.filter((d) => (!nameFilter || d.name.includes(nameFilter)) && (!projectId || projectIdOf(d.modelName) === projectId));
        return this.list('items', apis, paging, (d) => this.modelApi(d), true);
      }
      case 'modelApi':
        return this.withModelApi(first, (d) => ok(this.modelApi(d)));
      case 'modelApiVersions':
        // NOTE: a bare JSON array, not an envelope (per the client generated from Domino's OpenAPI).
        return this.withModelApi(first, (d) => ok(this.modelApiVersions(d)));
      case 'modelApiVersion':
        return this.withModelApi(first, (d) => {
          const version = this.modelApiVersions(d).find((v) => v.id === second);
          return version ? ok(version) : this.failure(404, `Model API version ${second} not found`);
        });
      default:
        return this.failure(404, `No route for ${name}`);
    }
  }

  private paging(query: URLSearchParams): { offset: number; limit: number } | string {
    const offset = query.has('offset') ? Number(query.get('offset')) : 0;
    const limit = query.has('limit') ? Number(query.get('limit')) : this.maxPageSize;
    if (!Number.isInteger(offset) || offset < 0) return 'offset must be a non-negative integer';
    if (!Number.isInteger(limit) || limit < 1) return 'limit must be a positive integer';
    return { offset, limit: Math.min(limit, this.maxPageSize) };
  }

  /** A list in the chosen envelope; without pagination metadata an unpaged route returns everything. */
  private list<T>(envelope: 'items' | 'data' | 'array', all: T[], paging: { offset: number; limit: number }, render: (item: T) => unknown, pagedRoute: boolean): SimResponse {
    const paged = envelope === 'items' || pagedRoute;
    const slice = (paged ? all.slice(paging.offset, paging.offset + paging.limit) : all).map(render);
    if (envelope === 'array') return ok(slice);
    if (envelope === 'data') return ok({ data: slice });
    return ok({
      items: slice,
      metadata: { pagination: { offset: paging.offset, limit: paging.limit, totalCount: all.length }, requestId: this.nextRequestId(), notices: [] },
    });
  }

  private withModel(name: string, render: (model: SimModel) => SimResponse): SimResponse {
    const model = this.store.findModel(name);
    return model ? render(model) : this.failure(404, `Registered model ${name} not found`);
  }

  private withVersion(name: string, version: string, render: (model: SimModel, version: SimVersion) => SimResponse): SimResponse {
    return this.withModel(name, (model) => {
      const found = model.versions.find((v) => String(v.number) === version);
      return found ? render(model, found) : this.failure(404, `Registered model ${name} has no version ${version}`);
    });
  }

  private withModelApi(id: string, render: (deployment: SimDeployment) => SimResponse): SimResponse {
    const deployment = this.store.estate.deployments.find((d) => d.id === id);
    return deployment ? render(deployment) : this.failure(404, `Model API ${id} not found`);
  }

  private registeredModel(model: SimModel): Record<string, unknown> {
    return {
      name: model.name,
      description: model.description,
      ownerUsername: model.owner,
      project: { id: projectIdOf(model.name), name: `${model.team}-models`, ownerUsername: model.owner },
      tags: model.tags,
      discoverable: true,
      latestVersion: model.versions.at(-1)?.number ?? null,
      createdAt: iso(model.createdAt),
      updatedAt: iso(model.updatedAt),
    };
  }

  private registeredVersion(model: SimModel, version: SimVersion): Record<string, unknown> {
    return {
      modelName: model.name,
      modelVersion: version.number,
      description: version.description,
      stage: version.stage,
      status: 'READY',
      ownerUsername: version.createdBy,
      experimentRunId: version.runId,
      experimentId: version.experimentId,
      project: { id: projectIdOf(model.name) },
      artifactUri: `mlflow-artifacts:/${version.experimentId}/${version.runId}/artifacts/model`,
      tags: version.tags,
      createdAt: iso(version.createdAt),
      updatedAt: iso(version.updatedAt),
    };
  }

  private modelApi(deployment: SimDeployment): Record<string, unknown> {
    const archived = deployment.status === 'inactive';
    const active = this.modelApiVersions(deployment).at(-1);
    return {
      id: deployment.id,
      name: deployment.name,
      description: `Serves ${deployment.modelName} version ${deployment.versionNumber}`,
      projectId: projectIdOf(deployment.modelName),
      isArchived: archived,
      isAsync: false,
      status: !archived && deployment.serving ? 'Running' : 'Stopped',
      url: `${this.baseUrl}/models/${deployment.id}/latest/model`,
      activeVersion: active ? { id: active.id, number: active.number } : null,
      createdAt: iso(deployment.createdAt),
      updatedAt: iso(deployment.updatedAt),
    };
  }

  /**
   * A Model API's versions: one built from the registered version before the served one (when it exists), then the
   * active one built from the served version, so a client must pick the active version by id, not position.
   */
  private modelApiVersions(deployment: SimDeployment): Array<Record<string, unknown> & { id: string; number: number }> {
    const model = this.store.findModel(deployment.modelName);
    const sources = [deployment.versionNumber - 1, deployment.versionNumber].filter((n) => model?.versions.some((v) => v.number === n));
    return sources.map((registeredVersion, index) => {
      const version = model?.versions.find((v) => v.number === registeredVersion);
      const number = index + 1;
      return {
        id: hexId(`${deployment.id}/version/${number}`),
        modelApiId: deployment.id,
        number,
        description: `built from ${deployment.modelName} version ${registeredVersion}`,
        projectId: projectIdOf(deployment.modelName),
        commitId: version?.commitId ?? '',
        environmentRevisionId: hexId(`environment/${model?.team ?? 'default'}`),
        dataPlaneId: '000000000000000000000000',
        labels: index === sources.length - 1 ? modelApiLabels(deployment) : [],
        logHttpRequestResponse: false,
        monitoringEnabled: true,
        recordInvocation: false,
        predictionDatasetResourceId: null,
        bundleId: null,
        source: { type: 'Registry', registeredModelName: deployment.modelName, registeredModelVersion: registeredVersion },
        metadata: { created: deployment.createdAt + index * 60_000, createdBy: model?.owner ?? null },
        deployment: { status: index === sources.length - 1 && deployment.serving && deployment.status === 'active' ? 'Running' : 'Stopped' },
      };
    });
  }

  private nextRequestId(): string {
    this.requestSeq += 1;
    return `sim-${String(this.requestSeq).padStart(8, '0')}`;
  }
}

function ok(json: unknown): SimResponse {
  return { status: 200, json };
}

/** A Model API version's labels: where it runs and the team's tags, as `key=value` strings (see unconfirmed.ts). */
function modelApiLabels(deployment: SimDeployment): string[] {
  return Object.entries({ environment: deployment.environment, ...deployment.tags }).map(([key, value]) => `${key}=${value}`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function projectIdOf(modelName: string): string {
  return hexId(`project/${modelName}`);
}
