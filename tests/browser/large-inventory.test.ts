/**
 * The inventory screen over 100 000 versions (real Chromium, real hub and PostgreSQL): it pages on the server, so the
 * first screen arrives with one page of rows and the counts, and paging forward and back asks for one page at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/auth/principal.js';
import { eventually, screenshot } from '../helpers/browser.js';
import { startConsoleWorld, type ConsoleWorld } from '../helpers/console-world.js';
import { seedLargeEstate } from '../helpers/seed.js';

let world: ConsoleWorld;

beforeAll(async () => {
  world = await startConsoleWorld();
  const source = await world.hub.hub.services.sources.createSource(
    { vendor: 'mlflow', name: 'mlflow-estate', settings: { trackingUri: 'http://127.0.0.1:9' }, secret: null, scheduleSeconds: 3600, enabled: false },
    { actor: systemPrincipal('test') },
  );
  await seedLargeEstate(world.hub.database.handle.db, source, { models: 10_000, versionsPerModel: 10 });
}, 300_000);

afterAll(async () => {
  await world?.close();
});

describe('the inventory at 100 000 versions', () => {
  it('should show the first page and the counts without loading the estate, and page on the server', async () => {
    const session = await world.signIn('Vera Viewer', '/inventory?view=versions');
    const { page } = session;
    const pageSizes: number[] = [];
    const bytes: number[] = [];
    page.on('request', (request) => {
      const body = request.postDataJSON() as { variables?: { first?: number; last?: number } } | null;
      if (request.url().endsWith('/graphql') && body?.variables && ('first' in body.variables || 'last' in body.variables)) pageSizes.push(body.variables.first ?? body.variables.last ?? -1);
    });
    page.on('response', async (response) => {
      if (response.url().endsWith('/graphql')) bytes.push((await response.body()).length);
    });

    const status = page.getByRole('navigation', { name: 'versions pages' }).getByRole('status');
    await eventually(() => status.textContent(), { timeout: 30_000 }).toBe('1–50 of 100,000 versions');
    expect(await page.locator('.tile').first().innerText()).toContain('10,000');
    expect(await page.locator('.tile').nth(1).innerText()).toContain('100,000');
    expect(await page.getByRole('table').getByRole('row').count()).toBe(51);
    await screenshot(page, 'inventory-100k');

    await page.getByRole('button', { name: 'Next page' }).click();
    await eventually(() => status.textContent()).toBe('51–100 of 100,000 versions');
    await page.getByRole('button', { name: 'Next page' }).click();
    await eventually(() => status.textContent()).toBe('101–150 of 100,000 versions');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await eventually(() => status.textContent()).toBe('51–100 of 100,000 versions');
    await eventually(() => page.getByRole('table').getByRole('row').nth(1).innerText()).toContain('large-model-000006 · 1');

    expect(pageSizes.length).toBeGreaterThan(0);
    expect(Math.max(...pageSizes)).toBe(50);
    // No answer carries more than one page: the largest is far below what 100 000 rows would weigh.
    expect(Math.max(...bytes)).toBeLessThan(200_000);
    expect(session.cspViolations).toEqual([]);
  }, 180_000);
});
