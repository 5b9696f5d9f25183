/**
 * Authentication attacks against the HTTP API of a hub configured for OIDC (a loopback JWKS) and API keys: expired,
 * unsigned, wrongly signed and algorithm-confused JWTs, replayed revoked keys, malformed and oversized credentials.
 * Every refusal is a 401 UNAUTHENTICATED that never repeats the credential, and the hub keeps serving honest callers.
 * (tests/integration/auth/jwt.test.ts covers the verifier itself; this is the same attacks on the wire.)
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { codesOf, expectCleanAnswer, expectServerHealthy, hostileClient, type HostileAnswer, type HostileClient } from '../../helpers/hostile-http.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { createPersonWithKey } from '../../helpers/people.js';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const ISSUER = 'https://idp.hostile.test';
const AUDIENCE = 'modelops-hub';
const QUERY = JSON.stringify({ query: '{ models { totalCount } }' });

let jwks: Server;
let test: TestHub;
let client: HostileClient;
let signingKey: PrivateKey;
let strangerKey: PrivateKey;
let publicJwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256', { extractable: true })).privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const { port } = jwks.address() as AddressInfo;
  test = await startTestHub({ http: true, env: { OIDC_JWKS_URL: `http://127.0.0.1:${port}/jwks`, OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE } });
  client = hostileClient(test.http!.url, test.env.HUB_BOOTSTRAP_ADMIN_KEY);
  // The token's subject signs in as a person holding VIEWER.
  const { person } = await createPersonWithKey(test.hub.services, { name: 'User 42', roles: ['VIEWER'] });
  await test.hub.services.people.linkIdentity(person.id, { issuer: ISSUER, subject: 'user-42' }, systemPrincipal('test'));
}, 120_000);

afterAll(async () => {
  await test?.close();
  await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
});

function token(options: { key?: PrivateKey; kid?: string; exp?: number | string; nbf?: number; iss?: string } = {}) {
  const jwt = new SignJWT({ groups: ['VIEWER'] })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'k1' })
    .setSubject('user-42')
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m');
  if (options.nbf) jwt.setNotBefore(options.nbf);
  return jwt.sign(options.key ?? signingKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = () => ({ sub: 'user-42', iss: ISSUER, aud: AUDIENCE, groups: ['ADMIN'], exp: Math.floor(Date.now() / 1000) + 300 });

function withAuthorization(authorization: string, extra: Record<string, string> = {}): Promise<HostileAnswer> {
  return client.raw({ body: QUERY, headers: { 'content-type': 'application/json', authorization, ...extra } });
}

function expectRefused(answer: HostileAnswer, credential: string, message?: RegExp): void {
  expectCleanAnswer(answer);
  expect(answer.status).toBe(401);
  expect(codesOf(answer)).toEqual(['UNAUTHENTICATED']);
  expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  if (credential.length > 8) expect(answer.text).not.toContain(credential);
  if (message) expect(answer.body?.errors?.[0].message).toMatch(message);
}

describe('Authentication under attack', () => {
  it('should serve a valid token, so the refusals below are about the attack and not the setup', async () => {
    const answer = await withAuthorization(`Bearer ${await token()}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { models: { totalCount: 0 } } });
  });

  describe('JWT', () => {
    it('should refuse an expired token', async () => {
      const jwt = await token({ exp: Math.floor(Date.now() / 1000) - 3600 });
      expectRefused(await withAuthorization(`Bearer ${jwt}`), jwt, /expired/);
    });

    it('should refuse a token that is not valid yet', async () => {
      const jwt = await token({ nbf: Math.floor(Date.now() / 1000) + 3600 });
      expectRefused(await withAuthorization(`Bearer ${jwt}`), jwt);
    });

    it.each([
      ['alg none, no signature', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
      ['alg none in upper case', () => `${b64({ alg: 'NONE', typ: 'JWT', kid: 'k1' })}.${b64(claims())}.`],
      ['alg none with a copied signature', async () => `${b64({ alg: 'none', kid: 'k1' })}.${b64(claims())}.${(await token()).split('.')[2]}`],
    ])('should refuse an unsigned token (%s)', async (_name, build) => {
      const jwt = await build();
      expectRefused(await withAuthorization(`Bearer ${jwt}`), jwt);
    });

    it('should refuse a token signed by another key under the published key id', async () => {
      const jwt = await token({ key: strangerKey });
      expectRefused(await withAuthorization(`Bearer ${jwt}`), jwt, /signature/);
    });

    it('should refuse an HS256 token keyed with the public key (algorithm confusion)', async () => {
      const header = b64({ alg: 'HS256', typ: 'JWT', kid: 'k1' });
      const body = b64(claims());
      const forgeries = [JSON.stringify(publicJwk), publicJwk.n!].map((secret) => `${header}.${body}.${createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url')}`);
      for (const jwt of forgeries) expectRefused(await withAuthorization(`Bearer ${jwt}`), jwt, /algorithm/);
    });

    it('should refuse a token whose claims were edited after signing', async () => {
      const [header, , signature] = (await token()).split('.');
      const jwt = `${header}.${b64(claims())}.${signature}`;
      expectRefused(await withAuthorization(`Bearer ${jwt}`), jwt);
    });

    it('should refuse a token from another issuer or naming an unknown key', async () => {
      const otherIssuer = await token({ iss: 'https://evil.example' });
      expectRefused(await withAuthorization(`Bearer ${otherIssuer}`), otherIssuer);
      const unknownKid = await token({ kid: 'k2' });
      expectRefused(await withAuthorization(`Bearer ${unknownKid}`), unknownKid);
    });

    it.each([
      ['garbage segments', 'a.b.c'],
      ['an empty payload', `${b64({ alg: 'RS256', kid: 'k1' })}..sig`],
      ['a payload that is not JSON', `${b64({ alg: 'RS256', kid: 'k1' })}.${Buffer.from('not json').toString('base64url')}.sig`],
      ['a header that is an array', `${b64([1])}.${b64(claims())}.sig`],
      ['a 12 000-character token', `${'a'.repeat(4_000)}.${'b'.repeat(4_000)}.${'c'.repeat(4_000)}`],
    ])('should refuse a malformed JWT (%s) as UNAUTHENTICATED', async (_name, jwt) => {
      expectRefused(await withAuthorization(`Bearer ${jwt}`), jwt);
    });
  });

  describe('API keys', () => {
    it('should refuse a revoked key when it is replayed, in either header, and keep serving other keys', async () => {
      const { key, row } = await createPersonWithKey(test.hub.services, { name: 'bi tool', roles: ['VIEWER'] });
      expect((await withAuthorization(`Bearer ${key}`)).status).toBe(200);
      await test.hub.services.apiKeys.revokeApiKey(row.id, systemPrincipal('test'));
      for (let replay = 0; replay < 3; replay++) {
        expectRefused(await withAuthorization(`Bearer ${key}`), key, /revoked/);
        expectRefused(await client.raw({ body: QUERY, headers: { 'content-type': 'application/json', 'x-api-key': key } }), key, /revoked/);
      }
      await expectServerHealthy(client);
    });

    it('should refuse a key with one character changed, and a bootstrap-style key guess', async () => {
      const { key } = await createPersonWithKey(test.hub.services, { name: 'tampered', roles: ['VIEWER'] });
      const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
      expectRefused(await withAuthorization(`Bearer ${tampered}`), tampered, /Invalid API key/);
      const guess = `${test.env.HUB_BOOTSTRAP_ADMIN_KEY.slice(0, -1)}x`;
      expectRefused(await withAuthorization(`Bearer ${guess}`), guess, /Invalid API key/);
    });
  });

  describe('malformed credentials', () => {
    it.each([
      ['Bearer'],
      ['Bearer '],
      ['Bearer a b'],
      ['Basic dXNlcjpwYXNzd29yZA=='],
      ['Token abcdefghijklmnop'],
      ['Bearer\tabc'],
      ['Bearer ' + "' or 1=1 --"],
      ['Bearer %00%0d%0a'],
      ['Bearer ..'],
      ['Bearer a.b'],
    ])('should refuse Authorization %j with 401 UNAUTHENTICATED', async (authorization) => {
      expectRefused(await withAuthorization(authorization), authorization.slice(7));
    });

    it('should refuse a request carrying both an Authorization and an X-API-Key header', async () => {
      const answer = await withAuthorization(`Bearer ${test.env.HUB_BOOTSTRAP_ADMIN_KEY}`, { 'x-api-key': test.env.HUB_BOOTSTRAP_ADMIN_KEY });
      expectRefused(answer, test.env.HUB_BOOTSTRAP_ADMIN_KEY, /either/);
    });

    it('should refuse a 15 000-character bearer value without echoing it', async () => {
      const credential = 'k'.repeat(15_000);
      expectRefused(await withAuthorization(`Bearer ${credential}`), credential);
    });

    it('should answer headers beyond the server limit with 431 and stay up', async () => {
      const response = await fetch(client.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${'k'.repeat(100_000)}` }, body: QUERY });
      expect(response.status).toBe(431);
      await expectServerHealthy(client);
    });
  });
});
