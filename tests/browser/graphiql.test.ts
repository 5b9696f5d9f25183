/**
 * GraphiQL as the hub serves it (real Chromium, real hub): opened from the console in the same tab, it carries the
 * console's credential in its headers, loads the schema by introspection, runs a query, and does all of it
 * offline: every request that would leave the machine is blocked and recorded, and none is attempted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, openSession, screenshot } from '../helpers/browser.js';
import { startConsoleWorld, syncedMlflowSource, type ConsoleWorld } from '../helpers/console-world.js';

let world: ConsoleWorld;

beforeAll(async () => {
  world = await startConsoleWorld();
  await syncedMlflowSource(world, { models: 3, versionsPerModel: 1, deployments: 1, seed: 3 });
}, 300_000);

afterAll(async () => {
  await world?.close();
});

describe('GraphiQL', () => {
  it('should run a query with the console’s credential, with introspection and without any request leaving the machine', async () => {
    const session = await world.signIn('Vera Viewer');
    const { page } = session;
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));

    await page.getByRole('link', { name: 'GraphQL IDE' }).click();
    await page.waitForURL((url) => url.pathname === '/graphql');
    const run = page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' });
    await run.waitFor();

    // The headers editor starts with the console's credential (for this tab only; GraphiQL does not persist it).
    await page.getByRole('button', { name: 'Headers' }).click();
    await eventually(() => page.locator('.graphiql-editor-tool .CodeMirror-code').last().innerText()).toContain(`Bearer ${world.keys['Vera Viewer']}`);
    expect(await page.evaluate(() => JSON.stringify((globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('graphiql:headers')))).not.toContain(world.keys['Vera Viewer']);

    await run.click();
    const result = page.getByLabel('Result Window');
    await eventually(() => result.innerText(), { timeout: 20_000 }).toContain('"totalCount": 3');

    // The documentation explorer is built from the hub's introspection.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();

    await page.getByText('A GraphQL schema provides a root type for each kind of operation.').waitFor();
    await page.getByRole('link', { name: 'Query' }).first().click();
    await page.getByText('inventoryStats').first().waitFor();
    await screenshot(page, 'graphiql');

    expect(requests.filter((url) => !url.startsWith(world.url)), 'requests to other origins').toEqual([]);
    expect(session.external, 'blocked attempts to leave the machine').toEqual([]);
    expect(session.cspViolations, 'Content-Security-Policy violations').toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });

  it('should ask a browser without a session to sign in first, and come back to GraphiQL after', async () => {
    const session = await openSession(world.browser, world.url);
    world.sessions.push(session);
    const { page } = session;
    await page.goto('/graphql');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('textbox', { name: 'API key' }).fill(world.keys['Vera Viewer']);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/graphql');
    await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).waitFor();
    expect(session.external).toEqual([]);
  });
});
