/**
 * People, their keys and SSO sign-ins, through the HTTP API of a real hub (real PostgreSQL, OIDC against a loopback
 * JWKS): the attacks of issue 16 that concern identities, each refused with its code, and the people API itself.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSsoResolver } from '../../../src/auth/sso-identity.js';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { toGlobalId } from '../../../src/global-id.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { createPersonWithKey, testEmail } from '../../helpers/people.js';
import { graphqlRequest } from '../../helpers/processes.js';

const ISSUER = 'https://idp.test/realms/bank';
const AUDIENCE = 'modelops-hub';
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

let jwks: Server;
let signingKey: PrivateKey;
let test: TestHub;
let bootstrapKey: string;
/** The first ADMIN person and their key, created through the bootstrap key. */
let ada: { id: string; key: string };

function sso(subject: string, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ groups: ['VIEWER', 'DATA_SCIENTIST'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject(subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(signingKey);
}

async function gql(credential: string, query: string, variables: Record<string, unknown> = {}) {
  return graphqlRequest<Record<string, any>>(test.http!.url, credential, query, variables);
}

/** The data of a successful answer (fails the test with the errors otherwise). */
async function data(credential: string, query: string, variables: Record<string, unknown> = {}) {
  const answer = await gql(credential, query, variables);
  expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
  return answer.body.data!;
}

async function codeOf(credential: string, query: string, variables: Record<string, unknown> = {}): Promise<string | undefined> {
  const answer = await gql(credential, query, variables);
  return answer.body.errors?.[0]?.extensions?.code as string | undefined;
}

const CREATE_PERSON = 'mutation ($input: CreatePersonInput!) { createPerson(input: $input) { id email displayName roles active } }';
const CREATE_KEY = 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id roles person { id } } } }';
const ME = '{ me { id displayName roles credential person { id email } } }';

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const { port } = jwks.address() as AddressInfo;
  test = await startTestHub({ http: true, env: { OIDC_JWKS_URL: `http://127.0.0.1:${port}/jwks`, OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE } });
  bootstrapKey = test.env.HUB_BOOTSTRAP_ADMIN_KEY;

  // First start: the bootstrap key creates the first ADMIN person directly (the one exception to four eyes).
  const created = await data(bootstrapKey, CREATE_PERSON, { input: { email: 'Ada.Admin@Bank.example', displayName: 'Ada Admin', roles: ['ADMIN', 'VIEWER'] } });
  const key = await data(bootstrapKey, CREATE_KEY, { input: { personId: created.createPerson.id, name: 'ada laptop', roles: ['ADMIN', 'VIEWER'] } });
  ada = { id: created.createPerson.id, key: key.createApiKey.key };
}, 120_000);

afterAll(async () => {
  await test?.close();
  await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
});

describe('break glass', () => {
  it('should retire the bootstrap key once an active ADMIN person exists, having audited each use', async () => {
    const answer = await gql(bootstrapKey, ME);
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0].message).toMatch(/active ADMIN person exists.*HUB_BREAK_GLASS/);
    const events = await data(ada.key, '{ auditEvents(filter: { actions: ["auth.break_glass_used"] }) { totalCount nodes { actorRoles after } } }');
    expect(events.auditEvents.totalCount).toBeGreaterThanOrEqual(2);
    expect(events.auditEvents.nodes[0].after).toEqual({ reason: 'no active ADMIN person exists' });
  });
});

describe('people', () => {
  let dana: { id: string; key: string };

  beforeAll(async () => {
    const created = await data(ada.key, CREATE_PERSON, { input: { email: testEmail('dana'), displayName: 'Dana Scientist', roles: ['VIEWER', 'DATA_SCIENTIST'] } });
    // Dana mints her own key: an ADMIN cannot mint roles the ADMIN does not hold.
    const dataScientistKey = await (async () => {
      const viaSystem = await test.hub.services.apiKeys.createApiKey({ name: 'bootstrap dana', roles: ['VIEWER'], personId: fromGlobal(created.createPerson.id), createdBy: systemPrincipal('test') });
      return viaSystem.key;
    })();
    const own = await data(dataScientistKey, CREATE_KEY, { input: { personId: created.createPerson.id, name: 'dana notebook', roles: ['VIEWER'] } });
    dana = { id: created.createPerson.id, key: own.createApiKey.key };
  });

  it('should refuse granting VALIDATOR, RISK_OFFICER or ADMIN directly, naming the mutation to use', async () => {
    for (const role of ['VALIDATOR', 'RISK_OFFICER', 'ADMIN']) {
      const answer = await gql(ada.key, CREATE_PERSON, { input: { email: testEmail(role), displayName: role, roles: [role] } });
      expect(answer.body.errors?.[0].extensions?.code).toBe('FOUR_EYES_REQUIRED');
      expect(answer.body.errors?.[0].message).toMatch(/requestRoleGrant/);
    }
    const update = await gql(ada.key, 'mutation ($id: ID!) { updatePerson(id: $id, input: { roles: [VIEWER, DATA_SCIENTIST, VALIDATOR] }) { id } }', { id: dana.id });
    expect(update.body.errors?.[0].extensions?.code).toBe('FOUR_EYES_REQUIRED');
  });

  it('should refuse anyone granting themselves a role', async () => {
    expect(await codeOf(ada.key, 'mutation ($id: ID!) { updatePerson(id: $id, input: { roles: [ADMIN, VIEWER, OPERATOR] }) { id } }', { id: ada.id })).toBe('SELF_GRANT');
  });

  it('should keep emails unique case-insensitively', async () => {
    expect(await codeOf(ada.key, CREATE_PERSON, { input: { email: 'ADA.ADMIN@bank.EXAMPLE', displayName: 'Ada again', roles: [] } })).toBe('DUPLICATE_EMAIL');
  });

  it('should refuse minting a key with a role the caller or the person does not hold', async () => {
    // Before: any ADMIN minted any role onto any key.
    expect(await codeOf(ada.key, CREATE_KEY, { input: { personId: dana.id, name: 'x', roles: ['DATA_SCIENTIST'] } })).toBe('ROLE_NOT_HELD');
    expect(await codeOf(dana.key, CREATE_KEY, { input: { personId: dana.id, name: 'x', roles: ['VALIDATOR'] } })).toBe('ROLE_NOT_HELD');
    expect(await codeOf(dana.key, CREATE_KEY, { input: { personId: ada.id, name: 'x', roles: ['VIEWER'] } })).toBe('FORBIDDEN');
    // Within both: fine, and the key acts for Dana whatever its label says.
    const minted = await data(ada.key, CREATE_KEY, { input: { personId: dana.id, name: 'Ada Admin', roles: ['VIEWER'] } });
    expect(minted.createApiKey.apiKey.person.id).toBe(dana.id);
    expect((await data(minted.createApiKey.key, ME)).me.person.id).toBe(dana.id);
  });

  it('should let only ADMIN and RISK_OFFICER list people, and list them with their identities', async () => {
    const risk = await createPersonWithKey(test.hub.services, { name: 'Rhea Risk', roles: ['RISK_OFFICER'] });
    const query = '{ people(first: 100) { totalCount nodes { id email roles identities { apiKeys { name active } sso { subject } } } } }';
    const listed = await data(risk.key, query);
    const danaNode = listed.people.nodes.find((p: { id: string }) => p.id === dana.id);
    expect(danaNode.identities.apiKeys.map((k: { name: string }) => k.name)).toEqual(expect.arrayContaining(['dana notebook', 'bootstrap dana']));
    // The break-glass identity is no one to manage.
    expect(listed.people.nodes.map((p: { email: string }) => p.email)).not.toContain('bootstrap-admin@hub.invalid');
    expect(await codeOf(dana.key, query)).toBe('FORBIDDEN');
    expect(await codeOf(dana.key, '{ node(id: "' + ada.id + '") { id } }')).toBe('FORBIDDEN');
    // Everyone sees their own person through me.
    expect((await data(dana.key, '{ me { person { email identities { apiKeys { name } } } } }')).me.person.identities.apiKeys.length).toBeGreaterThan(0);
  });

  it('should page people by email with cursors', async () => {
    const first = await data(ada.key, '{ people(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { email } } }');
    const second = await data(ada.key, 'query ($after: String) { people(first: 1, after: $after) { nodes { email } } }', { after: first.people.pageInfo.endCursor });
    expect(first.people.pageInfo.hasNextPage).toBe(true);
    expect(second.people.nodes[0].email.toLowerCase() > first.people.nodes[0].email.toLowerCase()).toBe(true);
  });

  it('should show audit events about people and keys to ADMIN only', async () => {
    const risk = await createPersonWithKey(test.hub.services, { name: 'Rory Risk', roles: ['RISK_OFFICER', 'VIEWER'] });
    const query = '{ auditEvents(filter: { entityKind: "person" }) { totalCount } keys: auditEvents(filter: { entityKind: "api_key" }) { totalCount } all: auditEvents(first: 500) { nodes { entityKind } } }';
    const asAdmin = await data(ada.key, query);
    expect(asAdmin.auditEvents.totalCount).toBeGreaterThan(0);
    expect(asAdmin.keys.totalCount).toBeGreaterThan(0);
    const asRisk = await data(risk.key, query);
    expect(asRisk.auditEvents.totalCount).toBe(0);
    expect(asRisk.keys.totalCount).toBe(0);
    expect(asRisk.all.nodes.map((n: { entityKind: string }) => n.entityKind)).not.toContain('person');
  });
});

describe('SSO sign-ins', () => {
  let vera: { id: string; key: string };

  beforeAll(async () => {
    const created = await createPersonWithKey(test.hub.services, { name: 'Vera Viewer', roles: ['VIEWER', 'DATA_SCIENTIST'], email: 'vera@bank.example' });
    vera = { id: toGlobalId('Person', created.person.id), key: created.key };
  });

  it('should refuse an unlinked sign-in, naming the subject for an ADMIN to link', async () => {
    const answer = await gql(await sso('vera-sub-1', { email: 'vera@bank.example', email_verified: true }), ME);
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0].message).toMatch(/SSO subject "vera-sub-1" of https:\/\/idp\.test\/realms\/bank is not linked.*linkIdentity/);
  });

  it("should make a person's SSO sign-in and API key one person", async () => {
    const linked = await data(ada.key, 'mutation ($input: LinkIdentityInput!) { linkIdentity(input: $input) { id identities { sso { issuer subject linkedBy active } } } }', {
      input: { personId: vera.id, issuer: ISSUER, subject: 'vera-sub-1' },
    });
    expect(linked.linkIdentity.identities.sso).toEqual([{ issuer: ISSUER, subject: 'vera-sub-1', linkedBy: expect.stringMatching(/^admin:key:/), active: true }]);
    const viaSso = (await data(await sso('vera-sub-1'), ME)).me;
    const viaKey = (await data(vera.key, ME)).me;
    expect(viaSso).toMatchObject({ credential: 'SSO', displayName: 'Vera Viewer', person: { id: vera.id } });
    expect(viaKey).toMatchObject({ credential: 'API_KEY', person: { id: vera.id } });
    // What segregation of duties compares: the principals' person ids.
    const byKey = await test.hub.authenticate({ headers: { 'x-api-key': vera.key } });
    const bySso = await test.hub.authenticate({ headers: { authorization: `Bearer ${await sso('vera-sub-1')}` } });
    expect(bySso!.personId).toBe(byKey!.personId);
    expect(bySso!.id).not.toBe(byKey!.id);
    expect(await codeOf(ada.key, 'mutation ($input: LinkIdentityInput!) { linkIdentity(input: $input) { id } }', { input: { personId: ada.id, issuer: ISSUER, subject: 'vera-sub-1' } })).toBe('IDENTITY_LINKED');
  });

  it('should hold only the roles both the token and the person hold', async () => {
    const roles = (await data(await sso('vera-sub-1', { groups: ['VIEWER', 'ADMIN', 'VALIDATOR'] }), ME)).me.roles;
    expect(roles).toEqual(['VIEWER']);
  });

  it('should give a sign-in whose groups map to no hub role FORBIDDEN through _entities, node and the root fields', async () => {
    // Before: `_entities` answered such a token with models, change requests and source settings.
    const token = await sso('vera-sub-1', { groups: ['staff', 'viewer'] });
    expect((await data(token, ME)).me.roles).toEqual([]);
    const someId = (type: string) => toGlobalId(type, '0190a0c0-0000-7000-8000-000000000001');
    const entities = 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }';
    for (const type of ['Model', 'ModelVersion', 'Source', 'Deployment', 'Finding']) {
      expect(await codeOf(token, entities, { r: [{ __typename: type, id: someId(type) }] }), type).toBe('FORBIDDEN');
    }
    expect(await codeOf(token, entities, { r: [] })).toBe('FORBIDDEN');
    expect(await codeOf(token, `{ node(id: "${someId('Model')}") { id } }`)).toBe('FORBIDDEN');
    for (const root of ['{ models { totalCount } }', '{ changeRequests { totalCount } }', '{ sources { totalCount } }']) expect(await codeOf(token, root), root).toBe('FORBIDDEN');
    expect(await codeOf(token, CREATE_KEY, { input: { personId: vera.id, name: 'x', roles: ['VIEWER'] } })).toBe('FORBIDDEN');
  });

  it('should check the entity type’s own roles in _entities, as node does', async () => {
    const answer = await gql(vera.key, 'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [{ __typename: 'Model', id: toGlobalId('Model', '0190a0c0-0000-7000-8000-000000000001') }] });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({ _entities: [null] });
  });

  it('should link a first sign-in by verified email only when OIDC_LINK_BY_EMAIL is on', async () => {
    const db = test.database.handle.db;
    const token = { issuer: ISSUER, subject: 'vera-laptop', email: 'VERA@bank.example', emailVerified: true, name: 'V', roles: ['VIEWER' as const] };
    await expect(createSsoResolver({ db, audit: new AuditRecorder(), linkByEmail: false })(token)).rejects.toThrow(/"vera-laptop".*linking by email is off/);
    const on = createSsoResolver({ db, audit: new AuditRecorder(), linkByEmail: true });
    await expect(on({ ...token, emailVerified: false })).rejects.toThrow(/no verified email/);
    await expect(on({ ...token, email: 'nobody@bank.example' })).rejects.toThrow(/no person has the email/);
    expect((await on(token)).personId).toBe(fromGlobal(vera.id));
    // Linked now: the next sign-in is the same person even without an email.
    expect((await on({ ...token, email: null, emailVerified: false })).personId).toBe(fromGlobal(vera.id));
  });

  it('should disable every key and sign-in of a deactivated person at once', async () => {
    const deactivated = await data(ada.key, 'mutation ($id: ID!) { deactivatePerson(id: $id) { active deactivatedAt identities { apiKeys { active } sso { active } } } }', { id: vera.id });
    expect(deactivated.deactivatePerson.active).toBe(false);
    expect(deactivated.deactivatePerson.identities.apiKeys.every((k: { active: boolean }) => !k.active)).toBe(true);
    expect(deactivated.deactivatePerson.identities.sso.every((s: { active: boolean }) => !s.active)).toBe(true);
    for (const credential of [vera.key, await sso('vera-sub-1'), await sso('vera-laptop')]) {
      const answer = await gql(credential, ME);
      expect(answer.status).toBe(401);
      expect(answer.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});

function fromGlobal(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];
}
