import { SageMakerClient, SearchCommand, paginateSearch, type SearchCommandInput } from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import { SEARCH_REFUSALS, type SageMakerSimulatorHandle } from '../../../connectors/sagemaker/simulator.js';
import type { FaultKnobs } from '../../../connectors/shared/simulator-kit.js';
import { ARN, canonical, closeRunning, collect, connect, expected, expectedModelSearches, hashes, ids, listRecording, recordingLogger, setFaults, signal, simulator, vendorCalls } from './sagemaker-fixture.js';

/**
 * The SageMaker listing reads version details with `SageMaker.Search` (one request per ≤100 versions) instead of
 * one DescribeModelPackage per version, and falls back to ListModelPackages + DescribeModelPackage for the run
 * when SageMaker refuses Search. Everything runs against the simulator on loopback through the AWS SDK.
 */

afterEach(closeRunning);

describe('SageMakerConnector', () => {
  describe('list (version details through Search)', () => {
    it('should list the same normalised estate, with the same content hashes, as List + Describe does', async () => {
      const sim = await simulator();
      // An approved version carries an ApprovalDescription and extra metadata: both paths must report them alike.
      const model = sim.store.estate.models[2];
      const approved = `${ARN}:model-package/${model.name}/2`;
      await connect(sim).applyLifecycle!({ changeRequestRef: 'cr-7', changeRequestUrl: null, modelExternalId: null, versionExternalId: approved, fromState: 'VALIDATION', toState: 'APPROVED', replacedBy: null, summary: 'ModelOps hub change request cr-7: VALIDATION -> APPROVED.' }, signal());

      const searchCalls = vendorCalls();
      const viaSearch = await collect(connect(sim, { onVendorCall: searchCalls.observe }).list(signal()));
      sim.searchRefusal = 'AccessDeniedException';
      const describeCalls = vendorCalls();
      const viaDescribe = await collect(connect(sim, { onVendorCall: describeCalls.observe }).list(signal()));

      expect(ids(viaSearch.versions)).toEqual(expected(sim).versions);
      expect(viaSearch.versions.find((v) => v.externalId === approved)?.vendorAttributes.ApprovalDescription).toContain('cr-7');
      expect(canonical(viaSearch)).toBe(canonical(viaDescribe));
      expect(hashes(viaSearch)).toEqual(hashes(viaDescribe));
      // 10 groups of 3 versions: one Search each, where the fallback lists each group and describes each version;
      // 3 group Searches (4 groups a page) for their tags; 6 endpoints, 4 a page: 2 endpoint Searches and their
      // model Searches (sagemaker-endpoint-search.test.ts and sagemaker-bulk-search.test.ts cover those).
      expect(searchCalls.counts).toMatchObject({ Search: 3 + 10 + 2 + expectedModelSearches(sim, 4) });
      expect(searchCalls.counts).not.toHaveProperty('DescribeModelPackage');
      expect(searchCalls.counts).not.toHaveProperty('ListModelPackages');
      expect(describeCalls.counts).toMatchObject({ ListModelPackages: 10, DescribeModelPackage: 30 });
    });

    it('should page through groups of more than 100 versions with one Search per 100, newest first', async () => {
      const sim = await simulator({ models: 2, versionsPerModel: 250, deployments: 2 });
      const calls = vendorCalls();
      const listing = await collect(connect(sim, { pageSize: 100, onVendorCall: calls.observe }).list(signal()));

      expect(listing.versions).toHaveLength(500);
      expect(ids(listing.versions)).toEqual(expected(sim).versions);
      expect(listing.errors).toEqual([]);
      for (const model of sim.store.estate.models) {
        const numbers = listing.versions.filter((v) => v.modelExternalId === `${ARN}:model-package-group/${model.name}`).map((v) => v.versionNumber);
        expect(numbers).toEqual(Array.from({ length: 250 }, (_, i) => 250 - i));
      }
      // 3 pages per group, one for the groups' tags, one for the 2 endpoints and one for their 2 models.
      expect(calls.counts).toMatchObject({ Search: 2 * 3 + 1 + 1 + 1 });
      expect(calls.counts).not.toHaveProperty('DescribeModelPackage');
    });

    describe.each([
      ['throttling (400 ThrottlingException)', { throttleRate: 0.3 }],
      ['5xx answers', { serverErrorRate: 0.3 }],
    ] satisfies Array<[string, Partial<FaultKnobs>]>)('under %s', (_label, knobs) => {
      it('should retry the Search requests and complete with exactly the clean listing, without falling back', async () => {
        const sim = await simulator({ models: 30, deployments: 2 });
        const clean = canonical(await collect(connect(sim).list(signal())));
        await setFaults(sim, knobs);
        const calls = vendorCalls();
        const { logger, warnings } = recordingLogger();
        const faulty = await collect(connect(sim, { onVendorCall: calls.observe, logger, retry: { attempts: 10, baseDelayMs: 1, maxDelayMs: 10 } }).list(signal()));

        expect(canonical(faulty)).toBe(clean);
        expect(calls.retried.Search).toBeGreaterThan(0);
        expect(calls.counts).not.toHaveProperty('ListModelPackages');
        expect(warnings).toEqual([]);
      });
    });

    describe.each(SEARCH_REFUSALS)('when Search is refused with %s', (refusal) => {
      it('should list the same estate with List + Describe for the run and say why once', async () => {
        const sim = await simulator();
        const clean = canonical(await collect(connect(sim).list(signal())));
        sim.searchRefusal = refusal;
        const calls = vendorCalls();
        const { logger, warnings } = recordingLogger();
        const connector = connect(sim, { onVendorCall: calls.observe, logger });

        expect(canonical(await collect(connector.list(signal())))).toBe(clean);
        expect(warnings).toHaveLength(1);
        expect(warnings[0].obj.reason).toContain(refusal);
        expect(warnings[0].msg).toMatch(/refused Search/);
        expect(calls.counts.Search).toBeLessThan(sim.store.estate.models.length); // it stopped asking
        expect(calls.counts).toMatchObject({ DescribeModelPackage: 30 });

        // The next run tries Search again.
        sim.searchRefusal = null;
        const next = vendorCalls();
        expect(canonical(await collect(connect(sim, { onVendorCall: next.observe, logger }).list(signal())))).toBe(clean);
        expect(next.counts).not.toHaveProperty('DescribeModelPackage');
        expect(warnings).toHaveLength(1);
      });
    });

    it('should finish a group whose Search is refused midway with List + Describe, repeating and missing no version', async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 10, deployments: 2 });
      const clean = canonical(await collect(connect(sim).list(signal())));
      const { listing, calls, warnings } = await listRecording(sim, (searches) => {
        // Once the first version pages were asked for (one per group, as groups are started ahead of time).
        if (searches.ModelPackage! >= 1) sim.searchRefusal = 'ValidationException';
      });

      expect(canonical(listing)).toBe(clean);
      expect(warnings).toHaveLength(1);
      // The first Search page (4 versions) was not described again.
      expect(calls.counts.DescribeModelPackage).toBeLessThanOrEqual(26);
    });

    it('should leave out a version deleted while its group was being paged, and no other', async () => {
      const sim = await simulator({ models: 1, versionsPerModel: 10, deployments: 0 });
      const group = sim.store.estate.models[0];
      let deleted = false;
      const listing = await collect(
        connect(sim, {
          onVendorCall: ({ operation }) => {
            // Version 1 is the oldest, so it sits on the last page, not read yet.
            if (operation === 'Search' && sim.searches.ModelPackage! >= 1 && !deleted) {
              deleted = true;
              sim.store.removeVersion(group.name, 1);
            }
          },
        }).list(signal()),
      );
      expect(listing.errors).toEqual([]);
      expect(ids(listing.versions)).not.toContain(`${ARN}:model-package/${group.name}/1`);
      expect(ids(listing.versions)).toEqual(expected(sim).versions);
      expect(listing.versions).toHaveLength(9);
    });

    it('should leave out a group deleted after the group listing, with its versions', async () => {
      const sim = await simulator();
      // 10 groups, 4 a page: the last page holds the two newest. Deleting one of them once that page is read
      // shifts no later page (the simulator's tokens are offsets).
      const newest = [...sim.store.estate.models].sort((a, b) => b.createdAt - a.createdAt)[0];
      let groupPages = 0;
      const listing = await collect(
        connect(sim, {
          onVendorCall: ({ operation }) => {
            if (operation === 'ListModelPackageGroups' && ++groupPages === 3) sim.store.removeModel(newest.name);
          },
        }).list(signal()),
      );
      expect(groupPages).toBe(3);
      expect(listing.errors).toEqual([]);
      expect(ids(listing.models)).not.toContain(`${ARN}:model-package-group/${newest.name}`);
      expect(ids(listing.models)).toEqual(expected(sim).models);
      expect(ids(listing.versions)).toEqual(expected(sim).versions);
    });
  });
});

describe('SageMaker simulator', () => {
  describe('Search', () => {
    function client(sim: SageMakerSimulatorHandle, accessKeyId = 'sim-credential') {
      return new SageMakerClient({ region: 'us-east-1', endpoint: sim.url, credentials: { accessKeyId, secretAccessKey: 's' }, maxAttempts: 1 });
    }
    const ofGroup = (name: string, order: 'Ascending' | 'Descending'): SearchCommandInput => ({
      Resource: 'ModelPackage',
      SearchExpression: { Filters: [{ Name: 'ModelPackageGroupName', Operator: 'Equals', Value: name }] },
      SortBy: 'CreationTime',
      SortOrder: order,
    });

    it("should answer with one group's packages sorted by CreationTime, MaxResults at a time, until NextToken runs out", async () => {
      const sim = await simulator({ models: 3, versionsPerModel: 7 });
      const group = sim.store.estate.models[1];
      const read = async (order: 'Ascending' | 'Descending') => {
        const pages: number[][] = [];
        for await (const page of paginateSearch({ client: client(sim), pageSize: 3 }, ofGroup(group.name, order))) {
          for (const result of page.Results ?? []) {
            expect(result.ModelPackage).toMatchObject({ ModelPackageGroupName: group.name, ModelPackageArn: expect.stringContaining(`/${group.name}/`), Tags: [] });
            expect(result.ModelPackage?.CreationTime).toBeInstanceOf(Date);
          }
          pages.push((page.Results ?? []).map((r) => r.ModelPackage!.ModelPackageVersion!));
        }
        return pages;
      };
      expect(await read('Ascending')).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
      expect(await read('Descending')).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
    });

    it('should refuse MaxResults outside 1..100 and expressions it does not implement with a ValidationException', async () => {
      const sim = await simulator();
      const name = sim.store.estate.models[0].name;
      for (const MaxResults of [0, 101]) {
        await expect(client(sim).send(new SearchCommand({ ...ofGroup(name, 'Descending'), MaxResults }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('maxResults') });
      }
      await expect(client(sim).send(new SearchCommand({ Resource: 'ModelPackage', SearchExpression: { Filters: [{ Name: 'ModelApprovalStatus', Operator: 'Equals', Value: 'Approved' }] } }))).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(client(sim).send(new SearchCommand({ Resource: 'TrainingJob' }))).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('should refuse Search as the control route says until it is reset, and check credentials first', async () => {
      const sim = await simulator();
      const input = ofGroup(sim.store.estate.models[0].name, 'Descending');
      const put = await fetch(`${sim.url}/__sim/sagemaker/search-refusal`, { method: 'PUT', body: JSON.stringify({ refusal: 'UnknownOperationException' }) });
      expect(put.status).toBe(200);
      await expect(client(sim).send(new SearchCommand(input))).rejects.toMatchObject({ name: 'UnknownOperationException', $metadata: { httpStatusCode: 400 } });
      await expect(client(sim, 'AKIAWRONGWRONGWRONG0').send(new SearchCommand(input))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
      expect((await fetch(`${sim.url}/__sim/sagemaker/search-refusal`, { method: 'DELETE' })).status).toBe(200);
      expect((await client(sim).send(new SearchCommand(input))).Results).toHaveLength(3);
      expect((await fetch(`${sim.url}/__sim/sagemaker/search-refusal`, { method: 'PUT', body: JSON.stringify({ refusal: 'Nope' }) })).status).toBe(400);
    });

    it('should throttle Search like every other operation', async () => {
      const sim = await simulator();
      await setFaults(sim, { throttleRate: 1 } satisfies Partial<FaultKnobs>);
      await expect(client(sim).send(new SearchCommand(ofGroup(sim.store.estate.models[0].name, 'Descending')))).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    });
  });
});
