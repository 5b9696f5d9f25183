/**
 * Where the console finds the IdP's endpoints: as configured, or by OpenID discovery from the issuer (a real
 * loopback HTTP server stands in for the IdP). An IdP that is down or misconfigured never stops the hub.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleSignIn } from '../../../src/console/console-sign-in.js';
import { createLogger } from '../../../src/logger.js';
import { startOidcProvider } from '../../helpers/oidc-provider.js';

const logger = createLogger('silent');
const servers: Array<{ close(): unknown }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** An "IdP" answering discovery with whatever the test says, counting the requests. */
async function discoveryServer(answer: (issuer: string) => { status: number; body: unknown }): Promise<{ issuer: string; requests: () => number }> {
  let requests = 0;
  let issuer = '';
  const server: Server = createServer((req, res) => {
    requests++;
    const { status, body } = answer(issuer);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ close: () => new Promise((resolve) => server.close(resolve)) });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, requests: () => requests };
}

describe('createConsoleSignIn', () => {
  it('should offer nothing without a client, and the configured endpoints as they are', async () => {
    expect(await createConsoleSignIn(null, logger)()).toBeNull();
    const configured = createConsoleSignIn({ clientId: 'c', scopes: 'openid', issuer: null, endpoints: { authorizationUrl: 'https://idp/a', tokenUrl: 'https://idp/t' } }, logger);
    expect(await configured()).toEqual({ clientId: 'c', scopes: 'openid', authorizationUrl: 'https://idp/a', tokenUrl: 'https://idp/t' });
  });

  it('should discover the endpoints from the issuer once, and keep them', async () => {
    const provider = await startOidcProvider({ clientId: 'c', audience: 'a', user: { sub: 's', name: 'n', email: 'e@x', groups: [] } });
    servers.push(provider);
    const signIn = createConsoleSignIn({ clientId: 'c', scopes: 'openid email', issuer: provider.issuer, endpoints: null }, logger);
    const expected = { clientId: 'c', scopes: 'openid email', authorizationUrl: `${provider.issuer}/authorize`, tokenUrl: `${provider.issuer}/token` };
    expect(await signIn()).toEqual(expected);
    await provider.close();
    expect(await signIn()).toEqual(expected);
  });

  it('should refuse a discovery document that names another issuer', async () => {
    const idp = await discoveryServer(() => ({ status: 200, body: { issuer: 'https://evil.example.com', authorization_endpoint: 'https://evil.example.com/a', token_endpoint: 'https://evil.example.com/t' } }));
    expect(await createConsoleSignIn({ clientId: 'c', scopes: 'openid', issuer: idp.issuer, endpoints: null }, logger)()).toBeNull();
  });

  it('should fall back to API keys while the IdP fails, without asking it on every page load', async () => {
    const idp = await discoveryServer(() => ({ status: 503, body: {} }));
    const signIn = createConsoleSignIn({ clientId: 'c', scopes: 'openid', issuer: idp.issuer, endpoints: null }, logger);
    expect(await Promise.all([signIn(), signIn()])).toEqual([null, null]);
    expect(await signIn()).toBeNull();
    expect(idp.requests()).toBe(1);
  });
});
