/**
 * Signing in to the console (real Chromium, real hub): with an API key kept for the tab's session only, and through
 * an OIDC provider with the authorization code flow and PKCE, the hub's own JWT verification judging the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, expectCleanSessions, openSession, screenshot, signInWithKey } from '../helpers/browser.js';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-world.js';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.js';
import { systemPrincipal } from '../../src/auth/principal.js';

let provider: TestOidcProvider;
let world: ConsoleWorld;

beforeAll(async () => {
  provider = await startOidcProvider({
    clientId: 'hub-console',
    audience: 'modelops-hub',
    user: { sub: 'rita-7d1e', name: 'Rita Risk', email: 'rita@example.com', groups: ['ml-risk'] },
  });
  // Endpoints by discovery from the issuer, roles from the IdP's groups.
  world = await startConsoleWorld({
    env: {
      OIDC_ISSUER: provider.issuer,
      OIDC_JWKS_URL: provider.jwksUrl,
      OIDC_AUDIENCE: 'modelops-hub',
      OIDC_CLIENT_ID: 'hub-console',
      OIDC_ROLE_MAP: JSON.stringify({ 'ml-risk': ['RISK_OFFICER'] }),
    },
  });
  // An ADMIN linked Rita's sign-in to her person beforehand.
  const rita = await world.hub.hub.services.people.createPerson({ email: 'rita@example.com', displayName: 'Rita Risk', roles: ['RISK_OFFICER'] }, systemPrincipal('test'));
  await world.hub.hub.services.people.linkIdentity(rita.id, { issuer: provider.issuer, subject: 'rita-7d1e' }, systemPrincipal('test'));
}, 300_000);

afterAll(async () => {
  expectCleanSessions(world?.sessions ?? []);
  await world?.close();
  await provider?.close();
});

describe('signing in to the console', () => {
  it('should refuse an unknown key with the server’s words, sign in with a good one, and forget it on sign-out', async () => {
    const session = await openSession(world.browser, world.url);
    world.sessions.push(session);
    const { page } = session;
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'ModelOps hub' }).waitFor();
    await screenshot(page, 'sign-in');

    await page.getByRole('textbox', { name: 'API key' }).fill('mh_not_a_real_key_0000000000000000');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await eventually(() => page.getByTestId('session-ended').textContent()).toBe('Invalid API key');

    await page.getByRole('textbox', { name: 'API key' }).fill(world.keys['Victor Validator']);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByTestId('identity-name').textContent()).toBe('Victor Validator');
    // Kept for this tab only: sessionStorage, never localStorage or a cookie.
    const stored = await page.evaluate(() => {
      const w = globalThis as unknown as { sessionStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null }; localStorage: { length: number }; document: { cookie: string } };
      return { session: Array.from({ length: w.sessionStorage.length }, (_, i) => w.sessionStorage.getItem(w.sessionStorage.key(i)!)).join(' '), local: w.localStorage.length, cookie: w.document.cookie };
    });
    expect(stored.session).toContain(world.keys['Victor Validator']);
    expect(stored.local).toBe(0);
    expect(stored.cookie).toBe('');
    expect((await session.context.cookies()).length).toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await eventually(() => page.getByTestId('session-ended').textContent()).toBe('You signed out.');
    await page.reload();
    await page.getByRole('textbox', { name: 'API key' }).waitFor();
    // The key is forgotten; only why the session ended stays, so a reload still says so.
    expect(await page.getByTestId('session-ended').textContent()).toBe('You signed out.');
    const left = await page.evaluate(() => {
      const w = globalThis as unknown as { sessionStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null } };
      return Array.from({ length: w.sessionStorage.length }, (_, i) => w.sessionStorage.getItem(w.sessionStorage.key(i)!)).join(' ');
    });
    expect(left).not.toContain(world.keys['Victor Validator']);
    expect(left).toBe('You signed out.');
  });

  it('should sign in through the IdP with the authorization code flow and PKCE, and act with the roles of its groups', async () => {
    const session = await openSession(world.browser, world.url);
    world.sessions.push(session);
    const { page } = session;
    const bearers: string[] = [];
    page.on('request', (request) => {
      if (request.url() === `${world.url}/graphql`) bearers.push(request.headers().authorization ?? '');
    });
    await page.goto('/approvals');
    await page.getByRole('button', { name: 'Sign in with your organisation’s account' }).click();

    // At the IdP: its own page, its own origin.
    await page.waitForURL((url) => url.origin === provider.issuer && url.pathname === '/authorize');
    const authorize = new URL(page.url());
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${world.url}/auth/callback`);
    await page.getByRole('button', { name: 'Continue as Rita Risk' }).click();

    // Back at the console, where the user was going, signed in as the IdP's user with the mapped role.
    await page.waitForURL((url) => url.origin === world.url && url.pathname === '/approvals');
    await page.getByRole('heading', { level: 1, name: 'Approvals awaiting me' }).waitFor();
    expect(await page.getByTestId('identity-name').textContent()).toBe('Rita Risk');
    expect(await page.getByTestId('identity-roles').textContent()).toBe('RISK_OFFICER');
    expect(provider.exchanges).toEqual([{ clientId: 'hub-console', verifierMatched: true, outcome: 'issued' }]);
    expect(bearers.length).toBeGreaterThan(0);
    expect(bearers.every((value) => /^Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(value))).toBe(true);
    expect(session.external).toEqual([]);
  });

  it('should refuse an answer that does not belong to the tab’s own sign-in (state mismatch), and say so', async () => {
    const session = await openSession(world.browser, world.url);
    world.sessions.push(session);
    const { page } = session;
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign in with your organisation’s account' }).click();
    await page.waitForURL((url) => url.pathname === '/authorize');
    // Another tab's answer: a code this tab never asked for (its state does not match).
    await page.goto(`${world.url}/auth/callback?code=forged&state=forged`);
    expect(await page.getByRole('alert').innerText()).toContain('does not belong to this tab');
    expect(provider.exchanges.filter((e) => e.outcome === 'issued')).toHaveLength(1);
  });

  it('should let an ADMIN create a key (shown once) and revoke it, ending the sessions that use it with the server’s reason', async () => {
    // Keys live on their person's page (People and keys); Ada mints one for herself with two of her roles.
    const admin = await world.signIn('Ada Admin', '/admin/people');
    await admin.page.getByRole('heading', { level: 1, name: 'People and keys' }).waitFor();
    await admin.page.getByRole('link', { name: 'Ada Admin' }).click();
    await admin.page.getByRole('heading', { level: 1, name: 'Ada Admin' }).waitFor();
    await admin.page.getByLabel('What it is for').fill('Power BI finance');
    const carried = admin.page.getByRole('group', { name: 'Roles the key carries' });
    await carried.getByRole('checkbox', { name: 'VIEWER' }).check();
    await carried.getByRole('checkbox', { name: 'OPERATOR' }).check();
    await admin.page.getByRole('button', { name: 'Create the key' }).click();
    const key = (await admin.page.getByTestId('new-key').textContent())!;
    expect(key).toMatch(/^mh_/);
    const row = admin.page.getByRole('row', { name: /Power BI finance/ });
    await eventually(() => row.innerText()).toContain('VIEWER, OPERATOR');
    await screenshot(admin.page, 'api-keys');

    const bi = await openSession(world.browser, world.url);
    world.sessions.push(bi);
    await signInWithKey(bi, key, '/sources');
    expect(await bi.page.getByTestId('identity-roles').textContent()).toBe('VIEWER, OPERATOR');

    await row.getByRole('button', { name: 'Revoke Power BI finance' }).click();
    await row.getByRole('button', { name: 'Revoke now Power BI finance' }).click();
    await eventually(() => row.innerText()).toContain('Revoked');

    // Whether the screen's own poll meets the revocation first or the reload does, the reason is what the person sees.
    await bi.page.reload();
    await eventually(() => bi.page.getByTestId('session-ended').textContent()).toBe('API key has been revoked');
    await bi.page.reload();
    expect(await bi.page.getByTestId('session-ended').textContent()).toBe('API key has been revoked');
    await bi.page.getByRole('textbox', { name: 'API key' }).waitFor();
  });
});

