import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeModelPackageCommand, SageMakerClient, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectorError, MalformedResponseError, RateLimitError } from '../../../connectors/contract.js';
import { createSageMakerConnector, sageMakerSecretSchema, sageMakerSettingsSchema } from '../../../connectors/sagemaker/index.js';
import { servesProduction, type FaultKnobs } from '../../../connectors/shared/simulator-kit.js';
import { ARN, FAST, canonical, closeRunning, collect, connect, expected, ids, requestCount, running, setFaults, signal, simulator } from './sagemaker-fixture.js';

afterEach(closeRunning);

describe('SageMakerConnector', () => {
  describe('list', () => {
    it('should list every group, version and endpoint over several pages with versions and deployments linked', async () => {
      const sim = await simulator();
      const listing = await collect(connect(sim).list(signal()));

      const want = expected(sim);
      expect(listing.batches).toBeGreaterThanOrEqual(5); // 10 groups / 4 per page = 3 pages, 6 endpoints = 2 pages
      expect(ids(listing.models)).toEqual(want.models);
      expect(ids(listing.versions)).toEqual(want.versions);
      expect(ids(listing.deployments)).toEqual(want.deployments);
      expect(listing.errors).toEqual([]);

      for (const model of sim.store.estate.models) {
        const record = listing.models.find((m) => m.name === model.name)!;
        expect(record).toMatchObject({ description: model.description, owner: model.owner, tags: model.tags, createdAt: new Date(model.createdAt) });
        for (const version of model.versions) {
          const v = listing.versions.find((x) => x.externalId === `${ARN}:model-package/${model.name}/${version.number}`)!;
          expect(v).toMatchObject({ modelExternalId: record.externalId, versionNumber: version.number, description: version.description, updatedAt: new Date(version.updatedAt), observedStageRaw: version.stage === 'None' ? 'PendingManualApproval' : version.stage });
        }
      }
      for (const deployment of sim.store.estate.deployments) {
        const d = listing.deployments.find((x) => x.name === deployment.name)!;
        expect(d).toMatchObject({ versionExternalId: `${ARN}:model-package/${deployment.modelName}/${deployment.versionNumber}`, servingProduction: servesProduction(deployment), environment: deployment.environment.toUpperCase(), environmentRaw: deployment.environment, trafficShare: 1 });
      }
    });

    it("should place each InService endpoint by its environment tag, or by the source's own rule", async () => {
      const sim = await simulator({ deployments: 0 });
      const [a, b] = sim.store.estate.models.map((m) => m.name);
      sim.store.deploy(a, 1, { environment: 'staging' });
      sim.store.deploy(b, 1, { environment: 'development', name: `${b}-canary-prod` });

      const byDefault = await collect(connect(sim).list(signal()));
      expect(byDefault.deployments.map((d) => [d.name, d.status, d.environment, d.servingProduction])).toEqual([
        [`${a}-v1-staging`, 'ACTIVE', 'STAGING', false],
        [`${b}-canary-prod`, 'ACTIVE', 'DEVELOPMENT', false],
      ]);

      // This source's rule reads a `tier` tag only and places endpoints named *-prod in production.
      const environmentRule = { tagKeys: ['tier'], namePatterns: [{ pattern: '-prod$', environment: 'PRODUCTION' as const }], otherwise: 'UNKNOWN' as const };
      const own = createSageMakerConnector({ region: 'us-east-1', endpoint: sim.url, environmentRule }, { accessKeyId: 'sim-credential', secretAccessKey: 'simulator-secret' }, { ...FAST, pageSize: 4 });
      const byRule = await collect(own.list(signal()));
      expect(byRule.deployments.map((d) => [d.name, d.environment, d.environmentRaw, d.servingProduction])).toEqual([
        [`${a}-v1-staging`, 'UNKNOWN', null, false],
        [`${b}-canary-prod`, 'PRODUCTION', null, true],
      ]);
    });

    it('should request the next page only when the consumer asks for the next batch', async () => {
      const sim = await simulator();
      const iterator = connect(sim).list(signal())[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value?.models).toHaveLength(4);
      const afterFirst = await requestCount(sim);
      await new Promise((r) => setTimeout(r, 50));
      expect(await requestCount(sim)).toBe(afterFirst);
      await iterator.next();
      expect(await requestCount(sim)).toBeGreaterThan(afterFirst);
      await iterator.return?.();
    });

    it('should list an estate of 5 000 versions exactly', async () => {
      const sim = await simulator({ models: 500, versionsPerModel: 10, deployments: 40 });
      const listing = await collect(connect(sim, { pageSize: 100 }).list(signal()));
      const want = expected(sim);
      expect(listing.versions).toHaveLength(5_000);
      expect(ids(listing.versions)).toEqual(want.versions);
      expect(ids(listing.models)).toEqual(want.models);
      expect(ids(listing.deployments)).toEqual(want.deployments);
      expect(listing.errors).toEqual([]);
    }, 120_000);

    describe.each([
      ['throttling (400 ThrottlingException, no Retry-After)', { throttleRate: 0.3 }],
      ['throttling with the Retry-After knob set (SageMaker sends none)', { throttleRate: 0.3, retryAfterSeconds: 1 }],
      ['5xx answers', { serverErrorRate: 0.3 }],
      ['truncated bodies', { truncateRate: 0.3 }],
      ['slow answers within the timeout', { latencyMs: 20 }],
      ['requests that fail once', { failRequestNumbers: [1, 2, 5, 9] }],
    ] satisfies Array<[string, Partial<FaultKnobs>]>)('under %s', (_label, knobs) => {
      it('should complete with exactly the clean listing', async () => {
        const sim = await simulator();
        const clean = canonical(await collect(connect(sim).list(signal())));
        await setFaults(sim, knobs);
        const faulty = canonical(await collect(connect(sim).list(signal())));
        expect(faulty).toBe(clean);
      });
    });

    it('should retry requests that timed out and complete once the service answers in time', async () => {
      const sim = await simulator();
      const clean = canonical(await collect(connect(sim).list(signal())));
      await setFaults(sim, { latencyMs: 400 });
      const timer = setTimeout(() => void setFaults(sim, { latencyMs: 0 }), 150);
      const faulty = canonical(await collect(connect(sim, { timeoutMs: 100, retry: { attempts: 8, baseDelayMs: 20, maxDelayMs: 100 } }).list(signal())));
      clearTimeout(timer);
      expect(faulty).toBe(clean);
    });

    it('should throw, marking the listing incomplete, when the service always fails', async () => {
      const sim = await simulator();
      await setFaults(sim, { failEveryRequest: true });
      const error = await collect(connect(sim, { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } }).list(signal())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ retryable: true, status: 500 });
      expect(await requestCount(sim)).toBe(3);
    });

    it('should give up with a RateLimitError when SageMaker keeps answering 400 ThrottlingException', async () => {
      const sim = await simulator();
      await setFaults(sim, { throttleRate: 1 });
      const error = await collect(connect(sim, { retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 } }).list(signal())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({ status: 400, retryable: true });
      expect(await requestCount(sim)).toBe(4);
    });

    it('should throw a non-retried AuthenticationError for an unknown access key', async () => {
      const sim = await simulator();
      const error = await collect(connect(sim, {}, 'AKIAWRONGWRONGWRONG0').list(signal())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toContain('UnrecognizedClientException');
      expect((error as Error).message).not.toContain('simulator-secret');
      expect(await requestCount(sim)).toBe(1);
    });

    it('should skip a version and an endpoint deleted between the list call and their describe', async () => {
      // Versions are described one by one only where Search is refused; sagemaker-search.test.ts covers Search.
      const sim = await simulator({ searchRefusal: 'AccessDeniedException' });
      const firstGroup = [...sim.store.estate.models].sort((a, b) => a.createdAt - b.createdAt)[0];
      let firstEndpoint = '';
      const listing = await collect(
        connect(sim, {
          onVendorCall: ({ operation }) => {
            if (operation === 'ListModelPackages' && firstGroup.versions.some((v) => v.number === 2)) sim.store.removeVersion(firstGroup.name, 2);
            if (operation === 'ListEndpoints' && !firstEndpoint) {
              const newest = [...sim.store.estate.deployments].sort((a, b) => b.createdAt - a.createdAt)[0];
              firstEndpoint = newest.name;
              sim.store.estate.deployments = sim.store.estate.deployments.filter((d) => d !== newest);
            }
          },
        }).list(signal()),
      );
      expect(listing.errors).toEqual([]);
      expect(ids(listing.versions)).not.toContain(`${ARN}:model-package/${firstGroup.name}/2`);
      expect(ids(listing.versions)).toEqual(expected(sim).versions);
      expect(listing.deployments.map((d) => d.name)).not.toContain(firstEndpoint);
      expect(ids(listing.deployments)).toEqual(expected(sim).deployments);
    });

    it('should retry a 200 answer whose body is not JSON and report MalformedResponseError when it persists', async () => {
      let requests = 0;
      let garble = 2;
      const server: Server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          requests++;
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(garble-- > 0 ? '{"ModelPackageGroupSummaryList": [{"ModelPa' : '{"ModelPackageGroupSummaryList": []}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      running.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const connector = createSageMakerConnector({ region: 'us-east-1', endpoint: url }, { accessKeyId: 'k', secretAccessKey: 's' }, { ...FAST, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });

      expect(await connector.check(signal())).toMatchObject({ ok: true });
      expect(requests).toBe(3);

      garble = 10;
      expect((await connector.check(signal())).ok).toBe(false);
      const error = await collect(connector.list(signal())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MalformedResponseError);
    });
  });

  describe('check', () => {
    it('should report a working connection', async () => {
      const sim = await simulator();
      const result = await connect(sim).check(signal());
      expect(result).toMatchObject({ ok: true, details: { region: 'us-east-1', endpoint: sim.url } });
      expect(await requestCount(sim)).toBe(1);
    });

    it('should explain rejected credentials', async () => {
      const sim = await simulator();
      const result = await connect(sim, {}, 'AKIAWRONGWRONGWRONG0').check(signal());
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/rejected the credentials/);
    });

    it('should use the default credential chain when the source has no secret', async () => {
      const sim = await simulator();
      const saved = { id: process.env.AWS_ACCESS_KEY_ID, key: process.env.AWS_SECRET_ACCESS_KEY };
      process.env.AWS_ACCESS_KEY_ID = 'sim-credential';
      process.env.AWS_SECRET_ACCESS_KEY = 'from-the-environment';
      try {
        const connector = createSageMakerConnector({ region: 'us-east-1', endpoint: sim.url }, null, FAST);
        expect(await connector.check(signal())).toMatchObject({ ok: true });
      } finally {
        if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
        else process.env.AWS_ACCESS_KEY_ID = saved.id;
        if (saved.key === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
        else process.env.AWS_SECRET_ACCESS_KEY = saved.key;
      }
    });

    it('should explain an unreachable endpoint', async () => {
      const sim = await simulator();
      const url = sim.url;
      await sim.close();
      const connector = createSageMakerConnector({ region: 'us-east-1', endpoint: url }, { accessKeyId: 'sim-credential', secretAccessKey: 's' }, { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
      const result = await connector.check(signal());
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/Could not reach SageMaker at http:\/\/127\.0\.0\.1/);
    });
  });

  describe('applyLifecycle', () => {
    const change = (toState: 'APPROVED' | 'PRODUCTION' | 'RETIRED' | 'VALIDATION', arn: string) => ({
      changeRequestRef: 'cr-42',
      changeRequestUrl: null,
      modelExternalId: null,
      versionExternalId: arn,
      fromState: 'VALIDATION' as const,
      toState,
      replacedBy: null,
      summary: 'ModelOps hub change request cr-42: VALIDATION -> APPROVED, requested by alice, approved by bob (VALIDATOR).',
    });

    it('should approve the package at SageMaker and show it on the next listing', async () => {
      const sim = await simulator();
      const model = sim.store.estate.models[0];
      const target = model.versions.find((v) => v.stage === 'None')!;
      const arn = `${ARN}:model-package/${model.name}/${target.number}`;
      const connector = connect(sim);

      const outcome = await connector.applyLifecycle!(change('APPROVED', arn), signal());

      expect(outcome.status).toBe('DONE');
      expect(sim.store.version(model.name, target.number).approval).toBe('Approved');
      expect(sim.store.writeBacks).toEqual([
        expect.objectContaining({
          operation: 'UpdateModelPackage',
          target: arn,
          payload: expect.objectContaining({
            ModelApprovalStatus: 'Approved',
            ApprovalDescription: expect.stringContaining('cr-42'),
            // The package's own keys travel with the hub's, so a server that replaces the map loses nothing.
            CustomerMetadataProperties: { owner: model.owner, ...target.tags, 'modelops.lifecycle': 'APPROVED', 'modelops.change_request': 'cr-42' },
          }),
        }),
      ]);
      const listed = (await collect(connector.list(signal()))).versions.find((v) => v.externalId === arn)!;
      expect(listed).toMatchObject({ observedStage: 'STAGING', observedStageRaw: 'Approved', tags: expect.objectContaining({ 'modelops.lifecycle': 'APPROVED' }) });
      expect(listed.vendorAttributes.ApprovalDescription).toContain('cr-42');

      // A re-delivery (e.g. after a worker died before recording the outcome) writes nothing more.
      expect(await connector.applyLifecycle!(change('APPROVED', arn), signal())).toMatchObject({ status: 'DONE', message: expect.stringContaining('already set') });
      expect(sim.store.writeBacks).toHaveLength(1);
    });

    it('should reject the package when the version is retired', async () => {
      const sim = await simulator();
      const model = sim.store.estate.models[1];
      const arn = `${ARN}:model-package/${model.name}/1`;
      expect(await connect(sim).applyLifecycle!(change('RETIRED', arn), signal())).toMatchObject({ status: 'DONE' });
      expect(sim.store.version(model.name, 1).approval).toBe('Rejected');
    });

    it("should refuse before writing when the hub's keys would push the package past SageMaker's 50 metadata entries", async () => {
      const sim = await simulator();
      const model = sim.store.estate.models[0];
      const version = model.versions[0];
      // With the generated owner key, 49 entries: room for one more, not for the hub's two.
      version.tags = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`team.key${i}`, 'x']));
      const arn = `${ARN}:model-package/${model.name}/${version.number}`;
      const failure = await connect(sim).applyLifecycle!(change('APPROVED', arn), signal()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ConnectorError);
      expect(failure).toMatchObject({ retryable: false, message: expect.stringContaining('would carry 51 CustomerMetadataProperties') });
      expect(sim.store.writeBacks).toEqual([]);
    });

    it('should leave SageMaker untouched for a state it has no approval status for', async () => {
      const sim = await simulator();
      const model = sim.store.estate.models[0];
      const outcome = await connect(sim).applyLifecycle!(change('VALIDATION', `${ARN}:model-package/${model.name}/1`), signal());
      expect(outcome.status).toBe('UNSUPPORTED');
      expect(sim.store.writeBacks).toEqual([]);
      expect(await requestCount(sim)).toBe(0);
    });
  });
});

describe('SageMaker simulator', () => {
  describe('UpdateModelPackage', () => {
    const client = (url: string) => new SageMakerClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'sim-credential', secretAccessKey: 's' }, maxAttempts: 1 });
    const metadataAfterUpdate = async (mode: 'merge' | 'replace' | undefined) => {
      const sim = await simulator(mode ? { customerMetadataUpdate: mode } : {});
      const model = sim.store.estate.models[0];
      const arn = `${ARN}:model-package/${model.name}/1`;
      const describe = async () => (await client(sim.url).send(new DescribeModelPackageCommand({ ModelPackageName: arn }))).CustomerMetadataProperties;
      const before = { ...(await describe()), stage: 'silver' };
      await client(sim.url).send(new UpdateModelPackageCommand({ ModelPackageArn: arn, CustomerMetadataProperties: before }));
      await client(sim.url).send(new UpdateModelPackageCommand({ ModelPackageArn: arn, CustomerMetadataProperties: { added: 'yes' }, CustomerMetadataPropertiesToRemove: ['stage'] }));
      return { before, after: await describe() };
    };

    it('should merge CustomerMetadataProperties as AWS does: keys sent are set, keys named to remove go, the rest stay', async () => {
      const { before, after } = await metadataAfterUpdate(undefined);
      const { stage: _removed, ...kept } = before;
      expect(after).toEqual({ ...kept, added: 'yes' });
      expect(after).toHaveProperty('owner');
    });

    it('should replace the whole map when told to behave like servers that do', async () => {
      const { after } = await metadataAfterUpdate('replace');
      expect(after).toEqual({ added: 'yes' });
    });

    it("should refuse what AWS refuses: an ApprovalDescription over 1024 characters and metadata values over 256 or with characters outside SageMaker's pattern", async () => {
      const sim = await simulator();
      const arn = `${ARN}:model-package/${sim.store.estate.models[0].name}/1`;
      const update = (input: Omit<ConstructorParameters<typeof UpdateModelPackageCommand>[0], 'ModelPackageArn'>) => client(sim.url).send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ...input }));
      await expect(update({ ApprovalDescription: 'x'.repeat(1025) })).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('approvalDescription') });
      await expect(update({ CustomerMetadataProperties: { link: 'y'.repeat(257) } })).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('customerMetadataProperties') });
      await expect(update({ CustomerMetadataProperties: { link: 'https://hub.example.com/?q=1' } })).rejects.toMatchObject({ name: 'ValidationException' });
      expect(sim.store.writeBacks).toEqual([]);
      await update({ ApprovalDescription: 'x'.repeat(1024), CustomerMetadataProperties: { link: 'https://hub.example.com/change-requests/Q2hhbmdl_-' } });
      expect(sim.store.writeBacks).toHaveLength(1);
    });
  });
});

describe('sageMakerSettingsSchema', () => {
  describe('safeParse', () => {
    it('should accept a region with an optional http(s) endpoint and refuse anything else', () => {
      expect(sageMakerSettingsSchema.safeParse({ region: 'eu-west-1' }).success).toBe(true);
      expect(sageMakerSettingsSchema.safeParse({ region: 'us-east-1', endpoint: 'https://vpce-1.api.sagemaker.us-east-1.vpce.amazonaws.com' }).success).toBe(true);
      expect(sageMakerSettingsSchema.safeParse({ region: 'us-east-1', endpoint: 'file:///etc/passwd' }).success).toBe(false);
      expect(sageMakerSettingsSchema.safeParse({ region: 'mars' }).success).toBe(false);
    });
  });
});

describe('sageMakerSecretSchema', () => {
  describe('safeParse', () => {
    it('should accept static keys, temporary keys and no secret at all', () => {
      expect(sageMakerSecretSchema.safeParse({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's' }).success).toBe(true);
      expect(sageMakerSecretSchema.safeParse({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', sessionToken: 't' }).success).toBe(true);
      expect(sageMakerSecretSchema.safeParse(null).success).toBe(true);
      expect(sageMakerSecretSchema.safeParse({ accessKeyId: 'AKIAEXAMPLE' }).success).toBe(false);
    });
  });
});
