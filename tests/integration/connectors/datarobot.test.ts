/**
 * The DataRobot connector against its simulator over loopback HTTP: paging by absolute `next` links, faults and
 * retries, authentication, items vanishing mid-listing, older servers without `modelPackage`, the connection
 * check, and lifecycle write-backs read back from the simulator's estate.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectorError, type ConnectorDeps, type LifecycleWriteBack, type NormalisedBatch } from '../../../connectors/contract.js';
import { createDataRobotConnector } from '../../../connectors/datarobot/index.js';
import { startDataRobotSimulator, type DataRobotSimulatorHandle } from '../../../connectors/datarobot/simulator.js';
import { leaderboardMetricName, simIds } from '../../../connectors/datarobot/simulator-records.js';
import { servesProduction, type FaultKnobs, type SimulatorHandle, type SimulatorOptions } from '../../../connectors/shared/simulator-kit.js';
import { collectListing } from '../../helpers/listing.js';

const FAST: ConnectorDeps = { retry: { baseDelayMs: 5, maxDelayMs: 50 }, timeoutMs: 2_000 };
const running: SimulatorHandle[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function simulator(options: SimulatorOptions = {}): Promise<DataRobotSimulatorHandle> {
  const sim = await startDataRobotSimulator(options);
  running.push(sim);
  return sim;
}

function connectorFor(sim: SimulatorHandle, deps: ConnectorDeps = {}, apiToken = 'sim-credential') {
  return createDataRobotConnector({ endpoint: `${sim.url}/api/v2` }, { apiToken }, { ...FAST, ...deps });
}


async function simState(sim: SimulatorHandle): Promise<{ requests: number; writeBacks: Array<{ operation: string; target: string; payload: unknown }> }> {
  return (await fetch(`${sim.url}/__sim/state`)).json() as never;
}

/** A fetch that rewrites JSON answers of matching URLs, to play an older or misbehaving server. */
function rewritingFetch(matches: (url: string) => boolean, rewrite: (body: Record<string, unknown>) => unknown): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!matches(String(input)) || !response.ok) return response;
    const body = rewrite((await response.json()) as Record<string, unknown>);
    return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
  };
}

function expectedVersionIds(sim: SimulatorHandle): string[] {
  return sim.store.estate.models.flatMap((m) => m.versions.map((v) => simIds.version(m.name, v.number)));
}

const signal = () => AbortSignal.timeout(55_000);

describe('DataRobotConnector', () => {
  describe('list', () => {
    it('should follow next links across pages and yield the whole estate, linked parent to child', async () => {
      const sim = await simulator({ models: 12, versionsPerModel: 3, deployments: 8 });
      const listing = await collectListing(connectorFor(sim, { pageSize: 5 }).list(signal()));

      expect(listing.models.map((m) => m.name)).toEqual(sim.store.estate.models.map((m) => m.name));
      expect(listing.versions.map((v) => v.externalId)).toEqual(expectedVersionIds(sim));
      expect(listing.deployments.map((d) => d.externalId)).toEqual(sim.store.estate.deployments.map((d) => d.id));
      expect(listing.errors).toEqual([]);
      // 3 model pages, 12 version pages, 2 deployment pages
      expect(listing.batches).toBe(17);

      const versionIds = new Set(listing.versions.map((v) => v.externalId));
      const modelIds = new Set(listing.models.map((m) => m.externalId));
      expect(listing.versions.every((v) => v.modelExternalId !== null && modelIds.has(v.modelExternalId))).toBe(true);
      expect(listing.deployments.every((d) => d.versionExternalId !== null && versionIds.has(d.versionExternalId))).toBe(true);
      for (const deployment of listing.deployments) {
        const sim_ = sim.store.estate.deployments.find((d) => d.id === deployment.externalId);
        expect(deployment.servingProduction).toBe(servesProduction(sim_!));
        expect(deployment).toMatchObject({ environment: sim_!.environment.toUpperCase(), environmentRaw: sim_!.environment === 'production' ? 'Production' : 'Staging' });
      }
    });

    it('should place each active deployment by its tags, then its prediction environment, and never count staging as production', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 2, deployments: 0 });
      const [a, b, c] = sim.store.estate.models.map((m) => m.name);
      const staging = sim.store.deploy(a, 1, { environment: 'staging' });
      const tagged = sim.store.deploy(b, 1, { environment: 'production', tags: { env: 'dev' } });
      const live = sim.store.deploy(c, 1, { environment: 'production' });

      const listing = await collectListing(connectorFor(sim).list(signal()));
      const byId = (id: string) => listing.deployments.find((d) => d.externalId === id);
      expect(byId(staging.id)).toMatchObject({ status: 'ACTIVE', statusRaw: 'active', environment: 'STAGING', environmentRaw: 'Staging', servingProduction: false });
      expect(byId(tagged.id)).toMatchObject({ status: 'ACTIVE', statusRaw: 'active', environment: 'DEVELOPMENT', environmentRaw: 'dev', tags: { env: 'dev' }, servingProduction: false });
      expect(byId(live.id)).toMatchObject({ status: 'ACTIVE', statusRaw: 'active', environment: 'PRODUCTION', environmentRaw: 'Production', servingProduction: true });
    });

    it('should fetch the next page only when the consumer asks for the next batch', async () => {
      const sim = await simulator({ models: 12, versionsPerModel: 2, deployments: 0 });
      const iterator = connectorFor(sim, { pageSize: 5 }).list(signal())[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value?.models).toHaveLength(5);
      expect((await simState(sim)).requests).toBe(1);
      // The first page of versions also reads the deployments once, for the projects of their Leaderboard models.
      await iterator.next();
      expect((await simState(sim)).requests).toBe(3);
      await iterator.next();
      expect((await simState(sim)).requests).toBe(4);
      await iterator.return?.();
    });

    it('should list 5 000 versions exactly once each', async () => {
      const sim = await simulator({ models: 500, versionsPerModel: 10, deployments: 50 });
      const listing = await collectListing(connectorFor(sim).list(signal()));
      expect(listing.versions).toHaveLength(5_000);
      expect(new Set(listing.versions.map((v) => v.externalId)).size).toBe(5_000);
      expect(listing.versions.map((v) => v.externalId).sort()).toEqual(expectedVersionIds(sim).sort());
      expect(listing.models).toHaveLength(500);
      expect(listing.deployments).toHaveLength(50);
    });

    describe.each<[string, Partial<FaultKnobs>, boolean]>([
      ['throttling with Retry-After', { throttleRate: 0.25, retryAfterSeconds: 0.01 }, true],
      ['throttling without Retry-After', { throttleRate: 0.25, retryAfterSeconds: null }, true],
      ['server errors', { serverErrorRate: 0.25 }, true],
      ['truncated bodies', { truncateRate: 0.25 }, true],
      ['slow responses', { latencyMs: 20 }, false],
      ['a request that fails once', { failRequestNumbers: [3] }, true],
    ])('under %s', (_name, knobs, retries) => {
      it('should yield exactly the clean listing', async () => {
        const sim = await simulator({ models: 10, versionsPerModel: 2, deployments: 6 });
        const clean = await collectListing(connectorFor(sim, { pageSize: 4 }).list(signal()));
        const cleanRequests = sim.faults.requestCount;
        sim.faults.set(knobs);
        const faulty = await collectListing(connectorFor(sim, { pageSize: 4 }).list(signal()));
        expect(faulty).toEqual(clean);
        expect(faulty.versions.some((v) => v.metrics.length > 0)).toBe(true);
        if (retries) expect(sim.faults.requestCount).toBeGreaterThan(cleanRequests);
        else expect(sim.faults.requestCount).toBe(cleanRequests);
      });
    });

    it('should retry a request that times out and still complete', async () => {
      const sim = await simulator({ models: 6, versionsPerModel: 2, deployments: 3 });
      const clean = await collectListing(connectorFor(sim).list(signal()));
      sim.faults.set({ latencyMs: 500 });
      let calls = 0;
      const healsAfterFirstCall: typeof fetch = (input, init) => {
        if (++calls === 2) sim.faults.reset();
        return fetch(input, init);
      };
      const listing = await collectListing(connectorFor(sim, { timeoutMs: 100, fetch: healsAfterFirstCall }).list(signal()));
      expect(listing).toEqual(clean);
      expect(calls).toBeGreaterThan(clean.batches);
    });

    it('should throw, marking the listing incomplete, when the vendor keeps failing', async () => {
      const sim = await simulator({ models: 6 });
      sim.faults.set({ failEveryRequest: true });
      const listing = collectListing(connectorFor(sim, { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 } }).list(signal()));
      await expect(listing).rejects.toMatchObject({ name: 'ConnectorError', status: 500, retryable: true });
      expect((await simState(sim)).requests).toBe(3);
    });

    it('should fail with an AuthenticationError naming the source, without retrying, on a bad token', async () => {
      const sim = await simulator({ models: 3 });
      const error = await collectListing(connectorFor(sim, {}, 'wrong-token').list(signal())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).message).toContain(`DataRobot at ${sim.url}/api/v2`);
      expect((error as AuthenticationError).status).toBe(401);
      expect((await simState(sim)).requests).toBe(1);
    });

    it.each([
      ['on the page just read', 1],
      ['on a page not read yet', 6],
    ])('should skip a registered model deleted mid-listing (%s) and miss or repeat no other', async (_where, victimIndex) => {
      const sim = await simulator({ models: 8, versionsPerModel: 2, deployments: 0 });
      const connector = connectorFor(sim, { pageSize: 4 });
      const victim = sim.store.estate.models[victimIndex].name;
      const firstPage = sim.store.estate.models[0].name;
      const listing = { versions: [] as string[], models: [] as string[], errors: 0 };
      for await (const batch of connector.list(signal())) {
        listing.models.push(...batch.models.map((m) => m.name));
        listing.versions.push(...batch.versions.map((v) => v.externalId));
        listing.errors += batch.errors.length;
        if (batch.models.some((m) => m.name === firstPage)) sim.store.removeModel(victim);
      }
      expect(listing.models.filter((name) => name !== victim)).toEqual(sim.store.estate.models.map((m) => m.name));
      expect(listing.versions).not.toContain(simIds.version(victim, 1));
      expect(listing.versions).toEqual(expectedVersionIds(sim));
      expect(listing.errors).toBe(0);
    });

    it('should report a record that fails to normalise and keep the rest of its page', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 3, deployments: 0 });
      const broken = simIds.version(sim.store.estate.models[0].name, 2);
      const fetchImpl = rewritingFetch(
        (url) => url.includes('/versions/'),
        (body) => ({ ...body, data: (body.data as Array<Record<string, unknown>>).map((v) => (v.id === broken ? { ...v, createdAt: 'not a date' } : v)) }),
      );
      const listing = await collectListing(connectorFor(sim, { fetch: fetchImpl }).list(signal()));
      expect(listing.errors).toEqual([{ kind: 'version', externalId: broken, reason: 'createdAt is not an ISO-8601 timestamp ("not a date")' }]);
      expect(listing.versions.map((v) => v.externalId)).toEqual(expectedVersionIds(sim).filter((id) => id !== broken));
    });

    it('should link deployments of an older server (no modelPackage) through their Leaderboard model', async () => {
      const sim = await simulator({ models: 4, versionsPerModel: 2, deployments: 4 });
      const clean = await collectListing(connectorFor(sim).list(signal()));
      const fetchImpl = rewritingFetch(
        (url) => /\/deployments\/\?/.test(url),
        (body) => ({ ...body, data: (body.data as Array<Record<string, unknown>>).map(({ modelPackage: _drop, ...rest }) => rest) }),
      );
      const legacy = await collectListing(connectorFor(sim, { fetch: fetchImpl }).list(signal()));
      expect(legacy.deployments.map((d) => d.versionExternalId)).toEqual(clean.deployments.map((d) => d.versionExternalId));
      expect(legacy.deployments.every((d) => d.versionExternalId !== null)).toBe(true);
    });
  });

  describe('Leaderboard scores', () => {
    /** A fetch that counts the Leaderboard model reads, by path. */
    function countingFetch(counts: Map<string, number>, inner: typeof fetch = fetch): typeof fetch {
      return (input, init) => {
        const path = new URL(String(input)).pathname;
        if (/\/projects\/[^/]+\/models\/[^/]+\/$/.test(path)) counts.set(path, (counts.get(path) ?? 0) + 1);
        return inner(input, init);
      };
    }

    function capturingLogger() {
      const warnings: Array<{ obj: object; msg?: string }> = [];
      const ignore = () => undefined;
      return { warnings, logger: { debug: ignore, info: ignore, error: ignore, warn: (obj: object, msg?: string) => void warnings.push({ obj, msg }) } };
    }

    it("should give a deployed version its Leaderboard model's scores as VALIDATION metrics, and its project as lineage", async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 2, deployments: 0 });
      const [first, second] = sim.store.estate.models;
      sim.store.deploy(first.name, 2, { environment: 'production' });
      const listing = await collectListing(connectorFor(sim).list(signal()));
      const byId = (id: string) => listing.versions.find((v) => v.externalId === id)!;

      const deployed = byId(simIds.version(first.name, 2));
      const scores = first.versions.find((v) => v.number === 2)!.metrics;
      expect(Object.keys(scores).length).toBeGreaterThan(0);
      expect(deployed.metrics).toEqual(
        Object.entries(scores)
          .map(([key, value]) => ({ name: `${leaderboardMetricName(key)}.validation`, value, step: null, timestamp: null, kind: 'VALIDATION' }))
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
      );
      const dataset = first.versions.find((v) => v.number === 2)!.dataset;
      expect(deployed.lineage).toEqual({ runId: simIds.leaderboardModel(first.name, 2), projectId: simIds.project(first.name), projectName: `${dataset}.csv` });
      // The raw scores stay beside the package, as the Leaderboard route sent them.
      expect(deployed.vendorAttributes.leaderboardModel).toMatchObject({ id: simIds.leaderboardModel(first.name, 2), projectId: simIds.project(first.name) });

      // No deployment names the project of the others, and their packages do not: no scores, no project.
      for (const id of [simIds.version(first.name, 1), simIds.version(second.name, 1)]) {
        expect(byId(id).metrics).toEqual([]);
        expect(byId(id).lineage.projectId).toBeNull();
        expect(byId(id).vendorAttributes.leaderboardModel).toBeUndefined();
      }
    });

    it('should read each (project, Leaderboard model) once per listing, however many versions and deployments share it', async () => {
      const sim = await simulator({ models: 4, versionsPerModel: 2, deployments: 0 });
      const [first, second] = sim.store.estate.models;
      sim.store.deploy(first.name, 1, { environment: 'production' });
      sim.store.deploy(first.name, 1, { environment: 'staging' });
      sim.store.deploy(second.name, 2, { environment: 'production' });
      // Version 2 of the first model was registered again from the same Leaderboard model as version 1.
      const shared = simIds.leaderboardModel(first.name, 1);
      const sharing = rewritingFetch(
        (url) => url.includes(`/registeredModels/${simIds.registeredModel(first.name)}/versions/`),
        (body) => ({ ...body, data: (body.data as Array<Record<string, unknown>>).map((v) => ({ ...v, modelId: shared })) }),
      );
      const counts = new Map<string, number>();
      const listing = await collectListing(connectorFor(sim, { pageSize: 1, fetch: countingFetch(counts, sharing) }).list(signal()));

      expect(Object.fromEntries(counts)).toEqual({
        [`/api/v2/projects/${simIds.project(first.name)}/models/${shared}/`]: 1,
        [`/api/v2/projects/${simIds.project(second.name)}/models/${simIds.leaderboardModel(second.name, 2)}/`]: 1,
      });
      const metricsOf = (id: string) => listing.versions.find((v) => v.externalId === id)!.metrics;
      expect(metricsOf(simIds.version(first.name, 1)).length).toBeGreaterThan(0);
      expect(metricsOf(simIds.version(first.name, 2))).toEqual(metricsOf(simIds.version(first.name, 1)));
      expect(metricsOf(simIds.version(second.name, 2)).length).toBeGreaterThan(0);
    });

    it("should read the project from a version's own sourceMeta, where a server sends it, without a deployment", async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 1, deployments: 0 });
      const [first] = sim.store.estate.models;
      const withSourceMeta = rewritingFetch(
        (url) => url.includes(`/registeredModels/${simIds.registeredModel(first.name)}/versions/`),
        (body) => ({ ...body, data: (body.data as Array<Record<string, unknown>>).map((v) => ({ ...v, sourceMeta: { projectId: simIds.project(first.name), projectName: 'train.csv' } })) }),
      );
      const listing = await collectListing(connectorFor(sim, { fetch: withSourceMeta }).list(signal()));
      const [withProject, without] = listing.versions;
      expect(withProject.lineage).toMatchObject({ projectId: simIds.project(first.name), projectName: 'train.csv' });
      expect(withProject.metrics.map((m) => m.kind)).toContain('VALIDATION');
      expect(without.metrics).toEqual([]);
    });

    it("should keep listing when the Leaderboard model answers 404 (project deleted): no metrics, one warning without the token", async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 2, deployments: 0 });
      const [first, second] = sim.store.estate.models;
      sim.store.deploy(first.name, 1, { environment: 'production' });
      sim.store.deploy(second.name, 1, { environment: 'production' });
      sim.deleteProject(first.name);
      const { warnings, logger } = capturingLogger();
      const listing = await collectListing(connectorFor(sim, { logger }).list(signal()));

      expect(listing.errors).toEqual([]);
      expect(listing.versions).toHaveLength(6);
      expect(listing.deployments).toHaveLength(2);
      const gone = listing.versions.find((v) => v.externalId === simIds.version(first.name, 1))!;
      expect(gone.metrics).toEqual([]);
      // The deployment still names the project: the lineage keeps it.
      expect(gone.lineage.projectId).toBe(simIds.project(first.name));
      expect(listing.versions.find((v) => v.externalId === simIds.version(second.name, 1))!.metrics.length).toBeGreaterThan(0);
      expect(warnings).toHaveLength(1);
      expect(warnings[0].obj).toMatchObject({ vendor: 'datarobot', projectId: simIds.project(first.name), modelId: simIds.leaderboardModel(first.name, 1), status: 404 });
      expect(JSON.stringify(warnings)).not.toContain('sim-credential');
    });

    it('should keep listing when the Leaderboard route keeps failing (5xx after retries)', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 1, deployments: 0 });
      sim.store.deploy(sim.store.estate.models[0].name, 1, { environment: 'production' });
      const failing: typeof fetch = (input, init) =>
        /\/projects\//.test(String(input)) ? Promise.resolve(new Response(JSON.stringify({ message: 'Internal server error' }), { status: 500, headers: { 'content-type': 'application/json' } })) : fetch(input, init);
      const { warnings, logger } = capturingLogger();
      const listing = await collectListing(connectorFor(sim, { logger, fetch: failing, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }).list(signal()));
      expect(listing.versions.every((v) => v.metrics.length === 0)).toBe(true);
      expect(listing.deployments).toHaveLength(1);
      expect(warnings.map((w) => (w.obj as { status: unknown }).status)).toEqual([500]);
    });
  });

  describe('check', () => {
    it('should report a working connection with the registry size', async () => {
      const sim = await simulator({ models: 7 });
      const result = await connectorFor(sim).check(signal());
      expect(result).toEqual({ ok: true, message: `Connected to DataRobot at ${sim.url}/api/v2; the API token can read the model registry.`, details: { registeredModels: '7' } });
    });

    it('should explain a rejected token', async () => {
      const sim = await simulator();
      const result = await connectorFor(sim, {}, 'wrong-token').check(signal());
      expect(result.ok).toBe(false);
      expect(result.message).toContain('rejected the API token (401)');
      expect(result.message).not.toContain('wrong-token');
    });

    it('should explain an endpoint that is not the API root', async () => {
      const sim = await simulator();
      const connector = createDataRobotConnector({ endpoint: sim.url }, { apiToken: 'sim-credential' }, FAST);
      const result = await connector.check(signal());
      expect(result).toMatchObject({ ok: false });
      expect(result.message).toContain('no DataRobot API');
    });

    it('should explain an unreachable server', async () => {
      const sim = await simulator();
      const url = sim.url;
      await sim.close();
      running.splice(running.indexOf(sim), 1);
      const result = await createDataRobotConnector({ endpoint: `${url}/api/v2` }, { apiToken: 'x' }, FAST).check(signal());
      expect(result.ok).toBe(false);
      expect(result.message).toContain('Could not reach DataRobot');
    });
  });

  describe('applyLifecycle', () => {
    const change = (over: Partial<LifecycleWriteBack>): LifecycleWriteBack => ({
      changeRequestRef: 'cr-1',
      changeRequestUrl: null,
      modelExternalId: null,
      versionExternalId: 'none',
      fromState: 'APPROVED',
      toState: 'PRODUCTION',
      replacedBy: null,
      summary: 'requested by alice, approved by bob',
      ...over,
    });

    it('should deactivate the deployments serving a RETIRED version and poll their status until done', async () => {
      const sim = await simulator({ models: 4, versionsPerModel: 2, deployments: 0 });
      const model = sim.store.estate.models[0].name;
      const deployment = sim.store.promoteToProduction(model, 2);
      const versionId = simIds.version(model, 2);

      const outcome = await connectorFor(sim).applyLifecycle!(change({ versionExternalId: versionId, modelExternalId: simIds.registeredModel(model), fromState: 'PRODUCTION', toState: 'RETIRED' }), signal());

      expect(outcome.status).toBe('DONE');
      expect(outcome.message).toContain(deployment.id);
      expect(sim.store.writeBacks.map(({ operation, target, payload }) => ({ operation, target, payload }))).toEqual([
        { operation: 'deployment.status', target: deployment.id, payload: { status: 'inactive' } },
      ]);
      const relisted = await collectListing(connectorFor(sim).list(signal()));
      expect(relisted.deployments.find((d) => d.externalId === deployment.id)).toMatchObject({ status: 'INACTIVE', statusRaw: 'inactive', servingProduction: false });
      expect(relisted.versions.find((v) => v.externalId === versionId)?.observedStage).toBe('NONE');
    });

    it('should leave the production deployments of a champion retired for its successor active, and deactivate its others', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 2, deployments: 0 });
      const model = sim.store.estate.models[0].name;
      // The successor's promotion could not switch this deployment (delivered first, it failed or was refused).
      const production = sim.store.promoteToProduction(model, 1);
      const staging = { ...production, id: 'feedfacefeedfacefeedface', name: `${model}-v1-staging`, production: false, environment: 'staging' as const };
      sim.store.estate.deployments.push(staging);
      const versionId = simIds.version(model, 1);

      const outcome = await connectorFor(sim).applyLifecycle!(
        change({ versionExternalId: versionId, modelExternalId: simIds.registeredModel(model), fromState: 'PRODUCTION', toState: 'RETIRED', replacedBy: simIds.version(model, 2) }),
        signal(),
      );

      expect(outcome.status).toBe('DONE');
      expect(outcome.message).toContain(`left production deployment(s) ${production.id} active`);
      expect(sim.store.writeBacks.map(({ operation, target, payload }) => ({ operation, target, payload }))).toEqual([
        { operation: 'deployment.status', target: staging.id, payload: { status: 'inactive' } },
      ]);
      const relisted = await collectListing(connectorFor(sim).list(signal()));
      expect(relisted.deployments.find((d) => d.externalId === production.id)).toMatchObject({ status: 'ACTIVE', statusRaw: 'active', servingProduction: true, versionExternalId: versionId });
    });

    it('should replace the model of the production deployment when a sibling version is promoted', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 3, deployments: 0 });
      const model = sim.store.estate.models[0].name;
      const deployment = sim.store.promoteToProduction(model, 2);
      const newVersion = simIds.version(model, 3);

      const outcome = await connectorFor(sim).applyLifecycle!(change({ versionExternalId: newVersion, modelExternalId: simIds.registeredModel(model) }), signal());

      expect(outcome.status).toBe('DONE');
      expect(sim.store.writeBacks.map(({ operation, target, payload }) => ({ operation, target, payload }))).toEqual([
        { operation: 'deployment.model', target: deployment.id, payload: { modelPackageId: newVersion, reason: 'OTHER' } },
      ]);
      const relisted = await collectListing(connectorFor(sim).list(signal()));
      expect(relisted.deployments.find((d) => d.externalId === deployment.id)?.versionExternalId).toBe(newVersion);

      const again = await connectorFor(sim).applyLifecycle!(change({ versionExternalId: newVersion, modelExternalId: simIds.registeredModel(model) }), signal());
      expect(again.status).toBe('DONE');
      expect(sim.store.writeBacks).toHaveLength(1);
    });

    it("should leave an active staging deployment's model alone when a version is promoted to PRODUCTION", async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 3, deployments: 0 });
      const model = sim.store.estate.models[0].name;
      const production = sim.store.promoteToProduction(model, 2);
      sim.store.deploy(model, 1, { environment: 'staging' });
      const newVersion = simIds.version(model, 3);

      const outcome = await connectorFor(sim).applyLifecycle!(change({ versionExternalId: newVersion, modelExternalId: simIds.registeredModel(model) }), signal());

      expect(outcome.status).toBe('DONE');
      expect(sim.store.writeBacks.map(({ operation, target }) => ({ operation, target }))).toEqual([{ operation: 'deployment.model', target: production.id }]);
    });

    it('should answer UNSUPPORTED for PRODUCTION when no deployment of the model can be replaced', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 2, deployments: 0 });
      const model = sim.store.estate.models[0].name;
      const outcome = await connectorFor(sim).applyLifecycle!(change({ versionExternalId: simIds.version(model, 1), modelExternalId: simIds.registeredModel(model) }), signal());
      expect(outcome.status).toBe('UNSUPPORTED');
      expect(sim.store.writeBacks).toEqual([]);
    });

    it('should answer UNSUPPORTED for states DataRobot cannot record', async () => {
      const sim = await simulator({ models: 2 });
      const model = sim.store.estate.models[0].name;
      const outcome = await connectorFor(sim).applyLifecycle!(change({ versionExternalId: simIds.version(model, 1), fromState: 'VALIDATION', toState: 'APPROVED' }), signal());
      expect(outcome.status).toBe('UNSUPPORTED');
      expect((await simState(sim)).requests).toBe(0);
    });

    it('should surface a rejected token as an AuthenticationError', async () => {
      const sim = await simulator({ models: 2 });
      const model = sim.store.estate.models[0].name;
      const attempt = connectorFor(sim, {}, 'wrong').applyLifecycle!(change({ versionExternalId: simIds.version(model, 1), toState: 'RETIRED' }), signal());
      await expect(attempt).rejects.toBeInstanceOf(ConnectorError);
      await expect(attempt).rejects.toBeInstanceOf(AuthenticationError);
    });
  });
});
