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

/** A logger that keeps what the connector warns about. */
export function recordingLogger() {
  const warnings: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
  const logger: ConnectorLogger = { debug() {}, info() {}, error() {}, warn: (obj, msg) => void warnings.push({ obj: obj as Record<string, unknown>, msg }) };
  return { logger, warnings };
}

/** Content hash of every record, keyed by kind and external id: what the writer compares between runs. */
export function hashes(listing: Listing): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of listing.models) out[`model ${m.externalId}`] = contentHash('model', m);
  for (const v of listing.versions) out[`version ${v.externalId}`] = contentHash('version', v);
  for (const d of listing.deployments) out[`deployment ${d.externalId}`] = contentHash('deployment', d);
  return out;
}
