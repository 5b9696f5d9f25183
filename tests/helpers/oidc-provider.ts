import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** The person the provider signs in (it has one; its login page only asks for consent). */
export interface OidcUser {
  sub: string;
  name: string;
  email: string;
  groups: string[];
}

/** One call of the token endpoint and what the provider made of it. */
export interface TokenExchange {
  clientId: string | null;
  /** The code_verifier hashed to the code_challenge of /authorize (RFC 7636 S256). */
  verifierMatched: boolean;
  outcome: 'issued' | 'refused';
}

export interface TestOidcProvider {
  issuer: string;
  jwksUrl: string;
  exchanges: TokenExchange[];
  close(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * A small OpenID provider for the console's sign-in test, speaking the protocol as a real IdP does for a public
 * client: discovery, a login page at /authorize that redirects back with a code, a token endpoint that insists on
 * PKCE (S256) and single-use codes and answers browsers cross-origin (CORS), and a JWKS. Tokens are RS256 JWTs signed
 * with a key generated per start; the hub verifies them through the JWKS like any IdP's.
 */
export async function startOidcProvider(options: { clientId: string; audience: string; user: OidcUser }): Promise<TestOidcProvider> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  const exchanges: TokenExchange[] = [];
  let issuer = '';

  const sign = (audience: string) =>
    new SignJWT({ name: options.user.name, email: options.user.email, groups: options.user.groups })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(options.user.sub)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);

  const json = (res: ServerResponse, status: number, body: unknown, cors = false) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(cors ? { 'access-control-allow-origin': '*' } : {}) }).end(JSON.stringify(body));
  };

  const readForm = (req: IncomingMessage) =>
    new Promise<URLSearchParams>((resolve) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => resolve(new URLSearchParams(body)));
    });

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== options.clientId || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge') || !q.get('redirect_uri')) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid authorization request');
        return;
      }
      const hidden = ['redirect_uri', 'state', 'code_challenge'].map((name) => `<input type="hidden" name="${name}" value="${q.get(name) ?? ''}">`).join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        `<!doctype html><html lang="en"><title>Test IdP</title><h1>Test identity provider</h1><form method="post" action="/authorize">${hidden}<button>Continue as ${options.user.name}</button></form></html>`,
      );
      return;
    }
    if (req.method === 'POST' && url.pathname === '/authorize') {
      const form = await readForm(req);
      const code = base64url(randomBytes(24));
      codes.set(code, { clientId: options.clientId, redirectUri: form.get('redirect_uri')!, challenge: form.get('code_challenge')! });
      const back = new URL(form.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', form.get('state') ?? '');
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const form = await readForm(req);
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      codes.delete(code);
      const verifierMatched = !!pending && base64url(createHash('sha256').update(form.get('code_verifier') ?? '').digest()) === pending.challenge;
      const valid = pending && verifierMatched && form.get('grant_type') === 'authorization_code' && form.get('client_id') === pending.clientId && form.get('redirect_uri') === pending.redirectUri;
      exchanges.push({ clientId: form.get('client_id'), verifierMatched, outcome: valid ? 'issued' : 'refused' });
      if (!valid) return json(res, 400, { error: 'invalid_grant', error_description: 'code unknown, used, or not matching its PKCE challenge' }, true);
      return json(res, 200, { token_type: 'Bearer', expires_in: 600, access_token: await sign(options.audience), id_token: await sign(options.clientId) }, true);
    }
    res.writeHead(404).end();
  };

  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    exchanges,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
