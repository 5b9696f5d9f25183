import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { writeBackOutbox } from '../../../src/db/schema/index.js';
import { ROLES, type Principal, type Role } from '../../../src/auth/principal.js';
import { buildHubSchema } from '../../../src/graphql/build-schema.js';
import { createGraphQLHttpHandler } from '../../../src/graphql/http-handler.js';
import { fromGlobalId, toGlobalId } from '../../../src/global-id.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { AuditService } from '../../../src/audit/audit.service.js';
import { createLogger } from '../../../src/logger.js';
import { WriteBackStatusReader } from '../../../src/governance/write-back-status.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { TEST_LIMITS, testServices } from '../../helpers/graphql.js';
import { governanceFor, openUngovernedFinding, seedModel, seedSource, seedVersion, TestClock } from './governance-fixtures.js';

const fromGlobalIdOf = (id: string) => fromGlobalId(id, 'ChangeRequest').id;

/** `x-test-user: <id>:<ROLE>+<ROLE>` — distinct identities matter here, segregation of duties compares them. */
async function authenticate(req: IncomingMessage): Promise<Principal | null> {
  const header = req.headers['x-test-user'];
  if (typeof header !== 'string') return null;
  const [id, roleList] = header.split(':');
  const roles = roleList.split('+').filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  return { id, displayName: id, roles, personId: null, kind: 'jwt' };
}

describe('Governance GraphQL API', () => {
  let tdb: TestDatabase;
  let server: Server;
  let stop: () => Promise<void>;
  let url: string;
  let modelId: string;
  let versionId: string;
  let findingId: string;
  let clock: TestClock;
  const writeBackBatches: string[][] = [];

  const call = async (user: string | null, query: string, variables: Record<string, unknown> = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (user) headers['x-test-user'] = user;
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions: { code: string } }> };
  };
  const codeOf = (body: { errors?: Array<{ extensions: { code: string } }> }) => body.errors?.[0]?.extensions.code;

  const DS = 'dana:DATA_SCIENTIST';
  const VALIDATOR = 'vic:VALIDATOR';
  const RISK = 'rita:RISK_OFFICER';
  const ADMIN = 'ada:ADMIN';
  const VIEWER = 'val:VIEWER';

  const REQUEST = `mutation($input: RequestLifecycleTransitionInput!) {
    requestLifecycleTransition(input: $input) { id status fromState toState policy { riskTier requirements { role count } } slots { role index approval { approverId } } }
  }`;
  const APPROVE = `mutation($id: ID!, $comment: String) { approveChangeRequest(id: $id, comment: $comment) { id status writeBackStatus slots { role approval { approverId comment } } } }`;

  beforeAll(async () => {
    tdb = await createPostgresTestDatabase();
    const db = tdb.handle.db;
    clock = new TestClock();
    const { service } = await governanceFor(db, clock);
    const sourceId = await seedSource(db);
    modelId = await seedModel(db, sourceId, { accountableOwner: 'olga' });
    versionId = await seedVersion(db, { sourceId, modelId, createdBy: 'carl' });
    findingId = await openUngovernedFinding(db, sourceId, versionId);
    const reader = new WriteBackStatusReader(db);
    // Records each batch the write-back loader asks for, to show a page of requests costs one read, not one per request.
    const writeBackStatus = { summariesOf: (ids: readonly string[]) => (writeBackBatches.push([...ids]), reader.summariesOf(ids)) } as WriteBackStatusReader;
    const services = { ...testServices(db), governance: service, audit: new AuditService({ db }), writeBackStatus };
    const schema = await buildHubSchema(services);
    const handler = createGraphQLHttpHandler({ schema, services, authenticate, logger: createLogger('silent'), limits: TEST_LIMITS });
    server = createServer((req, res) => void handler.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    stop = async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.stop();
    };
  });
  afterAll(async () => {
    await stop?.();
    await tdb?.drop();
  });

  it('should walk a HIGH-risk version from DEVELOPMENT to PRODUCTION through requests and approvals', async () => {
    const version = toGlobalId('ModelVersion', versionId);
    const classify = await call(RISK, `mutation($id: ID!) { setModelGovernance(modelId: $id, input: { riskTier: HIGH, businessUnit: "Retail" }) { id } }`, { id: toGlobalId('Model', modelId) });
    expect(classify.errors).toBeUndefined();

    const steps: Array<{ to: string; approvers: string[] }> = [
      { to: 'VALIDATION', approvers: [VALIDATOR] },
      { to: 'APPROVED', approvers: [VALIDATOR, RISK] },
      { to: 'PRODUCTION', approvers: [VALIDATOR, RISK] },
    ];
    for (const step of steps) {
      clock.advance(60_000);
      const opened = await call(DS, REQUEST, { input: { modelVersionId: version, toState: step.to, justification: `Ready for ${step.to}`, evidence: [{ title: 'report', url: 'https://wiki.example.com/r' }] } });
      expect(opened.errors).toBeUndefined();
      const request = opened.data.requestLifecycleTransition;
      expect(request.slots.map((s: { role: string }) => s.role)).toEqual(step.approvers.map((a) => a.split(':')[1]));
      let last: any;
      for (const approver of step.approvers) last = await call(approver, APPROVE, { id: request.id, comment: 'ok' });
      expect(last.errors).toBeUndefined();
      expect(last.data.approveChangeRequest).toMatchObject({ status: 'APPLIED', writeBackStatus: 'PENDING' });
    }

    const read = await call(VIEWER, `query($id: ID!) { node(id: $id) { ... on ModelVersion { lifecycleState changeRequest { id } changeRequests { toState status approvals { approverId } } } } }`, { id: version });
    expect(read.errors).toBeUndefined();
    expect(read.data.node.lifecycleState).toBe('PRODUCTION');
    expect(read.data.node.changeRequest).toBeNull();
    expect(read.data.node.changeRequests.map((r: { toState: string }) => r.toState)).toEqual(['PRODUCTION', 'APPROVED', 'VALIDATION']);

    const resolved = await call(VIEWER, `query($id: String!) { auditEvents(first: 5, filter: { entityId: $id }) { totalCount nodes { action actorId } } }`, { id: findingId });
    expect(resolved.data.auditEvents.nodes).toEqual([{ action: 'finding.resolved', actorId: 'rita' }]);
  });

  it('should refuse the version creator as VALIDATOR and the requester as approver with their codes', async () => {
    const db = tdb.handle.db;
    const sourceId = await seedSource(db);
    const m = await seedModel(db, sourceId, { riskTier: 'LOW' });
    const v = await seedVersion(db, { sourceId, modelId: m, createdBy: 'Carl' });
    const opened = await call('dana:DATA_SCIENTIST+VALIDATOR', REQUEST, { input: { modelVersionId: toGlobalId('ModelVersion', v), toState: 'VALIDATION', justification: 'x', evidence: [] } });
    const id = opened.data.requestLifecycleTransition.id;
    expect(codeOf(await call('dana:DATA_SCIENTIST+VALIDATOR', APPROVE, { id }))).toBe('SELF_APPROVAL');
    expect(codeOf(await call('carl:VALIDATOR', APPROVE, { id }))).toBe('OWNER_CANNOT_VALIDATE');
    expect(codeOf(await call(RISK, APPROVE, { id }))).toBe('ROLE_REQUIRED');
    expect(codeOf(await call(VIEWER, REQUEST, { input: { modelVersionId: toGlobalId('ModelVersion', v), toState: 'RETIRED', justification: 'x', evidence: [] } }))).toBe('FORBIDDEN');
    const pending = await call(VALIDATOR, `{ changeRequests(filter: { eligibleForMe: true }) { totalCount nodes { id } } }`);
    expect(pending.data.changeRequests.nodes).toEqual([{ id }]);
  });

  it('should let an ADMIN tighten a policy at once, refuse non-approver roles, and put loosening under four eyes', async () => {
    const UPDATE = `mutation($req: [PolicyRequirementInput!]!) { updatePolicy(input: { toState: RETIRED, riskTier: null, requirements: $req }) { revision riskTier requirements { role count } } }`;
    const tighter = [{ role: 'RISK_OFFICER', count: 2 }];
    expect(codeOf(await call(RISK, UPDATE, { req: tighter }))).toBe('FORBIDDEN');
    const updated = await call(ADMIN, UPDATE, { req: tighter });
    expect(updated.data.updatePolicy).toEqual({ revision: 2, riskTier: null, requirements: tighter });
    const operator = await call(ADMIN, UPDATE, { req: [{ role: 'OPERATOR', count: 1 }] });
    expect(codeOf(operator)).toBe('BAD_USER_INPUT');
    const looser = await call(ADMIN, UPDATE, { req: [{ role: 'RISK_OFFICER', count: 1 }] });
    expect(codeOf(looser)).toBe('FOUR_EYES_REQUIRED');
    expect(looser.errors?.[0].message).toContain('requestPolicyChange');

    const asked = await call(
      ADMIN,
      `mutation { requestPolicyChange(input: { toState: RETIRED, riskTier: null, requirements: [{ role: RISK_OFFICER, count: 1 }], justification: "Two was a trial." }) { id status kind approverRole targetKey } }`,
    );
    expect(asked.data.requestPolicyChange).toMatchObject({ status: 'PENDING', kind: 'POLICY_CHANGE', approverRole: 'RISK_OFFICER', targetKey: 'RETIRED/*' });
    const DECIDE = `mutation($id: ID!) { decideControlRequest(id: $id, decision: APPROVE) { status deciderId } }`;
    const id = asked.data.requestPolicyChange.id;
    expect(codeOf(await call(ADMIN, DECIDE, { id }))).toBe('SELF_APPROVAL');
    expect((await call(RISK, DECIDE, { id })).data.decideControlRequest).toEqual({ status: 'APPLIED', deciderId: 'rita' });
    const listed = await call(VIEWER, `{ policies { toState riskTier revision requirements { role count } } }`);
    expect(listed.data.policies).toContainEqual({ toState: 'RETIRED', riskTier: null, revision: 3, requirements: [{ role: 'RISK_OFFICER', count: 1 }] });
    const requests = await call(VIEWER, `{ controlRequests(filter: { kind: [POLICY_CHANGE] }) { totalCount nodes { id status } } }`);
    expect(requests.data.controlRequests).toEqual({ totalCount: 1, nodes: [{ id, status: 'APPLIED' }] });
    expect((await call(VIEWER, `query($id: ID!) { node(id: $id) { ... on ControlRequest { kind } } }`, { id })).data.node).toEqual({ kind: 'POLICY_CHANGE' });

    // Policies are risk decisions: a RISK_OFFICER may ask too, and another one decides.
    const ASK = `mutation { requestPolicyChange(input: { toState: RETIRED, riskTier: null, requirements: [{ role: RISK_OFFICER, count: 2 }], justification: "Back to two." }) { id status requesterId } }`;
    const byRisk = await call(RISK, ASK);
    expect(byRisk.errors).toBeUndefined();
    expect(byRisk.data.requestPolicyChange).toMatchObject({ status: 'PENDING', requesterId: 'rita' });
    expect(codeOf(await call(RISK, DECIDE, { id: byRisk.data.requestPolicyChange.id }))).toBe('SELF_APPROVAL');
    expect((await call('rob:RISK_OFFICER', DECIDE, { id: byRisk.data.requestPolicyChange.id })).data.decideControlRequest).toEqual({ status: 'APPLIED', deciderId: 'rob' });
    expect(codeOf(await call(VIEWER, ASK))).toBe('FORBIDDEN');
  });

  it('should report an edited audit event through verifyAuditChain', async () => {
    const VERIFY = `{ verifyAuditChain { valid firstBrokenSeq checked } }`;
    const before = await call(VIEWER, VERIFY);
    expect(before.data.verifyAuditChain).toMatchObject({ valid: true, firstBrokenSeq: null });
    const db = tdb.handle.db;
    await db.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
    try {
      await db.execute(sql`update audit_events set actor_id = 'mallory' where seq = 4`);
    } finally {
      await db.execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
    }
    expect((await call(VIEWER, VERIFY)).data.verifyAuditChain).toEqual({ valid: false, firstBrokenSeq: 4, checked: 3 });
    const DETAIL = `{ verifyAuditChain { lastVerifiedSeq signaturesChecked checkpointsChecked problemsOmitted problems { kind sequence fromSequence toSequence message } } }`;
    expect((await call(VIEWER, DETAIL)).data.verifyAuditChain).toEqual({
      lastVerifiedSeq: 3,
      signaturesChecked: false,
      checkpointsChecked: 0,
      problemsOmitted: 0,
      problems: [{ kind: 'EDITED', sequence: 4, fromSequence: null, toSequence: null, message: expect.stringMatching(/^event 4 \(.*\) does not match its stored hash: it was edited$/) }],
    });
    expect(await new AuditRecorder().verify(db)).toMatchObject({ firstBrokenSeq: 4 });
  });

  it('should page the audit log with cursors', async () => {
    const first = await call(VIEWER, `{ auditEvents(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { seq } } }`);
    const { totalCount, pageInfo, nodes } = first.data.auditEvents;
    expect(nodes).toHaveLength(2);
    expect(pageInfo.hasNextPage).toBe(true);
    const next = await call(VIEWER, `query($after: String) { auditEvents(first: 500, after: $after) { nodes { seq } } }`, { after: pageInfo.endCursor });
    expect(next.data.auditEvents.nodes[0].seq).toBe(nodes[1].seq - 1);
    expect(next.data.auditEvents.nodes).toHaveLength(totalCount - 2);
  });

  it("should derive every request's write-back fields from its outbox rows, reading them for a whole page at once", async () => {
    const byVersion = `query($id: ID!) { changeRequests(first: 10, filter: { modelVersionId: $id }) { nodes { id toState writeBackStatus writeBackAttempts writeBackMessage writeBackAt } } }`;
    const before = await call(VIEWER, byVersion, { id: toGlobalId('ModelVersion', versionId) });
    const promotion = before.data.changeRequests.nodes.find((r: { toState: string }) => r.toState === 'PRODUCTION');
    const at = new Date('2026-02-03T04:05:06.000Z');
    await tdb.handle.db
      .update(writeBackOutbox)
      .set({ status: 'DONE', attempts: 2, message: 'alias production set', lastAttemptAt: at })
      .where(eq(writeBackOutbox.changeRequestId, fromGlobalIdOf(promotion.id)));

    writeBackBatches.length = 0;
    const after = await call(VIEWER, byVersion, { id: toGlobalId('ModelVersion', versionId) });
    expect(after.errors).toBeUndefined();
    expect(after.data.changeRequests.nodes.map((r: Record<string, unknown>) => [r.toState, r.writeBackStatus, r.writeBackAttempts, r.writeBackMessage, r.writeBackAt])).toEqual([
      ['PRODUCTION', 'DONE', 2, 'alias production set', at.toISOString()],
      ['APPROVED', 'PENDING', 0, null, null],
      ['VALIDATION', 'PENDING', 0, null, null],
    ]);
    expect(writeBackBatches).toEqual([expect.arrayContaining(after.data.changeRequests.nodes.map((r: { id: string }) => fromGlobalIdOf(r.id)))]);
  });
});
