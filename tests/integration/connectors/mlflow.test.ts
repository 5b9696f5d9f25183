/**
 * The MLflow connector against its simulator over loopback HTTP: paging, laziness, a 5 000-version listing, every
 * fault the simulator can inject, authentication modes, items vanishing mid-listing, check() and the lifecycle
 * write-back read back from the simulator's estate. No database is involved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConnectorError,
  VendorNotFoundError,
  type Connector,
  type ConnectorDeps,
  type ConnectorLogger,
  type LifecycleWriteBack,
  type NormalisedBatch,
} from '../../../connectors/contract.js';
import { MlflowClient } from '../../../connectors/mlflow/client.js';
import { createMlflowConnector, type MlflowSecret, type MlflowSettingsInput } from '../../../connectors/mlflow/index.js';
import { listEstate } from '../../../connectors/mlflow/listing.js';
import { compileEnvironmentRule } from '../../../connectors/shared/environment.js';
import { startMlflowSimulator, type MlflowSimulatorOptions } from '../../../connectors/mlflow/simulator.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { contentHash } from '../../../src/inventory/content-hash.js';

const RETRY = { attempts: 8, baseDelayMs: 5, maxDelayMs: 50 };
const running: SimulatorHandle[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function simulator(options: MlflowSimulatorOptions = {}): Promise<SimulatorHandle> {
  const sim = await startMlflowSimulator(options);
  running.push(sim);
  return sim;
}

function connector(sim: SimulatorHandle, options: { settings?: Partial<MlflowSettingsInput>; secret?: MlflowSecret; deps?: ConnectorDeps } = {}): Connector {
  const secret = options.secret === undefined ? { token: 'sim-credential' } : options.secret;
  return createMlflowConnector({ trackingUri: sim.url, ...options.settings }, secret, { retry: RETRY, timeoutMs: 2_000, ...options.deps });
}

async function collect(source: Connector): Promise<{ batches: NormalisedBatch[]; all: NormalisedBatch }> {
  const batches: NormalisedBatch[] = [];
  for await (const batch of source.list(AbortSignal.timeout(60_000))) batches.push(batch);
  const all: NormalisedBatch = {
    models: batches.flatMap((b) => b.models),
    versions: batches.flatMap((b) => b.versions),
    deployments: batches.flatMap((b) => b.deployments),
    errors: batches.flatMap((b) => b.errors),
  };
  return { batches, all };
}

/** What the listing must contain, computed from the simulator's estate. */
function expectedIds(sim: SimulatorHandle) {
  const models = sim.store.estate.models;
  return {
    models: models.map((m) => m.name).sort(),
    versions: models.flatMap((m) => m.versions.map((v) => `${m.name}/${v.number}`)).sort(),
    productionVersions: models.flatMap((m) => m.versions.filter((v) => v.stage === 'Production').map((v) => `${m.name}/${v.number}`)).sort(),
  };
}

const ids = (records: Array<{ externalId: string }>) => records.map((r) => r.externalId).sort();

async function control(sim: SimulatorHandle, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${sim.url}/__sim/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

/**
 * A fetch that records the MLflow routes it was asked for: `route`, `route?<filter>` (query or JSON body) or
 * `runs/get?<run_id>`.
 */
function recordingFetch(calls: string[], before?: (url: URL) => Promise<void>): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    const detail = url.searchParams.get('filter') ?? url.searchParams.get('run_id') ?? (typeof body.filter === 'string' ? body.filter : null);
    calls.push(url.pathname.replace('/api/2.0/mlflow/', '') + (detail ? `?${detail}` : ''));
    await before?.(url);
    return fetch(input, init);
  };
}

describe('MlflowConnector', () => {
  describe('list', () => {
    it('should list every model, version and production deployment across three pages, one batch per page', async () => {
      const sim = await simulator({ models: 20, versionsPerModel: 3, deployments: 10, maxPageSize: 7 });
      const { batches, all } = await collect(connector(sim));
      const expected = expectedIds(sim);

      expect(batches.map((b) => b.models.length)).toEqual([7, 7, 6]);
      expect(ids(all.models)).toEqual(expected.models);
      expect(ids(all.versions)).toEqual(expected.versions);
      expect(all.errors).toEqual([]);
      expect(expected.productionVersions.length).toBeGreaterThan(0);
      const stageDeployments = all.deployments.filter((d) => d.name === 'Production');
      expect(stageDeployments.map((d) => d.versionExternalId).sort()).toEqual(expected.productionVersions);
      expect(stageDeployments.every((d) => d.servingProduction)).toBe(true);
    });

    it("should carry the run behind each version: metrics, params, experiment and its name, dataset, commit and creator", async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 2, deployments: 0 });
      const { all } = await collect(connector(sim));
      const model = sim.store.estate.models[1];
      const simVersion = model.versions[1];
      const version = all.versions.find((v) => v.externalId === `${model.name}/2`);
      expect(version).toMatchObject({
        modelExternalId: model.name,
        version: '2',
        versionNumber: 2,
        description: simVersion.description,
        observedStage: simVersion.stage === 'Staging' ? 'STAGING' : 'NONE',
        status: 'READY',
        statusRaw: 'READY',
        createdBy: simVersion.createdBy,
        metrics: typedMetrics(simVersion.metrics),
        params: simVersion.params,
        lineage: {
          runId: simVersion.runId,
          projectId: simVersion.experimentId,
          projectName: `/Shared/experiments/experiment-${simVersion.experimentId}`,
          commitId: simVersion.commitId,
          datasets: [expect.objectContaining({ name: simVersion.dataset })],
        },
        createdAt: new Date(simVersion.createdAt),
        updatedAt: new Date(simVersion.updatedAt),
        deepLink: `${sim.url}/#/models/${model.name}/versions/2`,
      });
      expect(all.models.find((m) => m.externalId === model.name)).toMatchObject({ owner: model.owner, description: model.description, tags: { team: model.team } });
    });

    it('should follow model-version paging when a model has more versions than a page holds', async () => {
      const sim = await simulator({ models: 4, versionsPerModel: 10, deployments: 0, maxPageSize: 3 });
      const calls: string[] = [];
      const { all } = await collect(connector(sim, { deps: { fetch: recordingFetch(calls) } }));
      expect(ids(all.versions)).toEqual(expectedIds(sim).versions);
      const firstModel = sim.store.estate.models[0].name;
      // 10 versions at 3 per page: 4 pages for each model.
      expect(calls.filter((c) => c === `model-versions/search?name='${firstModel}'`)).toHaveLength(4);
    });

    it('should not request the next page before the consumer pulls the next batch', async () => {
      const sim = await simulator({ models: 20, versionsPerModel: 1, deployments: 0, maxPageSize: 5 });
      const calls: string[] = [];
      const iterator = connector(sim, { deps: { fetch: recordingFetch(calls) } }).list(AbortSignal.timeout(10_000))[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value?.models).toHaveLength(5);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(calls.filter((c) => c === 'registered-models/search')).toHaveLength(1);
      await iterator.next();
      expect(calls.filter((c) => c === 'registered-models/search')).toHaveLength(2);
      await iterator.return?.();
    });

    it('should list an estate of 5 000 versions exactly', async () => {
      const sim = await simulator({ models: 500, versionsPerModel: 10, deployments: 100 });
      const { batches, all } = await collect(connector(sim));
      const expected = expectedIds(sim);
      expect(batches).toHaveLength(5);
      expect(all.versions).toHaveLength(5_000);
      expect(ids(all.versions)).toEqual(expected.versions);
      expect(ids(all.models)).toEqual(expected.models);
      expect(all.deployments.filter((d) => d.name === 'Production').map((d) => d.versionExternalId).sort()).toEqual(expected.productionVersions);
      expect(all.errors).toEqual([]);
    }, 120_000);

    it('should list aliases as logical deployments, production ones serving production', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 2, deployments: 0 });
      const [first, second] = sim.store.estate.models;
      first.versions[0].aliases.push('champion');
      second.versions[1].aliases.push('challenger');
      const { all } = await collect(connector(sim));
      expect(all.deployments.map((d) => [d.externalId, d.versionExternalId, d.servingProduction])).toEqual(
        expect.arrayContaining([
          [`${first.name}@champion`, `${first.name}/1`, true],
          [`${second.name}@challenger`, `${second.name}/2`, false],
        ]),
      );
      expect(all.versions.find((v) => v.externalId === `${first.name}/1`)?.observedStage).toBe('PRODUCTION');
    });

    it('should place aliases and the Production stage by name: a staging alias is not production', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 2, deployments: 0 });
      const [first] = sim.store.estate.models;
      first.versions[0].aliases.push('staging');
      first.versions[1].aliases.push('dev');
      sim.store.promoteToProduction(first.name, 2);
      const { all } = await collect(connector(sim));
      expect(all.deployments.filter((d) => d.versionExternalId?.startsWith(`${first.name}/`)).map((d) => [d.name, d.environment, d.environmentRaw, d.servingProduction])).toEqual([
        ['dev', 'DEVELOPMENT', 'dev', false],
        ['staging', 'STAGING', 'staging', false],
        ['Production', 'PRODUCTION', 'Production', true],
      ]);
    });
  });

  describe('list under faults', () => {
    const faultCases: Array<[string, Record<string, unknown>]> = [
      ['throttling with Retry-After', { throttleRate: 0.3, retryAfterSeconds: 1 }],
      ['throttling without Retry-After', { throttleRate: 0.3, retryAfterSeconds: null }],
      ['5xx answers', { serverErrorRate: 0.3 }],
      ['truncated bodies', { truncateRate: 0.3 }],
      ['slow answers', { latencyMs: 20 }],
      ['a request that fails once', { failRequestNumbers: [4] }],
    ];

    it.each(faultCases)('should complete and equal the clean listing despite %s', async (_name, knobs) => {
      const sim = await simulator({ models: 12, versionsPerModel: 2, deployments: 6, maxPageSize: 5 });
      const clean = await collect(connector(sim));
      const cleanRequests = Number((await control(sim, 'GET', 'state')).requests);
      await control(sim, 'PUT', 'faults', knobs);
      const faulty = await collect(connector(sim));
      const state = await control(sim, 'GET', 'state');
      expect(faulty.all).toEqual(clean.all);
      expect(faulty.batches).toHaveLength(3);
      // 3 model pages, 12 version searches, 3 pages of the 13 experiments, 2 + 2 + 1 run searches (5 runs per page).
      expect(cleanRequests).toBe(3 + 12 + 3 + 5);
      // Every fault costs at least one extra request over the clean listing's count.
      if (!('latencyMs' in knobs)) expect(state.requests).toBeGreaterThan(cleanRequests);
    });

    it('should retry a request that timed out and complete the listing', async () => {
      const sim = await simulator({ models: 6, versionsPerModel: 2, deployments: 0 });
      const clean = await collect(connector(sim));
      await control(sim, 'PUT', 'faults', { latencyMs: 500 });
      let timeouts = 0;
      const fetchThenHeal: typeof fetch = async (input, init) => {
        try {
          return await fetch(input, init);
        } catch (error) {
          // The first timed-out request heals the vendor, so the retry answers promptly.
          if (timeouts++ === 0) await control(sim, 'DELETE', 'faults');
          throw error;
        }
      };
      const healed = await collect(connector(sim, { deps: { fetch: fetchThenHeal, timeoutMs: 100 } }));
      expect(timeouts).toBe(1);
      expect(healed.all).toEqual(clean.all);
    });

    it('should throw, after bounded retries, when the vendor always fails', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 1, deployments: 0 });
      await control(sim, 'PUT', 'faults', { failEveryRequest: true });
      const source = connector(sim, { deps: { retry: { ...RETRY, attempts: 3 } } });
      const error = await collect(source).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).retryable).toBe(true);
      expect((await control(sim, 'GET', 'state')).requests).toBe(3);
    });

    it('should throw instead of yielding a half-read page when the vendor fails mid-listing', async () => {
      const sim = await simulator({ models: 10, versionsPerModel: 2, deployments: 0, maxPageSize: 5 });
      const source = connector(sim, { deps: { retry: { ...RETRY, attempts: 2 } } });
      const yielded: NormalisedBatch[] = [];
      const error = await (async () => {
        for await (const batch of source.list(AbortSignal.timeout(10_000))) {
          yielded.push(batch);
          await control(sim, 'PUT', 'faults', { failEveryRequest: true });
        }
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(yielded).toHaveLength(1);
      expect(yielded[0].versions).toHaveLength(10);
    });

    it('should fail a listing whose throttling never ends with a RateLimitError', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 1, deployments: 0 });
      await control(sim, 'PUT', 'faults', { throttleRate: 1, retryAfterSeconds: 2 });
      const error = await collect(connector(sim, { deps: { retry: { ...RETRY, attempts: 2 } } })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'RateLimitError', status: 429, retryAfterMs: 2_000 });
    });
  });

  describe('list and authentication', () => {
    it('should fail with an AuthenticationError naming the source, without retrying, on a bad token', async () => {
      const sim = await simulator({ models: 2 });
      const error = await collect(connector(sim, { secret: { token: 'wrong' } })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).message).toContain(`MLflow at ${sim.url}`);
      expect((error as AuthenticationError).message).not.toContain('wrong');
      expect((await control(sim, 'GET', 'state')).requests).toBe(1);
    });

    it('should list through the basic-auth app with a user name and password, and refuse a bad password once', async () => {
      const sim = await simulator({ models: 4, versionsPerModel: 1, deployments: 0, auth: 'basic', credential: 's3cret', basicUsername: 'reader' });
      const { all } = await collect(connector(sim, { secret: { username: 'reader', password: 's3cret' } }));
      expect(ids(all.models)).toEqual(expectedIds(sim).models);

      await control(sim, 'DELETE', 'faults');
      const error = await collect(connector(sim, { secret: { username: 'reader', password: 'nope' } })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'AuthenticationError', status: 401 });
      expect((error as Error).message).toContain('You are not authenticated');
      expect((await control(sim, 'GET', 'state')).requests).toBe(1);
    });

    it('should fail with a 403 AuthenticationError when the credential may not read', async () => {
      const sim = await simulator({ models: 2, auth: 'basic', credential: 's3cret', basicUsername: 'reader', forbiddenCredential: 'limited' });
      const error = await collect(connector(sim, { secret: { username: 'reader', password: 'limited' } })).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'AuthenticationError', status: 403 });
      expect((error as Error).message).toContain('Permission denied');
    });

    it('should list a server without authentication with no secret, and be refused by a secured one', async () => {
      const open = await simulator({ models: 2, versionsPerModel: 1, deployments: 0, auth: 'none' });
      expect((await collect(connector(open, { secret: null }))).all.models).toHaveLength(2);
      const secured = await simulator({ models: 2 });
      await expect(collect(connector(secured, { secret: null }))).rejects.toBeInstanceOf(AuthenticationError);
    });
  });

  describe('list while the vendor changes', () => {
    it('should skip a model deleted after its page was read and keep a model that simply has no versions', async () => {
      const sim = await simulator({ models: 10, versionsPerModel: 2, deployments: 0, maxPageSize: 5 });
      await control(sim, 'POST', 'models', { name: 'empty-model', versions: 0 });
      // The last model by name: deleting it shifts no later page (see the offset-paging note in listing.ts).
      const doomed = [...sim.store.estate.models].sort((a, b) => (a.name < b.name ? -1 : 1)).at(-1)!.name;
      const deleteDoomed = async (url: URL) => {
        if (url.pathname.endsWith('model-versions/search') && url.searchParams.get('filter') === `name='${doomed}'`) await control(sim, 'DELETE', `models/${doomed}`);
      };
      const { all } = await collect(connector(sim, { deps: { fetch: recordingFetch([], deleteDoomed) } }));
      expect(ids(all.models)).toEqual(expectedIds(sim).models);
      expect(ids(all.models)).not.toContain(doomed);
      expect(ids(all.models)).toContain('empty-model');
      expect(all.versions.some((v) => v.modelExternalId === doomed)).toBe(false);
      expect(all.errors).toEqual([]);
    });

    it('should keep a version whose run vanished before the run search, without run lineage', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 2, deployments: 0 });
      const target = sim.store.estate.models[0].versions[0];
      const runId = target.runId;
      const dropRun = async (url: URL) => {
        if (url.pathname.endsWith('runs/search')) target.runId = 'gone';
      };
      const calls: string[] = [];
      const { all } = await collect(connector(sim, { deps: { fetch: recordingFetch(calls, dropRun) } }));
      const version = all.versions.find((v) => v.externalId === `${sim.store.estate.models[0].name}/1`);
      expect(version?.lineage).toEqual({ runId, projectId: null, projectName: null, commitId: null, datasets: [] });
      expect(version?.metrics).toEqual([]);
      expect(all.versions).toHaveLength(4);
      // Missing from the search answer, so asked for once more on its own (404 there): never silently dropped.
      expect(calls.filter((c) => c.startsWith('runs/get'))).toEqual([`runs/get?${runId}`]);
    });
  });

  describe('list with bulk run reads', () => {
    /** Content hashes of every record, as the inventory writer computes them, in listing order. */
    const hashes = (batches: NormalisedBatch[]) =>
      batches.map((b) => ({
        models: b.models.map((m) => contentHash('model', m)),
        versions: b.versions.map((v) => contentHash('version', v)),
        deployments: b.deployments.map((d) => contentHash('deployment', d)),
        errors: b.errors,
      }));

    function recordingLogger(): ConnectorLogger & { warnings: Array<{ obj: object; msg?: string }> } {
      const warnings: Array<{ obj: object; msg?: string }> = [];
      const ignore = () => {};
      return { warnings, debug: ignore, info: ignore, error: ignore, warn: (obj, msg) => void warnings.push({ obj, msg }) };
    }

    const runIdsIn = (call: string) => [...call.matchAll(/'([^']+)'/g)].map((m) => m[1]);

    it('should yield the same normalised estate, with the same content hashes, as reading each run with runs/get', async () => {
      const sim = await simulator({ seed: 5, models: 40, versionsPerModel: 3, deployments: 30 });
      sim.store.estate.models[2].versions[1].aliases.push('champion');
      const bulkCalls: string[] = [];
      const bulk = await collect(connector(sim, { settings: { pageSize: 15 }, deps: { fetch: recordingFetch(bulkCalls) } }));

      await control(sim, 'PUT', 'mlflow/run-search', { support: 'endpoint-not-found' });
      const perRunCalls: string[] = [];
      const perRun = await collect(connector(sim, { settings: { pageSize: 15 }, deps: { fetch: recordingFetch(perRunCalls) } }));

      expect(bulk.batches).toHaveLength(3);
      expect(bulk.all.errors).toEqual([]);
      expect(bulk.batches).toEqual(perRun.batches);
      expect(hashes(bulk.batches)).toEqual(hashes(perRun.batches));
      expect(bulk.all.versions.every((v) => v.lineage.projectId !== null && Object.keys(v.metrics).length > 0)).toBe(true);
      // 120 versions: one run search per page instead of 120 runs/get.
      expect(bulkCalls.filter((c) => c.startsWith('runs/get'))).toEqual([]);
      expect(bulkCalls.filter((c) => c.startsWith('runs/search'))).toHaveLength(3);
      expect(bulkCalls.filter((c) => c === 'experiments/search')).toHaveLength(1);
      expect(perRunCalls.filter((c) => c.startsWith('runs/get'))).toHaveLength(120);
    });

    it('should search the runs of a page with more than 100 versions in chunks of 100', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 50, deployments: 3 });
      const calls: string[] = [];
      const { batches, all } = await collect(connector(sim, { deps: { fetch: recordingFetch(calls) } }));
      const searches = calls.filter((c) => c.startsWith('runs/search'));

      expect(batches).toHaveLength(1);
      expect(searches.map((c) => runIdsIn(c).length).sort()).toEqual([100, 50]);
      const allRunIds = sim.store.estate.models.flatMap((m) => m.versions.map((v) => v.runId)).sort();
      expect(searches.flatMap(runIdsIn).sort()).toEqual(allRunIds);
      expect(calls.filter((c) => c.startsWith('runs/get'))).toEqual([]);
      expect(ids(all.versions)).toEqual(expectedIds(sim).versions);
      expect(all.versions.map((v) => v.lineage.runId).sort()).toEqual(allRunIds);
    });

    it('should read with runs/get a run that is in an experiment created after the experiment listing', async () => {
      const sim = await simulator({ models: 4, versionsPerModel: 2, deployments: 0 });
      const clean = await collect(connector(sim));
      const target = sim.store.estate.models[1].versions[0];
      const moveRun = async (url: URL) => {
        if (url.pathname.endsWith('runs/search')) target.experimentId = '777';
      };
      const calls: string[] = [];
      const { all } = await collect(connector(sim, { deps: { fetch: recordingFetch(calls, moveRun) } }));

      expect(calls.filter((c) => c.startsWith('runs/get'))).toEqual([`runs/get?${target.runId}`]);
      const version = all.versions.find((v) => v.externalId === `${sim.store.estate.models[1].name}/1`);
      expect(version?.lineage).toMatchObject({ runId: target.runId, projectId: '777', commitId: target.commitId });
      expect(version?.metrics).toEqual(typedMetrics(target.metrics));
      const others = (batch: NormalisedBatch) => batch.versions.filter((v) => v.externalId !== version?.externalId);
      expect(others(all)).toEqual(others(clean.all));
    });

    const refusals: Array<[string, number]> = [
      ['endpoint-not-found', 1],
      ['in-unsupported', 1],
      ['experiments-search-missing', 0],
    ];

    it.each(refusals)('should fall back to runs/get for the rest of the listing on a server answering %s, saying so once', async (support, runSearches) => {
      const sim = await simulator({ models: 12, versionsPerModel: 2, deployments: 6 });
      const bulk = await collect(connector(sim, { settings: { pageSize: 5 } }));
      await control(sim, 'PUT', 'mlflow/run-search', { support });
      const logger = recordingLogger();
      const calls: string[] = [];
      const fallback = await collect(connector(sim, { settings: { pageSize: 5 }, deps: { fetch: recordingFetch(calls), logger } }));

      expect(fallback.batches).toEqual(bulk.batches);
      expect(hashes(fallback.batches)).toEqual(hashes(bulk.batches));
      // Bulk reading is tried on the first page only; every run of the three pages is then read on its own.
      expect(calls.filter((c) => c === 'experiments/search')).toHaveLength(1);
      expect(calls.filter((c) => c.startsWith('runs/search'))).toHaveLength(runSearches);
      expect(calls.filter((c) => c.startsWith('runs/get'))).toHaveLength(24);
      expect(logger.warnings).toHaveLength(1);
      expect(logger.warnings[0].msg).toContain('runs/get for the rest of this listing');
      expect(logger.warnings[0].obj).toMatchObject({ vendor: 'mlflow', status: support === 'in-unsupported' ? 400 : 404 });
    });

    const transientFaults: Array<[string, Record<string, unknown>]> = [
      ['throttling (429 REQUEST_LIMIT_EXCEEDED)', { throttleRate: 1, retryAfterSeconds: 0 }],
      ['a 5xx', { failEveryRequest: true }],
    ];

    it.each(transientFaults)('should retry a run search answered with %s, without falling back', async (_name, knobs) => {
      const sim = await simulator({ models: 3, versionsPerModel: 2, deployments: 0 });
      const clean = await collect(connector(sim));
      let searches = 0;
      // The first run search meets the fault; its retry finds the vendor healed.
      const faultOnFirstSearch = async (url: URL) => {
        if (!url.pathname.endsWith('runs/search')) return;
        if (searches++ === 0) await control(sim, 'PUT', 'faults', knobs);
        else await control(sim, 'DELETE', 'faults');
      };
      const logger = recordingLogger();
      const calls: string[] = [];
      const { all } = await collect(connector(sim, { deps: { fetch: recordingFetch(calls, faultOnFirstSearch), logger } }));

      expect(calls.filter((c) => c.startsWith('runs/search'))).toHaveLength(2);
      expect(calls.filter((c) => c.startsWith('runs/get'))).toEqual([]);
      expect(logger.warnings).toEqual([]);
      expect(all).toEqual(clean.all);
    });

    it('should name the experiments in groups when there are more than one request may hold, and find every run', async () => {
      const sim = await simulator({ models: 60, versionsPerModel: 1, deployments: 0 });
      const clean = await collect(connector(sim, { settings: { pageSize: 20 } }));
      const searchedExperiments: string[][] = [];
      const calls: string[] = [];
      const recording = recordingFetch(calls);
      const client = new MlflowClient({
        trackingUri: sim.url,
        secret: { token: 'sim-credential' },
        deps: {
          retry: RETRY,
          fetch: (input, init) => {
            if (String(input).endsWith('runs/search')) searchedExperiments.push((JSON.parse(String(init?.body)) as { experiment_ids: string[] }).experiment_ids);
            return recording(input, init);
          },
        },
      });
      const batches: NormalisedBatch[] = [];
      const listing = listEstate(
        { client, context: { trackingUri: sim.url, productionAliases: ['production', 'prod', 'champion'], classifyEnvironment: compileEnvironmentRule(undefined) }, pageSize: 20, runReading: { experimentIdsPerSearch: 10 } },
        AbortSignal.timeout(30_000),
      );
      for await (const batch of listing) batches.push(batch);

      // Experiments 0-50 (the estate uses 1-50): six groups of at most ten.
      expect(new Set(searchedExperiments.flat()).size).toBe(51);
      expect(searchedExperiments.every((group) => group.length <= 10)).toBe(true);
      expect(calls.filter((c) => c.startsWith('runs/get'))).toEqual([]);
      expect(batches).toEqual(clean.batches);
    });
  });

  describe('check', () => {
    it('should report a reachable server with good credentials as connected', async () => {
      const sim = await simulator({ models: 2 });
      const result = await connector(sim).check(AbortSignal.timeout(5_000));
      expect(result).toEqual({ ok: true, message: `Connected to MLflow at ${sim.url}; the model registry is readable.`, details: { authentication: 'bearer token' } });
    });

    it('should connect through a tracking URI pasted from the web UI (#/models)', async () => {
      const sim = await simulator({ models: 2 });
      const result = await connector(sim, { settings: { trackingUri: `${sim.url}/#/models` } }).check(AbortSignal.timeout(5_000));
      expect(result).toMatchObject({ ok: true, message: `Connected to MLflow at ${sim.url}; the model registry is readable.` });
    });

    it('should explain rejected credentials after exactly one request', async () => {
      const sim = await simulator({ models: 2 });
      const result = await connector(sim, { secret: { token: 'stale' } }).check(AbortSignal.timeout(5_000));
      expect(result.ok).toBe(false);
      expect(result.message).toBe(`MLflow at ${sim.url} rejected the credentials (401). Check the token, or the user name and password.`);
      expect((await control(sim, 'GET', 'state')).requests).toBe(1);
    });

    it('should explain a tracking URI that is not an MLflow server and one that cannot be reached', async () => {
      const sim = await simulator({ models: 2 });
      const wrongPath = await createMlflowConnector({ trackingUri: `${sim.url}/mlflow` }, { token: 'sim-credential' }, { retry: RETRY }).check(AbortSignal.timeout(5_000));
      expect(wrongPath).toMatchObject({ ok: false, message: `MLflow at ${sim.url}/mlflow has no MLflow REST API under /api/2.0/mlflow (404). Check the tracking URI.` });

      const gone = await simulator({ models: 1 });
      const url = gone.url;
      await gone.close();
      const unreachable = await createMlflowConnector({ trackingUri: url }, null, { retry: RETRY, timeoutMs: 1_000 }).check(AbortSignal.timeout(5_000));
      expect(unreachable.ok).toBe(false);
      expect(unreachable.message).toMatch(new RegExp(`^Could not reach MLflow at ${url.replace(/\./g, '\\.')}`));
    });
  });

  describe('applyLifecycle', () => {
    const change = (versionExternalId: string, toState: LifecycleWriteBack['toState']): LifecycleWriteBack => ({
      changeRequestRef: 'cr-1',
      changeRequestUrl: null,
      modelExternalId: versionExternalId.split('/')[0],
      versionExternalId,
      fromState: 'APPROVED',
      toState,
      replacedBy: null,
      summary: 'requested by alice, approved by bob',
    });

    it('should point the production alias at the version and tag it, which the next listing observes', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 3, deployments: 0 });
      const model = sim.store.estate.models[0];
      const source = connector(sim);
      const outcome = await source.applyLifecycle!(change(`${model.name}/2`, 'PRODUCTION'), AbortSignal.timeout(5_000));

      expect(outcome.status).toBe('DONE');
      expect(outcome.message).toContain('set alias "production"');
      expect(model.versions[1].aliases).toEqual(['production']);
      expect(model.versions[1].tags['modelops.lifecycle']).toBe('PRODUCTION');
      expect(sim.store.writeBacks.map((w) => [w.operation, w.target, w.payload])).toEqual([
        ['POST registered-models/alias', `${model.name}/2`, { alias: 'production' }],
        ['POST model-versions/set-tag', `${model.name}/2`, { key: 'modelops.lifecycle', value: 'PRODUCTION' }],
        ['POST model-versions/set-tag', `${model.name}/2`, { key: 'modelops.change_request', value: 'cr-1' }],
      ]);

      // A re-delivery (e.g. after a worker died before recording the outcome) writes nothing more.
      const again = await source.applyLifecycle!(change(`${model.name}/2`, 'PRODUCTION'), AbortSignal.timeout(5_000));
      expect(again).toMatchObject({ status: 'DONE', message: expect.stringContaining('already delivered') });
      expect(sim.store.writeBacks).toHaveLength(3);

      const { all } = await collect(source);
      expect(all.deployments.find((d) => d.externalId === `${model.name}@production`)).toMatchObject({ versionExternalId: `${model.name}/2`, servingProduction: true });
      expect(all.versions.find((v) => v.externalId === `${model.name}/2`)).toMatchObject({ observedStage: 'PRODUCTION', tags: expect.objectContaining({ 'modelops.lifecycle': 'PRODUCTION' }) });
    });

    it('should remove the governed aliases of a retired version and leave the others', async () => {
      const sim = await simulator({ models: 1, versionsPerModel: 2, deployments: 0 });
      const model = sim.store.estate.models[0];
      model.versions[0].aliases.push('production', 'approved', 'challenger');
      const source = connector(sim, { settings: { aliasByState: { PRODUCTION: 'production', APPROVED: 'approved' } } });
      const outcome = await source.applyLifecycle!(change(`${model.name}/1`, 'RETIRED'), AbortSignal.timeout(5_000));

      expect(outcome).toEqual({
        status: 'DONE',
        message: `MLflow ${model.name} version 1: removed alias "approved", "production"; tagged modelops.lifecycle=RETIRED (change request cr-1).`,
      });
      expect(model.versions[0].aliases).toEqual(['challenger']);
      expect(model.versions[0].tags['modelops.lifecycle']).toBe('RETIRED');
    });

    it('should only tag the version for a state without a configured alias', async () => {
      const sim = await simulator({ models: 1, versionsPerModel: 1, deployments: 0 });
      const model = sim.store.estate.models[0];
      const outcome = await connector(sim).applyLifecycle!(change(`${model.name}/1`, 'VALIDATION'), AbortSignal.timeout(5_000));
      expect(outcome.status).toBe('DONE');
      expect(outcome.message).toContain('no alias is configured for VALIDATION');
      expect(model.versions[0].aliases).toEqual([]);
      expect(sim.store.writeBacks.map((w) => w.operation)).toEqual(['POST model-versions/set-tag', 'POST model-versions/set-tag']);
    });

    it('should fail with VendorNotFoundError for a version the vendor does not have', async () => {
      const sim = await simulator({ models: 1, versionsPerModel: 1, deployments: 0 });
      const name = sim.store.estate.models[0].name;
      await expect(connector(sim).applyLifecycle!(change(`${name}/9`, 'PRODUCTION'), AbortSignal.timeout(5_000))).rejects.toBeInstanceOf(VendorNotFoundError);
      expect(sim.store.writeBacks).toEqual([]);
    });
  });
});

describe('startMlflowSimulator', () => {
  const auth = { authorization: 'Bearer sim-credential' };

  it('should page registered models with base64 {"offset": N} tokens, only while more remain', async () => {
    const sim = await simulator({ models: 5, versionsPerModel: 1, deployments: 0 });
    const first = (await (await fetch(`${sim.url}/api/2.0/mlflow/registered-models/search?max_results=3`, { headers: auth })).json()) as Record<string, unknown>;
    expect(Buffer.from(String(first.next_page_token), 'base64').toString()).toBe('{"offset": 3}');
    const second = (await (await fetch(`${sim.url}/api/2.0/mlflow/registered-models/search?max_results=3&page_token=${first.next_page_token}`, { headers: auth })).json()) as Record<string, unknown>;
    expect((second.registered_models as unknown[]).length).toBe(2);
    expect(second).not.toHaveProperty('next_page_token');
  });

  it('should refuse max_results above 1000 and a write without a JSON content type, in MLflow error shape', async () => {
    const sim = await simulator({ models: 1, versionsPerModel: 1, deployments: 0 });
    const tooMany = await fetch(`${sim.url}/api/2.0/mlflow/registered-models/search?max_results=5000`, { headers: auth });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const name = sim.store.estate.models[0].name;
    const noType = await fetch(`${sim.url}/api/2.0/mlflow/registered-models/alias`, { method: 'DELETE', headers: auth, body: JSON.stringify({ name, alias: 'x' }) });
    expect(noType.status).toBe(400);
    const missing = await fetch(`${sim.url}/api/2.0/mlflow/model-versions/get?name=nope&version=1`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=nope not found' });
  });

  it("should refuse a model version tag over MLflow's length limits and keep the tags it has", async () => {
    const sim = await simulator({ models: 1, versionsPerModel: 1, deployments: 0 });
    const name = sim.store.estate.models[0].name;
    const setTag = (key: string, value: string) =>
      fetch(`${sim.url}/api/2.0/mlflow/model-versions/set-tag`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name, version: '1', key, value }) });
    const tooLong = await setTag('note', 'x'.repeat(5001));
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('exceeded length limit of 5000') });
    expect((await setTag('k'.repeat(251), 'v')).status).toBe(400);
    expect((await setTag('note', 'x'.repeat(5000))).status).toBe(200);
    expect(sim.store.version(name, 1).tags.note).toHaveLength(5000);
  });

  describe('runs/search and experiments/search', () => {
    const post = (sim: SimulatorHandle, route: string, body: unknown, headers: Record<string, string> = { ...auth, 'content-type': 'application/json' }) =>
      fetch(`${sim.url}/api/2.0/mlflow/${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

    it('should answer an IN filter on run_id with exactly those runs, each as runs/get renders it', async () => {
      const sim = await simulator({ models: 4, versionsPerModel: 2, deployments: 0 });
      const versions = sim.store.estate.models.flatMap((m) => m.versions);
      const wanted = [versions[0], versions[3], versions[6]];
      const experiments = ((await json(await post(sim, 'experiments/search', { view_type: 'ALL' }))).experiments as Array<{ experiment_id: string }>).map((e) => e.experiment_id);
      expect(experiments).toEqual(['0', '1', '2', '3', '4']);

      const response = await post(sim, 'runs/search', {
        experiment_ids: experiments,
        filter: `attributes.run_id IN (${wanted.map((v) => `'${v.runId}'`).join(', ')}, 'not-a-run')`,
        run_view_type: 'ALL',
        max_results: 100,
      });
      expect(response.status).toBe(200);
      const runs = (await json(response)).runs as Array<{ info: { run_id: string } }>;
      expect(runs.map((r) => r.info.run_id).sort()).toEqual(wanted.map((v) => v.runId).sort());
      for (const run of runs) {
        const single = await json(await fetch(`${sim.url}/api/2.0/mlflow/runs/get?run_id=${run.info.run_id}`, { headers: auth }));
        expect(single.run).toEqual(run);
      }
      // Only the named experiments are searched.
      const elsewhere = await json(await post(sim, 'runs/search', { experiment_ids: ['0'], filter: `run_id IN ('${wanted[0].runId}')` }));
      expect(elsewhere).toEqual({});
    });

    it('should page run and experiment searches with {"offset": N} tokens', async () => {
      const sim = await simulator({ models: 5, versionsPerModel: 1, deployments: 0 });
      const runIds = sim.store.estate.models.map((m) => m.versions[0].runId);
      const filter = `run_id IN (${runIds.map((id) => `"${id}"`).join(',')},)`;
      const first = await json(await post(sim, 'runs/search', { experiment_ids: ['1', '2', '3', '4', '5'], filter, max_results: 3 }));
      expect(first.runs).toHaveLength(3);
      expect(Buffer.from(String(first.next_page_token), 'base64').toString()).toBe('{"offset": 3}');
      const second = await json(await post(sim, 'runs/search', { experiment_ids: ['1', '2', '3', '4', '5'], filter, max_results: 3, page_token: first.next_page_token }));
      expect(second).not.toHaveProperty('next_page_token');
      expect([...(first.runs as Array<{ info: { run_id: string } }>), ...(second.runs as Array<{ info: { run_id: string } }>)].map((r) => r.info.run_id).sort()).toEqual([...runIds].sort());

      const experiments = await json(await post(sim, 'experiments/search', { max_results: 4 }));
      expect(experiments.experiments).toHaveLength(4);
      expect(experiments.next_page_token).toBeDefined();
    });

    it('should answer experiments/get with the experiment experiments/search lists, and 404 for an unknown id', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 1, deployments: 0 });
      const listed = (await json(await post(sim, 'experiments/search', {}))).experiments as Array<{ experiment_id: string }>;
      const id = sim.store.estate.models[0].versions[0].experimentId;
      const got = await json(await fetch(`${sim.url}/api/2.0/mlflow/experiments/get?experiment_id=${id}`, { headers: auth }));
      expect(got).toEqual({ experiment: listed.find((e) => e.experiment_id === id) });
      expect(got.experiment).toMatchObject({ experiment_id: id, name: expect.any(String), artifact_location: expect.any(String), lifecycle_stage: 'active', creation_time: expect.any(Number), last_update_time: expect.any(Number) });
      const unknown = await fetch(`${sim.url}/api/2.0/mlflow/experiments/get?experiment_id=999`, { headers: auth });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=999 exists' });
    });

    it('should refuse what MLflow refuses, in its error shape', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 1, deployments: 0 });
      const invalid = { error_code: 'INVALID_PARAMETER_VALUE', message: expect.any(String) };
      const refusals: unknown[] = [
        { experiment_ids: ['1'], filter: 'metrics.auc > 0.5' },
        { experiment_ids: ['1'], filter: 'attributes.run_id IN ()' },
        { experiment_ids: ['1'], filter: "attributes.run_id IN ('a' 'b')" },
        { experiment_ids: ['1'], filter: "attributes.run_id = 'a' OR attributes.run_id = 'b'" },
        { experiment_ids: ['1'], filter: "attributes.owner = 'a'" },
        { experiment_ids: '1' },
        { experiment_ids: ['1'], max_results: 50_001 },
        { experiment_ids: ['1'], max_results: 0 },
        { experiment_ids: ['1'], run_view_type: 'SOME' },
      ];
      for (const body of refusals) {
        const response = await post(sim, 'runs/search', body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(await response.json()).toEqual(invalid);
      }
      const tooMany = await post(sim, 'experiments/search', { max_results: 50_001 });
      expect(tooMany.status).toBe(400);
      expect(await tooMany.json()).toEqual(invalid);
      expect((await post(sim, 'runs/search', { experiment_ids: ['1'] }, { ...auth, 'content-type': 'text/plain' })).status).toBe(400);
      expect((await fetch(`${sim.url}/api/2.0/mlflow/runs/search`, { headers: auth })).status).toBe(405);
      expect((await post(sim, 'runs/search', { experiment_ids: ['1'] }, { 'content-type': 'application/json' })).status).toBe(401);
    });

    it('should answer like an older server when told to', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 1, deployments: 0, runSearch: 'endpoint-not-found' });
      const runId = sim.store.estate.models[0].versions[0].runId;
      const search = () => post(sim, 'runs/search', { experiment_ids: ['1'], filter: `attributes.run_id IN ('${runId}')` });

      const missing = await search();
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error_code: 'ENDPOINT_NOT_FOUND', message: "No API found for 'POST /mlflow/runs/search'" });

      expect(await control(sim, 'PUT', 'mlflow/run-search', { support: 'in-unsupported' })).toEqual({ support: 'in-unsupported' });
      const noIn = await search();
      expect(noIn.status).toBe(400);
      expect(await noIn.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      const equals = await json(await post(sim, 'runs/search', { experiment_ids: ['1'], filter: `attributes.run_id = '${runId}'` }));
      expect((equals.runs as unknown[]).length).toBe(1);

      await control(sim, 'PUT', 'mlflow/run-search', { support: 'experiments-search-missing' });
      const noExperiments = await post(sim, 'experiments/search', {});
      expect(noExperiments.status).toBe(404);
      expect(noExperiments.headers.get('content-type')).toContain('text/html');
      expect((await control(sim, 'PUT', 'mlflow/run-search', { support: 'sometimes' })).error).toContain('support must be one of');
    });
  });

  it('should answer the same requests with the same bytes for the same seed', async () => {
    const [a, b] = await Promise.all([simulator({ seed: 7, models: 3 }), simulator({ seed: 7, models: 3 })]);
    const read = async (sim: SimulatorHandle) => (await fetch(`${sim.url}/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent("name LIKE '%'")}`, { headers: auth })).text();
    expect(await read(a)).toBe(await read(b));
  });
});

/** A simulated version's metric map as the connector types it: run metrics at step 0, in name order, all TRAINING. */
function typedMetrics(metrics: Record<string, number>) {
  return Object.entries(metrics)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value, step: 0, timestamp: expect.any(Date), kind: 'TRAINING' }));
}
