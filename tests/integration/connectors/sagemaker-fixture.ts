import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { ConnectorDeps, ConnectorLogger } from '../../../connectors/contract.js';
import { createSageMakerConnector } from '../../../connectors/sagemaker/index.js';
import { startSageMakerSimulator, type SageMakerSimulatorHandle, type SageMakerSimulatorOptions } from '../../../connectors/sagemaker/simulator.js';
import type { FaultKnobs } from '../../../connectors/shared/simulator-kit.js';
import { contentHash } from '../../../src/inventory/content-hash.js';
import { collectListing, type CollectedListing } from '../../helpers/listing.js';

/** Shared by the SageMaker connector suites: a simulator per test, a connector on it, and listing helpers. */

export const ARN = 'arn:aws:sagemaker:us-east-1:123456789012';
export const FAST: ConnectorDeps = { retry: { attempts: 6, baseDelayMs: 5, maxDelayMs: 50 }, timeoutMs: 2_000 };
export const signal = () => new AbortController().signal;

/** Servers started by a test; each suite closes them in its afterEach. */
export const running: Array<{ close(): Promise<void> }> = [];

export async function closeRunning(): Promise<void> {
  await Promise.all(running.splice(0).map((s) => s.close()));
}

export async function simulator(options: SageMakerSimulatorOptions = {}): Promise<SageMakerSimulatorHandle> {
  const sim = await startSageMakerSimulator({ models: 10, versionsPerModel: 3, deployments: 6, ...options });
  running.push(sim);
  return sim;
}

export function connect(sim: SageMakerSimulatorHandle, deps: ConnectorDeps = {}, accessKeyId = 'sim-credential') {
  return createSageMakerConnector({ region: 'us-east-1', endpoint: sim.url }, { accessKeyId, secretAccessKey: 'simulator-secret' }, { ...FAST, pageSize: 4, ...deps });
}

export type Listing = CollectedListing;

/** Drains a listing (see tests/helpers/listing.ts). */
export { collectListing as collect };

/**
 * The listing as comparable text: every record, ordered by external id, members in key order (the SDK builds a
 * Search record and a Describe output with the same members in different orders; the hub's hash ignores order).
 */
export function canonical(listing: Listing): string {
  const byId = <T extends { externalId: string }>(records: T[]) => [...records].sort((a, b) => a.externalId.localeCompare(b.externalId));
  const sortedKeys = (_key: string, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : value;
  return JSON.stringify({ models: byId(listing.models), versions: byId(listing.versions), deployments: byId(listing.deployments), errors: listing.errors }, sortedKeys);
}

/** The simulator's endpoints in the order ListEndpoints and the endpoint Search are asked for: oldest first, ties by name. */
export function endpointsByCreation(sim: SageMakerSimulatorHandle) {
  return [...sim.store.estate.deployments].sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : 1));
}

/**
 * The model Searches a listing should make when nothing is refused: for each endpoint page (`pageSize` endpoints,
 * oldest first), one Search per 50 of the Models its configs name that no earlier page named, each read
 * `recordsPerPage` records a request.
 */
export function expectedModelSearches(sim: SageMakerSimulatorHandle, pageSize: number, recordsPerPage = pageSize): number {
  const endpoints = endpointsByCreation(sim);
  const asked = new Set<string>();
  let searches = 0;
  for (let start = 0; start < endpoints.length; start += pageSize) {
    const fresh = [...new Set(endpoints.slice(start, start + pageSize).map((d) => `${d.modelName}-v${d.versionNumber}`))].filter((name) => !asked.has(name));
    fresh.forEach((name) => asked.add(name));
    for (let chunk = 0; chunk < fresh.length; chunk += 50) searches += Math.ceil(Math.min(50, fresh.length - chunk) / recordsPerPage);
  }
  return searches;
}

/** What the estate should look like through SageMaker's ARNs, derived from the simulator's estate. */
export function expected(sim: SageMakerSimulatorHandle) {
  const { models, deployments } = sim.store.estate;
  return {
    models: models.map((m) => `${ARN}:model-package-group/${m.name}`).sort(),
    versions: models.flatMap((m) => m.versions.map((v) => `${ARN}:model-package/${m.name}/${v.number}`)).sort(),
    deployments: deployments.map((d) => `${ARN}:endpoint/${d.name}`).sort(),
  };
}

export const ids = (records: Array<{ externalId: string }>) => records.map((r) => r.externalId).sort();

export async function setFaults(sim: SageMakerSimulatorHandle, knobs: Partial<FaultKnobs>) {
  const response = await fetch(`${sim.url}/__sim/faults`, { method: 'PUT', body: JSON.stringify(knobs) });
  expect(response.status).toBe(200);
}

export async function requestCount(sim: SageMakerSimulatorHandle): Promise<number> {
  const state = (await (await fetch(`${sim.url}/__sim/state`)).json()) as { requests: number };
  return state.requests;
}

/**
 * Counts vendor calls per operation (one per operation, after the SDK's retries), those that needed retries, and
 * the attempts each call took, operation by operation, in the order the calls finished.
 */
export function vendorCalls() {
  const counts: Record<string, number> = {};
  const retried: Record<string, number> = {};
  const attempts: Record<string, number[]> = {};
  const observe: NonNullable<ConnectorDeps['onVendorCall']> = ({ operation, attempt }) => {
    counts[operation] = (counts[operation] ?? 0) + 1;
    if (attempt > 1) retried[operation] = (retried[operation] ?? 0) + 1;
    (attempts[operation] ??= []).push(attempt);
  };
  return { counts, retried, attempts, observe };
}

/** The Search requests the simulator receives per Resource from now on (its own counts run from its start). */
export function searchesFrom(sim: SageMakerSimulatorHandle): () => Partial<Record<string, number>> {
  const before = { ...sim.searches };
  return () => Object.fromEntries(Object.entries(sim.searches).flatMap(([resource, n]) => (n! > (before[resource] ?? 0) ? [[resource, n! - (before[resource] ?? 0)]] : [])));
}

/** A logger that keeps what the connector warns about. */
export function recordingLogger() {
  const warnings: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
  const logger: ConnectorLogger = { debug() {}, info() {}, error() {}, warn: (obj, msg) => void warnings.push({ obj: obj as Record<string, unknown>, msg }) };
  return { logger, warnings };
}

/**
 * Lists `sim` recording vendor calls, warnings and the Search requests per Resource. After each Search call
 * `afterSearch` sees those counts so far and may change the simulator: the "refused midway" scenarios.
 */
export async function listRecording(sim: SageMakerSimulatorHandle, afterSearch: (searches: Partial<Record<string, number>>) => void = () => {}) {
  const searches = searchesFrom(sim);
  const calls = vendorCalls();
  const { logger, warnings } = recordingLogger();
  const listing = await collectListing(
    connect(sim, {
      logger,
      onVendorCall: (call) => {
        calls.observe(call);
        if (call.operation === 'Search') afterSearch(searches());
      },
    }).list(signal()),
  );
  return { listing, calls, warnings, searches, logger };
}

/** Content hash of every record, keyed by kind and external id: what the writer compares between runs. */
export function hashes(listing: Listing): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of listing.models) out[`model ${m.externalId}`] = contentHash('model', m);
  for (const v of listing.versions) out[`version ${v.externalId}`] = contentHash('version', v);
  for (const d of listing.deployments) out[`deployment ${d.externalId}`] = contentHash('deployment', d);
  return out;
}

/** Headers that belong to one connection, not to the request a proxy forwards. */
const HOP_HEADERS = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'expect']);

/** A Search answer as a proxy sees it. */
export interface SearchAnswer {
  Results: Array<Record<string, unknown>>;
  NextToken?: string;
}

/**
 * A loopback proxy to the simulator that hands each successful Search answer, with the request that asked for it,
 * to `rewrite` before the connector sees it: a service whose answers differ from the simulator's. Everything else
 * passes through unchanged (signature headers included). Returns the URL to point a connector at.
 */
export async function searchRewritingProxy(sim: SageMakerSimulatorHandle, rewrite: (request: { Resource?: string; SearchExpression?: unknown }, answer: SearchAnswer) => void): Promise<string> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_HEADERS.has(name))) as Record<string, string>;
      void fetch(`${sim.url}${req.url ?? '/'}`, { method: req.method, headers, body: body || undefined }).then(async (answer) => {
        let text = await answer.text();
        if (req.headers['x-amz-target'] === 'SageMaker.Search' && answer.ok) {
          const page = JSON.parse(text) as SearchAnswer;
          rewrite(JSON.parse(body) as { Resource?: string; SearchExpression?: unknown }, page);
          text = JSON.stringify(page);
        }
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.1' });
        res.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A connector on `url` (a proxy in front of a simulator), with the suites' defaults. */
export function connectTo(url: string, deps: ConnectorDeps = {}) {
  return createSageMakerConnector({ region: 'us-east-1', endpoint: url }, { accessKeyId: 'sim-credential', secretAccessKey: 'simulator-secret' }, { ...FAST, pageSize: 4, ...deps });
}
