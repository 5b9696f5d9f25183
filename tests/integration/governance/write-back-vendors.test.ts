import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vendor } from '../../../connectors/contract.js';
import { CHANGE_REQUEST_TAG, CHANGE_REQUEST_URL_TAG } from '../../../connectors/mlflow/write-back.js';
import type { SageMakerSimulatorHandle } from '../../../connectors/sagemaker/simulator.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { apiKeyPrincipal } from '../../../src/auth/api-key.service.js';
import { systemPrincipal, type Principal } from '../../../src/auth/principal.js';
import type { Db } from '../../../src/db/client.js';
import { models, modelVersions, writeBackOutbox } from '../../../src/db/schema/index.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { toGlobalId } from '../../../src/global-id.js';
import { createGovernanceServices, type GovernanceServices } from '../../../src/governance/governance-services.js';
import type { LifecycleState } from '../../../src/governance/lifecycle.js';
import { WriteBackService } from '../../../src/governance/write-back.service.js';
import { FAST_CONNECTOR_DEPS, startTestHub, type TestHub } from '../../helpers/hub.js';
import { graphqlRequest } from '../../helpers/processes.js';
import { person, RecordingJobs, silentLogger, TestClock, requestWithWriteBack } from './governance-fixtures.js';
import { createPersonWithKey } from '../../helpers/people.js';
import { accepted } from '../../helpers/governance.js';

/**
 * Write-back through the real connectors to the vendor simulators over loopback HTTP: what each vendor records,
 * retry after a vendor outage, and rescue of a row a crashed worker had claimed. The hub supplies the database and
 * the sources (encrypted secrets, real connector construction); governance and delivery run here with a test clock
 * so backoff and lease expiry are reached without waiting.
 */

const PREVIOUS_STATE: Record<string, LifecycleState> = { VALIDATION: 'DEVELOPMENT', APPROVED: 'VALIDATION', PRODUCTION: 'APPROVED', RETIRED: 'PRODUCTION' };
const LEASE_MS = 60_000;
const PUBLIC_URL = 'https://modelops.example.com';
const BACKOFF_MS = 10_000;

describe('WriteBackService against the vendor simulators', () => {
  let test: TestHub;
  let db: Db;
  let clock: TestClock;
  let governance: GovernanceServices;
  const ds = person('dana', ['DATA_SCIENTIST']);
  const validator = person('vic', ['VALIDATOR']);

  function deliverer(workerId: string): WriteBackService {
    return new WriteBackService({
      db,
      audit: new AuditRecorder(),
      loadConnector: (sourceId) => test.hub.services.sources.loadConnector(sourceId, { ...FAST_CONNECTOR_DEPS, logger: test.hub.logger }),
      logger: silentLogger,
      leaseMs: LEASE_MS,
      backoffMs: () => BACKOFF_MS,
      now: clock.now,
      workerId,
      publicUrl: test.hub.config.publicUrl,
    });
  }

  /** A source on a fresh simulator, synced once, with its versions in version order. */
  async function syncedSource(vendor: Vendor, setUp: (simulator: SimulatorHandle) => void) {
    const { source, simulator } = await test.addSimulatorSource(vendor, { models: 0, deployments: 0, enabled: false });
    setUp(simulator);
    const result = await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
    expect(result).toMatchObject({ status: 'ran', error: null });
    const versions = await db.select().from(modelVersions).where(eq(modelVersions.sourceId, source.id)).orderBy(asc(modelVersions.versionNumber));
    return { simulator, versions };
  }

  /**
   * An applied request moving `versionId` into `toState`: the version is put in the preceding state directly
   * (the earlier steps are the e2e story's subject), the model classified LOW, and one VALIDATOR approves.
   */
  async function appliedRequest(
    versionId: string,
    toState: LifecycleState,
    options: { replaces?: string; requester?: Principal; approver?: Principal } = {},
  ): Promise<string> {
    const [version] = await db.update(modelVersions).set({ lifecycleState: PREVIOUS_STATE[toState] }).where(eq(modelVersions.id, versionId)).returning();
    await db.update(models).set({ riskTier: 'LOW' }).where(eq(models.id, version.modelId!));
    const request = await accepted(governance.changeRequests.requestLifecycleTransition(
      { modelVersionId: versionId, toState, justification: 'test', evidence: [], replacesVersionId: options.replaces ?? null },
      options.requester ?? ds,
    ));
    const applied = await accepted(governance.decisions.approveChangeRequest(request.id, null, options.approver ?? validator));
    expect(applied.status).toBe('APPLIED');
    return request.id;
  }

  const requestRow = (id: string) => requestWithWriteBack(db, id);
  const outboxRows = (id: string) => db.select().from(writeBackOutbox).where(eq(writeBackOutbox.changeRequestId, id)).orderBy(asc(writeBackOutbox.position));

  beforeAll(async () => {
    test = await startTestHub({ http: true, env: { HUB_PUBLIC_URL: `${PUBLIC_URL}/` } });
    db = test.database.handle.db;
    clock = new TestClock();
    // A recording dispatcher: this suite decides when each delivery attempt runs.
    governance = createGovernanceServices({ db, audit: new AuditRecorder(), enqueueWriteBack: new RecordingJobs().enqueueWriteBack, logger: silentLogger, changeRequestTtlDays: 14, now: clock.now });
  });
  afterAll(async () => {
    await test?.close();
  });

  describe('deliver', () => {
    it('should retry after a SageMaker outage and then set ModelApprovalStatus exactly once', async () => {
      const { simulator, versions } = await syncedSource('sagemaker', (sim) => sim.store.addModel({ name: 'fraud-detector', versions: 1 }));
      const id = await appliedRequest(versions[0].id, 'APPROVED');
      const service = deliverer('worker-a');

      simulator.faults.set({ failEveryRequest: true });
      expect(await service.deliver(id)).toBe('RETRY');
      expect(simulator.faults.requestCount).toBeGreaterThan(0);
      expect(simulator.store.writeBacks).toEqual([]);
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'PENDING', writeBackAttempts: 1 });

      simulator.faults.reset();
      // Not due before its backoff has passed.
      expect(await service.deliver(id)).toBe('SKIPPED');
      expect(simulator.faults.requestCount).toBe(0);
      clock.advance(BACKOFF_MS);
      expect(await service.deliver(id)).toBe('DONE');
      expect(await service.deliver(id)).toBe('SKIPPED');

      expect(simulator.store.writeBacks).toEqual([
        expect.objectContaining({ operation: 'UpdateModelPackage', target: versions[0].externalId, payload: expect.objectContaining({ ModelApprovalStatus: 'Approved' }) }),
      ]);
      expect(simulator.store.version('fraud-detector', 1).approval).toBe('Approved');
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'DONE', writeBackAttempts: 2 });
    });

    it("should keep the package's own CustomerMetadataProperties at a SageMaker that replaces the map on update", async () => {
      const { simulator, versions } = await syncedSource('sagemaker', (sim) => {
        (sim as SageMakerSimulatorHandle).customerMetadataUpdate = 'replace';
        sim.store.addModel({ name: 'credit-limit', owner: 'risk-team@example.com', versions: 1 });
      });
      expect(versions[0].tags).toMatchObject({ owner: 'risk-team@example.com' });
      const id = await appliedRequest(versions[0].id, 'APPROVED');
      expect(await deliverer('worker-sm').deliver(id)).toBe('DONE');

      // The next sync reads the package as SageMaker now describes it: the team's owner key is still there.
      const resynced = await test.hub.services.sync.runJob({ sourceId: versions[0].sourceId, trigger: 'manual' });
      expect(resynced).toMatchObject({ status: 'ran', error: null });
      const [version] = await db.select().from(modelVersions).where(eq(modelVersions.id, versions[0].id));
      expect(version.tags).toMatchObject({ owner: 'risk-team@example.com', 'modelops.lifecycle': 'APPROVED' });
      const [model] = await db.select().from(models).where(eq(models.id, version.modelId!));
      expect(model.owner).toBe('risk-team@example.com');
      expect(simulator.store.writeBacks).toHaveLength(1);
    });

    it('should take over from a crashed worker once its lease lapses, with exactly one write at MLflow', async () => {
      const { simulator, versions } = await syncedSource('mlflow', (sim) => sim.store.addModel({ name: 'churn-predictor', versions: 2 }));
      const id = await appliedRequest(versions[1].id, 'PRODUCTION');
      // A worker claimed the row and was killed before its vendor call: the lease is all that is left of it.
      await db
        .update(writeBackOutbox)
        .set({ status: 'IN_PROGRESS', claimedBy: 'killed-worker', claimedUntil: new Date(clock.now().getTime() + LEASE_MS), attempts: 1 })
        .where(eq(writeBackOutbox.changeRequestId, id));
      const rescuer = deliverer('rescuer');
      simulator.faults.reset(); // counts vendor requests from here on

      expect(await rescuer.deliver(id)).toBe('SKIPPED');
      expect(simulator.faults.requestCount).toBe(0);
      clock.advance(LEASE_MS);
      expect(await rescuer.pendingDue()).toContain(id);
      expect(await rescuer.deliver(id)).toBe('DONE');
      expect(await rescuer.deliver(id)).toBe('SKIPPED');

      expect(simulator.store.writeBacks.filter((w) => w.operation === 'POST registered-models/alias')).toEqual([
        expect.objectContaining({ target: 'churn-predictor/2', payload: { alias: 'production' } }),
      ]);
      expect(simulator.store.version('churn-predictor', 2).aliases).toEqual(['production']);
      expect(simulator.store.version('churn-predictor', 2).tags).toMatchObject({ 'modelops.lifecycle': 'PRODUCTION' });
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'DONE', writeBackAttempts: 2 });
    });

    it('should write back both halves of a champion replacement at MLflow, each exactly once, the promotion first', async () => {
      const { simulator, versions } = await syncedSource('mlflow', (sim) => sim.store.addModel({ name: 'fraud-scorer', versions: 2 }));
      const [v1, v2] = versions;
      const champion = await appliedRequest(v1.id, 'PRODUCTION');
      expect(await deliverer('worker-ml').deliver(champion)).toBe('DONE');
      simulator.store.version('fraud-scorer', 1).tags.validation_report = 'wiki/123';

      const id = await appliedRequest(v2.id, 'PRODUCTION', { replaces: v1.id });
      const writesBefore = simulator.store.writeBacks.length;
      expect(await deliverer('worker-ml').deliver(id)).toBe('DONE');

      const [old, current] = [simulator.store.version('fraud-scorer', 1), simulator.store.version('fraud-scorer', 2)];
      expect(current.aliases).toEqual(['production']);
      expect(current.tags).toMatchObject({ 'modelops.lifecycle': 'PRODUCTION' });
      expect(old.aliases).toEqual([]);
      // The retired champion says so, and keeps the team's own tags.
      expect(old.tags).toMatchObject({ 'modelops.lifecycle': 'RETIRED', validation_report: 'wiki/123' });
      const writes = simulator.store.writeBacks.slice(writesBefore);
      expect(writes.map((w) => [w.operation, w.target])).toEqual([
        ['POST registered-models/alias', 'fraud-scorer/2'],
        // modelops.lifecycle, the link, and last the request's id, on each version.
        ...Array(3).fill(['POST model-versions/set-tag', 'fraud-scorer/2']),
        ...Array(3).fill(['POST model-versions/set-tag', 'fraud-scorer/1']),
      ]);

      expect(await outboxRows(id)).toEqual([
        expect.objectContaining({ modelVersionId: v2.id, fromState: 'APPROVED', toState: 'PRODUCTION', position: 0, status: 'DONE', attempts: 1 }),
        expect.objectContaining({ modelVersionId: v1.id, fromState: 'PRODUCTION', toState: 'RETIRED', position: 1, status: 'DONE', attempts: 1 }),
      ]);
      const request = await requestRow(id);
      expect(request).toMatchObject({ writeBackStatus: 'DONE', writeBackAttempts: 2 });
      expect(request.writeBackMessage!.split('\n')).toEqual([expect.stringContaining('fraud-scorer version 2'), expect.stringContaining('fraud-scorer version 1')]);

      clock.advance(LEASE_MS);
      expect(await deliverer('worker-late').deliver(id)).toBe('SKIPPED');
      expect(simulator.store.writeBacks).toHaveLength(writesBefore + writes.length);
    });

    it('should withdraw the replaced champion\'s approval at SageMaker after approving its successor', async () => {
      const { simulator, versions } = await syncedSource('sagemaker', (sim) => sim.store.addModel({ name: 'aml-screening', versions: 2 }));
      const [v1, v2] = versions;
      expect(await deliverer('worker-sm').deliver(await appliedRequest(v1.id, 'PRODUCTION'))).toBe('DONE');
      const id = await appliedRequest(v2.id, 'PRODUCTION', { replaces: v1.id });
      expect(await deliverer('worker-sm').deliver(id)).toBe('DONE');
      expect(simulator.store.version('aml-screening', 2).approval).toBe('Approved');
      expect(simulator.store.version('aml-screening', 1).approval).toBe('Rejected');
      expect(simulator.store.writeBacks.slice(-2).map((w) => [w.target, (w.payload as { ModelApprovalStatus: string }).ModelApprovalStatus])).toEqual([
        [v2.externalId, 'Approved'],
        [v1.externalId, 'Rejected'],
      ]);
    });

    it('should replace the production model of a DataRobot deployment and report DONE on the request', async () => {
      const { simulator, versions } = await syncedSource('datarobot', (sim) => {
        sim.store.addModel({ name: 'pricing-model', versions: 2 });
        sim.store.promoteToProduction('pricing-model', 1);
      });
      const id = await appliedRequest(versions[1].id, 'PRODUCTION');
      expect(await deliverer('worker-dr').deliver(id)).toBe('DONE');
      const request = await requestRow(id);
      expect(request).toMatchObject({ writeBackStatus: 'DONE', writeBackAttempts: 1 });
      expect(request.writeBackMessage).toContain('Replaced the model of DataRobot deployment');
      expect(simulator.store.writeBacks).toEqual([
        expect.objectContaining({ operation: 'deployment.model', payload: expect.objectContaining({ modelPackageId: versions[1].externalId }) }),
      ]);
    });

    it('should report UNSUPPORTED for a DataRobot state with no API, without calling the vendor', async () => {
      const { simulator, versions } = await syncedSource('datarobot', (sim) => sim.store.addModel({ name: 'demand-model', versions: 1 }));
      const id = await appliedRequest(versions[0].id, 'VALIDATION');
      simulator.faults.reset();
      expect(await deliverer('worker-dr').deliver(id)).toBe('UNSUPPORTED');
      expect(simulator.faults.requestCount).toBe(0);
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'UNSUPPORTED', writeBackMessage: expect.stringContaining('VALIDATION') });
    });

    it('should report UNSUPPORTED for Domino, which documents no lifecycle API, with the reason on the request', async () => {
      const { simulator, versions } = await syncedSource('domino', (sim) => sim.store.addModel({ name: 'claims-triage', versions: 1 }));
      const id = await appliedRequest(versions[0].id, 'PRODUCTION');
      expect(await deliverer('worker-dom').deliver(id)).toBe('UNSUPPORTED');
      expect(simulator.store.writeBacks).toEqual([]);
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'UNSUPPORTED', writeBackMessage: expect.stringContaining('Not written to Domino') });
    });
  });

  describe('the reference written to the vendor', () => {
    /** A principal as an API key authenticates it: `key:<uuid>` for segregation of duties, the key's name for people. */
    async function keyHolder(name: string, roles: Principal['roles']): Promise<Principal> {
      const { row, person } = await createPersonWithKey(test.hub.services, { name, roles });
      return apiKeyPrincipal(row, person);
    }

    /** What `changeRequest(id:)` and `node(id:)` answer for an id read at the vendor, over HTTP. */
    async function lookUp(id: string) {
      const url = test.http!.url.replace(/\/graphql$/, '');
      const query = `query($id: ID!) { changeRequest(id: $id) { id toState } node(id: $id) { id ... on ChangeRequest { status } } }`;
      const { status, body } = await graphqlRequest<{ changeRequest: { id: string }; node: { id: string } }>(url, test.env.HUB_BOOTSTRAP_ADMIN_KEY, query, { id });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      return body.data!;
    }

    it('should give SageMaker the API id, a link, and the requester and approvers by name, once each', async () => {
      const { simulator, versions } = await syncedSource('sagemaker', (sim) => sim.store.addModel({ name: 'loan-default', versions: 1 }));
      const requester = await keyHolder('Dana Data-Science', ['DATA_SCIENTIST']);
      const approver = await keyHolder('Vic Model-Validation', ['VALIDATOR']);
      const id = await appliedRequest(versions[0].id, 'APPROVED', { requester, approver });
      expect(await deliverer('worker-ref').deliver(id)).toBe('DONE');

      const ref = toGlobalId('ChangeRequest', id);
      const { ApprovalDescription: description, CustomerMetadataProperties: metadata } = simulator.store.writeBacks.at(-1)!.payload as Record<string, any>;
      expect(metadata['modelops.change_request']).toBe(ref);
      expect(description).toBe(
        `ModelOps hub change request ${ref}: VALIDATION -> APPROVED, requested by Dana Data-Science, approved by Vic Model-Validation (VALIDATOR). ${PUBLIC_URL}/change-requests/${ref}`,
      );
      expect(description).not.toContain('key:');
      expect(await lookUp(metadata['modelops.change_request'])).toEqual({ changeRequest: { id: ref, toState: 'APPROVED' }, node: { id: ref, status: 'APPLIED' } });
    });

    it('should tag the MLflow version with the API id and the link, both of which lead back to the request', async () => {
      const { simulator, versions } = await syncedSource('mlflow', (sim) => sim.store.addModel({ name: 'ltv-forecast', versions: 1 }));
      const id = await appliedRequest(versions[0].id, 'VALIDATION');
      expect(await deliverer('worker-ref').deliver(id)).toBe('DONE');

      const tags = simulator.store.version('ltv-forecast', 1).tags;
      const ref = toGlobalId('ChangeRequest', id);
      expect(tags).toMatchObject({ [CHANGE_REQUEST_TAG]: ref, [CHANGE_REQUEST_URL_TAG]: `${PUBLIC_URL}/change-requests/${ref}` });
      expect((await lookUp(tags[CHANGE_REQUEST_TAG])).node.id).toBe(ref);
      expect((await lookUp(tags[CHANGE_REQUEST_URL_TAG].split('/').at(-1)!)).changeRequest.id).toBe(ref);
    });

    it("should shorten a description over SageMaker's 1024 characters without cutting the link", async () => {
      const { simulator, versions } = await syncedSource('sagemaker', (sim) => sim.store.addModel({ name: 'churn-v2', versions: 1 }));
      // An identity provider may send names of any length.
      const id = await appliedRequest(versions[0].id, 'APPROVED', { approver: person('sub-123', ['VALIDATOR'], `Valentina ${'von '.repeat(300)}Validator`) });
      expect(await deliverer('worker-ref').deliver(id)).toBe('DONE');
      const description = (simulator.store.writeBacks.at(-1)!.payload as { ApprovalDescription: string }).ApprovalDescription;
      expect(description).toHaveLength(1024);
      expect(description).toMatch(new RegExp(`^ModelOps hub change request ${toGlobalId('ChangeRequest', id)}: VALIDATION -> APPROVED, requested by dana, approved by Valentina von `));
      expect(description.endsWith(`… ${PUBLIC_URL}/change-requests/${toGlobalId('ChangeRequest', id)}`)).toBe(true);
      expect(simulator.store.version('churn-v2', 1).approval).toBe('Approved');
    });
  });

  it('should leave a verifiable audit chain', async () => {
    expect(await new AuditRecorder().verify(db)).toMatchObject({ valid: true, firstBrokenSeq: null });
  });
});
