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
  type SimulatorHandle,
  type SimulatorOptions,
  type SimVersion,
  servesProduction,
} from '../shared/simulator-kit.js';
import { DATAROBOT_MAX_PAGE_SIZE } from './config.js';
import { renderDeployment, renderLeaderboardModel, renderRegisteredModel, renderVersion, simIds } from './simulator-records.js';

/**
 * DataRobot public API v2 on loopback: `/api/v2/…` routes with trailing slashes (registered models and versions,
 * deployments, legacy model packages, Leaderboard models under `/projects/{pid}/models/{mid}/`), `Authorization: Bearer`
 * (legacy `Token` too), offset/limit pages in `{count,totalCount,next,previous,data}` with absolute links built
 * from the request's Host, `{"message": …}` errors, asynchronous PATCHes (202 + `Location: …/api/v2/status/<id>/`)
 * whose status resource reports `RUNNING` once and then redirects (303) to the finished resource.
 */
export interface DataRobotSimulatorHandle extends SimulatorHandle {
  /**
   * Deletes the AutoML project a registered model's versions were trained in: its Leaderboard models then answer 404,
   * while the registered versions and deployments stay (DataRobot keeps packages apart from their project).
   */
  deleteProject(modelName: string): void;
}

export async function startDataRobotSimulator(options: SimulatorOptions = {}): Promise<DataRobotSimulatorHandle> {
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
  const api = new DataRobotApi(store, options.credential ?? 'sim-credential', options.maxPageSize ?? DATAROBOT_MAX_PAGE_SIZE);

  const server = await listenLoopback((req, res) => void serve(req, res), options.port ?? 0);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const request = await readRequest(req);
      const control = handleControl(request, store, faults);
      if (control) return writeResponse(res, control);
      const fault = faults.decide();
      if (faults.knobs.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.knobs.latencyMs));
      if (faults.knobs.refuseQuotingCredentials) return writeResponse(res, { status: 401, json: { message: `Invalid API token: ${quotedCredentials(request, ['authorization'], faults.knobs)}` } });
      if (fault === 'throttle') {
        const retryAfter = faults.knobs.retryAfterSeconds;
        return writeResponse(res, { status: 429, headers: retryAfter === null ? {} : { 'retry-after': String(retryAfter) }, json: { message: 'Too many requests, please slow down.' } });
      }
      if (fault === 'server-error') return writeResponse(res, { status: 500, json: { message: 'Internal server error' } });
      writeResponse(res, api.handle(request), fault === 'truncate');
    } catch (error) {
      if (!res.headersSent) writeResponse(res, { status: 500, json: { message: (error as Error).message } });
    }
  }

  return { url: server.url, store, faults, close: () => server.close(), deleteProject: (modelName) => api.deletedProjects.add(simIds.project(modelName)) };
}

const REPLACEMENT_REASONS = new Set(['ACCURACY', 'DATA_DRIFT', 'ERRORS', 'SCHEDULED_REFRESH', 'SCORING_SPEED', 'OTHER']);

/** The vendor routes, over the shared estate. */
class DataRobotApi {
  private statusTasks = new Map<string, { polls: number; resource: string }>();
  private statusCounter = 0;
  private modelIndex: { models: SimModel[]; length: number; byId: Map<string, SimModel> } | null = null;
  /** Project ids deleted through {@link DataRobotSimulatorHandle.deleteProject}. */
  readonly deletedProjects = new Set<string>();

  constructor(
    private readonly store: EstateStore,
    private readonly credential: string,
    private readonly maxPageSize: number,
  ) {}

  handle(request: SimRequest): SimResponse {
    const denied = this.authenticate(request);
    if (denied) return denied;
    const path = request.url.pathname;
    if (!path.startsWith('/api/v2/')) return notFound();
    if (!path.endsWith('/')) return notFound('The requested URL was not found on the server. Paths end with a slash.');
    const parts = path.slice('/api/v2/'.length, -1).split('/').map(decodeURIComponent);
    const method = request.method;
    const [head, id, sub, subId] = parts;

    if (head === 'registeredModels') {
      if (method !== 'GET') return methodNotAllowed();
      if (parts.length === 1) return this.page(request, this.store.estate.models, renderRegisteredModel);
      const model = this.modelById(id);
      if (!model) return notFound('Registered model not found.');
      if (parts.length === 2) return { status: 200, json: renderRegisteredModel(model) };
      if (sub === 'versions' && parts.length === 3) return this.page(request, model.versions, (v) => renderVersion(model, v));
      if (sub === 'versions' && parts.length === 4) {
        const version = model.versions.find((v) => simIds.version(model.name, v.number) === subId);
        return version ? { status: 200, json: renderVersion(model, version) } : notFound('Registered model version not found.');
      }
      return notFound();
    }
    if (head === 'deployments') {
      if (parts.length === 1) return method === 'GET' ? this.page(request, this.store.estate.deployments, (d) => this.renderDeployment(d)) : methodNotAllowed();
      const deployment = this.store.estate.deployments.find((d) => d.id === id);
      if (!deployment) return notFound('Deployment not found.');
      if (parts.length === 2) return method === 'GET' ? { status: 200, json: this.renderDeployment(deployment) } : methodNotAllowed();
      if (sub === 'status' && parts.length === 3) return method === 'PATCH' ? this.changeStatus(request, deployment) : methodNotAllowed();
      if (sub === 'model' && parts.length === 3) return method === 'PATCH' ? this.replaceModel(request, deployment) : methodNotAllowed();
      if (sub === 'model' && subId === 'validation' && parts.length === 4) return method === 'POST' ? this.validateReplacement(request, deployment) : methodNotAllowed();
      return notFound();
    }
    if (head === 'modelPackages' && parts.length === 1 && method === 'GET') {
      const modelId = request.url.searchParams.get('modelId');
      const packages: Array<{ model: SimModel; version: SimVersion }> = [];
      for (const model of this.store.estate.models) {
        for (const version of model.versions) {
          if (modelId === null || simIds.leaderboardModel(model.name, version.number) === modelId) packages.push({ model, version });
        }
      }
      return this.page(request, packages, ({ model, version }) => renderVersion(model, version));
    }
    if (head === 'status' && parts.length === 2 && method === 'GET') return this.taskStatus(request, id);
    if (head === 'projects' && sub === 'models' && parts.length === 4) return method === 'GET' ? this.leaderboardModel(id, subId) : methodNotAllowed();
    return notFound();
  }

  /**
   * `GET /projects/{projectId}/models/{modelId}/`: each registered model's versions were trained in one project (the
   * one its deployments name as `model.projectId`), one Leaderboard model per version.
   */
  private leaderboardModel(projectId: string, modelId: string): SimResponse {
    const model = this.deletedProjects.has(projectId) ? undefined : this.store.estate.models.find((m) => simIds.project(m.name) === projectId);
    if (!model) return notFound('Project not found.');
    const version = model.versions.find((v) => simIds.leaderboardModel(model.name, v.number) === modelId);
    return version ? { status: 200, json: renderLeaderboardModel(model, version) } : notFound('Model not found.');
  }

  private authenticate(request: SimRequest): SimResponse | null {
    const header = request.headers.authorization;
    if (!header) return { status: 401, json: { message: 'Invalid Authorization header. No credentials provided.' } };
    const match = /^(Bearer|Token)\s+(.+)$/i.exec(header);
    if (!match || match[2].trim() !== this.credential) return { status: 401, json: { message: 'Invalid API token.' } };
    return null;
  }

  private page<T>(request: SimRequest, items: readonly T[], render: (item: T) => unknown): SimResponse {
    const params = request.url.searchParams;
    const offset = params.has('offset') ? Number(params.get('offset')) : 0;
    const requested = params.has('limit') ? Number(params.get('limit')) : 0;
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(requested) || requested < 0) {
      return { status: 422, json: { message: 'Invalid query parameters', errors: { offset: 'must be a non-negative integer', limit: 'must be a non-negative integer' } } };
    }
    const limit = requested === 0 ? this.maxPageSize : Math.min(requested, this.maxPageSize);
    const data = items.slice(offset, offset + limit).map(render);
    const link = (at: number) => {
      const url = new URL(`http://${request.headers.host ?? '127.0.0.1'}${request.url.pathname}`);
      url.searchParams.set('offset', String(at));
      for (const [key, value] of params) if (key !== 'offset' && key !== 'limit') url.searchParams.set(key, value);
      url.searchParams.set('limit', String(limit));
      return url.toString();
    };
    return {
      status: 200,
      json: {
        count: data.length,
        totalCount: items.length,
        next: offset + data.length < items.length ? link(offset + limit) : null,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
        data,
      },
    };
  }

  private renderDeployment(deployment: SimDeployment): unknown {
    const model = this.store.findModel(deployment.modelName);
    return renderDeployment(deployment, model, model?.versions.find((v) => v.number === deployment.versionNumber));
  }

  private changeStatus(request: SimRequest, deployment: SimDeployment): SimResponse {
    const body = parseBody(request);
    if (body?.status !== 'active' && body?.status !== 'inactive') {
      return { status: 422, json: { message: 'Invalid field data', errors: { status: 'value is not a valid choice (active, inactive)' } } };
    }
    deployment.status = body.status;
    deployment.serving = body.status === 'active';
    deployment.updatedAt = this.store.tick();
    this.alignStage(deployment.modelName, deployment.versionNumber);
    this.store.recordWriteBack('deployment.status', deployment.id, { status: body.status });
    return this.accepted(request, `deployments/${deployment.id}/`);
  }

  private validateReplacement(request: SimRequest, deployment: SimDeployment): SimResponse {
    const target = this.packageById(String(parseBody(request)?.modelPackageId ?? ''));
    if (!target) return notFound('Model package not found.');
    const current = target.model.name === deployment.modelName && target.version.number === deployment.versionNumber;
    const check = (status: string, message: string) => ({ status, message });
    const checks = {
      targetType: check('passing', 'Target type is compatible.'),
      target: check(target.model.name === deployment.modelName ? 'passing' : 'warning', target.model.name === deployment.modelName ? 'Target is compatible.' : 'Target name differs.'),
      notCurrentModel: current ? check('failing', 'Model is already used as current model of the deployment.') : { status: 'passing', message: null },
      permission: check('passing', 'User has permission to replace model.'),
      supported: check('passing', 'Model replacement is supported on this deployment.'),
      modelCanBeDeployed: check('passing', 'Model can be deployed.'),
      modelStatus: check('passing', 'Model building finished.'),
    };
    return current
      ? { status: 200, json: { status: 'failing', message: 'Model cannot be used to replace the current model of the deployment.', checks } }
      : { status: 200, json: { status: 'passing', message: 'Model can be used to replace the current model of the deployment.', checks } };
  }

  private replaceModel(request: SimRequest, deployment: SimDeployment): SimResponse {
    const body = parseBody(request);
    const target = this.packageById(String(body?.modelPackageId ?? ''));
    if (!target) return notFound('Model package not found.');
    if (!REPLACEMENT_REASONS.has(String(body?.reason))) {
      return { status: 422, json: { message: 'Invalid field data', errors: { reason: `must be one of ${[...REPLACEMENT_REASONS].join(', ')}` } } };
    }
    if (target.model.name === deployment.modelName && target.version.number === deployment.versionNumber) {
      return { status: 422, json: { message: 'Unable to perform model replacement: model is already used as current model of the deployment.' } };
    }
    const previous = { modelName: deployment.modelName, versionNumber: deployment.versionNumber };
    deployment.modelName = target.model.name;
    deployment.versionNumber = target.version.number;
    deployment.updatedAt = this.store.tick();
    this.alignStage(previous.modelName, previous.versionNumber);
    this.alignStage(deployment.modelName, deployment.versionNumber);
    this.store.recordWriteBack('deployment.model', deployment.id, { modelPackageId: body?.modelPackageId, reason: body?.reason });
    return { ...this.accepted(request, `deployments/${deployment.id}/`), json: this.renderDeployment(deployment) };
  }

  /** 202 + Location of a status task, as DataRobot answers asynchronous writes. */
  private accepted(request: SimRequest, resource: string): SimResponse {
    const statusId = hexId(`status-task/${++this.statusCounter}`);
    this.statusTasks.set(statusId, { polls: 0, resource });
    return { status: 202, headers: { location: `http://${request.headers.host ?? '127.0.0.1'}/api/v2/status/${statusId}/` } };
  }

  private taskStatus(request: SimRequest, statusId: string): SimResponse {
    const task = this.statusTasks.get(statusId);
    if (!task) return notFound('Status not found.');
    const body = (status: string) => ({ statusId, status, message: '', code: 0, description: '', statusType: '' });
    if (task.polls++ === 0) return { status: 200, json: body('RUNNING') };
    return { status: 303, headers: { location: `http://${request.headers.host ?? '127.0.0.1'}/api/v2/${task.resource}` }, json: body('COMPLETED') };
  }

  /** The estate's rule: a version's stage reads Production exactly while an active production deployment serves it. */
  private alignStage(modelName: string, versionNumber: number): void {
    const version = this.store.findModel(modelName)?.versions.find((v) => v.number === versionNumber);
    if (!version) return;
    const serving = this.store.estate.deployments.some((d) => d.modelName === modelName && d.versionNumber === versionNumber && servesProduction(d));
    if (serving && version.stage !== 'Production') version.stage = 'Production';
    else if (!serving && version.stage === 'Production') version.stage = 'None';
    else return;
    version.updatedAt = this.store.tick();
  }

  private modelById(id: string): SimModel | undefined {
    const models = this.store.estate.models;
    if (!this.modelIndex || this.modelIndex.models !== models || this.modelIndex.length !== models.length) {
      this.modelIndex = { models, length: models.length, byId: new Map(models.map((m) => [simIds.registeredModel(m.name), m])) };
    }
    return this.modelIndex.byId.get(id);
  }

  private packageById(id: string): { model: SimModel; version: SimVersion } | undefined {
    for (const model of this.store.estate.models) {
      for (const version of model.versions) if (simIds.version(model.name, version.number) === id) return { model, version };
    }
    return undefined;
  }
}

function parseBody(request: SimRequest): Record<string, unknown> | null {
  try {
    const parsed = request.body ? JSON.parse(request.body) : null;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function notFound(message = 'Not Found'): SimResponse {
  return { status: 404, json: { message } };
}

function methodNotAllowed(): SimResponse {
  return { status: 405, json: { message: 'The method is not allowed for the requested URL.' } };
}
