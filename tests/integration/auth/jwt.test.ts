/**
 * Bearer JWTs verified against a JWKS served on loopback, the way an IdP serves it: every verdict a caller can meet.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, type OidcConfig } from '../../../src/auth/jwt.js';
import { ServiceUnavailableError, UnauthenticatedError } from '../../../src/errors.js';

const ISSUER = 'https://idp.test/realms/hub';
const AUDIENCE = 'modelops-hub';
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

describe('createJwtVerifier', () => {
  let server: Server;
  let config: OidcConfig;
  let signingKey: PrivateKey;
  let strangerKey: PrivateKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const stranger = await generateKeyPair('RS256', { extractable: true });
    signingKey = pair.privateKey;
    strangerKey = stranger.privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    config = { jwksUrl: `http://127.0.0.1:${port}/jwks`, issuer: ISSUER, audience: AUDIENCE, rolesClaim: 'groups', roleMap: { 'ml-validators': ['VALIDATOR'] }, clockSkewSeconds: 30 };
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function token(claims: Record<string, unknown> = {}, options: { key?: PrivateKey; kid?: string; iss?: string; aud?: string; exp?: number | string } = {}) {
    return new SignJWT({ groups: ['ml-validators', 'unknown-group'], name: 'Vera Validator', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'k1' })
      .setSubject('user-123')
      .setIssuer(options.iss ?? ISSUER)
      .setAudience(options.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.key ?? signingKey);
  }

  async function rejection(jwt: string): Promise<Error> {
    try {
      await createJwtVerifier(config)(jwt);
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected the token to be refused');
  }

  it('should accept a valid token as issuer + subject with mapped roles', async () => {
    const verified = await createJwtVerifier(config)(await token({ email: 'vera@bank.example', email_verified: true }));
    expect(verified).toEqual({ issuer: ISSUER, subject: 'user-123', email: 'vera@bank.example', emailVerified: true, name: 'Vera Validator', roles: ['VALIDATOR'] });
  });

  it('should not take an email as verified unless the IdP says so with email_verified: true', async () => {
    expect((await createJwtVerifier(config)(await token({ email: 'vera@bank.example' }))).emailVerified).toBe(false);
    expect((await createJwtVerifier(config)(await token({ email: 'vera@bank.example', email_verified: 'true' }))).emailVerified).toBe(false);
  });

  it('should refuse a token with an empty subject', async () => {
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('').setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(signingKey);
    const error = await rejection(jwt);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.message).toMatch(/"sub" is empty/);
  });

  it('should refuse a token issued in the future beyond the clock skew, and accept one within it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = (iat: number) => new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('user-123').setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt(iat).setExpirationTime(now + 3600).sign(signingKey);
    expect((await rejection(await issuedAt(now + 600))).message).toMatch(/"iat" is in the future/);
    expect((await createJwtVerifier(config)(await issuedAt(now + 10))).subject).toBe('user-123');
  });

  it('should refuse an expired token, beyond the clock tolerance', async () => {
    const error = await rejection(await token({}, { exp: Math.floor(Date.now() / 1000) - 120 }));
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.message).toMatch(/expired/);
  });

  it('should accept a token expired less than the clock tolerance ago', async () => {
    const principal = await createJwtVerifier(config)(await token({}, { exp: Math.floor(Date.now() / 1000) - 10 }));
    expect(principal.subject).toBe('user-123');
  });

  it('should refuse a token from another issuer', async () => {
    const error = await rejection(await token({}, { iss: 'https://evil.test' }));
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.message).toMatch(/"iss"/);
  });

  it('should refuse a token for another audience', async () => {
    const error = await rejection(await token({}, { aud: 'another-app' }));
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.message).toMatch(/"aud"/);
  });

  it('should refuse a token signed by a key the IdP does not publish, under a known key id', async () => {
    const error = await rejection(await token({}, { key: strangerKey }));
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.message).toMatch(/signature/);
  });

  it('should refuse a token naming an unknown key id', async () => {
    const error = await rejection(await token({}, { kid: 'k-unknown' }));
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.message).toMatch(/No key/);
  });

  it('should authenticate a token without the roles claim but grant it no roles', async () => {
    const principal = await createJwtVerifier(config)(await token({ groups: undefined }));
    expect(principal.roles).toEqual([]);
  });

  it('should refuse an unsigned token (alg: none)', async () => {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'user-123', iss: ISSUER, aud: AUDIENCE, exp: now + 300, groups: ['ADMIN'] })}.`;
    const error = await rejection(unsigned);
    expect(error).toBeInstanceOf(UnauthenticatedError);
  });

  it('should refuse a subject that would impersonate an API key or the system', async () => {
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('system:sync').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(signingKey);
    expect((await rejection(jwt)).message).toMatch(/reserved/);
  });

  it('should report an unreachable JWKS as the service being unavailable, not as a bad token', async () => {
    const verify = createJwtVerifier({ ...config, jwksUrl: 'http://127.0.0.1:9/jwks' });
    await expect(verify(await token())).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
