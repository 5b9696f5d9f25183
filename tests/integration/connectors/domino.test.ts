import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConnectorError,
  LIFECYCLE_STATES,
  type Connector,
  type ConnectorDeps,
  type NormalisedBatch,
} from '../../../connectors/contract.js';
import { createDominoConnector, type DominoSecret } from '../../../connectors/domino/index.js';
import { startDominoSimulator, type DominoSimulatorOptions } from '../../../connectors/domino/simulator.js';
import { servesProduction, type FaultKnobs, type SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';

/**
 * The Domino connector against its simulator over loopback HTTP: paging, the estate it yields, every vendor fault,
 * vanishing items, credentials, check() and the (unsupported) lifecycle write-back.
 */
const FAST: ConnectorDeps = { retry: { attempts: 8, baseDelayMs: 5, maxDelayMs: 50 }, timeoutMs: 2_000 };
const GOOD: DominoSecret = { apiKey: 'sim-credential' };

const running: SimulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function simulator(options: DominoSimulatorOptions): Promise<SimulatorHandle> {
  const sim = await startDominoSimulator(options);
  running.push(sim);
  return sim;
}

function connector(sim: SimulatorHandle, deps: ConnectorDeps = {}, secret: DominoSecret = GOOD): Connector {
  return createDominoConnector({ host: sim.url }, secret, { ...FAST, ...deps });
}

interface Listing {
  batches: NormalisedBatch[];
  models: NormalisedBatch['models'];
  versions: NormalisedBatch['versions'];
  deployments: NormalisedBatch['deployments'];
  errors: NormalisedBatch['errors'];
}

async function collect(source: AsyncIterable<NormalisedBatch>): Promise<Listing> {
  const listing: Listing = { batches: [], models: [], versions: [], deployments: [], errors: [] };
  for await (const batch of source) {
    listing.batches.push(batch);
    listing.models.push(...batch.models);
    listing.versions.push(...batch.versions);
    listing.deployments.push(...batch.deployments);
    listing.errors.push(...batch.errors);
  }
  return listing;
}

const list = (c: Connector) => collect(c.list(new AbortController().signal));
const ids = (records: Array<{ externalId: string }>) => records.map((r) => r.externalId).sort();

async function simState(sim: SimulatorHandle): Promise<{ requests: number; writeBacks: unknown[] }> {
  return (await fetch(`${sim.url}/__sim/state`)).json() as Promise<{ requests: number; writeBacks: unknown[] }>;
}

async function setFaults(sim: SimulatorHandle, knobs: Partial<FaultKnobs>): Promise<void> {
  await fetch(`${sim.url}/__sim/faults`, { method: 'PUT', body: JSON.stringify(knobs) });
}

/** What the estate says the listing must contain. */
function expected(sim: SimulatorHandle) {
  const { models, deployments } = sim.store.estate;
  return {
    models: models.map((m) => m.name).sort(),
    versions: models.flatMap((m) => m.versions.map((v) => `${m.name}/${v.number}`)).sort(),
    deployments: deployments
      .map((d) => ({ externalId: d.id, versionExternalId: `${d.modelName}/${d.versionNumber}`, servingProduction: servesProduction(d) }))
      .sort((a, b) => a.externalId.localeCompare(b.externalId)),
  };
}

function deploymentLinks(listing: Listing) {
  return listing.deployments
    .map((d) => ({ externalId: d.externalId, versionExternalId: d.versionExternalId, servingProduction: d.servingProduction }))
    .sort((a, b) => a.externalId.localeCompare(b.externalId));
}

describe('DominoConnector', () => {
  describe('list', () => {
    it('should list the whole estate across at least three pages, models before their versions', async () => {
      const sim = await simulator({ models: 12, versionsPerModel: 2, deployments: 6 });
      const modelPages: number[] = [];
      const listing = await list(connector(sim, { pageSize: 5, onVendorCall: (call) => call.operation === 'registeredmodels/list' && modelPages.push(call.attempt) }));

      expect(modelPages.length).toBeGreaterThanOrEqual(3);
      const want = expected(sim);
      expect(ids(listing.models)).toEqual(want.models);
      expect(ids(listing.versions)).toEqual(want.versions);
      expect(deploymentLinks(listing)).toEqual(want.deployments);
      expect(listing.errors).toEqual([]);
      const seenModels = new Set<string>();
      for (const batch of listing.batches) {
        for (const model of batch.models) seenModels.add(model.externalId);
        for (const version of batch.versions) expect(seenModels.has(version.modelExternalId!)).toBe(true);
      }
    });

    it('should yield exactly the estate for 5 000 versions', async () => {
      const sim = await simulator({ models: 500, versionsPerModel: 10, deployments: 40 });
      const listing = await list(connector(sim, { pageSize: 100 }));

      const want = expected(sim);
      expect(listing.versions).toHaveLength(5_000);
      expect(ids(listing.models)).toEqual(want.models);
      expect(ids(listing.versions)).toEqual(want.versions);
      expect(deploymentLinks(listing)).toEqual(want.deployments);
    });

    it('should fetch no page before the consumer asks for it', async () => {
      const sim = await simulator({ models: 30, versionsPerModel: 2, deployments: 5 });
      const iterator = connector(sim, { pageSize: 10 }).list(new AbortController().signal)[Symbol.asyncIterator]();
      await iterator.next();
      // the first model page and the first model's versions, nothing more
      expect((await simState(sim)).requests).toBe(2);
      await iterator.return?.(undefined);
    });

    it('should carry the simulated vendor values into the normalised records', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 2, deployments: 3, productionShare: 1 });
      const listing = await list(connector(sim));
      const model = sim.store.estate.models[0];
      const version = model.versions[1];
      expect(listing.models.find((m) => m.externalId === model.name)).toMatchObject({
        name: model.name,
        owner: model.owner,
        description: model.description,
        createdAt: new Date(model.createdAt),
      });
      expect(listing.versions.find((v) => v.externalId === `${model.name}/2`)).toMatchObject({
        modelExternalId: model.name,
        versionNumber: 2,
        createdBy: version.createdBy,
        observedStageRaw: version.stage,
        lineage: { runId: version.runId },
      });
      const deployment = sim.store.estate.deployments[0];
      expect(listing.deployments.find((d) => d.externalId === deployment.id)).toMatchObject({
        name: deployment.name,
        status: 'ACTIVE',
        statusRaw: 'Running',
        servingProduction: true,
        endpointUrl: `${sim.url}/models/${deployment.id}/latest/model`,
      });
    });

    it("should place a Running Model API by its active version's labels: a staging one does not serve production", async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 2, deployments: 0 });
      const [a, b] = sim.store.estate.models.map((m) => m.name);
      const staging = sim.store.deploy(a, 2, { environment: 'staging' });
      const live = sim.store.deploy(b, 2, { environment: 'production', tags: { team: 'risk' } });
      const listing = await list(connector(sim));
      expect(listing.deployments.find((d) => d.externalId === staging.id)).toMatchObject({ status: 'ACTIVE', statusRaw: 'Running', environment: 'STAGING', environmentRaw: 'staging', servingProduction: false });
      expect(listing.deployments.find((d) => d.externalId === live.id)).toMatchObject({
        status: 'ACTIVE',
        statusRaw: 'Running',
        environment: 'PRODUCTION',
        tags: { environment: 'production', team: 'risk' },
        servingProduction: true,
      });
    });

    it('should report an archived Model API as archived and not serving production', async () => {
      const sim = await simulator({ models: 4, versionsPerModel: 2, deployments: 4, productionShare: 1 });
      const archived = sim.store.estate.deployments[1];
      archived.status = 'inactive';
      const listing = await list(connector(sim));
      expect(listing.deployments.find((d) => d.externalId === archived.id)).toMatchObject({
        status: 'INACTIVE',
        statusRaw: 'Archived',
        servingProduction: false,
        versionExternalId: `${archived.modelName}/${archived.versionNumber}`,
      });
    });

    it.each(['data', 'array'] as const)('should read registry lists in a %s envelope as it reads the items envelope', async (registryEnvelope) => {
      const reference = await simulator({ models: 11, versionsPerModel: 3, deployments: 4 });
      const other = await simulator({ models: 11, versionsPerModel: 3, deployments: 4, registryEnvelope });
      const [a, b] = await Promise.all([list(connector(reference, { pageSize: 4 })), list(connector(other, { pageSize: 4 }))]);
      // Deep links carry each simulator's own host; everything else must match.
      const hostless = (records: Array<{ deepLink: string | null }>) => records.map(({ deepLink: _link, ...rest }) => rest);
      expect(hostless(b.models)).toEqual(hostless(a.models));
      expect(hostless(b.versions)).toEqual(hostless(a.versions));
      expect(deploymentLinks(b)).toEqual(deploymentLinks(a));
    });

    it('should report a version that cannot be normalised and keep the rest of its page', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 3, deployments: 0 });
      const broken = sim.store.estate.models[1].name;
      const corrupting: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input).includes(`/registeredmodels/v1/${broken}/versions`)) return response;
        const body = (await response.json()) as { items: Array<Record<string, unknown>> };
        delete body.items[0].modelVersion;
        return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
      };
      const listing = await list(connector(sim, { fetch: corrupting }));
      expect(listing.errors).toEqual([{ kind: 'version', externalId: `${broken}/?`, reason: 'the registered model version has no version number' }]);
      expect(listing.versions.filter((v) => v.modelExternalId === broken).map((v) => v.version)).toEqual(['2', '3']);
      expect(listing.versions).toHaveLength(8);
    });
  });

  describe('list under vendor faults', () => {
    const faultCases: Array<[string, Partial<FaultKnobs>]> = [
      ['throttling with Retry-After', { throttleRate: 0.3, retryAfterSeconds: 1 }],
      ['throttling without Retry-After', { throttleRate: 0.3, retryAfterSeconds: null }],
      ['5xx errors', { serverErrorRate: 0.3 }],
      ['truncated bodies', { truncateRate: 0.3 }],
      ['requests that fail once', { failRequestNumbers: [1, 3, 7] }],
    ];

    it.each(faultCases)('should retry through %s and yield the clean listing', async (_name, knobs) => {
      const sim = await simulator({ models: 15, versionsPerModel: 2, deployments: 8 });
      const clean = await list(connector(sim, { pageSize: 5 }));
      await setFaults(sim, knobs);
      let retriedCalls = 0;
      const faulty = await list(connector(sim, { pageSize: 5, onVendorCall: (call) => call.attempt > 1 && retriedCalls++ }));

      expect(retriedCalls).toBeGreaterThan(0);
      expect(faulty.models).toEqual(clean.models);
      expect(faulty.versions).toEqual(clean.versions);
      expect(faulty.deployments).toEqual(clean.deployments);
      expect(faulty.errors).toEqual([]);
    });

    it('should wait as long as Retry-After asks when throttled', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 1, deployments: 0 });
      await setFaults(sim, { throttleRate: 0.5, retryAfterSeconds: 1 });
      let throttled = 0;
      const started = performance.now();
      const listing = await list(connector(sim, { retry: { attempts: 8, baseDelayMs: 5, maxDelayMs: 5_000 }, onVendorCall: (call) => call.status === 429 && throttled++ }));
      expect(listing.models).toHaveLength(2);
      expect(throttled).toBeGreaterThan(0);
      expect(performance.now() - started).toBeGreaterThanOrEqual(throttled * 1_000 - 50);
    });

    it('should complete through slow responses that stay within the timeout', async () => {
      const sim = await simulator({ models: 6, versionsPerModel: 2, deployments: 2 });
      const clean = await list(connector(sim, { pageSize: 5 }));
      await setFaults(sim, { latencyMs: 30 });
      const slow = await list(connector(sim, { pageSize: 5 }));
      expect(slow.versions).toEqual(clean.versions);
      expect(slow.deployments).toEqual(clean.deployments);
    });

    it('should throw a timeout when every response is slower than the timeout', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 1, deployments: 0 });
      await setFaults(sim, { latencyMs: 300 });
      await expect(list(connector(sim, { timeoutMs: 80, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } }))).rejects.toThrow(/timed out after 80 ms/);
    });

    it('should throw, after its retries, when the vendor always fails', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 1, deployments: 0 });
      await setFaults(sim, { failEveryRequest: true });
      const error = await list(connector(sim, { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10 } })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ status: 500, message: expect.stringContaining('Internal server error') });
      expect((await simState(sim)).requests).toBe(3);
    });

    it('should throw rather than end quietly when the vendor starts failing mid-listing', async () => {
      const sim = await simulator({ models: 10, versionsPerModel: 1, deployments: 0 });
      const iterator = connector(sim, { pageSize: 5, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } }).list(new AbortController().signal)[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value?.models).toHaveLength(1);
      await setFaults(sim, { failEveryRequest: true });
      await expect(
        (async () => {
          for (let next = await iterator.next(); !next.done; next = await iterator.next());
        })(),
      ).rejects.toBeInstanceOf(ConnectorError);
    });
  });

  describe('list with changing estate', () => {
    it('should skip a registered model deleted mid-listing and still list every other model', async () => {
      const sim = await simulator({ models: 12, versionsPerModel: 2, deployments: 0 });
      const names = sim.store.estate.models.map((m) => m.name);
      const listing: Listing = { batches: [], models: [], versions: [], deployments: [], errors: [] };
      for await (const batch of connector(sim, { pageSize: 5 }).list(new AbortController().signal)) {
        if (listing.batches.length === 0) sim.store.removeModel(names[1]);
        listing.batches.push(batch);
        listing.models.push(...batch.models);
        listing.versions.push(...batch.versions);
        listing.errors.push(...batch.errors);
      }
      expect(ids(listing.models)).toEqual(names.filter((n) => n !== names[1]).sort());
      expect(listing.versions.some((v) => v.modelExternalId === names[1])).toBe(false);
      expect(listing.errors).toEqual([]);
    });

    it('should skip a Model API that vanishes between its listing and its versions call', async () => {
      const sim = await simulator({ models: 4, versionsPerModel: 2, deployments: 4 });
      const gone = sim.store.estate.deployments[2];
      const vanishing: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (new URL(String(input)).pathname === '/api/modelServing/v1/modelApis') {
          sim.store.estate.deployments = sim.store.estate.deployments.filter((d) => d.id !== gone.id);
        }
        return response;
      };
      const listing = await list(connector(sim, { fetch: vanishing }));
      expect(ids(listing.deployments)).toEqual(sim.store.estate.deployments.map((d) => d.id).sort());
      expect(listing.deployments).toHaveLength(3);
      expect(listing.errors).toEqual([]);
    });
  });

  describe('credentials', () => {
    it('should throw an AuthenticationError naming the source after one request for a wrong API key', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 1, deployments: 0 });
      const error = await list(connector(sim, {}, { apiKey: 'wrong' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toContain(`Domino at ${sim.url}`);
      expect((error as Error).message).not.toContain('wrong');
      expect((await simState(sim)).requests).toBe(1);
    });

    it('should list with a bearer token as with an API key', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 2, deployments: 2 });
      const listing = await list(connector(sim, {}, { token: 'sim-credential' }));
      expect(ids(listing.versions)).toEqual(expected(sim).versions);
    });
  });

  describe('check', () => {
    it('should report success with one request for good credentials', async () => {
      const sim = await simulator({ models: 7, versionsPerModel: 1, deployments: 0 });
      const result = await connector(sim).check(new AbortController().signal);
      expect(result).toEqual({
        ok: true,
        message: `Connected to Domino at ${sim.url}: the model registry answered and the credentials were accepted.`,
        details: { host: sim.url, registeredModels: '7' },
      });
      expect((await simState(sim)).requests).toBe(1);
    });

    it('should explain rejected credentials', async () => {
      const sim = await simulator({ models: 1, versionsPerModel: 1, deployments: 0 });
      const result = await connector(sim, {}, { token: 'expired' }).check(new AbortController().signal);
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/rejected the credentials \(401\)\. Check the API key or token/);
    });

    it('should explain a host that is not Domino', async () => {
      const sim = await simulator({ models: 1, versionsPerModel: 1, deployments: 0 });
      const result = await createDominoConnector({ host: `${sim.url}/not-domino` }, GOOD, FAST).check(new AbortController().signal);
      expect(result).toMatchObject({ ok: false, message: expect.stringContaining('answered 404') });
    });

    it('should explain an unreachable host', async () => {
      const sim = await simulator({ models: 1, versionsPerModel: 1, deployments: 0 });
      const host = sim.url;
      await sim.close();
      const result = await createDominoConnector({ host }, GOOD, FAST).check(new AbortController().signal);
      expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/^Could not reach Domino at .*Check the host URL/) });
    });
  });

  describe('applyLifecycle', () => {
    it.each(LIFECYCLE_STATES)('should return UNSUPPORTED for %s and leave Domino untouched', async (toState) => {
      const sim = await simulator({ models: 2, versionsPerModel: 2, deployments: 1 });
      const model = sim.store.estate.models[0];
      const before = JSON.stringify(sim.store.estate);
      const outcome = await connector(sim).applyLifecycle!(
        { changeRequestRef: 'cr-1', changeRequestUrl: null, modelExternalId: model.name, versionExternalId: `${model.name}/1`, fromState: 'DEVELOPMENT', toState, replacedBy: null, summary: 'alice asked, bob approved' },
        new AbortController().signal,
      );
      expect(outcome.status).toBe('UNSUPPORTED');
      expect(outcome.message).toContain(`${model.name}/1 is ${toState} in the hub only`);
      expect(await simState(sim)).toMatchObject({ requests: 0, writeBacks: [] });
      expect(JSON.stringify(sim.store.estate)).toBe(before);
    });
  });
});

describe('createDominoConnector', () => {
  it('should refuse a secret with neither an API key nor a token, without echoing it', () => {
    expect(() => createDominoConnector({ host: 'https://domino.example.com' }, { apiKey: '' } as DominoSecret)).toThrow(/exactly one of apiKey or token/);
  });
});
