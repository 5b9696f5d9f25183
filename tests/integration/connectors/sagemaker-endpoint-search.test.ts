import { SageMakerClient, SearchCommand, paginateSearch, type SearchCommandInput } from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import type { NormalisedDeployment } from '../../../connectors/contract.js';
import { createSageMakerConnector } from '../../../connectors/sagemaker/index.js';
import { SEARCH_REFUSALS, type SageMakerSimulatorHandle } from '../../../connectors/sagemaker/simulator.js';
import type { FaultKnobs } from '../../../connectors/shared/simulator-kit.js';
import { ARN, FAST, canonical, closeRunning, collect, connect, endpointsByCreation, expected, expectedModelSearches, hashes, ids, listRecording, recordingLogger, searchRewritingProxy, setFaults, signal, simulator, vendorCalls } from './sagemaker-fixture.js';

/**
 * The SageMaker listing reads endpoints with `SageMaker.Search` (Resource `Endpoint`, one request per ≤100
 * endpoints, tags included) instead of ListEndpoints + DescribeEndpoint + ListTags per endpoint, and falls back to
 * those for the rest of the run when SageMaker refuses Search (for versions or for endpoints). The deployments must
 * be the same records, with the same content hashes, whichever path read them. Everything runs against the
 * simulator on loopback through the AWS SDK.
 */

afterEach(closeRunning);

const byId = (deployments: NormalisedDeployment[]) => [...deployments].sort((a, b) => a.externalId.localeCompare(b.externalId));
const deploymentHashes = (listing: Parameters<typeof hashes>[0]) => Object.fromEntries(Object.entries(hashes(listing)).filter(([key]) => key.startsWith('deployment ')));

/** The endpoints' names in the order ListEndpoints and the endpoint Search are asked for: oldest first, ties by name. */
const byCreation = (sim: SageMakerSimulatorHandle): string[] => endpointsByCreation(sim).map((d) => d.name);

describe('SageMakerConnector', () => {
  describe('list (endpoints through Search)', () => {
    it('should list the same deployments, record for record and hash for hash, as ListEndpoints + Describe does', async () => {
      const sim = await simulator({ models: 10, deployments: 30 });
      // Added after the estate was generated: the newest endpoint, on the last page of both listings.
      const model = sim.store.estate.models[3];
      sim.store.promoteToProduction(model.name, model.versions[0].number);

      const viaSearch = await collect(connect(sim).list(signal()));
      sim.searchRefusal = 'AccessDeniedException';
      const viaDescribe = await collect(connect(sim).list(signal()));

      expect(ids(viaSearch.deployments)).toEqual(expected(sim).deployments);
      expect(viaSearch.deployments).toHaveLength(31);
      expect(byId(viaSearch.deployments)).toEqual(byId(viaDescribe.deployments));
      expect(deploymentHashes(viaSearch)).toEqual(deploymentHashes(viaDescribe));
      expect(canonical(viaSearch)).toBe(canonical(viaDescribe));
      for (const d of viaSearch.deployments) {
        const simulated = sim.store.estate.deployments.find((x) => `${ARN}:endpoint/${x.name}` === d.externalId)!;
        expect(d).toMatchObject({ environment: simulated.environment.toUpperCase(), environmentRaw: simulated.environment, versionExternalId: `${ARN}:model-package/${simulated.modelName}/${simulated.versionNumber}` });
        // The record's own Tags stay out of Endpoint; the tags sit beside it, as ListTags gives them.
        expect(d.vendorAttributes.Endpoint).not.toHaveProperty('Tags');
        expect(d.vendorAttributes.Tags).toEqual([{ Key: 'environment', Value: simulated.environment }, { Key: 'model', Value: simulated.modelName }]);
      }
    });

    it('should read 250 endpoints with one Search per 100 and no DescribeEndpoint, ListEndpoints, endpoint ListTags or DescribeModel', async () => {
      const sim = await simulator({ models: 10, versionsPerModel: 3, deployments: 250 });
      const servedModels = new Set(sim.store.estate.deployments.map((d) => `${d.modelName}-v${d.versionNumber}`)).size;
      expect(servedModels).toBe(30);
      const search = vendorCalls();
      const viaSearch = await collect(connect(sim, { pageSize: 100, onVendorCall: search.observe }).list(signal()));
      const searches = { ...sim.searches };
      sim.searchRefusal = 'UnknownOperationException';
      const fallback = vendorCalls();
      const viaDescribe = await collect(connect(sim, { pageSize: 100, onVendorCall: fallback.observe }).list(signal()));

      expect(ids(viaSearch.deployments)).toEqual(expected(sim).deployments);
      expect(canonical(viaSearch)).toBe(canonical(viaDescribe));
      // 1 group Search (the 10 groups' tags), 10 version Searches (one per group), 3 endpoint Searches, and one
      // model Search for each endpoint page that names models no earlier page named (here all three pages).
      expect(expectedModelSearches(sim, 100)).toBe(3);
      expect(search.counts).toEqual({ ListModelPackageGroups: 1, Search: 1 + 10 + 3 + 3, DescribeEndpointConfig: 250 });
      expect(searches).toEqual({ ModelPackageGroup: 1, ModelPackage: 10, Endpoint: 3, Model: 3 });
      expect(fallback.counts).toMatchObject({ ListEndpoints: 3, DescribeEndpoint: 250, DescribeEndpointConfig: 250, DescribeModel: servedModels, ListTags: 10 + 250 });
    });

    it('should keep every endpoint exactly once, oldest first, across many Search pages', async () => {
      const sim = await simulator({ models: 5, deployments: 33 });
      const calls = vendorCalls();
      const listing = await collect(connect(sim, { pageSize: 7, onVendorCall: calls.observe }).list(signal()));

      expect(listing.deployments.map((d) => d.name)).toEqual(byCreation(sim));
      expect(ids(listing.deployments)).toEqual(expected(sim).deployments);
      expect(listing.errors).toEqual([]);
      // One Search for the 5 groups' tags, 5 groups of 3 versions, ceil(33 / 7) = 5 endpoint pages, and the models.
      expect(sim.searches).toEqual({ ModelPackageGroup: 1, ModelPackage: 5, Endpoint: 5, Model: expectedModelSearches(sim, 7) });
      expect(calls.counts).not.toHaveProperty('DescribeModel');
    });

    it('should request the next page of endpoints only when the consumer asks for the next batch', async () => {
      const sim = await simulator({ models: 2, deployments: 12 });
      const calls = vendorCalls();
      const iterator = connect(sim, { onVendorCall: calls.observe }).list(signal())[Symbol.asyncIterator]();
      let batch = await iterator.next();
      while (!batch.done && batch.value.deployments.length === 0) batch = await iterator.next();
      expect(batch.value?.deployments).toHaveLength(4);
      const searches = sim.searches.Endpoint;
      await new Promise((r) => setTimeout(r, 50));
      expect(sim.searches.Endpoint).toBe(searches);
      expect((await iterator.next()).value?.deployments).toHaveLength(4);
      expect(sim.searches.Endpoint).toBe(searches! + 1);
      await iterator.return?.();
    });

    it('should leave out an endpoint deleted while the endpoints were being paged, and no other', async () => {
      const sim = await simulator({ models: 3, deployments: 12 });
      const newest = byCreation(sim).at(-1)!;
      const listing = await collect(
        connect(sim, {
          onVendorCall: (call) => {
            // After the first endpoint page: the newest endpoint sits on the last page, not read yet.
            if (call.operation === 'Search' && sim.searches.Endpoint === 1) sim.store.estate.deployments = sim.store.estate.deployments.filter((d) => d.name !== newest);
          },
        }).list(signal()),
      );

      expect(listing.errors).toEqual([]);
      expect(listing.deployments.map((d) => d.name)).not.toContain(newest);
      expect(listing.deployments.map((d) => d.name)).toEqual(byCreation(sim));
      expect(listing.deployments).toHaveLength(11);
    });

    it('should ask ListTags for an endpoint whose Search record carries no Tags, and list it the same', async () => {
      const sim = await simulator({ models: 4, deployments: 6 });
      const clean = canonical(await collect(connect(sim).list(signal())));
      const proxy = await tagStrippingProxy(sim);
      const calls = vendorCalls();
      const connector = createSageMakerConnector({ region: 'us-east-1', endpoint: proxy }, { accessKeyId: 'sim-credential', secretAccessKey: 's' }, { ...FAST, pageSize: 4, onVendorCall: calls.observe });

      expect(canonical(await collect(connector.list(signal())))).toBe(clean);
      // ListTags for the 6 endpoints only: the groups' tags came with the group Search.
      expect(calls.counts).toMatchObject({ ListTags: 6, Search: 1 + 4 + 2 + expectedModelSearches(sim, 4) });
      expect(calls.counts).not.toHaveProperty('DescribeEndpoint');
    });

    describe.each(SEARCH_REFUSALS)('when the endpoint Search is refused with %s', (refusal) => {
      it('should list the endpoints with ListEndpoints + Describe, the same records, and say why once', async () => {
        const sim = await simulator({ models: 5, deployments: 10 });
        const clean = await collect(connect(sim).list(signal()));
        const groups = sim.store.estate.models.length;
        const servedModels = new Set(sim.store.estate.deployments.map((d) => `${d.modelName}-v${d.versionNumber}`)).size;
        const { listing, calls, warnings } = await listRecording(sim, (searches) => {
          // Every group's versions came through Search; the next Search is the endpoints'.
          if (searches.ModelPackage === groups) sim.searchRefusal = refusal;
        });

        expect(canonical(listing)).toBe(canonical(clean));
        expect(deploymentHashes(listing)).toEqual(deploymentHashes(clean));
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ obj: { listing: 'endpoints', reason: expect.stringContaining(refusal) }, msg: expect.stringMatching(/refused Search/) });
        // 2 group Searches (5 groups, 4 a page), the groups' versions, the refused endpoint Search; then no model
        // Search: the run's refusal stops it too, and each model is described.
        expect(calls.counts).toMatchObject({ Search: 2 + groups + 1, ListEndpoints: 3, DescribeEndpoint: 10, ListTags: 10, DescribeModel: servedModels });
      });
    });

    it('should not try Search for endpoints or models once it was refused for versions, and warn once for the run', async () => {
      // One group, so the versions make exactly one (refused) Search after the group Search.
      const sim = await simulator({ models: 1, deployments: 10 });
      sim.searchRefusals.set('ModelPackage', 'AccessDeniedException');
      const { listing, calls, warnings } = await listRecording(sim);

      expect(ids(listing.deployments)).toEqual(expected(sim).deployments);
      expect(sim.searches).toEqual({ ModelPackageGroup: 1, ModelPackage: 1 });
      expect(calls.counts).toMatchObject({ Search: 2, DescribeEndpoint: 10, DescribeModel: 3 });
      expect(warnings).toHaveLength(1);
      expect(warnings[0].obj.listing).toBe('versions');
    });

    it('should finish endpoints whose Search is refused midway with ListEndpoints, repeating and missing none', async () => {
      const sim = await simulator({ models: 3, deployments: 14 });
      const clean = await collect(connect(sim).list(signal()));
      const { listing, calls, warnings, searches } = await listRecording(sim, (searches) => {
        // The first endpoint page (4 endpoints) came through Search; the endpoint Search is refused from then on.
        if (searches.Endpoint === 1) sim.searchRefusals.set('Endpoint', 'ValidationException');
      });

      expect(listing.deployments.map((d) => d.name)).toEqual(byCreation(sim));
      expect(canonical(listing)).toBe(canonical(clean));
      expect(warnings).toHaveLength(1);
      expect(warnings[0].obj.listing).toBe('endpoints');
      // The first page's models came through a model Search; the later pages' models are described.
      expect(searches()).toEqual({ ModelPackageGroup: 1, ModelPackage: 3, Endpoint: 2, Model: 1 });
      expect(calls.counts).toMatchObject({ ListEndpoints: 4, DescribeEndpoint: 14 - 4 });
    });

    it('should retry a 5xx answer to an endpoint Search page and complete without falling back', async () => {
      // One group: ListModelPackageGroups, the group Search, the group's version Search (requests 1-3); request 4 is
      // the first endpoint Search.
      const sim = await simulator({ models: 1, versionsPerModel: 2, deployments: 6 });
      const clean = canonical(await collect(connect(sim).list(signal())));
      await setFaults(sim, { failRequestNumbers: [4] });
      const { listing, calls, warnings } = await listRecording(sim);

      expect(canonical(listing)).toBe(clean);
      // The group Search, the version Search, the first endpoint page (retried once), its models, the second page.
      expect(calls.attempts.Search).toEqual([1, 1, 2, 1, 1]);
      expect(calls.counts).not.toHaveProperty('ListEndpoints');
      expect(warnings).toEqual([]);
    });

    describe.each([
      ['throttling (400 ThrottlingException)', { throttleRate: 0.3 }],
      ['5xx answers', { serverErrorRate: 0.3 }],
    ] satisfies Array<[string, Partial<FaultKnobs>]>)('under %s', (_label, knobs) => {
      it('should retry the endpoint Search pages and complete with exactly the clean listing, without falling back', async () => {
        // One group, then 25 endpoint pages: the chance that no endpoint Search meets a fault is 0.7^25 (~0.01%).
        const sim = await simulator({ models: 1, versionsPerModel: 2, deployments: 500 });
        const clean = canonical(await collect(connect(sim, { pageSize: 20 }).list(signal())));
        await setFaults(sim, knobs);
        const calls = vendorCalls();
        const { logger, warnings } = recordingLogger();
        const faulty = await collect(connect(sim, { pageSize: 20, logger, onVendorCall: calls.observe, retry: { attempts: 20, baseDelayMs: 1, maxDelayMs: 5 } }).list(signal()));

        expect(canonical(faulty)).toBe(clean);
        // The group and version Searches, the 25 endpoint pages, and the model Searches of the pages naming new models.
        expect(calls.attempts.Search).toHaveLength(2 + 25 + expectedModelSearches(sim, 20));
        expect(Math.max(...calls.attempts.Search)).toBeGreaterThan(1);
        expect(calls.counts).not.toHaveProperty('ListEndpoints');
        expect(calls.counts).not.toHaveProperty('DescribeEndpoint');
        expect(warnings).toEqual([]);
      });
    });
  });
});

describe('SageMaker simulator', () => {
  describe('Search on endpoints', () => {
    function client(sim: SageMakerSimulatorHandle) {
      return new SageMakerClient({ region: 'us-east-1', endpoint: sim.url, credentials: { accessKeyId: 'sim-credential', secretAccessKey: 's' }, maxAttempts: 1 });
    }
    const endpoints = (order: 'Ascending' | 'Descending'): SearchCommandInput => ({ Resource: 'Endpoint', SortBy: 'CreationTime', SortOrder: order });

    it('should answer every endpoint with its tags, sorted by CreationTime, MaxResults at a time, until NextToken runs out', async () => {
      const sim = await simulator({ models: 3, deployments: 8 });
      const read = async (order: 'Ascending' | 'Descending') => {
        const pages: string[][] = [];
        for await (const page of paginateSearch({ client: client(sim), pageSize: 3 }, endpoints(order))) {
          for (const { Endpoint: e } of page.Results ?? []) {
            const d = sim.store.estate.deployments.find((x) => x.name === e?.EndpointName)!;
            expect(e).toMatchObject({ EndpointArn: `${ARN}:endpoint/${d.name}`, EndpointConfigName: `${d.name}-config`, Tags: [{ Key: 'environment', Value: d.environment }, { Key: 'model', Value: d.modelName }] });
            expect(e?.CreationTime).toEqual(new Date(d.createdAt));
            expect(e?.ProductionVariants?.[0].DeployedImages?.[0].ResolutionTime).toBeInstanceOf(Date);
          }
          pages.push((page.Results ?? []).map((r) => r.Endpoint!.EndpointName!));
        }
        return pages;
      };
      const oldestFirst = byCreation(sim);
      expect(await read('Ascending')).toEqual([oldestFirst.slice(0, 3), oldestFirst.slice(3, 6), oldestFirst.slice(6)]);
      expect((await read('Descending')).flat()).toEqual([...oldestFirst].reverse());
    });

    it('should see endpoints added and removed since the previous Search', async () => {
      const sim = await simulator({ models: 3, deployments: 4 });
      const names = async () => ((await client(sim).send(new SearchCommand(endpoints('Ascending')))).Results ?? []).map((r) => r.Endpoint?.EndpointName);
      expect(await names()).toEqual(byCreation(sim));
      const model = sim.store.estate.models[0];
      const added = sim.store.promoteToProduction(model.name, model.versions[0].number);
      expect((await names()).at(-1)).toBe(added.name);
      sim.store.removeModel(model.name);
      expect(await names()).toEqual(byCreation(sim));
    });

    it('should refuse what it does not implement, and refuse endpoint Search when told to', async () => {
      const sim = await simulator();
      await expect(client(sim).send(new SearchCommand({ Resource: 'Endpoint' }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('CreationTime only') });
      await expect(client(sim).send(new SearchCommand({ ...endpoints('Ascending'), SearchExpression: { Filters: [{ Name: 'EndpointStatus', Operator: 'Equals', Value: 'InService' }] } }))).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(client(sim).send(new SearchCommand({ ...endpoints('Ascending'), MaxResults: 101 }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('maxResults') });
      for (const refusal of SEARCH_REFUSALS) {
        sim.searchRefusal = refusal;
        await expect(client(sim).send(new SearchCommand(endpoints('Ascending')))).rejects.toMatchObject({ name: refusal, $metadata: { httpStatusCode: 400 } });
      }
    });
  });
});

/** A service that leaves `Tags` out of endpoint Search records: the simulator behind a rewriting proxy. */
function tagStrippingProxy(sim: SageMakerSimulatorHandle): Promise<string> {
  return searchRewritingProxy(sim, (request, answer) => {
    if (request.Resource === 'Endpoint') for (const result of answer.Results) delete (result.Endpoint as Record<string, unknown>).Tags;
  });
}
