import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the four vendor simulators share: a loopback HTTP server, a deterministic vendor-neutral estate,
 * fault and latency knobs, and the control API (`/__sim/...`) tests and the demo use to change the estate
 * between syncs. Each simulator renders this estate in its vendor's wire format; nothing here is vendor-shaped.
 */

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: tiny, fast, good enough for test data; the same seed gives the same estate on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** A stable 24-hex id (DataRobot / Domino style) derived from a string, so ids survive estate regeneration. */
export function hexId(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  let h3 = 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
    h3 = Math.imul(h3 ^ c, 2246822507);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return hex(h1) + hex(h2) + hex(h3);
}

// ---------------------------------------------------------------------------------------------------------------
// The vendor-neutral estate

export type SimStage = 'None' | 'Staging' | 'Production' | 'Archived';

export interface SimVersion {
  number: number;
  description: string;
  createdBy: string;
  stage: SimStage;
  /** Vendor-side approval flag (SageMaker ModelApprovalStatus, …). Written by write-backs. */
  approval: 'PendingManualApproval' | 'Approved' | 'Rejected';
  metrics: Record<string, number>;
  params: Record<string, string>;
  runId: string;
  experimentId: string;
  dataset: string;
  commitId: string;
  createdAt: number; // epoch ms
  updatedAt: number; // epoch ms
  tags: Record<string, string>;
  aliases: string[];
}

export interface SimModel {
  name: string;
  description: string;
  owner: string;
  team: string;
  createdAt: number;
  updatedAt: number;
  tags: Record<string, string>;
  versions: SimVersion[];
}

export type SimEnvironment = 'production' | 'staging' | 'development';

export interface SimDeployment {
  /** Stable id (derived from the name). */
  id: string;
  name: string;
  modelName: string;
  versionNumber: number;
  /** Runs and takes traffic (SageMaker InService, Domino Running); DataRobot shows `status` instead. */
  serving: boolean;
  status: 'active' | 'inactive';
  /** Where it runs: the environment tag (SageMaker), prediction environment (DataRobot), label (Domino). */
  environment: SimEnvironment;
  /** Further tags / labels the team put on it. */
  tags?: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

/** Live at the vendor and in production: what the hub must see as serving production. */
export function servesProduction(deployment: SimDeployment): boolean {
  return deployment.serving && deployment.status === 'active' && deployment.environment === 'production';
}

export interface SimEstate {
  models: SimModel[];
  deployments: SimDeployment[];
}

export interface EstateOptions {
  seed: number;
  models: number;
  versionsPerModel: number;
  /** Total deployments across the estate (each serves one version). */
  deployments: number;
  /** Share (0..1) of deployments that serve production. Default 0.3. */
  productionShare?: number;
}

const DOMAINS = ['churn', 'fraud', 'credit-risk', 'demand', 'pricing', 'claims', 'ltv', 'propensity', 'anomaly', 'routing', 'forecast', 'segmentation', 'aml', 'kyc', 'underwriting', 'recommendation'];
const KINDS = ['classifier', 'scorer', 'regressor', 'ranker', 'detector', 'forecaster', 'model'];
const PEOPLE = ['alice', 'bob', 'carol', 'dmitri', 'erin', 'farah', 'gus', 'hiro', 'ines', 'jamal', 'kofi', 'lena'];
const TEAMS = ['risk', 'marketing', 'operations', 'finance', 'claims', 'growth'];
const ALGORITHMS = ['xgboost', 'lightgbm', 'logistic regression', 'random forest', 'pytorch mlp', 'catboost'];
const EPOCH_2024 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

/** Builds the estate a simulator starts from. Pure: the same options give the same estate. */
export function generateEstate(options: EstateOptions): SimEstate {
  const random = seededRandom(options.seed);
  const models: SimModel[] = [];
  for (let m = 0; m < options.models; m++) {
    const domain = pick(random, DOMAINS);
    const name = `${domain}-${pick(random, KINDS)}-${String(m + 1).padStart(4, '0')}`;
    const owner = `${pick(random, PEOPLE)}@example.com`;
    const team = pick(random, TEAMS);
    const createdAt = EPOCH_2024 + Math.floor(random() * 300) * DAY + Math.floor(random() * DAY);
    const versions: SimVersion[] = [];
    for (let v = 1; v <= options.versionsPerModel; v++) {
      const vCreated = createdAt + v * DAY + Math.floor(random() * DAY);
      const runId = hexId(`${name}/${v}/run`).slice(0, 32);
      versions.push({
        number: v,
        description: `${pick(random, ALGORITHMS)}, trained on ${domain} data`,
        createdBy: `${pick(random, PEOPLE)}@example.com`,
        stage: v === options.versionsPerModel && random() < 0.3 ? 'Staging' : 'None',
        approval: 'PendingManualApproval',
        metrics: { auc: round(0.6 + random() * 0.39), accuracy: round(0.6 + random() * 0.39), f1: round(0.5 + random() * 0.45) },
        params: { max_depth: String(3 + Math.floor(random() * 8)), learning_rate: String(round(0.01 + random() * 0.3)) },
        runId,
        experimentId: String(1 + (m % 50)),
        dataset: `${domain}_train_${2024 + (v % 2)}`,
        commitId: hexId(`${name}/${v}/commit`).slice(0, 7),
        createdAt: vCreated,
        updatedAt: vCreated + Math.floor(random() * DAY),
        tags: { team },
        aliases: [],
      });
    }
    models.push({
      name,
      description: `${domain.replace('-', ' ')} ${name.split('-').slice(-2, -1)[0]} for the ${team} team`,
      owner,
      team,
      createdAt,
      updatedAt: versions.at(-1)?.updatedAt ?? createdAt,
      tags: { team, domain },
      versions,
    });
  }

  const deployments: SimDeployment[] = [];
  const productionShare = options.productionShare ?? 0.3;
  for (let d = 0; d < options.deployments && models.length > 0; d++) {
    const model = models[d % models.length];
    if (model.versions.length === 0) continue;
    const version = model.versions[model.versions.length - 1 - (Math.floor(d / models.length) % model.versions.length)];
    const production = random() < productionShare;
    const name = `${model.name}-${production ? 'prod' : 'stage'}-${d + 1}`;
    deployments.push({
      id: hexId(`deployment/${name}`),
      name,
      modelName: model.name,
      versionNumber: version.number,
      // Only production deployments run in the generated estate; the staging ones sit idle.
      serving: production,
      status: 'active',
      environment: production ? 'production' : 'staging',
      createdAt: version.createdAt + DAY,
      updatedAt: version.createdAt + 2 * DAY,
    });
    if (production) version.stage = 'Production';
  }
  return { models, deployments };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Mutations a test or the demo applies to a running simulator between syncs. Shared by all four. */
export class EstateStore {
  /** Write-backs the simulator received, in order: what a test reads back. */
  readonly writeBacks: Array<{ at: number; operation: string; target: string; payload: unknown }> = [];
  private clock: number;
  /** Model name → position in `estate.models`; see {@link findModel}. */
  private modelPositions = new Map<string, number>();

  constructor(public estate: SimEstate) {
    this.clock = Math.max(EPOCH_2024, ...estate.models.map((m) => m.updatedAt)) + DAY;
  }

  /** A deterministic "now" that moves forward on each mutation, so re-runs give identical vendor timestamps. */
  tick(): number {
    this.clock += 60_000;
    return this.clock;
  }

  /**
   * The model named `name`, if any, in constant time: listings look a model up by name on most requests, and a scan
   * made the simulator, not the hub, the slow side of a 10 000-model bench. Mutations do not maintain the index: a hit
   * is checked against the estate (names are unique), and a miss rebuilds it once before answering.
   */
  findModel(name: string): SimModel | undefined {
    const hit = this.indexedModel(name);
    if (hit) return hit;
    this.modelPositions = new Map(this.estate.models.map((m, i) => [m.name, i]));
    return this.indexedModel(name);
  }

  model(name: string): SimModel {
    const model = this.findModel(name);
    if (!model) throw new Error(`no model named ${name}`);
    return model;
  }

  private indexedModel(name: string): SimModel | undefined {
    const at = this.modelPositions.get(name);
    const model = at === undefined ? undefined : this.estate.models[at];
    return model?.name === name ? model : undefined;
  }

  version(modelName: string, versionNumber: number): SimVersion {
    const version = this.model(modelName).versions.find((v) => v.number === versionNumber);
    if (!version) throw new Error(`model ${modelName} has no version ${versionNumber}`);
    return version;
  }

  addModel(partial: { name: string; description?: string; owner?: string; versions?: number }): SimModel {
    const now = this.tick();
    const model: SimModel = {
      name: partial.name,
      description: partial.description ?? `added model ${partial.name}`,
      owner: partial.owner ?? 'newcomer@example.com',
      team: 'growth',
      createdAt: now,
      updatedAt: now,
      tags: { team: 'growth' },
      versions: [],
    };
    this.estate.models.push(model);
    for (let i = 0; i < (partial.versions ?? 1); i++) this.addVersion(model.name);
    return model;
  }

  addVersion(modelName: string): SimVersion {
    const model = this.model(modelName);
    const now = this.tick();
    const number = (model.versions.at(-1)?.number ?? 0) + 1;
    const version: SimVersion = {
      number,
      description: `version ${number} of ${modelName}`,
      createdBy: model.owner,
      stage: 'None',
      approval: 'PendingManualApproval',
      metrics: { auc: 0.8, accuracy: 0.8, f1: 0.7 },
      params: { max_depth: '6' },
      runId: hexId(`${modelName}/${number}/run`).slice(0, 32),
      experimentId: '1',
      dataset: `${modelName}_train`,
      commitId: hexId(`${modelName}/${number}/commit`).slice(0, 7),
      createdAt: now,
      updatedAt: now,
      tags: {},
      aliases: [],
    };
    model.versions.push(version);
    model.updatedAt = now;
    return version;
  }

  changeModel(name: string, change: { description?: string; owner?: string }): void {
    const model = this.model(name);
    Object.assign(model, change);
    model.updatedAt = this.tick();
  }

  changeVersion(modelName: string, versionNumber: number, change: Partial<Pick<SimVersion, 'description' | 'stage' | 'approval' | 'metrics'>>): void {
    const version = this.version(modelName, versionNumber);
    Object.assign(version, change);
    version.updatedAt = this.tick();
  }

  removeModel(name: string): void {
    this.estate.models = this.estate.models.filter((m) => m.name !== name);
    this.estate.deployments = this.estate.deployments.filter((d) => d.modelName !== name);
  }

  removeVersion(modelName: string, versionNumber: number): void {
    const model = this.model(modelName);
    model.versions = model.versions.filter((v) => v.number !== versionNumber);
    this.estate.deployments = this.estate.deployments.filter((d) => !(d.modelName === modelName && d.versionNumber === versionNumber));
  }

  /** Removes the first `share` of models (deterministically), with their versions and deployments. */
  removeShare(share: number): string[] {
    const count = Math.round(this.estate.models.length * share);
    const removed = this.estate.models.slice(0, count).map((m) => m.name);
    for (const name of removed) this.removeModel(name);
    return removed;
  }

  clear(): void {
    this.estate.models = [];
    this.estate.deployments = [];
  }

  /** A data scientist pushes a version straight to production at the vendor, bypassing governance. */
  promoteToProduction(modelName: string, versionNumber: number): SimDeployment {
    const version = this.version(modelName, versionNumber);
    const now = this.tick();
    version.stage = 'Production';
    version.updatedAt = now;
    const name = `${modelName}-v${versionNumber}-prod`;
    let deployment = this.estate.deployments.find((d) => d.name === name);
    if (!deployment) {
      deployment = { id: hexId(`deployment/${name}`), name, modelName, versionNumber, serving: true, status: 'active', environment: 'production', createdAt: now, updatedAt: now };
      this.estate.deployments.push(deployment);
    } else {
      Object.assign(deployment, { serving: true, status: 'active', updatedAt: now });
    }
    return deployment;
  }

  /**
   * A team deploys a version, live, to `environment` (an InService endpoint tagged environment=staging, an active
   * DataRobot deployment in a staging prediction environment, …). A production one also stages the version Production.
   */
  deploy(modelName: string, versionNumber: number, options: { environment: SimEnvironment; name?: string; tags?: Record<string, string> }): SimDeployment {
    const version = this.version(modelName, versionNumber);
    const now = this.tick();
    if (options.environment === 'production') Object.assign(version, { stage: 'Production', updatedAt: now });
    const name = options.name ?? `${modelName}-v${versionNumber}-${options.environment}`;
    const deployment: SimDeployment = {
      id: hexId(`deployment/${name}`),
      name,
      modelName,
      versionNumber,
      serving: true,
      status: 'active',
      environment: options.environment,
      ...(options.tags ? { tags: { ...options.tags } } : {}),
      createdAt: now,
      updatedAt: now,
    };
    this.estate.deployments = [...this.estate.deployments.filter((d) => d.name !== name), deployment];
    return deployment;
  }

  /** Takes a version out of production at the vendor: its production deployments go away, its stage drops. */
  unpromote(modelName: string, versionNumber: number): void {
    const version = this.version(modelName, versionNumber);
    version.stage = 'None';
    version.aliases = version.aliases.filter((a) => a !== 'production');
    version.updatedAt = this.tick();
    this.estate.deployments = this.estate.deployments.filter((d) => !(d.modelName === modelName && d.versionNumber === versionNumber && servesProduction(d)));
  }

  recordWriteBack(operation: string, target: string, payload: unknown): void {
    this.writeBacks.push({ at: this.tick(), operation, target, payload });
  }

  versionCount(): number {
    return this.estate.models.reduce((n, m) => n + m.versions.length, 0);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Faults

export interface FaultKnobs {
  /** Share (0..1) of data requests answered with the vendor's throttling response. */
  throttleRate: number;
  /** Retry-After seconds sent with throttling where the vendor sends one; null sends none. */
  retryAfterSeconds: number | null;
  /** Share (0..1) of data requests answered with a 5xx. */
  serverErrorRate: number;
  /** Share (0..1) of data responses cut off mid-body. */
  truncateRate: number;
  /** Added latency per data request, ms. */
  latencyMs: number;
  /** Every data request fails with a 5xx (a vendor that is down). */
  failEveryRequest: boolean;
  /** 1-based numbers of data requests (counted since the knobs were set) that fail once with a 5xx. */
  failRequestNumbers: number[];
  /**
   * Every data request is refused as unauthenticated the way a gateway in front of the vendor refuses it: in the
   * vendor's error shape, quoting the request's credential headers (see {@link quotedCredentials}).
   */
  refuseQuotingCredentials: boolean;
  /** Characters of further detail in that refusal's message (a gateway that dumps the request or a stack trace). */
  refusalDetailChars: number;
}

export const NO_FAULTS: FaultKnobs = {
  throttleRate: 0,
  retryAfterSeconds: null,
  serverErrorRate: 0,
  truncateRate: 0,
  latencyMs: 0,
  failEveryRequest: false,
  failRequestNumbers: [],
  refuseQuotingCredentials: false,
  refusalDetailChars: 0,
};

export type FaultDecision = 'throttle' | 'server-error' | 'truncate' | null;

/** Decides, deterministically from its own seed, which fault (if any) a data request gets. */
export class FaultInjector {
  knobs: FaultKnobs = { ...NO_FAULTS };
  requestCount = 0;
  /**
   * Called with the request's number as each data request arrives, before it is answered: a test changes the estate
   * at an exact point of a listing with it (a model deleted between two pages). Cleared by reset().
   */
  onRequest: ((requestNumber: number) => void) | null = null;
  private random: () => number;

  constructor(seed = 1) {
    this.random = seededRandom(seed ^ 0x5eed);
  }

  set(knobs: Partial<FaultKnobs>): void {
    this.knobs = { ...this.knobs, ...knobs };
    this.requestCount = 0;
  }

  reset(): void {
    this.knobs = { ...NO_FAULTS };
    this.requestCount = 0;
    this.onRequest = null;
  }

  decide(): FaultDecision {
    this.requestCount++;
    this.onRequest?.(this.requestCount);
    const k = this.knobs;
    if (k.failEveryRequest || k.failRequestNumbers.includes(this.requestCount)) return 'server-error';
    const roll = this.random();
    if (roll < k.throttleRate) return 'throttle';
    if (roll < k.throttleRate + k.serverErrorRate) return 'server-error';
    if (roll < k.throttleRate + k.serverErrorRate + k.truncateRate) return 'truncate';
    return null;
  }
}

/**
 * What a gateway's refusal says about the request's credential headers (those of `names` the request carries): each
 * as received, then all of them URL-encoded as a form (how a gateway logging the request prints them), followed by
 * `refusalDetailChars` characters of request dump.
 */
export function quotedCredentials(request: SimRequest, names: readonly string[], knobs: FaultKnobs): string {
  const present = names.flatMap((name): Array<[string, string]> => {
    const value = request.headers[name];
    return typeof value === 'string' ? [[name, value]] : [];
  });
  const quoted = present.map(([name, value]) => `${name}: ${value}`).join('; ');
  const dump = knobs.refusalDetailChars > 0 ? ` request dump: ${'header-line; '.repeat(Math.ceil(knobs.refusalDetailChars / 13)).slice(0, knobs.refusalDetailChars)}` : '';
  return `the credentials sent were rejected (${quoted || 'no credential headers'}; as received: ${new URLSearchParams(present).toString()})${dump}`;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP plumbing

export interface SimRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  /** Raw body text ('' when none). */
  body: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless `rawBody` is given. */
  json?: unknown;
  rawBody?: string;
}

export async function readRequest(req: IncomingMessage): Promise<SimRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', 'http://127.0.0.1'),
    headers: req.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

/** Writes a response; with `truncate` it sends half the body and destroys the socket (a cut-off response). */
export function writeResponse(res: ServerResponse, response: SimResponse, truncate = false): void {
  const body = response.rawBody ?? (response.json === undefined ? '' : JSON.stringify(response.json));
  const headers: Record<string, string> = { ...(response.json !== undefined && !response.headers?.['content-type'] ? { 'content-type': 'application/json' } : {}), ...response.headers };
  if (truncate && body.length > 2) {
    res.writeHead(response.status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    res.write(body.slice(0, Math.floor(body.length / 2)));
    res.socket?.destroy();
    return;
  }
  res.writeHead(response.status, headers);
  res.end(body);
}

export interface LoopbackServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function listenLoopback(handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<LoopbackServer> {
  const server = createServer(handler);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The control API every simulator mounts under `/__sim/`. Unauthenticated on purpose: it is a test fixture
 * on loopback, never part of the vendor's surface.
 *
 * - `GET  /__sim/state` → counts and the write-back log
 * - `PUT  /__sim/faults` body: Partial<FaultKnobs>; `DELETE /__sim/faults` resets
 * - `POST /__sim/models` body: { name, description?, owner?, versions? }
 * - `POST /__sim/models/:name/versions`
 * - `PATCH /__sim/models/:name` body: { description?, owner? }
 * - `PATCH /__sim/models/:name/versions/:n` body: { description?, stage?, approval?, metrics? }
 * - `DELETE /__sim/models/:name`, `DELETE /__sim/models/:name/versions/:n`
 * - `POST /__sim/promote` / `POST /__sim/unpromote` body: { model, version }
 * - `POST /__sim/deploy` body: { model, version, environment, name?, tags? }
 * - `POST /__sim/remove-share` body: { share }; `POST /__sim/clear`
 */
export function handleControl(request: SimRequest, store: EstateStore, faults: FaultInjector): SimResponse | null {
  const path = request.url.pathname;
  if (!path.startsWith('/__sim/')) return null;
  const parts = path.split('/').slice(2).map(decodeURIComponent);
  const body = request.body ? (JSON.parse(request.body) as Record<string, unknown>) : {};
  const ok = (json: unknown = { ok: true }): SimResponse => ({ status: 200, json });
  try {
    const [head, name, sub, n] = parts;
    switch (`${request.method} ${head}${name !== undefined ? '/:name' : ''}${sub !== undefined ? '/' + sub : ''}${n !== undefined ? '/:n' : ''}`) {
      case 'GET state':
        return ok({ models: store.estate.models.length, versions: store.versionCount(), deployments: store.estate.deployments.length, writeBacks: store.writeBacks, faults: faults.knobs, requests: faults.requestCount });
      case 'PUT faults':
        faults.set(body as Partial<FaultKnobs>);
        return ok(faults.knobs);
      case 'DELETE faults':
        faults.reset();
        return ok(faults.knobs);
      case 'POST models':
        return ok(store.addModel(body as { name: string }));
      case 'POST models/:name/versions':
        return ok(store.addVersion(name));
      case 'PATCH models/:name':
        store.changeModel(name, body);
        return ok();
      case 'PATCH models/:name/versions/:n':
        store.changeVersion(name, Number(n), body);
        return ok();
      case 'DELETE models/:name':
        store.removeModel(name);
        return ok();
      case 'DELETE models/:name/versions/:n':
        store.removeVersion(name, Number(n));
        return ok();
      case 'POST promote':
        return ok(store.promoteToProduction(String(body.model), Number(body.version)));
      case 'POST deploy':
        return ok(store.deploy(String(body.model), Number(body.version), body as { environment: SimEnvironment; name?: string; tags?: Record<string, string> }));
      case 'POST unpromote':
        store.unpromote(String(body.model), Number(body.version));
        return ok();
      case 'POST remove-share':
        return ok({ removed: store.removeShare(Number(body.share)) });
      case 'POST clear':
        store.clear();
        return ok();
      default:
        return { status: 404, json: { error: `unknown control route ${request.method} ${path}` } };
    }
  } catch (error) {
    return { status: 400, json: { error: (error as Error).message } };
  }
}

/** Options every simulator accepts. */
export interface SimulatorOptions extends Partial<EstateOptions> {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Credential the simulator accepts; requests without it get the vendor's 401. */
  credential?: string;
  /** Items per page when the client does not ask (and the cap when it asks for more). */
  maxPageSize?: number;
}

/** A running simulator: what tests, benches and the demo hold. */
export interface SimulatorHandle {
  url: string;
  store: EstateStore;
  faults: FaultInjector;
  close(): Promise<void>;
}
