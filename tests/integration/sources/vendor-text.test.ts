/**
 * What a vendor writes reaches VIEWERs, logs and the database only scrubbed of the source's credential, and capped.
 * For each vendor, its simulator answers every request the way a gateway in front of it refuses one: in the vendor's
 * error shape, quoting the credential headers it received (SageMaker: AWS's InvalidSignatureException, which quotes
 * the security token, plus the signed Authorization header). A real hub (PostgreSQL, the HTTP API with API keys, its
 * listing threads) syncs the source and tests its connection.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vendor } from '../../../connectors/contract.js';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle, SimulatorOptions } from '../../../connectors/shared/simulator-kit.js';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { models, modelVersions } from '../../../src/db/schema/index.js';
import { queryRows } from '../../../src/db/sql.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { createGovernanceServices, type GovernanceServices } from '../../../src/governance/governance-services.js';
import { WriteBackService } from '../../../src/governance/write-back.service.js';
import { toGlobalId } from '../../../src/global-id.js';
import { MAX_VENDOR_TEXT } from '../../../src/sources/vendor-text.js';
import { FAST_CONNECTOR_DEPS, startTestHub, type TestHub } from '../../helpers/hub.js';
import { person, RecordingJobs, requestWithWriteBack, silentLogger } from '../governance/governance-fixtures.js';
import { createPersonWithKey } from '../../helpers/people.js';
import { accepted } from '../../helpers/governance.js';

const tag = randomBytes(6).toString('hex');

interface VendorCase {
  vendor: Vendor;
  simulator: SimulatorOptions & Record<string, unknown>;
  settings: (url: string) => Record<string, unknown>;
  secret: Record<string, string>;
  /** Forms of the credential on the wire besides the secret's own values (e.g. base64 of user:pass). */
  wireForms: string[];
}

// Values with characters that URL-encoding and JSON escaping change, so every encoded form differs from the raw one.
const mlflowPassword = `pw/${tag}+mlflow=x`;
const CASES: VendorCase[] = [
  {
    vendor: 'mlflow',
    simulator: { auth: 'basic', basicUsername: `ml-user-${tag}`, credential: mlflowPassword },
    settings: (url) => ({ trackingUri: url }),
    secret: { username: `ml-user-${tag}`, password: mlflowPassword },
    wireForms: [Buffer.from(`ml-user-${tag}:${mlflowPassword}`).toString('base64')],
  },
  {
    vendor: 'datarobot',
    simulator: { credential: `drtok/${tag}+datarobot=y` },
    settings: (url) => ({ endpoint: `${url}/api/v2` }),
    secret: { apiToken: `drtok/${tag}+datarobot=y` },
    wireForms: [],
  },
  {
    vendor: 'domino',
    simulator: { credential: `dmkey/${tag}+domino=z` },
    settings: (url) => ({ host: url }),
    secret: { apiKey: `dmkey/${tag}+domino=z` },
    wireForms: [],
  },
  {
    vendor: 'sagemaker',
    simulator: { credential: `AKIA${tag.toUpperCase()}SIMU` },
    settings: (url) => ({ region: 'us-east-1', endpoint: url }),
    secret: { accessKeyId: `AKIA${tag.toUpperCase()}SIMU`, secretAccessKey: `sk/${tag}+aws=secret`, sessionToken: `IQoJb3JpZ2luX2Vj/${tag}+session==` },
    wireForms: [],
  },
];

/** Every form a credential may take in text: as is, URL-encoded (as a component and as a form value), base64. */
function secretForms(vendorCase: VendorCase): string[] {
  return [...Object.values(vendorCase.secret), ...vendorCase.wireForms].flatMap((value) => [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    Buffer.from(value).toString('base64'),
  ]);
}

function expectNoCredential(text: string, vendorCase: VendorCase, where: string): void {
  for (const form of secretForms(vendorCase)) expect(text, `${where} carries ${form}`).not.toContain(form);
  expect(text, `${where} carries a SigV4 signature`).not.toMatch(/Signature=[0-9a-f]{64}/);
}

const lines: string[] = [];
const destination = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

let test: TestHub;
let viewerKey: string;
let operatorKey: string;
const simulators: SimulatorHandle[] = [];

beforeAll(async () => {
  test = await startTestHub({ http: true, env: { LOG_LEVEL: 'debug', SYNC_LISTING_THREADS: '1' }, logDestination: destination });
  viewerKey = (await createPersonWithKey(test.hub.services, { name: 'viewer', roles: ['VIEWER'] })).key;
  operatorKey = (await createPersonWithKey(test.hub.services, { name: 'operator', roles: ['OPERATOR'] })).key;
});
afterAll(async () => {
  await test?.close();
  await Promise.all(simulators.map((s) => s.close()));
});

async function graphql(query: string, variables: Record<string, unknown>, key: string): Promise<{ text: string; body: { data?: any; errors?: unknown[] } }> {
  const response = await fetch(`${test.http!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { text, body: JSON.parse(text) };
}

/** A source of the vendor on its own simulator. */
async function simulatedSource(vendorCase: VendorCase, name: string) {
  const simulator = await vendorSimulator(vendorCase.vendor).start({ models: 3, versionsPerModel: 1, deployments: 1, ...vendorCase.simulator });
  simulators.push(simulator);
  const source = await test.hub.services.sources.createSource(
    { vendor: vendorCase.vendor, name: `${vendorCase.vendor}-${name}-${tag}`, settings: vendorCase.settings(simulator.url), secret: vendorCase.secret },
    { actor: systemPrincipal('test') },
  );
  return { source, simulator, id: toGlobalId('Source', source.id) };
}

/** A source whose simulator refuses every request quoting the credential, with `detailChars` of request dump. */
async function refusingSource(vendorCase: VendorCase, detailChars: number) {
  const { source, simulator, id } = await simulatedSource(vendorCase, `refusing-${detailChars}`);
  simulator.faults.set({ refuseQuotingCredentials: true, refusalDetailChars: detailChars });
  return { source, id };
}

/** Every row of every table of the hub's database, as text. */
async function databaseText(): Promise<string> {
  const db = test.hub.database.db;
  const tables = await queryRows<{ name: string }>(db, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  const texts: string[] = [];
  for (const { name } of tables) {
    const [row] = await queryRows<{ text: string | null }>(db, sql`select string_agg(t::text, E'\n') as text from ${sql.identifier(name)} t`);
    texts.push(row.text ?? '');
  }
  return texts.join('\n');
}

const LAST_RUN = `query ($id: ID!) { node(id: $id) { ... on Source { lastRunStatus lastRun { status error recordErrors } } } }`;
const TEST_CONNECTION = `mutation ($id: ID!) { testSourceConnection(id: $id) { ok message details } }`;

describe('Vendor text', () => {
  it('should run listings in a thread here, so the thread boundary is on the tested path', () => {
    expect(test.hub.config.sync.listingThreads).toBeGreaterThan(0);
  });

  describe.each(CASES)('from $vendor quoting the credential it was sent', (vendorCase) => {
    it('should keep the credential out of the sync run, Source.lastRun, the connection test, the logs and the database', async () => {
      const { source, id } = await refusingSource(vendorCase, 0);
      const logStart = lines.length;

      const result = await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
      expect(result.status).toBe('ran');
      const run = result.status === 'ran' ? result.run : null;
      expect(run?.status).toBe('FAILED');
      expectNoCredential(run?.error ?? '', vendorCase, 'the run error');
      // The refusal was kept, with what quoted the credential replaced.
      expect(run?.error).toContain('[REDACTED]');

      const viewed = await graphql(LAST_RUN, { id }, viewerKey);
      expect(viewed.body.errors).toBeUndefined();
      expect(viewed.body.data.node).toMatchObject({ lastRunStatus: 'FAILED', lastRun: { status: 'FAILED', error: expect.stringContaining('[REDACTED]') } });
      expectNoCredential(viewed.text, vendorCase, 'Source.lastRun for a VIEWER');

      const tested = await graphql(TEST_CONNECTION, { id }, operatorKey);
      expect(tested.body.errors).toBeUndefined();
      expect(tested.body.data.testSourceConnection.ok).toBe(false);
      expectNoCredential(tested.text, vendorCase, 'testSourceConnection');

      const logged = lines.slice(logStart).join('\n');
      expect(logged).toContain(source.id);
      expectNoCredential(logged, vendorCase, 'the log');
      expectNoCredential(await databaseText(), vendorCase, 'the database');
    });

    it('should cap a long refusal in the stored error and in every log line, saying how much was cut', async () => {
      const { source, id } = await refusingSource(vendorCase, 163_000);
      const logStart = lines.length;

      const result = await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
      const error = result.status === 'ran' ? result.run.error! : '';
      expectNoCredential(error, vendorCase, 'the capped run error');
      expect(error).toMatch(/… \[\d+ more characters cut\]$/);
      expect(error.length).toBeLessThan(MAX_VENDOR_TEXT + 100);

      const tested = await graphql(TEST_CONNECTION, { id }, operatorKey);
      const message = tested.body.data.testSourceConnection.message as string;
      expect(message.length).toBeLessThan(2 * MAX_VENDOR_TEXT);
      expectNoCredential(message, vendorCase, 'the capped connection test');

      const logged = lines.slice(logStart);
      expect(logged.some((line) => line.includes('more characters cut'))).toBe(true);
      for (const line of logged) expect(line.length, `log line starting ${line.slice(0, 120)}`).toBeLessThan(10_000);
    });
  });

  describe.each(CASES.filter((c) => c.vendor === 'sagemaker' || c.vendor === 'mlflow'))('in a write-back to $vendor refused quoting the credential', (vendorCase) => {
    it('should keep the credential out of the request’s write-back message, the outbox and the audit log', async () => {
      const db = test.hub.database.db;
      const { source, simulator } = await simulatedSource(vendorCase, 'write-back');
      const synced = await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
      expect(synced).toMatchObject({ status: 'ran', error: null });
      const [version] = await db.select().from(modelVersions).where(eq(modelVersions.sourceId, source.id)).orderBy(asc(modelVersions.externalId)).limit(1);
      await db.update(modelVersions).set({ lifecycleState: 'APPROVED' }).where(eq(modelVersions.id, version.id));
      await db.update(models).set({ riskTier: 'LOW' }).where(eq(models.id, version.modelId!));
      const governance = createGovernanceServices({ db, audit: new AuditRecorder(), enqueueWriteBack: new RecordingJobs().enqueueWriteBack, logger: silentLogger, changeRequestTtlDays: 14 });
      const request = await accepted(governance.changeRequests.requestLifecycleTransition({ modelVersionId: version.id, toState: 'PRODUCTION', justification: 'test', evidence: [] }, person('dana', ['DATA_SCIENTIST'])));
      expect((await accepted(governance.decisions.approveChangeRequest(request.id, null, person('vic', ['VALIDATOR'])))).status).toBe('APPLIED');

      simulator.faults.set({ refuseQuotingCredentials: true });
      const writeBacks = new WriteBackService({
        db,
        audit: new AuditRecorder(),
        loadConnector: (sourceId) => test.hub.services.sources.loadConnector(sourceId, { ...FAST_CONNECTOR_DEPS, logger: test.hub.logger }),
        logger: test.hub.logger,
      });
      const logStart = lines.length;
      expect(await writeBacks.deliver(request.id)).toBe('FAILED');

      const row = await requestWithWriteBack(db, request.id);
      expectNoCredential(row.writeBackMessage ?? '', vendorCase, 'the write-back message');
      expect(row.writeBackMessage).toContain('[REDACTED]');
      expectNoCredential(lines.slice(logStart).join('\n'), vendorCase, 'the write-back log');
      expectNoCredential(await databaseText(), vendorCase, 'the database');
    });
  });
});
