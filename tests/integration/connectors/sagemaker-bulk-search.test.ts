import { SageMakerClient, ListModelPackageGroupsCommand, SearchCommand, paginateSearch, type SearchCommandInput } from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import { MODEL_NAME_PROPERTY } from '../../../connectors/sagemaker/unconfirmed.js';
import { SEARCH_REFUSALS, type SageMakerSimulatorHandle } from '../../../connectors/sagemaker/simulator.js';
import type { FaultKnobs } from '../../../connectors/shared/simulator-kit.js';
import {
  ARN,
  canonical,
  closeRunning,
  collect,
  connect,
  connectTo,
  endpointsByCreation,
  expected,
  expectedModelSearches,
  hashes,
  ids,
  listRecording,
  recordingLogger,
  searchRewritingProxy,
  searchesFrom,
  setFaults,
  signal,
  simulator,
  vendorCalls,
  type Listing,
} from './sagemaker-fixture.js';

/**
 * Two more reads through `SageMaker.Search`, each with its own fallback:
 * - the package behind each endpoint variant's Model: a Search on Resource `Model` per ≤50 model names of a page of
 *   endpoints replaces one DescribeModel per model; a name the Search does not give is described individually, and
 *   a refusal of the model Search (a filter property SageMaker does not take) describes every model for the rest of
 *   the run without taking the other Searches away;
 * - the tags of model package groups: Search pages of `ModelPackageGroup` records, read beside the
 *   ListModelPackageGroups pages, replace one ListTags per group; a refusal shares the run's refusal state with the
 *   version and endpoint Searches.
 * The records must be the same, with the same content hashes, whichever path read them. Everything runs against the
 * simulator on loopback through the AWS SDK.
 */

afterEach(closeRunning);

const modelNameOf = (d: { modelName: string; versionNumber: number }) => `${d.modelName}-v${d.versionNumber}`;
const servedModels = (sim: SageMakerSimulatorHandle) => new Set(sim.store.estate.deployments.map(modelNameOf));
const modelHashes = (listing: Listing) => Object.fromEntries(Object.entries(hashes(listing)).filter(([key]) => key.startsWith('model ')));

/** Every deployment runs the package of the version the simulator deployed. */
function expectLinked(sim: SageMakerSimulatorHandle, listing: Listing): void {
  expect(listing.deployments).toHaveLength(sim.store.estate.deployments.length);
  for (const d of sim.store.estate.deployments) {
    expect(listing.deployments.find((x) => x.name === d.name)?.versionExternalId).toBe(`${ARN}:model-package/${d.modelName}/${d.versionNumber}`);
  }
}

describe('SageMakerConnector', () => {
  describe('list (models behind endpoints through Search)', () => {
    it('should give every deployment the package link DescribeModel gives, record for record and hash for hash', async () => {
      const sim = await simulator({ models: 10, deployments: 30 });
      const calls = vendorCalls();
      const viaSearch = await collect(connect(sim, { onVendorCall: calls.observe }).list(signal()));
      sim.searchRefusals.set('Model', 'ValidationException');
      const modelsDescribed = await collect(connect(sim).list(signal()));
      sim.searchRefusals.clear();
      sim.searchRefusal = 'AccessDeniedException';
      const allDescribed = await collect(connect(sim).list(signal()));

      expectLinked(sim, viaSearch);
      expect(viaSearch.errors).toEqual([]);
      expect(canonical(viaSearch)).toBe(canonical(modelsDescribed));
      expect(canonical(viaSearch)).toBe(canonical(allDescribed));
      expect(hashes(viaSearch)).toEqual(hashes(modelsDescribed));
      expect(hashes(viaSearch)).toEqual(hashes(allDescribed));
      expect(calls.counts).not.toHaveProperty('DescribeModel');
    });

    it('should ask for at most 50 models a Search and for each model once per run', async () => {
      // 150 endpoints, each serving its own Model, 100 a page: the first page names 100 Models, the second 50.
      const sim = await simulator({ models: 150, versionsPerModel: 1, deployments: 150 });
      const searches = searchesFrom(sim);
      const calls = vendorCalls();
      const { logger, warnings } = recordingLogger();
      const listing = await collect(connect(sim, { pageSize: 100, logger, onVendorCall: calls.observe }).list(signal()));

      expectLinked(sim, listing);
      // More model Searches than endpoint pages: a page naming over 50 new models took two. The simulator refuses an
      // expression of more than 50 filters, which would have shown as a warning and DescribeModel calls.
      expect(expectedModelSearches(sim, 100)).toBe(2 + 1);
      expect(searches()).toEqual({ ModelPackageGroup: 2, ModelPackage: 150, Endpoint: 2, Model: 2 + 1 });
      expect(calls.counts).not.toHaveProperty('DescribeModel');
      expect(warnings).toEqual([]);
    });

    it('should follow NextToken through a model Search answer that comes in short pages', async () => {
      const sim = await simulator({ models: 8, deployments: 16 });
      const clean = canonical(await collect(connect(sim).list(signal())));
      sim.searchPageCaps.set('Model', 2);
      const searches = searchesFrom(sim);
      const calls = vendorCalls();
      const listing = await collect(connect(sim, { onVendorCall: calls.observe }).list(signal()));

      expect(canonical(listing)).toBe(clean);
      // Up to 4 new names per endpoint page, 2 records a model Search page.
      expect(searches().Model).toBe(expectedModelSearches(sim, 4, 2));
      expect(searches().Model).toBeGreaterThan(expectedModelSearches(sim, 4));
      expect(calls.counts).not.toHaveProperty('DescribeModel');
    });

    it('should describe a model the Search index has not caught up with, and keep its deployment linked', async () => {
      const sim = await simulator({ models: 6, deployments: 12 });
      const clean = canonical(await collect(connect(sim).list(signal())));
      const lagging = endpointsByCreation(sim)[0];
      sim.searchLag.add(modelNameOf(lagging));
      const { listing, calls, warnings } = await listRecording(sim);

      expect(canonical(listing)).toBe(clean);
      expect(listing.deployments.find((d) => d.name === lagging.name)?.versionExternalId).toBe(`${ARN}:model-package/${lagging.modelName}/${lagging.versionNumber}`);
      expect(calls.counts.DescribeModel).toBe(1);
      expect(warnings).toEqual([]);
    });

    it('should describe every model when the model Search matches none of them, and lose no link', async () => {
      // What a filter property AWS accepts but reads differently would look like: answers without any record.
      const sim = await simulator({ models: 6, deployments: 12 });
      const clean = canonical(await collect(connect(sim).list(signal())));
      for (const name of servedModels(sim)) sim.searchLag.add(name);
      const { listing, calls, warnings, searches } = await listRecording(sim);

      expect(canonical(listing)).toBe(clean);
      expectLinked(sim, listing);
      expect(searches().Model).toBe(expectedModelSearches(sim, 4));
      expect(calls.counts.DescribeModel).toBe(servedModels(sim).size);
      expect(warnings).toEqual([]);
    });

    it('should ignore model records it did not ask for, and describe a model whose record names no container', async () => {
      const sim = await simulator({ models: 6, deployments: 12 });
      const clean = canonical(await collect(connect(sim).list(signal())));
      const byCreation = endpointsByCreation(sim);
      const firstPage = new Set(byCreation.slice(0, 4).map(modelNameOf));
      // A Model the first page does not name: if its injected record were taken, its endpoint would run a bogus package.
      const later = byCreation.map(modelNameOf).find((name) => !firstPage.has(name))!;
      const bogus = (name: string) => ({ Model: { Model: { ModelName: name, PrimaryContainer: { ModelPackageName: `${ARN}:model-package/bogus/1` } } } });
      let stripped: string | null = null;
      const proxy = await searchRewritingProxy(sim, (request, answer) => {
        if (request.Resource !== 'Model' || stripped !== null) return;
        const first = answer.Results[0] as { Model: { Model: Record<string, unknown> } };
        stripped = first.Model.Model.ModelName as string;
        delete first.Model.Model.PrimaryContainer;
        answer.Results.push(bogus(later), bogus('no-such-model'));
      });
      const calls = vendorCalls();
      const listing = await collect(connectTo(proxy, { onVendorCall: calls.observe }).list(signal()));

      expect(stripped).not.toBeNull();
      expect(canonical(listing)).toBe(clean);
      expectLinked(sim, listing);
      // Only the model whose record came without containers was described.
      expect(calls.counts.DescribeModel).toBe(1);
    });

    describe.each(SEARCH_REFUSALS)('when the model Search is refused with %s', (refusal) => {
      it('should describe every model for the rest of the run, warn once, and keep Search for groups, versions and endpoints', async () => {
        const sim = await simulator({ models: 5, deployments: 12 });
        const clean = canonical(await collect(connect(sim).list(signal())));
        sim.searchRefusals.set('Model', refusal);
        const { listing, calls, warnings, searches, logger } = await listRecording(sim);

        expect(canonical(listing)).toBe(clean);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ obj: { listing: 'models', reason: expect.stringContaining(refusal) }, msg: expect.stringMatching(/refused Search on Model/) });
        // One model Search, refused; the 5 groups (4 a page), their versions and the 12 endpoints (4 a page) by Search.
        expect(searches()).toEqual({ ModelPackageGroup: 2, ModelPackage: 5, Endpoint: 3, Model: 1 });
        expect(calls.counts.DescribeModel).toBe(servedModels(sim).size);
        for (const operation of ['ListTags', 'ListModelPackages', 'DescribeModelPackage', 'ListEndpoints', 'DescribeEndpoint']) expect(calls.counts).not.toHaveProperty(operation);

        // The next run tries the model Search again.
        sim.searchRefusals.clear();
        const next = vendorCalls();
        expect(canonical(await collect(connect(sim, { logger, onVendorCall: next.observe }).list(signal())))).toBe(clean);
        expect(next.counts).not.toHaveProperty('DescribeModel');
        expect(warnings).toHaveLength(1);
      });
    });

    it('should retry a 5xx answer to a model Search and complete without describing any model', async () => {
      // One group of 2 versions, 4 endpoints on one page: ListModelPackageGroups, the group Search, the version Search,
      // the endpoint Search, 4 DescribeEndpointConfig (requests 1-8); request 9 is the model Search.
      const sim = await simulator({ models: 1, versionsPerModel: 2, deployments: 4 });
      const clean = canonical(await collect(connect(sim).list(signal())));
      await setFaults(sim, { failRequestNumbers: [9] });
      const { listing, calls, warnings } = await listRecording(sim);

      expect(canonical(listing)).toBe(clean);
      expect(calls.attempts.Search).toEqual([1, 1, 1, 2]);
      expect(calls.counts).not.toHaveProperty('DescribeModel');
      expect(warnings).toEqual([]);
    });

    it('should retry throttled model Searches and complete with exactly the clean listing, without falling back', async () => {
      // Many endpoint pages naming new models: the chance that no model Search meets a throttle is negligible.
      const sim = await simulator({ models: 30, deployments: 60 });
      const clean = canonical(await collect(connect(sim).list(signal())));
      expect(expectedModelSearches(sim, 4)).toBeGreaterThanOrEqual(12);
      await setFaults(sim, { throttleRate: 0.3 } satisfies Partial<FaultKnobs>);
      const calls = vendorCalls();
      const { logger, warnings } = recordingLogger();
      const listing = await collect(connect(sim, { logger, onVendorCall: calls.observe, retry: { attempts: 20, baseDelayMs: 1, maxDelayMs: 5 } }).list(signal()));

      expect(canonical(listing)).toBe(clean);
      expect(calls.retried.Search).toBeGreaterThan(0);
      expect(calls.counts).not.toHaveProperty('DescribeModel');
      expect(warnings).toEqual([]);
    });
  });

  describe('list (group tags through Search)', () => {
    it('should list the same models, record for record and hash for hash, as ListTags does, with no ListTags per group', async () => {
      const sim = await simulator();
      const searchCalls = vendorCalls();
      const searches = searchesFrom(sim);
      const viaSearch = await collect(connect(sim, { onVendorCall: searchCalls.observe }).list(signal()));
      const searched = searches();
      sim.searchRefusal = 'AccessDeniedException';
      const fallbackCalls = vendorCalls();
      const viaListTags = await collect(connect(sim, { onVendorCall: fallbackCalls.observe }).list(signal()));

      expect(ids(viaSearch.models)).toEqual(expected(sim).models);
      expect(canonical(viaSearch)).toBe(canonical(viaListTags));
      expect(modelHashes(viaSearch)).toEqual(modelHashes(viaListTags));
      for (const model of sim.store.estate.models) {
        const record = viaSearch.models.find((m) => m.name === model.name)!;
        expect(record.tags).toEqual(model.tags);
        // In key order, whichever call gave them.
        expect(record.vendorAttributes.Tags).toEqual([{ Key: 'domain', Value: model.tags.domain }, { Key: 'team', Value: model.tags.team }]);
      }
      // 10 groups, 4 a page: 3 list pages and 3 group Searches, where the fallback asks ListTags for each group.
      expect(searchCalls.counts).toMatchObject({ ListModelPackageGroups: 3 });
      expect(searched.ModelPackageGroup).toBe(3);
      expect(searchCalls.counts).not.toHaveProperty('ListTags');
      expect(fallbackCalls.counts).toMatchObject({ ListModelPackageGroups: 3, ListTags: 10 + 6 });
    });

    it('should keep every group exactly once across many pages, groups created at the same instant across page boundaries included', async () => {
      const sim = await simulator({ models: 23, versionsPerModel: 1, deployments: 0 });
      // Before any request (the simulator's sorted index is built on first use): ties at the boundaries of 5-group pages.
      const oldestFirst = [...sim.store.estate.models].sort((a, b) => a.createdAt - b.createdAt);
      for (const [from, to] of [[3, 7], [9, 11], [13, 16]]) for (let i = from; i <= to; i++) oldestFirst[i].createdAt = oldestFirst[from].createdAt;
      sim.searchRefusal = 'AccessDeniedException';
      const viaListTags = canonical(await collect(connect(sim, { pageSize: 5 }).list(signal())));
      sim.searchRefusal = null;
      const searches = searchesFrom(sim);
      const calls = vendorCalls();
      const listing = await collect(connect(sim, { pageSize: 5, onVendorCall: calls.observe }).list(signal()));

      expect(listing.models).toHaveLength(23);
      expect(ids(listing.models)).toEqual(expected(sim).models);
      expect(canonical(listing)).toBe(viaListTags);
      // ceil(23 / 5) Search pages, kept in step with the list pages: no group had to ask ListTags.
      expect(searches().ModelPackageGroup).toBe(5);
      expect(calls.counts).not.toHaveProperty('ListTags');

      // Search pages of 3 against list pages of 5: records read ahead of their list page wait for it.
      sim.searchPageCaps.set('ModelPackageGroup', 3);
      const misaligned = searchesFrom(sim);
      const misalignedCalls = vendorCalls();
      const again = await collect(connect(sim, { pageSize: 5, onVendorCall: misalignedCalls.observe }).list(signal()));
      expect(canonical(again)).toBe(viaListTags);
      expect(misaligned().ModelPackageGroup).toBe(Math.ceil(23 / 3));
      expect(misalignedCalls.counts).not.toHaveProperty('ListTags');
    });

    it('should list a group the Search index has not caught up with, its tags from ListTags', async () => {
      const sim = await simulator();
      const clean = canonical(await collect(connect(sim).list(signal())));
      const lagging = [...sim.store.estate.models].sort((a, b) => a.createdAt - b.createdAt)[5];
      sim.searchLag.add(lagging.name);
      const { listing, calls, warnings } = await listRecording(sim);

      expect(canonical(listing)).toBe(clean);
      expect(listing.models.find((m) => m.name === lagging.name)?.tags).toEqual(lagging.tags);
      expect(calls.counts.ListTags).toBe(1);
      expect(warnings).toEqual([]);
    });

    it('should drop a Search record of a group the listing does not have', async () => {
      // A group deleted while Search's index still has it: its record must not become a model or move another's tags.
      const sim = await simulator();
      const clean = canonical(await collect(connect(sim).list(signal())));
      const middle = [...sim.store.estate.models].sort((a, b) => a.createdAt - b.createdAt)[5];
      const ghost = { ModelPackageGroup: { ModelPackageGroupName: 'deleted-group', ModelPackageGroupArn: `${ARN}:model-package-group/deleted-group`, CreationTime: middle.createdAt / 1000, Tags: [{ Key: 'team', Value: 'ghosts' }] } };
      let injected = false;
      const proxy = await searchRewritingProxy(sim, (request, answer) => {
        if (request.Resource !== 'ModelPackageGroup' || injected) return;
        injected = true;
        answer.Results.push(ghost);
      });
      const calls = vendorCalls();
      const listing = await collect(connectTo(proxy, { onVendorCall: calls.observe }).list(signal()));

      expect(injected).toBe(true);
      expect(canonical(listing)).toBe(clean);
      expect(calls.counts).not.toHaveProperty('ListTags');
    });

    describe.each(SEARCH_REFUSALS)('when the group Search is refused with %s', (refusal) => {
      it('should list tags with ListTags, stop the other Searches for the run, and say why once', async () => {
        const sim = await simulator();
        const clean = canonical(await collect(connect(sim).list(signal())));
        sim.searchRefusals.set('ModelPackageGroup', refusal);
        const { listing, calls, warnings, searches } = await listRecording(sim);

        expect(canonical(listing)).toBe(clean);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ obj: { listing: 'groups', reason: expect.stringContaining(refusal) }, msg: expect.stringMatching(/refused Search/) });
        expect(searches()).toEqual({ ModelPackageGroup: 1 });
        expect(calls.counts).toMatchObject({ ListTags: 10 + 6, DescribeModelPackage: 30, ListEndpoints: 2, DescribeModel: servedModels(sim).size });
      });
    });

    it('should finish the group tags with ListTags when the group Search is refused midway', async () => {
      const sim = await simulator();
      const clean = canonical(await collect(connect(sim).list(signal())));
      const { listing, calls, warnings, searches } = await listRecording(sim, (searches) => {
        // The first page's 4 groups got their tags from Search.
        if (searches.ModelPackageGroup === 1) sim.searchRefusals.set('ModelPackageGroup', 'ValidationException');
      });

      expect(canonical(listing)).toBe(clean);
      expect(warnings).toHaveLength(1);
      expect(warnings[0].obj.listing).toBe('groups');
      // The other 6 groups' tags, and the 6 endpoints' (the endpoints fell back with the run).
      expect(calls.counts.ListTags).toBe(6 + 6);
      expect(searches().ModelPackageGroup).toBe(2);
    });

    it("should keep a managed group's versions on the Describe path, as its summary says, and the records as the fallback gives them", async () => {
      const sim = await simulator();
      const managed = sim.store.estate.models[4];
      sim.managedGroups.add(managed.name);
      const searches = searchesFrom(sim);
      const calls = vendorCalls();
      const viaSearch = await collect(connect(sim, { onVendorCall: calls.observe }).list(signal()));
      const searched = searches();
      sim.searchRefusal = 'AccessDeniedException';
      const viaDescribe = await collect(connect(sim).list(signal()));

      expect(canonical(viaSearch)).toBe(canonical(viaDescribe));
      expect(hashes(viaSearch)).toEqual(hashes(viaDescribe));
      expect(viaSearch.models.find((m) => m.name === managed.name)?.vendorAttributes.ManagedConfiguration).toEqual({ ManagedStorageType: 'Restricted' });
      for (const version of viaSearch.versions) {
        const isManaged = version.modelExternalId === `${ARN}:model-package-group/${managed.name}`;
        expect(version.vendorAttributes.ManagedStorageType).toBe(isManaged ? 'Restricted' : undefined);
      }
      // The managed group's 3 versions were described; the 9 other groups' came through Search.
      expect(calls.counts).toMatchObject({ ListModelPackages: 1, DescribeModelPackage: 3 });
      expect(searched.ModelPackage).toBe(9);
    });

    it('should retry a 5xx answer to a group Search page and complete without ListTags', async () => {
      // Request 1 is ListModelPackageGroups, request 2 the first group Search.
      const sim = await simulator();
      const clean = canonical(await collect(connect(sim).list(signal())));
      await setFaults(sim, { failRequestNumbers: [2] });
      const { listing, calls, warnings } = await listRecording(sim);

      expect(canonical(listing)).toBe(clean);
      expect(calls.attempts.Search[0]).toBe(2);
      expect(calls.counts).not.toHaveProperty('ListTags');
      expect(warnings).toEqual([]);
    });
  });
});

describe('SageMaker simulator', () => {
  function client(sim: SageMakerSimulatorHandle) {
    return new SageMakerClient({ region: 'us-east-1', endpoint: sim.url, credentials: { accessKeyId: 'sim-credential', secretAccessKey: 's' }, maxAttempts: 1 });
  }
  const oldestFirst = (sim: SageMakerSimulatorHandle) => [...sim.store.estate.models].sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : 1)).map((m) => m.name);

  describe('Search on model package groups', () => {
    const groups = (order: 'Ascending' | 'Descending'): SearchCommandInput => ({ Resource: 'ModelPackageGroup', SortBy: 'CreationTime', SortOrder: order });

    it('should answer every group with its tags and creator, sorted by CreationTime, MaxResults at a time', async () => {
      const sim = await simulator({ models: 7 });
      sim.managedGroups.add(sim.store.estate.models[0].name);
      const read = async (order: 'Ascending' | 'Descending') => {
        const pages: string[][] = [];
        for await (const page of paginateSearch({ client: client(sim), pageSize: 3 }, groups(order))) {
          for (const { ModelPackageGroup: g } of page.Results ?? []) {
            const model = sim.store.estate.models.find((m) => m.name === g?.ModelPackageGroupName)!;
            expect(g).toMatchObject({ ModelPackageGroupArn: `${ARN}:model-package-group/${model.name}`, CreatedBy: { UserProfileName: model.owner.split('@')[0] } });
            expect(g?.Tags).toEqual(Object.entries(model.tags).map(([Key, Value]) => ({ Key, Value })));
            expect(g?.CreationTime).toEqual(new Date(model.createdAt));
            // The SDK's record shape has no ManagedConfiguration, managed group or not.
            expect(g).not.toHaveProperty('ManagedConfiguration');
          }
          pages.push((page.Results ?? []).map((r) => r.ModelPackageGroup!.ModelPackageGroupName!));
        }
        return pages;
      };
      const names = oldestFirst(sim);
      expect(await read('Ascending')).toEqual([names.slice(0, 3), names.slice(3, 6), names.slice(6)]);
      expect((await read('Descending')).flat()).toEqual([...names].reverse());
    });

    it('should leave a group out while its index lags, and list groups the way ListModelPackageGroups does', async () => {
      const sim = await simulator({ models: 5 });
      const names = oldestFirst(sim);
      sim.searchLag.add(names[1]);
      const results = (await client(sim).send(new SearchCommand(groups('Ascending')))).Results ?? [];
      expect(results.map((r) => r.ModelPackageGroup?.ModelPackageGroupName)).toEqual(names.filter((n) => n !== names[1]));

      sim.managedGroups.add(names[0]);
      const listed = await client(sim).send(new ListModelPackageGroupsCommand({ SortBy: 'CreationTime', SortOrder: 'Descending' }));
      expect(listed.ModelPackageGroupSummaryList?.map((g) => g.ModelPackageGroupName)).toEqual([...names].reverse());
      expect(listed.ModelPackageGroupSummaryList?.at(-1)?.ManagedConfiguration).toEqual({ ManagedStorageType: 'Restricted' });
      const byName = await client(sim).send(new ListModelPackageGroupsCommand({ SortBy: 'Name', SortOrder: 'Ascending' }));
      expect(byName.ModelPackageGroupSummaryList?.map((g) => g.ModelPackageGroupName)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    });

    it('should refuse expressions and other sorts it does not implement, and refuse as told', async () => {
      const sim = await simulator();
      await expect(client(sim).send(new SearchCommand({ Resource: 'ModelPackageGroup' }))).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(client(sim).send(new SearchCommand({ ...groups('Ascending'), SearchExpression: { Filters: [{ Name: 'ModelPackageGroupName', Operator: 'Equals', Value: 'x' }] } }))).rejects.toMatchObject({ name: 'ValidationException' });
      sim.searchRefusals.set('ModelPackageGroup', 'AccessDeniedException');
      await expect(client(sim).send(new SearchCommand(groups('Ascending')))).rejects.toMatchObject({ name: 'AccessDeniedException' });
      // Refusing one resource leaves the others answered.
      await expect(client(sim).send(new SearchCommand({ Resource: 'Endpoint', SortBy: 'CreationTime' }))).resolves.toHaveProperty('Results');
    });
  });

  describe('Search on models', () => {
    const named = (names: string[], property = MODEL_NAME_PROPERTY): SearchCommandInput => ({
      Resource: 'Model',
      SearchExpression: { Filters: names.map((Value) => ({ Name: property, Operator: 'Equals', Value })), Operator: 'Or' },
    });

    it('should answer the Models named, each with the package it runs, and no other', async () => {
      const sim = await simulator({ models: 4, versionsPerModel: 3 });
      const [a, b] = sim.store.estate.models;
      const asked = [`${a.name}-v1`, `${b.name}-v3`, 'no-such-model-v1', `${a.name}-v9`];
      const results = (await client(sim).send(new SearchCommand(named(asked)))).Results ?? [];

      expect(results.map((r) => r.Model?.Model?.ModelName).sort()).toEqual([`${a.name}-v1`, `${b.name}-v3`].sort());
      const first = results.find((r) => r.Model?.Model?.ModelName === `${a.name}-v1`)!.Model!.Model!;
      expect(first.PrimaryContainer?.ModelPackageName).toBe(`${ARN}:model-package/${a.name}/1`);
      expect(first.CreationTime).toBeInstanceOf(Date);
      // And: only a name equal to every filter's value matches.
      const and: SearchCommandInput = { ...named([`${a.name}-v1`, `${a.name}-v2`]), SearchExpression: { ...named([`${a.name}-v1`, `${a.name}-v2`]).SearchExpression, Operator: 'And' } };
      expect((await client(sim).send(new SearchCommand(and))).Results).toEqual([]);
    });

    it('should page an answer MaxResults (or its page cap) at a time until NextToken runs out', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 3 });
      const names = sim.store.estate.models.flatMap((m) => m.versions.map((v) => `${m.name}-v${v.number}`));
      const pages = async () => {
        const sizes: number[] = [];
        const seen: string[] = [];
        for await (const page of paginateSearch({ client: client(sim), pageSize: 4 }, named(names))) {
          sizes.push(page.Results?.length ?? 0);
          seen.push(...(page.Results ?? []).map((r) => r.Model!.Model!.ModelName!));
        }
        expect(seen.sort()).toEqual([...names].sort());
        return sizes;
      };
      expect(await pages()).toEqual([4, 4, 1]);
      sim.searchPageCaps.set('Model', 2);
      expect(await pages()).toEqual([2, 2, 2, 2, 1]);
    });

    it('should take 50 filters and refuse 51 with a ValidationException, as AWS documents', async () => {
      const sim = await simulator({ models: 2 });
      const names = Array.from({ length: 51 }, (_, i) => `model-${i}-v1`);
      await expect(client(sim).send(new SearchCommand(named(names.slice(0, 50))))).resolves.toMatchObject({ Results: [] });
      await expect(client(sim).send(new SearchCommand(named(names)))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('50'), $metadata: { httpStatusCode: 400 } });
    });

    it('should refuse another filter property, hide lagging Models, and refuse the model Search alone when told', async () => {
      const sim = await simulator({ models: 2 });
      const name = `${sim.store.estate.models[0].name}-v1`;
      await expect(client(sim).send(new SearchCommand(named([name], 'ModelName')))).rejects.toMatchObject({ name: 'ValidationException' });
      sim.searchLag.add(name);
      expect((await client(sim).send(new SearchCommand(named([name])))).Results).toEqual([]);
      sim.searchLag.clear();

      const put = await fetch(`${sim.url}/__sim/sagemaker/search-refusal`, { method: 'PUT', body: JSON.stringify({ refusal: 'ValidationException', resource: 'Model' }) });
      expect(put.status).toBe(200);
      await expect(client(sim).send(new SearchCommand(named([name])))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining(MODEL_NAME_PROPERTY) });
      await expect(client(sim).send(new SearchCommand({ Resource: 'ModelPackageGroup', SortBy: 'CreationTime' }))).resolves.toHaveProperty('Results');
      expect((await fetch(`${sim.url}/__sim/sagemaker/search-refusal`, { method: 'PUT', body: JSON.stringify({ refusal: null, resource: 'Model' }) })).status).toBe(200);
      expect((await client(sim).send(new SearchCommand(named([name])))).Results).toHaveLength(1);
      expect((await fetch(`${sim.url}/__sim/sagemaker/search-refusal`, { method: 'PUT', body: JSON.stringify({ refusal: 'ValidationException', resource: 'TrainingJob' }) })).status).toBe(400);

      // The refusal of every Search covers the model Search too.
      sim.searchRefusal = 'UnknownOperationException';
      await expect(client(sim).send(new SearchCommand(named([name])))).rejects.toMatchObject({ name: 'UnknownOperationException' });
    });
  });
});
