/**
 * Vendor listings run in a listing thread (src/listing-threads/listing-pool.ts) against simulators over loopback: the hub must
 * get exactly what the connector lists on the main thread, errors with the class the job layer decides on, prompt
 * aborts, lazy paging, and the thread's logs and vendor-call observations.
 */
import { readdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, RateLimitError, type ConnectorDeps, type Vendor } from '../../../connectors/contract.js';
import { vendorModule } from '../../../connectors/registry/index.js';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { classifyFailure } from '../../../src/jobs/handlers.js';
import { createLogger } from '../../../src/logger.js';
import { ListingThreadPool } from '../../../src/listing-threads/listing-pool.js';
import type { ConnectorOptions, ConnectorRecipe } from '../../../src/sources/source-connector.js';
import { collectListing, failureOf } from '../../helpers/listing.js';

const CREDENTIAL = 'listing-thread-credential';
const ESTATE = { seed: 21, models: 14, versionsPerModel: 3, deployments: 6, credential: CREDENTIAL };
const DEPS = { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 5_000, pageSize: 4 } satisfies ConnectorOptions;

const simulators = new Map<Vendor, SimulatorHandle>();
let pool: ListingThreadPool;

beforeAll(async () => {
  for (const vendor of ['mlflow', 'sagemaker'] as const) simulators.set(vendor, await vendorSimulator(vendor).start(ESTATE));
});
afterAll(async () => {
  await Promise.all([...simulators.values()].map((s) => s.close()));
});
beforeAll(() => {
  pool = new ListingThreadPool(1, createLogger('silent'));
});
afterAll(() => pool.close());
afterEach(() => {
  for (const simulator of simulators.values()) simulator.faults.reset();
});

/** The process's OS threads (Linux): a listing thread is one more. */
function osThreads(): number {
  return readdirSync('/proc/self/task').length;
}

function spec(vendor: Vendor, credential = CREDENTIAL): ConnectorRecipe {
  const { settings, secret } = vendorSimulator(vendor).sourceFor(simulators.get(vendor)!, credential);
  return { vendor, settings, secret, options: DEPS };
}

function onMainThread(s: ConnectorRecipe, deps: Partial<ConnectorDeps> = {}) {
  return vendorModule(s.vendor).create(s.settings, s.secret, { ...s.options, ...deps }).list(new AbortController().signal);
}

describe('ListingThreadPool', () => {
  it.each(['mlflow', 'sagemaker'] as const)('should list %s in a thread exactly as the connector lists it on the main thread, Dates included', async (vendor) => {
    const inThread = await collectListing(pool.list(spec(vendor), {}, new AbortController().signal));
    const direct = await collectListing(onMainThread(spec(vendor)));

    expect(inThread.models).toHaveLength(ESTATE.models);
    expect(inThread.versions).toHaveLength(ESTATE.models * ESTATE.versionsPerModel);
    expect(inThread).toEqual(direct);
    expect(inThread.versions[0].createdAt).toBeInstanceOf(Date);
  });

  it('should run two listings in one thread at once without mixing their batches', async () => {
    const [mlflow, sagemaker] = await Promise.all([collectListing(pool.list(spec('mlflow'), {}, new AbortController().signal)), collectListing(pool.list(spec('sagemaker'), {}, new AbortController().signal))]);
    expect(mlflow).toEqual(await collectListing(onMainThread(spec('mlflow'))));
    expect(sagemaker).toEqual(await collectListing(onMainThread(spec('sagemaker'))));
  });

  it('should fail with an AuthenticationError the job layer does not retry when the vendor rejects the credentials', async () => {
    const error = await failureOf(pool.list(spec('mlflow', 'not-the-credential'), {}, new AbortController().signal));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(classifyFailure(error)).toEqual({ kind: 'unrecoverable', message: (error as Error).message });
    expect((error as Error).message).not.toContain('not-the-credential');
  });

  it('should fail with a RateLimitError carrying the vendor\'s Retry-After when throttling outlasts the retries', async () => {
    simulators.get('mlflow')!.faults.set({ throttleRate: 1, retryAfterSeconds: 7 });
    const error = await failureOf(pool.list(spec('mlflow'), {}, new AbortController().signal));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(classifyFailure(error)).toEqual({ kind: 'rate-limited', retryAfterMs: 7_000 });
  });

  it('should hand the thread\'s vendor-call observations and logs to the run\'s hooks', async () => {
    const calls: string[] = [];
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_obj: object, msg?: string) => void warnings.push(msg ?? '') };
    simulators.get('mlflow')!.faults.set({ failRequestNumbers: [2] });
    await collectListing(pool.list(spec('mlflow'), { logger, onVendorCall: (call) => calls.push(`${call.operation}:${call.attempt}`) }, new AbortController().signal));
    const direct: string[] = [];
    simulators.get('mlflow')!.faults.set({ failRequestNumbers: [2] });
    await collectListing(onMainThread(spec('mlflow'), { onVendorCall: (call) => direct.push(`${call.operation}:${call.attempt}`) }));

    expect(calls.length).toBeGreaterThan(ESTATE.models);
    expect(calls.sort()).toEqual(direct.sort());
    expect(calls.some((c) => c.endsWith(':2'))).toBe(true); // the retried request
  });

  it('should ask the vendor for a page only when the hub pulls the batch that needs it', async () => {
    const simulator = simulators.get('mlflow')!;
    simulator.faults.set({});
    const pages = pool.list(spec('mlflow'), {}, new AbortController().signal)[Symbol.asyncIterator]();
    await pages.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterOne = simulator.faults.requestCount;
    await pages.return?.(undefined);
    await collectListing(onMainThread(spec('mlflow')));

    expect(afterOne).toBeGreaterThan(0);
    expect(afterOne).toBeLessThan(simulator.faults.requestCount - afterOne);
  });

  it('should stop at once with the abort reason when the run is aborted mid-page, and keep serving other listings', async () => {
    simulators.get('sagemaker')!.faults.set({ latencyMs: 5_000 });
    const controller = new AbortController();
    const pages = pool.list(spec('sagemaker'), {}, controller.signal)[Symbol.asyncIterator]();
    const pending = pages.next();
    setTimeout(() => controller.abort(new Error('worker shutting down')), 100);
    const started = performance.now();

    await expect(pending).rejects.toThrow('worker shutting down');
    expect(performance.now() - started).toBeLessThan(3_000); // not the 5 s the page takes
    simulators.get('sagemaker')!.faults.reset();
    expect((await collectListing(pool.list(spec('mlflow'), {}, new AbortController().signal))).models).toHaveLength(ESTATE.models);
  });

  it('should start its threads on start() (a worker\'s start) and resolve once they have loaded the connectors', async () => {
    // The earlier tests started one thread (pools of size 1); a pool of two starts the second one now, not lazily.
    const starting = new ListingThreadPool(2, createLogger('silent'));
    const before = osThreads();
    // Resolves on each thread's "ready" message: a thread that never loads would leave the worker not ready.
    await starting.start();
    expect(osThreads()).toBeGreaterThan(before);
    await starting.start(); // idempotent: the threads are the process's
    expect((await collectListing(starting.list(spec('sagemaker'), {}, new AbortController().signal))).models).toHaveLength(ESTATE.models);
    starting.close();
    await expect(starting.start()).rejects.toThrow(/listing threads were closed/);
  });

  it('should fail a listing that is waiting when the pool closes, and refuse new ones', async () => {
    const closing = new ListingThreadPool(1, createLogger('silent'));
    simulators.get('mlflow')!.faults.set({ latencyMs: 2_000 });
    const pending = closing.list(spec('mlflow'), {}, new AbortController().signal)[Symbol.asyncIterator]().next();
    pending.catch(() => undefined); // it rejects during close(), before the assertion below awaits it
    await new Promise((resolve) => setTimeout(resolve, 200));
    closing.close();

    await expect(pending).rejects.toThrow(/listing threads were closed/);
    await expect(closing.list(spec('mlflow'), {}, new AbortController().signal)[Symbol.asyncIterator]().next()).rejects.toThrow(/closed/);
  });
});
