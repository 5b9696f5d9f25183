/**
 * Every screen of the console, scanned with axe-core (WCAG 2.1 A and AA rules) in real Chromium and photographed;
 * the console must show no serious or critical violation. axe is injected as a script, which the console's CSP
 * forbids, so the scans run in a `bypassCSP` session; the screenshots and the keyboard walk run under the real CSP.
 * Results and screenshots go to .browser-artifacts/ (gitignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, axeScan, openSession, screenshot, signInWithKey, type AxeViolation, type Session } from '../helpers/browser.js';
import { approvedVersion, listVersions, startConsoleWorld, syncedMlflowSource, type ConsoleWorld } from '../helpers/console-world.js';
import { graphqlRequest } from '../helpers/processes.js';
import { accepted } from '../helpers/governance.js';

let world: ConsoleWorld;
let versionId = '';
let requestId = '';
let sourceId = '';
let personId = '';
let controlRequestId = '';
const SCANNER = 'Sam All Roles';

beforeAll(async () => {
  world = await startConsoleWorld();
  sourceId = await syncedMlflowSource(world, { models: 6, versionsPerModel: 3, deployments: 5, seed: 41 });
  const versions = await listVersions(world);
  await approvedVersion(world, versions[0], 'MEDIUM');
  versionId = versions[0].id;
  // A request awaiting decisions, opened by someone else than the people who look at it.
  const request = await accepted(world.hub.hub.services.governance.changeRequests.requestLifecycleTransition(
    { modelVersionId: Buffer.from(versions[0].id, 'base64url').toString().split(':')[1], toState: 'PRODUCTION', justification: 'Quarterly champion refresh.', evidence: [{ title: 'Validation report', url: 'https://wiki.example.com/v' }], replacesVersionId: null },
    { id: 'key:someone-else', displayName: 'someone else', roles: ['DATA_SCIENTIST'], personId: null, kind: 'api-key' },
  ));
  requestId = Buffer.from(`ChangeRequest:${request.id}`).toString('base64url');
  // A person with a key and an SSO sign-in, and a role grant for her that a second ADMIN opened (Ada decides it).
  const { key: adam } = await world.addPerson('Adam Second Admin', ['ADMIN']);
  // ADMIN stands in for no other role: the scans sign in as someone holding every role, so every control is on screen.
  await world.addPerson(SCANNER, ['VIEWER', 'DATA_SCIENTIST', 'OPERATOR', 'VALIDATOR', 'RISK_OFFICER', 'ADMIN']);
  const created = await graphqlRequest<{ createPerson: { id: string } }>(world.url, adam, 'mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }', {
    input: { email: 'nora.a11y@example.com', displayName: 'Nora New', roles: ['VIEWER', 'DATA_SCIENTIST'] },
  });
  personId = created.body.data!.createPerson.id;
  await graphqlRequest(world.url, adam, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }', { input: { personId, name: 'Notebook automation', roles: ['VIEWER'] } });
  await graphqlRequest(world.url, adam, 'mutation($input: LinkIdentityInput!) { linkIdentity(input: $input) { id } }', { input: { personId, issuer: 'https://login.example.com', subject: 'nora-5e1f' } });
  const grant = await graphqlRequest<{ requestRoleGrant: { id: string } }>(world.url, adam, 'mutation($p: ID!) { requestRoleGrant(personId: $p, role: VALIDATOR, justification: "Joins the validation team.") { id } }', { p: personId });
  controlRequestId = grant.body.data!.requestRoleGrant.id;
}, 300_000);

afterAll(async () => {
  await world?.close();
});

/** Each screen: where it is, and what shows it has finished loading. */
function screens(): Array<{ name: string; path: string; ready: (page: Page) => Promise<unknown> }> {
  const h1 = (name: string) => (page: Page) => page.getByRole('heading', { level: 1, name }).waitFor();
  return [
    { name: 'inventory', path: '/inventory', ready: async (page) => {
        await page.getByRole('heading', { level: 1, name: 'Inventory' }).waitFor();
        await page.getByRole('button', { name: /Models: \d+/ }).or(page.locator('.tile').first()).first().waitFor();
        await page.locator('.disclosure').first().click();
        await page.getByRole('table').nth(1).waitFor();
      } },
    { name: 'inventory-versions', path: '/inventory?view=versions&prod=yes', ready: h1('Inventory') },
    { name: 'version', path: `/versions/${encodeURIComponent(versionId)}`, ready: (page) => page.getByRole('heading', { name: 'Governance history' }).waitFor() },
    { name: 'approvals', path: '/approvals', ready: async (page) => {
        await page.getByRole('table', { name: 'Change requests awaiting your decision' }).waitFor();
        await page.getByRole('table', { name: 'Control requests awaiting your decision' }).waitFor();
      } },
    { name: 'change-request', path: `/change-requests/${requestId}`, ready: (page) => page.getByRole('heading', { name: 'Your decision' }).waitFor() },
    { name: 'my-requests', path: '/my-requests', ready: h1('My requests') },
    { name: 'sources', path: '/sources', ready: (page) => page.getByRole('table').waitFor() },
    { name: 'source', path: `/sources/${encodeURIComponent(Buffer.from(`Source:${sourceId}`).toString('base64url'))}`, ready: (page) => page.getByRole('heading', { name: 'Run history' }).waitFor() },
    { name: 'source-new', path: '/sources/new', ready: async (page) => {
        await page.getByRole('button', { name: 'Create the source' }).click();
        await page.getByRole('alert').waitFor();
      } },
    { name: 'findings', path: '/findings', ready: (page) => page.getByRole('table').waitFor() },
    { name: 'audit', path: '/audit', ready: async (page) => {
        await page.getByRole('button', { name: 'Verify the chain' }).click();
        await page.getByTestId('chain-verdict').waitFor();
      } },
    { name: 'people', path: '/admin/people', ready: (page) => page.getByRole('row', { name: /Nora New/ }).waitFor() },
    { name: 'person', path: `/admin/people/${encodeURIComponent(personId)}`, ready: (page) => page.getByRole('row', { name: /nora-5e1f/ }).waitFor() },
    { name: 'control-request', path: `/control-requests/${encodeURIComponent(controlRequestId)}`, ready: (page) => page.getByRole('heading', { level: 1, name: /Grant VALIDATOR to Nora New/ }).waitFor() },
    { name: 'not-found', path: '/no-such-screen', ready: h1('Page not found') },
  ];
}

async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.locator('.loading').first().waitFor({ state: 'detached' });
}

describe('accessibility of the console', () => {
  const results: Record<string, { serious: AxeViolation[]; other: AxeViolation[] }> = {};

  afterAll(() => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(join(ARTIFACTS_DIR, 'axe-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  });

  it('should have no serious or critical axe violation on any screen', async () => {
    const session = await openSession(world.browser, world.url, { bypassCSP: true });
    world.sessions.push(session);
    const { page } = session;

    await page.goto('/');
    await page.getByRole('textbox', { name: 'API key' }).waitFor();
    const record = (name: string, violations: AxeViolation[]) => {
      results[name] = { serious: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), other: violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical') };
    };
    record('sign-in', await axeScan(page));

    await signInWithKey(session, world.keys[SCANNER]);
    for (const screen of screens()) {
      await page.goto(screen.path);
      await screen.ready(page);
      await settle(page);
      record(screen.name, await axeScan(page));
    }
    await page.goto('/graphql');
    await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).waitFor();
    // GraphiQL is a third-party page: scanned and reported, not held to the console's bar.
    const graphiql = await axeScan(page);

    const serious = Object.entries(results).flatMap(([name, r]) => r.serious.map((v) => `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.slice(0, 3).join(', ')}`));
    results['graphiql (reported only)'] = { serious: graphiql.filter((v) => v.impact === 'serious' || v.impact === 'critical'), other: graphiql.filter((v) => v.impact !== 'serious' && v.impact !== 'critical') };
    expect(serious).toEqual([]);
    expect(Object.keys(results)).toHaveLength(screens().length + 2);
  }, 300_000);

  it('should photograph every screen under the real Content-Security-Policy', async () => {
    const session = await world.signIn(SCANNER);
    for (const screen of screens()) {
      await session.page.goto(screen.path);
      await screen.ready(session.page);
      await screenshot(session.page, `screen-${screen.name}`);
    }
    expect(session.cspViolations).toEqual([]);
    expect(session.pageErrors).toEqual([]);
    expect(session.external).toEqual([]);
  }, 300_000);

  it('should work from the keyboard alone: sign in, skip to content, move between screens, reach a decision', async () => {
    const session: Session = await openSession(world.browser, world.url);
    world.sessions.push(session);
    const { page } = session;
    const focused = () => page.evaluate(() => {
      const element = (globalThis as unknown as { document: { activeElement: { tagName: string; textContent: string | null; getAttribute(n: string): string | null } | null } }).document.activeElement;
      return element ? `${element.tagName.toLowerCase()}:${element.getAttribute('aria-label') ?? element.textContent?.trim() ?? ''}` : '';
    });

    await page.goto('/inventory');
    await page.getByRole('textbox', { name: 'API key' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:');
    await page.keyboard.type(world.keys['Victor Validator']);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Inventory' }).waitFor();
    // From the top of the page, the first Tab reaches the skip link, which moves focus to the content.
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('a:Skip to content');
    await page.keyboard.press('Enter');
    expect(await focused()).toMatch(/^main:/);

    // Tab through the navigation to Approvals and open it: focus lands on the new screen's heading.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Inventory' }).waitFor();
    for (let i = 0; i < 12 && (await focused()) !== 'a:Approvals'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('a:Approvals');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Approvals awaiting me' }).waitFor();
    expect(await focused()).toBe('h1:Approvals awaiting me');

    // Tab to the request and open it with Enter; the decision form is reachable and labelled.
    for (let i = 0; i < 30 && !/^a:.* · /.test(await focused()); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your decision' }).waitFor();
    for (let i = 0; i < 40 && (await focused()) !== 'textarea:'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('textarea:');
    expect(session.cspViolations).toEqual([]);
  }, 120_000);
});
