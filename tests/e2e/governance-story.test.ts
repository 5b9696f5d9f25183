import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../connectors/shared/simulator-kit.js';
import { changeRequests } from '../../src/db/schema/index.js';
import { fromGlobalId, toGlobalId } from '../../src/global-id.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { namedOperations } from '../helpers/markdown.js';
import { graphqlRequest } from '../helpers/processes.js';

/**
 * The governance story end to end, over real HTTP against a running hub (real PostgreSQL, in-process job runner)
 * and the SageMaker and MLflow simulators: sync → classify → request → approve → applied → write-back at the
 * vendor → finding resolved → audit chain verified, plus every refusal an approver can meet.
 *
 * The approver-facing operations are read from docs/approver-walkthrough.md and run verbatim, so the walkthrough
 * cannot drift from what the API accepts; the last test checks that every documented operation was run.
 */

const WALKTHROUGH = fileURLToPath(new URL('../../docs/approver-walkthrough.md', import.meta.url));

// Setup and inventory operations: what an ADMIN or OPERATOR does, not part of the approver walkthrough.
const CREATE_API_KEY = `mutation CreateApiKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }`;
const CREATE_PERSON = `mutation CreatePerson($input: CreatePersonInput!) { createPerson(input: $input) { id } }`;
const TRIGGER_SYNC = `mutation TriggerSync($id: ID!) { triggerSync(id: $id) { alreadyRunning run { id } } }`;
const SYNC_RUN = `query SyncRun($id: ID!) { node(id: $id) { ... on SyncRun { status finishedAt failed } } }`;
const VERSIONS = `query Versions($filter: InventoryFilter) {
  modelVersions(filter: $filter) { nodes { id version versionNumber externalId lifecycleState observedStage createdBy model { id name } findings { kind resolvedAt } } }
}`;
const OPEN_FINDINGS = `query OpenFindings($ids: [ID!]) { findings(filter: { entityIds: $ids, open: true }) { totalCount nodes { kind } } }`;

type Errors = Array<{ message: string; extensions?: Record<string, unknown> }>;

interface VersionNode {
  id: string;
  version: string;
  versionNumber: number | null;
  externalId: string;
  lifecycleState: string;
  observedStage: string;
  createdBy: string | null;
  model: { id: string; name: string };
  findings: Array<{ kind: string; resolvedAt: string | null }>;
}

describe('Governance story over HTTP', () => {
  const doc = namedOperations(WALKTHROUGH);
  const ran = new Set<string>();
  let test: TestHub;
  let url: string;
  let sagemaker: { sourceId: string; simulator: SimulatorHandle };
  let mlflow: { sourceId: string; simulator: SimulatorHandle };
  /** API keys, by who holds them and what for: segregation of duties compares the persons behind them. */
  const keys: Record<'admin' | 'otto' | 'dana' | 'danaReview' | 'vic' | 'sam' | 'samRisk' | 'rita' | 'olga' | 'val', string> = {} as never;

  async function call(key: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: any; errors?: Errors }> {
    const { status, body } = await graphqlRequest(url, key, query, variables);
    expect(status).toBeLessThan(500);
    return body;
  }

  /** Runs an operation (a documented one by name, or a literal), failing the test on any GraphQL error. */
  async function run(key: string, operation: string, variables: Record<string, unknown> = {}): Promise<any> {
    const query = doc.get(operation) ?? operation;
    if (doc.has(operation)) ran.add(operation);
    const body = await call(key, query, variables);
    if (body.errors) throw new Error(`${operation.slice(0, 60)} failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  /** Runs an operation expected to be refused; returns its extensions.code. */
  async function refusal(key: string, operation: string, variables: Record<string, unknown> = {}): Promise<unknown> {
    const query = doc.get(operation) ?? operation;
    if (doc.has(operation)) ran.add(operation);
    const body = await call(key, query, variables);
    expect(body.errors, `${operation} should have been refused`).toBeDefined();
    expect(body.data?.[Object.keys(body.data ?? {})[0]] ?? null).toBeNull();
    return body.errors![0].extensions?.code;
  }

  async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function sync(sourceId: string): Promise<void> {
    const triggered = await run(keys.otto, TRIGGER_SYNC, { id: toGlobalId('Source', sourceId) });
    const run_ = await until(
      'the sync run to finish',
      async () => (await run(keys.otto, SYNC_RUN, { id: triggered.triggerSync.run.id })).node,
      (node) => node.finishedAt !== null,
    );
    expect(run_).toMatchObject({ status: 'SUCCEEDED', failed: 0 });
  }

  async function versionsOf(sourceId: string): Promise<VersionNode[]> {
    const data = await run(keys.val, VERSIONS, { filter: { sourceIds: [toGlobalId('Source', sourceId)] } });
    return data.modelVersions.nodes;
  }

  async function requestTransition(versionId: string, toState: string, key = keys.dana): Promise<{ id: string; slots: Array<{ role: string }>; policy: any; status: string }> {
    const data = await run(key, 'RequestLifecycleTransition', {
      input: { modelVersionId: versionId, toState, justification: `Ready for ${toState}.`, evidence: [{ title: 'Validation report', url: 'https://wiki.example.com/report' }] },
    });
    return data.requestLifecycleTransition;
  }

  async function writeBackSettled(id: string): Promise<{ status: string; writeBackStatus: string; writeBackAttempts: number; writeBackMessage: string | null }> {
    return until(
      'the write-back to settle',
      async () => (await run(keys.val, 'WriteBackStatus', { id })).changeRequest,
      (request) => request.writeBackStatus !== 'PENDING',
    );
  }

  beforeAll(async () => {
    test = await startTestHub({ http: true });
    url = test.http!.url.replace(/\/graphql$/, '');
    // Write-backs are delivered by the hub's own job runner, asynchronously after the approving call returns.
    await test.hub.startWorkers();
    keys.admin = test.env.HUB_BOOTSTRAP_ADMIN_KEY;
    // First start: the bootstrap key sets up the people (no ADMIN person exists yet). Some hold several keys: the
    // hub must still see one person.
    const createPerson = async (displayName: string, roles: string[], email: string): Promise<string> =>
      (await run(keys.admin, CREATE_PERSON, { input: { email, displayName, roles } })).createPerson.id;
    const createKey = async (personId: string, name: string, roles: string[]): Promise<string> =>
      (await run(keys.admin, CREATE_API_KEY, { input: { personId, name, roles } })).createApiKey.key;
    keys.otto = await createKey(await createPerson('otto (IT operations)', ['OPERATOR'], 'otto@bank.example'), 'otto', ['OPERATOR']);
    // Dana requests with her notebook key and also holds VALIDATOR, with a key of its own.
    const dana = await createPerson('dana (data science)', ['DATA_SCIENTIST', 'VALIDATOR'], 'dana@bank.example');
    keys.dana = await createKey(dana, 'notebook', ['DATA_SCIENTIST']);
    keys.danaReview = await createKey(dana, 'review bot', ['VALIDATOR']);
    keys.vic = await createKey(await createPerson('vic (model validation)', ['VALIDATOR'], 'vic@bank.example'), 'vic', ['VALIDATOR']);
    // Sam holds both approver roles, one key for each: he still fills at most one slot of a request.
    const sam = await createPerson('sam (validation and risk)', ['VALIDATOR', 'RISK_OFFICER'], 'sam@bank.example');
    keys.sam = await createKey(sam, 'sam validation', ['VALIDATOR']);
    keys.samRisk = await createKey(sam, 'sam risk', ['RISK_OFFICER']);
    keys.rita = await createKey(await createPerson('rita (model risk)', ['RISK_OFFICER'], 'rita@bank.example'), 'rita', ['RISK_OFFICER']);
    // The model's owner at the vendor and, once classified, its accountable owner: known to the hub by her email,
    // signing in with a key labelled with her full name.
    keys.olga = await createKey(await createPerson('Olga Owner', ['VALIDATOR'], 'olga@example.com'), 'Olga Owner', ['VALIDATOR']);
    keys.val = await createKey(await createPerson('val (audit, read-only)', ['VIEWER'], 'val@bank.example'), 'val', ['VIEWER']);

    // Sources are disabled so no schedule races the syncs this test triggers; a manual sync still runs.
    const sm = await test.addSimulatorSource('sagemaker', { models: 0, deployments: 0, enabled: false });
    sm.simulator.store.addModel({ name: 'credit-scorer', owner: 'olga@example.com', versions: 2 });
    // Pushed to production at the vendor, bypassing governance: the hub must flag it.
    sm.simulator.store.promoteToProduction('credit-scorer', 1);
    sagemaker = { sourceId: sm.source.id, simulator: sm.simulator };

    const ml = await test.addSimulatorSource('mlflow', { models: 0, deployments: 0, enabled: false });
    ml.simulator.store.addModel({ name: 'churn-predictor', owner: 'erin@example.com', versions: 1 });
    mlflow = { sourceId: ml.source.id, simulator: ml.simulator };
  }, 120_000);

  afterAll(async () => {
    await test?.close();
  });

  describe('a HIGH-risk SageMaker version', () => {
    let v1: VersionNode;
    let v2: VersionNode;

    it('should be discovered by a sync in DEVELOPMENT with an open UNGOVERNED_PRODUCTION finding', async () => {
      await sync(sagemaker.sourceId);
      const versions = await versionsOf(sagemaker.sourceId);
      expect(versions).toHaveLength(2);
      [v1, v2] = [...versions].sort((a, b) => (a.versionNumber ?? 0) - (b.versionNumber ?? 0));
      expect(v1).toMatchObject({ lifecycleState: 'DEVELOPMENT', observedStage: 'PRODUCTION', createdBy: 'olga', model: { name: 'credit-scorer' } });
      expect(v1.externalId).toMatch(/^arn:aws:sagemaker:/);
      expect(v1.findings).toEqual([{ kind: 'UNGOVERNED_PRODUCTION', resolvedAt: null }]);
      expect(v2.lifecycleState).toBe('DEVELOPMENT');
    });

    it('should refuse APPROVED-bound moves out of order and accept a classification by a RISK_OFFICER only', async () => {
      expect(await refusal(keys.dana, 'RequestLifecycleTransition', { input: { modelVersionId: v1.id, toState: 'PRODUCTION', justification: 'skip ahead', evidence: [] } })).toBe('INVALID_TRANSITION');
      const classify = { modelId: v1.model.id, input: { riskTier: 'HIGH', businessUnit: 'Retail credit', accountableOwner: 'olga@example.com' } };
      expect(await refusal(keys.dana, 'SetModelGovernance', classify)).toBe('FORBIDDEN');
      const model = (await run(keys.rita, 'SetModelGovernance', classify)).setModelGovernance;
      expect(model).toEqual({ id: v1.model.id, riskTier: 'HIGH', businessUnit: 'Retail credit', accountableOwner: 'olga@example.com' });
    });

    it('should move to VALIDATION once an independent VALIDATOR approves, refusing the requester, the owner and the wrong role', async () => {
      const request = await requestTransition(v1.id, 'VALIDATION');
      expect(request).toMatchObject({ status: 'PENDING', policy: { riskTier: null, requirements: [{ role: 'VALIDATOR', count: 1 }] }, slots: [{ role: 'VALIDATOR' }] });

      const waiting = async (key: string) => (await run(key, 'RequestsAwaitingMe')).changeRequests.nodes.map((n: { id: string }) => n.id);
      expect(await waiting(keys.vic)).toEqual([request.id]);
      // The owner/creator, the requester and a RISK_OFFICER see nothing to decide on.
      expect(await waiting(keys.olga)).toEqual([]);
      expect(await waiting(keys.dana)).toEqual([]);
      expect(await waiting(keys.rita)).toEqual([]);

      const approve = (key: string) => refusal(key, 'ApproveChangeRequest', { id: request.id, comment: 'looks fine' });
      expect(await approve(keys.dana)).toBe('SELF_APPROVAL');
      // Dana's other key is still Dana.
      expect(await approve(keys.danaReview)).toBe('SELF_APPROVAL');
      expect(await waiting(keys.danaReview)).toEqual([]);
      expect(await approve(keys.olga)).toBe('OWNER_CANNOT_VALIDATE');
      expect(await approve(keys.rita)).toBe('ROLE_REQUIRED');
      expect(await approve(keys.val)).toBe('ROLE_REQUIRED');
      // ADMIN administers and approves nothing.
      expect(await approve(keys.admin)).toBe('ROLE_REQUIRED');

      const detail = (await run(keys.vic, 'ChangeRequestDetail', { id: request.id })).changeRequest;
      expect(detail).toMatchObject({
        status: 'PENDING',
        fromState: 'DEVELOPMENT',
        toState: 'VALIDATION',
        evidence: [{ title: 'Validation report', url: 'https://wiki.example.com/report' }],
        version: { id: v1.id, vendor: 'SAGEMAKER', lifecycleState: 'DEVELOPMENT', model: { riskTier: 'HIGH', accountableOwner: 'olga@example.com' } },
        policy: { modelRiskTier: 'HIGH', requirements: [{ role: 'VALIDATOR', count: 1 }] },
        slots: [{ role: 'VALIDATOR', index: 0, approval: null }],
      });

      const approved = (await run(keys.vic, 'ApproveChangeRequest', { id: request.id, comment: 'Back-test reviewed.' })).approveChangeRequest;
      expect(approved).toMatchObject({ status: 'APPLIED', slots: [{ role: 'VALIDATOR', approval: { comment: 'Back-test reviewed.' } }] });
      expect(approved.slots[0].approval.approverId).toMatch(/^key:/);
      // SageMaker has no approval status for VALIDATION: governed in the hub only, and said so.
      expect(await writeBackSettled(request.id)).toMatchObject({ writeBackStatus: 'UNSUPPORTED', writeBackAttempts: 1 });
      expect(await refusal(keys.sam, 'ApproveChangeRequest', { id: request.id })).toBe('REQUEST_NOT_PENDING');
    });

    it('should need a VALIDATOR and a RISK_OFFICER, two different people, to reach APPROVED', async () => {
      const request = await requestTransition(v1.id, 'APPROVED');
      expect(request.slots.map((s) => s.role)).toEqual(['VALIDATOR', 'RISK_OFFICER']);
      const first = (await run(keys.sam, 'ApproveChangeRequest', { id: request.id, comment: 'validated' })).approveChangeRequest;
      expect(first.status).toBe('PENDING');
      // sam holds both roles but fills at most one slot, whichever of his keys he uses.
      expect(await refusal(keys.samRisk, 'ApproveChangeRequest', { id: request.id, comment: 'and as risk officer' })).toBe('DUPLICATE_APPROVER');
      expect((await run(keys.rita, 'ApproveChangeRequest', { id: request.id, comment: 'risk accepted' })).approveChangeRequest.status).toBe('APPLIED');
      expect(await writeBackSettled(request.id)).toMatchObject({ writeBackStatus: 'DONE' });
    });

    it('should promote to PRODUCTION, write ModelApprovalStatus back to SageMaker and resolve the finding', async () => {
      const request = await requestTransition(v1.id, 'PRODUCTION');
      expect(request.policy).toEqual({ riskTier: 'HIGH', requirements: [{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 1 }] });
      await run(keys.vic, 'ApproveChangeRequest', { id: request.id, comment: 'Monitoring in place.' });
      const applied = (await run(keys.rita, 'ApproveChangeRequest', { id: request.id, comment: 'Approved for release.' })).approveChangeRequest;
      expect(applied.status).toBe('APPLIED');

      const settled = await writeBackSettled(request.id);
      expect(settled).toMatchObject({ status: 'APPLIED', writeBackStatus: 'DONE', writeBackAttempts: 1 });
      expect(settled.writeBackMessage).toContain('ModelApprovalStatus=Approved');

      const { store } = sagemaker.simulator;
      expect(store.version('credit-scorer', 1).approval).toBe('Approved');
      const writes = store.writeBacks.filter((w) => w.operation === 'UpdateModelPackage' && w.target === v1.externalId);
      // APPROVED and PRODUCTION each set Approved once; VALIDATION wrote nothing.
      expect(writes).toHaveLength(2);
      expect(writes.at(-1)!.payload).toMatchObject({ ModelApprovalStatus: 'Approved', CustomerMetadataProperties: { 'modelops.lifecycle': 'PRODUCTION' } });

      const detail = (await run(keys.val, 'ChangeRequestDetail', { id: request.id })).changeRequest;
      expect(detail.version).toMatchObject({ lifecycleState: 'PRODUCTION', findings: [{ kind: 'UNGOVERNED_PRODUCTION', resolvedAt: expect.any(String) }] });
      expect(detail.slots.map((s: { approval: { comment: string } }) => s.approval.comment)).toEqual(['Monitoring in place.', 'Approved for release.']);

      // A later sync sees the same vendor state and, the version now being governed, opens nothing again.
      await sync(sagemaker.sourceId);
      expect((await run(keys.val, OPEN_FINDINGS, { ids: [v1.id] })).findings.totalCount).toBe(0);

      const trail = (await run(keys.val, 'AuditTrail', { entityId: request.id })).auditEvents;
      expect(trail.nodes.map((e: { action: string }) => e.action).reverse()).toEqual([
        'change_request.opened',
        'change_request.approved',
        'change_request.approved',
        'change_request.applied',
        'write_back.done',
      ]);
      const [done, ...decisions] = trail.nodes;
      expect(done).toMatchObject({ actorId: 'system:write-back', after: { status: 'DONE' } });
      expect(decisions.every((e: { requestId: string | null }) => e.requestId !== null)).toBe(true);
      const versionTrail = (await run(keys.val, 'AuditTrail', { entityId: v1.id })).auditEvents.nodes;
      expect(versionTrail.map((e: { after: { lifecycleState: string } }) => e.after.lifecycleState)).toEqual(['PRODUCTION', 'APPROVED', 'VALIDATION']);
    });

    it('should let a request expire: refused at decision time, or closed by the maintenance sweep', async () => {
      // Ages a request past its expiry, as if CHANGE_REQUEST_TTL_DAYS had gone by without a decision.
      const pastExpiry = async (id: string) => {
        const aged = await test.database.handle.db
          .update(changeRequests)
          .set({ expiresAt: new Date(Date.now() - 60_000) })
          .where(and(eq(changeRequests.id, fromGlobalId(id, 'ChangeRequest').id), eq(changeRequests.status, 'PENDING')))
          .returning({ id: changeRequests.id });
        expect(aged).toHaveLength(1);
      };

      const decidedLate = await requestTransition(v2.id, 'VALIDATION');
      await pastExpiry(decidedLate.id);
      expect(await refusal(keys.vic, 'ApproveChangeRequest', { id: decidedLate.id, comment: 'late' })).toBe('REQUEST_EXPIRED');
      expect((await run(keys.val, 'WriteBackStatus', { id: decidedLate.id })).changeRequest).toMatchObject({ status: 'EXPIRED', writeBackStatus: null });

      const forgotten = await requestTransition(v2.id, 'VALIDATION');
      await pastExpiry(forgotten.id);
      expect(await test.hub.services.governance.expiry.expireDueRequests()).toBe(1);
      expect((await run(keys.val, 'ChangeRequestDetail', { id: forgotten.id })).changeRequest).toMatchObject({ status: 'EXPIRED', version: { lifecycleState: 'DEVELOPMENT' } });
      expect(await refusal(keys.vic, 'ApproveChangeRequest', { id: forgotten.id })).toBe('REQUEST_NOT_PENDING');
    });

    it('should let only the requester cancel, after which nobody can decide', async () => {
      const request = await requestTransition(v2.id, 'VALIDATION');
      expect(await refusal(keys.vic, 'CancelChangeRequest', { id: request.id })).toBe('NOT_REQUESTER');
      expect((await run(keys.dana, 'CancelChangeRequest', { id: request.id })).cancelChangeRequest).toMatchObject({ status: 'CANCELLED', statusReason: expect.stringContaining('dana') });
      expect(await refusal(keys.vic, 'ApproveChangeRequest', { id: request.id })).toBe('REQUEST_NOT_PENDING');
      expect(await refusal(keys.dana, 'CancelChangeRequest', { id: request.id })).toBe('REQUEST_NOT_PENDING');
    });

    it('should lower the risk tier only when a second RISK_OFFICER approves it', async () => {
      const model = v1.model.id;
      const tierOf = async () => (await run(keys.val, `query($id: ID!) { node(id: $id) { ... on Model { riskTier } } }`, { id: model })).node.riskTier;
      expect(await refusal(keys.rita, 'SetModelGovernance', { modelId: model, input: { riskTier: 'MEDIUM' } })).toBe('FOUR_EYES_REQUIRED');
      const asked = (await run(keys.rita, 'RequestRiskTierChange', { modelId: model, riskTier: 'MEDIUM', justification: 'Scope reduced to internal decisions.' })).requestRiskTierChange;
      expect(asked).toMatchObject({ kind: 'RISK_TIER_CHANGE', status: 'PENDING', approverRole: 'RISK_OFFICER', before: { riskTier: 'HIGH' }, proposed: { riskTier: 'MEDIUM' } });
      const pending = (await run(keys.val, 'PendingControlRequests')).controlRequests;
      expect(pending.nodes).toEqual([expect.objectContaining({ id: asked.id, requesterName: 'rita (model risk)', model: { name: 'credit-scorer' } })]);
      const decide = (key: string) => refusal(key, 'DecideControlRequest', { id: asked.id, decision: 'APPROVE', comment: 'ok' });
      expect(await decide(keys.rita)).toBe('SELF_APPROVAL');
      expect(await decide(keys.vic)).toBe('ROLE_REQUIRED');
      expect(await decide(keys.admin)).toBe('ROLE_REQUIRED');
      expect(await tierOf()).toBe('HIGH');
      const decided = (await run(keys.samRisk, 'DecideControlRequest', { id: asked.id, decision: 'APPROVE', comment: 'Agreed with the business owner.' })).decideControlRequest;
      expect(decided).toMatchObject({ status: 'APPLIED', deciderName: 'sam (validation and risk)' });
      expect(await tierOf()).toBe('MEDIUM');
    });

    it('should close a rejected request with the comment and leave the version where it was', async () => {
      const request = await requestTransition(v2.id, 'VALIDATION');
      expect(await refusal(keys.vic, `mutation { rejectChangeRequest(id: "${request.id}", comment: "  ") { id } }`)).toBe('BAD_USER_INPUT');
      const rejected = (await run(keys.vic, 'RejectChangeRequest', { id: request.id, comment: 'The validation report covers the wrong data window.' })).rejectChangeRequest;
      expect(rejected).toEqual({ id: request.id, status: 'REJECTED', statusReason: 'The validation report covers the wrong data window.' });
      const versions = await versionsOf(sagemaker.sourceId);
      expect(versions.find((v) => v.id === v2.id)!.lifecycleState).toBe('DEVELOPMENT');
    });
  });

  describe('a LOW-risk MLflow version', () => {
    it('should reach PRODUCTION with one VALIDATOR per step and get the production alias at MLflow', async () => {
      await sync(mlflow.sourceId);
      const [version] = await versionsOf(mlflow.sourceId);
      expect(version).toMatchObject({ lifecycleState: 'DEVELOPMENT', model: { name: 'churn-predictor' } });
      await run(keys.rita, 'SetModelGovernance', { modelId: version.model.id, input: { riskTier: 'LOW' } });

      let last = null as Awaited<ReturnType<typeof writeBackSettled>> | null;
      for (const toState of ['VALIDATION', 'APPROVED', 'PRODUCTION']) {
        const request = await requestTransition(version.id, toState);
        expect(request.slots).toEqual([{ role: 'VALIDATOR', index: 0 }]);
        expect((await run(keys.vic, 'ApproveChangeRequest', { id: request.id })).approveChangeRequest.status).toBe('APPLIED');
        last = await writeBackSettled(request.id);
        expect(last.writeBackStatus).toBe('DONE');
      }
      expect(last!.writeBackMessage).toContain('set alias "production"');
      const { store } = mlflow.simulator;
      expect(store.version('churn-predictor', 1).aliases).toEqual(['production']);
      expect(store.writeBacks.filter((w) => w.operation === 'POST registered-models/alias')).toEqual([
        expect.objectContaining({ target: 'churn-predictor/1', payload: { alias: 'production' } }),
      ]);
      expect((await versionsOf(mlflow.sourceId))[0].lifecycleState).toBe('PRODUCTION');
    });
  });

  describe('the audit log', () => {
    it('should verify as an unbroken chain after the whole story', async () => {
      const verification = (await run(keys.val, 'VerifyAuditChain')).verifyAuditChain;
      expect(verification).toMatchObject({ valid: true, firstBrokenSeq: null });
      expect(verification.checked).toBeGreaterThan(30);
    });

    it('should list the seeded policies as documented', async () => {
      const policies = (await run(keys.val, 'Policies')).policies as Array<{ toState: string; riskTier: string | null; revision: number; requirements: Array<{ role: string; count: number }> }>;
      const table = readFileSync(WALKTHROUGH, 'utf8')
        .split('\n')
        .filter((line) => /^\| (VALIDATION|DEVELOPMENT|APPROVED|PRODUCTION|RETIRED)/.test(line))
        .map((line) => line.split('|').map((cell) => cell.trim()).slice(1, 4));
      const described = policies.map((p) => [
        p.toState,
        p.riskTier ?? 'any',
        p.requirements.map((r) => `${r.count} ${r.role}`).join(' + '),
      ]);
      expect(described.sort()).toEqual(table.map(([state, tier, needs]) => [state.replace(' (sent back)', ''), tier, needs]).sort());
      expect(policies.every((p) => p.revision === 1)).toBe(true);
    });

    it('should have run every operation the approver walkthrough documents', () => {
      expect([...ran].sort()).toEqual([...doc.keys()].sort());
    });
  });
});
