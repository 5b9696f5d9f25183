/**
 * Issue 16's attacks, with people: independence is between persons, whatever keys or SSO identities they use. Each
 * test walks one attack from the issue through real API keys (verified as the API would) on real PostgreSQL and
 * asserts the code it now gets; before people, every one of them went through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { testEmail } from '../../helpers/people.js';
import type { Db } from '../../../src/db/client.js';
import { approvals, auditEvents, controlRequests, models, persons, type PersonRow } from '../../../src/db/schema/index.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { ApiKeyService } from '../../../src/auth/api-key.service.js';
import { systemPrincipal, type Principal, type Role } from '../../../src/auth/principal.js';
import { PeopleService } from '../../../src/people/people.service.js';
import { pgError } from '../../../src/db/sql.js';
import { createLogger } from '../../../src/logger.js';
import type { GovernanceServices } from '../../../src/governance/governance-services.js';
import { governanceFor, seedModel, seedSource, seedVersion, versionState } from './governance-fixtures.js';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildHubSchema } from '../../../src/graphql/build-schema.js';
import { createGraphQLHttpHandler } from '../../../src/graphql/http-handler.js';
import { toGlobalId } from '../../../src/global-id.js';
import { AuditService } from '../../../src/audit/audit.service.js';
import { TEST_LIMITS, testServices } from '../../helpers/graphql.js';
import { accepted } from '../../helpers/governance.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? `uncoded: ${(error as Error).message}`;
  }
  return 'NO_ERROR';
}

const evidence = [{ title: 'Validation report', url: 'https://wiki.example.com/val/42' }];

describe('Independence between people', () => {
  let tdb: TestDatabase;
  let db: Db;
  let governance: GovernanceServices;
  let people: PeopleService;
  let apiKeys: ApiKeyService;
  let sourceId: string;

  beforeAll(async () => {
    tdb = await createPostgresTestDatabase();
    db = tdb.handle.db;
    ({ service: governance } = await governanceFor(db));
    const audit = new AuditRecorder();
    people = new PeopleService({ db, audit });
    apiKeys = new ApiKeyService({ db, audit, logger: createLogger('silent') });
    sourceId = await seedSource(db);
  });
  afterAll(async () => {
    await tdb.drop();
  });

  /** A person created by the hub itself (as the CLI would), so the fixture is not bound by four eyes on grants. */
  const personWith = (displayName: string, roles: Role[], email = testEmail(displayName)) =>
    people.createPerson({ email, displayName, roles }, systemPrincipal('test'));

  /** One API key of `person` with `roles`, minted by `minter`, verified as the API verifies a presented key. */
  async function keyOf(person: PersonRow, roles: Role[], label: string, minter: Principal = systemPrincipal('test')): Promise<Principal> {
    const { key } = await apiKeys.createApiKey({ name: label, roles, personId: person.id, createdBy: minter });
    return apiKeys.verify(key);
  }

  /** The principal a verified SSO token linked to `person` resolves to: the token's own subject, the name claim first. */
  const ssoLogin = (person: PersonRow, roles: Role[]): Principal => ({ id: `https://idp.example.com#${person.id.slice(0, 8)}`, personId: person.id, displayName: person.displayName, roles, kind: 'jwt' });

  async function versionIn(state: string, attrs: { riskTier?: string | null; accountableOwner?: string | null } = { riskTier: 'LOW' }, createdBy: string | null = null) {
    const modelId = await seedModel(db, sourceId, attrs);
    const versionId = await seedVersion(db, { sourceId, modelId, state, createdBy });
    return { modelId, versionId };
  }
  const open = (modelVersionId: string, toState: 'VALIDATION' | 'APPROVED' | 'PRODUCTION', actor: Principal) =>
    accepted(governance.changeRequests.requestLifecycleTransition({ modelVersionId, toState, justification: 'Ready for the next step.', evidence }, actor));

  /** The GraphQL API over HTTP with these services, keys verified as the API verifies them, for `run`. */
  async function withApi(run: (url: string) => Promise<void>): Promise<void> {
    const services = { ...testServices(db), governance, people, apiKeys, audit: new AuditService({ db }) };
    const schema = await buildHubSchema(services);
    const authenticate = async (req: IncomingMessage) => (typeof req.headers.authorization === 'string' ? apiKeys.verify(req.headers.authorization.slice(7)) : null);
    const handler = createGraphQLHttpHandler({ schema, services, authenticate, logger: createLogger('silent'), limits: TEST_LIMITS });
    const server = createServer((req, res) => void handler.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.stop();
    }
  }

  it('one person with a DATA_SCIENTIST key and a VALIDATOR key cannot approve her own request: SELF_APPROVAL', async () => {
    const dana = await personWith('Dana Double', ['DATA_SCIENTIST', 'VALIDATOR']);
    const asScientist = await keyOf(dana, ['DATA_SCIENTIST'], 'notebook');
    const asValidator = await keyOf(dana, ['VALIDATOR'], 'review bot');
    expect(asScientist.id).not.toBe(asValidator.id);
    const { versionId } = await versionIn('DEVELOPMENT');
    const request = await open(versionId, 'VALIDATION', asScientist);
    expect(request.requesterPersonId).toBe(dana.id);
    expect(await codeOf(accepted(governance.decisions.approveChangeRequest(request.id, null, asValidator)))).toBe('SELF_APPROVAL');
    expect(await codeOf(accepted(governance.decisions.rejectChangeRequest(request.id, 'changed my mind', asValidator)))).toBe('SELF_APPROVAL');
    expect(await versionState(db, versionId)).toBe('DEVELOPMENT');

    // The database refuses it too, whatever the service thinks: the person ids differ nowhere.
    const write = db.insert(approvals).values({
      changeRequestId: request.id,
      decision: 'APPROVE',
      slotRole: 'VALIDATOR',
      slotIndex: 0,
      approverId: asValidator.id,
      approverPersonId: dana.id,
      approverRoles: ['VALIDATOR'],
      requesterId: request.requesterId,
      requesterPersonId: request.requesterPersonId,
    });
    expect(await write.then(() => null, (e: unknown) => pgError(e))).toMatchObject({ code: '23514', constraint: 'approvals_not_self_person_ck' });
  });

  it('one person fills at most one slot through any of her keys: DUPLICATE_APPROVER', async () => {
    const vera = await personWith('Vera Both', ['VALIDATOR', 'RISK_OFFICER']);
    const asValidator = await keyOf(vera, ['VALIDATOR'], 'validation');
    const asRisk = await keyOf(vera, ['RISK_OFFICER'], 'risk');
    const ds = await keyOf(await personWith('Sam Scientist', ['DATA_SCIENTIST']), ['DATA_SCIENTIST'], 'sam');
    const { versionId } = await versionIn('APPROVED', { riskTier: 'HIGH' });
    const request = await open(versionId, 'PRODUCTION', ds);
    await accepted(governance.decisions.approveChangeRequest(request.id, 'validated', asValidator));
    expect(await codeOf(accepted(governance.decisions.approveChangeRequest(request.id, 'and as risk officer', asRisk)))).toBe('DUPLICATE_APPROVER');
    expect(await versionState(db, versionId)).toBe('APPROVED');
  });

  it('one ADMIN minting four keys cannot take a CRITICAL model through VALIDATION, APPROVED and PRODUCTION alone', async () => {
    const ada = await personWith('Ada Admin', ['ADMIN']);
    const adaKey = await keyOf(ada, ['ADMIN'], 'ada');
    // Keys carry only roles the person holds: no VALIDATOR or RISK_OFFICER key for an ADMIN.
    expect(await codeOf(keyOf(ada, ['VALIDATOR'], 'validator', adaKey))).toBe('ROLE_NOT_HELD');
    expect(await codeOf(keyOf(ada, ['RISK_OFFICER'], 'risk', adaKey))).toBe('ROLE_NOT_HELD');
    // A sock puppet with an approver role needs a second ADMIN; her own approval of the grant is refused.
    expect(await codeOf(people.createPerson({ email: testEmail('puppet'), displayName: 'Puppet', roles: ['VALIDATOR'] }, adaKey))).toBe('FOUR_EYES_REQUIRED');
    const puppet = await people.createPerson({ email: testEmail('puppet'), displayName: 'Puppet', roles: ['DATA_SCIENTIST'] }, adaKey);
    const grant = await accepted(governance.controls.requestRoleGrant(puppet.id, 'VALIDATOR', 'Needs to validate.', adaKey));
    const adaSecondKey = await keyOf(ada, ['ADMIN'], 'ada laptop', adaKey);
    expect(await codeOf(accepted(governance.controls.decideControlRequest(grant.id, 'APPROVE', null, adaSecondKey)))).toBe('SELF_APPROVAL');
    // Nor may an accomplice ADMIN ask for her, so that she approves her own grant.
    const bea = await keyOf(await personWith('Bea Admin', ['ADMIN']), ['ADMIN'], 'bea');
    const forAda = await accepted(governance.controls.requestRoleGrant(ada.id, 'VALIDATOR', 'Ada helps validating.', bea));
    expect(await codeOf(accepted(governance.controls.decideControlRequest(forAda.id, 'APPROVE', null, adaKey)))).toBe('SELF_GRANT');
    const aroundTheService = db
      .update(controlRequests)
      .set({ status: 'APPLIED', deciderId: adaKey.id, deciderPersonId: ada.id, deciderRoles: ['ADMIN'] })
      .where(eq(controlRequests.id, forAda.id));
    expect(await aroundTheService.then(() => null, (e: unknown) => pgError(e))).toMatchObject({ code: '23514', constraint: 'control_requests_not_own_grant_ck' });
    // And ADMIN itself fills no slot.
    const { versionId } = await versionIn('DEVELOPMENT', { riskTier: 'CRITICAL' });
    const request = await open(versionId, 'VALIDATION', adaKey);
    expect(await codeOf(accepted(governance.decisions.approveChangeRequest(request.id, null, adaSecondKey)))).toBe('SELF_APPROVAL');
    // She cannot even mint the puppet a DATA_SCIENTIST key (she does not hold it); say the puppet signs in itself.
    expect(await codeOf(keyOf(puppet, ['DATA_SCIENTIST'], 'puppet', adaKey))).toBe('ROLE_NOT_HELD');
    const puppetKey = await keyOf(puppet, ['DATA_SCIENTIST'], 'puppet');
    expect(await codeOf(accepted(governance.decisions.approveChangeRequest(request.id, null, puppetKey)))).toBe('ROLE_REQUIRED');
    expect(await versionState(db, versionId)).toBe('DEVELOPMENT');
    const [stored] = await db.select({ roles: persons.roles }).from(persons).where(eq(persons.id, puppet.id));
    expect(stored.roles).toEqual(['DATA_SCIENTIST']);
  });

  it('even a person granted every role, with one key per role, gets SELF_APPROVAL on each of her keys', async () => {
    const omni = await personWith('Omni Person', ['DATA_SCIENTIST', 'VALIDATOR', 'RISK_OFFICER', 'ADMIN']);
    const [ds, val, risk, admin] = await Promise.all((['DATA_SCIENTIST', 'VALIDATOR', 'RISK_OFFICER', 'ADMIN'] as const).map((r) => keyOf(omni, [r], r.toLowerCase())));
    const { versionId } = await versionIn('APPROVED', { riskTier: 'CRITICAL' });
    const request = await open(versionId, 'PRODUCTION', ds);
    for (const key of [val, risk, admin]) expect(await codeOf(accepted(governance.decisions.approveChangeRequest(request.id, null, key)))).toBe('SELF_APPROVAL');
    expect(await versionState(db, versionId)).toBe('APPROVED');
  });

  describe('the owner cannot validate, whatever name she signs in with: OWNER_CANNOT_VALIDATE', () => {
    it('should refuse the owner recorded by email validating through a key labelled with her full name', async () => {
      const olivia = await personWith('Olivia Owner', ['VALIDATOR'], testEmail('olivia'));
      const { versionId } = await versionIn('DEVELOPMENT', { riskTier: 'LOW', accountableOwner: olivia.email.toUpperCase() });
      const ds = await keyOf(await personWith('Dan Scientist', ['DATA_SCIENTIST']), ['DATA_SCIENTIST'], 'dan');
      const request = await open(versionId, 'VALIDATION', ds);
      const key = await keyOf(olivia, ['VALIDATOR'], 'Olivia Owner');
      expect(key.displayName).toBe('Olivia Owner');
      expect(await codeOf(accepted(governance.decisions.approveChangeRequest(request.id, null, key)))).toBe('OWNER_CANNOT_VALIDATE');
      const eligible = await governance.reads.listChangeRequests({ eligibleForMe: true, modelVersionId: versionId }, { first: 10 }, key);
      expect(eligible.items).toEqual([]);
    });

    it('should refuse her through an SSO token whose name claim comes before its email', async () => {
      const olivia = await personWith('Olivia Owner', ['VALIDATOR'], testEmail('olivia'));
      const { versionId } = await versionIn('DEVELOPMENT', { riskTier: 'LOW', accountableOwner: olivia.email });
      const ds = await keyOf(await personWith('Dan Scientist', ['DATA_SCIENTIST']), ['DATA_SCIENTIST'], 'dan');
      const request = await open(versionId, 'VALIDATION', ds);
      expect(await codeOf(accepted(governance.decisions.approveChangeRequest(request.id, null, ssoLogin(olivia, ['VALIDATOR']))))).toBe('OWNER_CANNOT_VALIDATE');
    });

    it("should refuse the version's creator recorded by the vendor as her email", async () => {
      const carl = await personWith('Carl Creator', ['VALIDATOR'], testEmail('carl'));
      const { versionId } = await versionIn('DEVELOPMENT', { riskTier: 'LOW' }, carl.email);
      const ds = await keyOf(await personWith('Dan Scientist', ['DATA_SCIENTIST']), ['DATA_SCIENTIST'], 'dan');
      const request = await open(versionId, 'VALIDATION', ds);
      expect(await codeOf(accepted(governance.decisions.approveChangeRequest(request.id, null, await keyOf(carl, ['VALIDATOR'], 'carl'))))).toBe('OWNER_CANNOT_VALIDATE');
    });

    it('should not let an owner move ownership to a colleague while her request is pending and then validate it', async () => {
      const olivia = await personWith('Olivia Owner', ['VALIDATOR', 'RISK_OFFICER'], testEmail('olivia'));
      const colin = await personWith('Colin Colleague', ['DATA_SCIENTIST'], testEmail('colin'));
      const rob = await keyOf(await personWith('Rob Risk', ['RISK_OFFICER']), ['RISK_OFFICER'], 'rob');
      const { modelId, versionId } = await versionIn('DEVELOPMENT', { riskTier: 'LOW', accountableOwner: olivia.email });
      const ds = await keyOf(await personWith('Dan Scientist', ['DATA_SCIENTIST']), ['DATA_SCIENTIST'], 'dan');
      const pending = await open(versionId, 'VALIDATION', ds);
      const asOwner = await keyOf(olivia, ['VALIDATOR', 'RISK_OFFICER'], 'olivia');

      expect(await codeOf(governance.attributes.setModelGovernance(modelId, { accountableOwner: colin.email }, asOwner))).toBe('FOUR_EYES_REQUIRED');
      const move = await accepted(governance.controls.requestOwnerChange(modelId, { personId: colin.id }, 'Colin takes over.', asOwner));
      expect(await codeOf(accepted(governance.controls.decideControlRequest(move.id, 'APPROVE', null, asOwner)))).toBe('SELF_APPROVAL');
      expect(await codeOf(accepted(governance.decisions.approveChangeRequest(pending.id, null, asOwner)))).toBe('OWNER_CANNOT_VALIDATE');
      expect((await accepted(governance.controls.decideControlRequest(move.id, 'APPROVE', 'Agreed with the business.', rob))).status).toBe('APPLIED');
      const [model] = await db.select().from(models).where(eq(models.id, modelId));
      expect(model).toMatchObject({ accountableOwner: colin.email, accountableOwnerPersonId: colin.id });
      expect(await governance.reads.getChangeRequest(pending.id)).toMatchObject({ status: 'SUPERSEDED' });
      expect(await codeOf(accepted(governance.decisions.approveChangeRequest(pending.id, null, asOwner)))).toBe('REQUEST_NOT_PENDING');
      expect(await versionState(db, versionId)).toBe('DEVELOPMENT');
    });

    it('should keep the owner at request time excluded when ownership moves underneath a pending request', async () => {
      const olivia = await personWith('Olivia Owner', ['VALIDATOR'], testEmail('olivia'));
      const colin = await personWith('Colin Colleague', ['DATA_SCIENTIST'], testEmail('colin'));
      const { modelId, versionId } = await versionIn('DEVELOPMENT', { riskTier: 'LOW', accountableOwner: olivia.email });
      const ds = await keyOf(await personWith('Dan Scientist', ['DATA_SCIENTIST']), ['DATA_SCIENTIST'], 'dan');
      const pending = await open(versionId, 'VALIDATION', ds);
      // Written around the service (a restore, a hand fix): the request remembers who owned the model when opened.
      await db.update(models).set({ accountableOwner: colin.email, accountableOwnerPersonId: colin.id }).where(eq(models.id, modelId));
      expect(await codeOf(accepted(governance.decisions.approveChangeRequest(pending.id, null, await keyOf(olivia, ['VALIDATOR'], 'Olivia Owner'))))).toBe('OWNER_CANNOT_VALIDATE');
    });
  });

  it('one RISK_OFFICER cannot lower CRITICAL to LOW, not even with a second key of hers', async () => {
    const rita = await personWith('Rita Risk', ['RISK_OFFICER']);
    const [first, second] = [await keyOf(rita, ['RISK_OFFICER'], 'rita 1'), await keyOf(rita, ['RISK_OFFICER'], 'rita 2')];
    const { modelId } = await versionIn('DEVELOPMENT', { riskTier: 'CRITICAL' });
    expect(await codeOf(governance.attributes.setModelGovernance(modelId, { riskTier: 'LOW' }, first))).toBe('FOUR_EYES_REQUIRED');
    const request = await accepted(governance.controls.requestRiskTierChange(modelId, 'LOW', 'Internal use only now.', first));
    expect(await codeOf(accepted(governance.controls.decideControlRequest(request.id, 'APPROVE', null, second)))).toBe('SELF_APPROVAL');
    const [model] = await db.select({ riskTier: models.riskTier }).from(models).where(eq(models.id, modelId));
    expect(model.riskTier).toBe('CRITICAL');
    const other = await keyOf(await personWith('Ron Risk', ['RISK_OFFICER']), ['RISK_OFFICER'], 'ron');
    expect((await accepted(governance.controls.decideControlRequest(request.id, 'APPROVE', null, other))).status).toBe('APPLIED');
  });

  it('should grant VALIDATOR only when a second ADMIN approves, exactly once, audited', async () => {
    const ada = await keyOf(await personWith('Ada Admin', ['ADMIN']), ['ADMIN'], 'ada');
    const abe = await keyOf(await personWith('Abe Admin', ['ADMIN']), ['ADMIN'], 'abe');
    const risk = await keyOf(await personWith('Rhea Risk', ['RISK_OFFICER']), ['RISK_OFFICER'], 'rhea');
    const vic = await personWith('Vic Validator', ['VIEWER']);
    expect(await codeOf(accepted(governance.controls.requestRoleGrant(vic.id, 'VIEWER', 'Direct grant.', ada)))).toBe('BAD_USER_INPUT');
    const grant = await accepted(governance.controls.requestRoleGrant(vic.id, 'VALIDATOR', 'Joins model validation.', ada));
    expect(await codeOf(accepted(governance.controls.requestRoleGrant(vic.id, 'VALIDATOR', 'Again.', abe)))).toBe('REQUEST_ALREADY_OPEN');
    expect(await codeOf(accepted(governance.controls.decideControlRequest(grant.id, 'APPROVE', null, risk)))).toBe('ROLE_REQUIRED');
    expect((await accepted(governance.controls.decideControlRequest(grant.id, 'APPROVE', null, abe))).status).toBe('APPLIED');
    const [stored] = await db.select({ roles: persons.roles }).from(persons).where(eq(persons.id, vic.id));
    expect(stored.roles).toEqual(['VIEWER', 'VALIDATOR']);
    expect(await codeOf(accepted(governance.controls.decideControlRequest(grant.id, 'APPROVE', null, abe)))).toBe('REQUEST_NOT_PENDING');
    const events = await db.select().from(auditEvents).where(eq(auditEvents.entityId, vic.id));
    expect(events.filter((e) => e.action === 'person.role_granted')).toHaveLength(1);
  });

  it("should list a person's requests opened through any of their credentials, and one credential's alone", async () => {
    await withApi(async (url) => {
      const nia = await personWith('Nia Notebook', ['DATA_SCIENTIST']);
      const other = await personWith('Omar Other', ['DATA_SCIENTIST']);
      const { key } = await apiKeys.createApiKey({ name: 'notebook', roles: ['DATA_SCIENTIST'], personId: nia.id, createdBy: systemPrincipal('test') });
      const byKey = await open((await versionIn('DEVELOPMENT')).versionId, 'VALIDATION', await apiKeys.verify(key));
      const bySso = await open((await versionIn('DEVELOPMENT')).versionId, 'VALIDATION', ssoLogin(nia, ['DATA_SCIENTIST']));
      await open((await versionIn('DEVELOPMENT')).versionId, 'VALIDATION', await keyOf(other, ['DATA_SCIENTIST'], 'omar'));
      const list = async (filter: Record<string, unknown>) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: 'query($f: ChangeRequestFilter) { changeRequests(filter: $f) { totalCount nodes { id } } }', variables: { f: filter } }),
        });
        return (await response.json()) as { data?: { changeRequests: { totalCount: number; nodes: Array<{ id: string }> } }; errors?: Array<{ extensions: { code: string } }> };
      };
      const mine = await list({ requesterPersonId: toGlobalId('Person', nia.id) });
      expect(mine.errors).toBeUndefined();
      expect(new Set(mine.data!.changeRequests.nodes.map((n) => n.id))).toEqual(new Set([toGlobalId('ChangeRequest', byKey.id), toGlobalId('ChangeRequest', bySso.id)]));
      expect(mine.data!.changeRequests.totalCount).toBe(2);
      const keyAlone = await list({ requesterId: byKey.requesterId });
      expect(keyAlone.data!.changeRequests.nodes.map((n) => n.id)).toEqual([toGlobalId('ChangeRequest', byKey.id)]);
      const wrongType = await list({ requesterPersonId: toGlobalId('Model', nia.id) });
      expect(wrongType.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });
  });

  it('should show the people behind a request, its decisions and the model owner to ADMIN and RISK_OFFICER only', async () => {
    await withApi(async (url) => {
      const olivia = await personWith('Olivia Owner', ['VALIDATOR'], testEmail('olivia'));
      const dana = await personWith('Dana Scientist', ['DATA_SCIENTIST']);
      const vic = await personWith('Vic Validator', ['VALIDATOR']);
      const { key: riskKey } = await apiKeys.createApiKey({ name: 'rita', roles: ['RISK_OFFICER'], personId: (await personWith('Rita Risk', ['RISK_OFFICER'])).id, createdBy: systemPrincipal('test') });
      const { key: viewerKey } = await apiKeys.createApiKey({ name: 'val', roles: ['VIEWER'], personId: (await personWith('Val Viewer', ['VIEWER'])).id, createdBy: systemPrincipal('test') });
      const { modelId, versionId } = await versionIn('DEVELOPMENT', { riskTier: 'LOW', accountableOwner: olivia.email });
      await db.update(models).set({ accountableOwnerPersonId: olivia.id }).where(eq(models.id, modelId));
      const request = await open(versionId, 'VALIDATION', await keyOf(dana, ['DATA_SCIENTIST'], 'notebook'));
      await accepted(governance.decisions.approveChangeRequest(request.id, 'ok', await keyOf(vic, ['VALIDATOR'], 'vic')));

      const QUERY = `query($id: ID!, $model: ID!) {
        changeRequest(id: $id) { requesterId requester { displayName } approvals { approverId approver { displayName email } } }
        node(id: $model) { ... on Model { accountableOwner accountableOwnerPerson { displayName } } }
      }`;
      const ask = async (key: string) => {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: QUERY, variables: { id: toGlobalId('ChangeRequest', request.id), model: toGlobalId('Model', modelId) } }) });
        return (await response.json()) as { data?: any; errors?: Array<{ extensions: { code: string } }> };
      };
      const asRisk = await ask(riskKey);
      expect(asRisk.errors).toBeUndefined();
      expect(asRisk.data.changeRequest).toMatchObject({ requester: { displayName: 'Dana Scientist' }, approvals: [{ approver: { displayName: 'Vic Validator', email: vic.email } }] });
      expect(asRisk.data.node).toEqual({ accountableOwner: olivia.email, accountableOwnerPerson: { displayName: 'Olivia Owner' } });
      const asViewer = await ask(viewerKey);
      expect(asViewer.errors?.map((e) => e.extensions.code)).toContain('FORBIDDEN');
      expect(asViewer.data?.changeRequest?.requester ?? null).toBeNull();
    });
  });
});
