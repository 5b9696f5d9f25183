/**
 * The newcomer's path: `hub demo` (embedded database, simulated vendors) prints the console's URL and keys, and a
 * change is requested and approved in the browser, by two people in two tabs, without writing any GraphQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually, expectCleanSessions, launchChromium, openSession, screenshot, signInWithKey, type Session } from '../helpers/browser.js';
import { ensureConsoleBuilt } from '../helpers/console-build.js';
import { freePortRange } from '../helpers/free-port-range.js';
import { startHubProcess, type HubProcess } from '../helpers/processes.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hub-console-demo-'));
let demo: HubProcess;
let browser: Browser;
const sessions: Session[] = [];

beforeAll(async () => {
  await ensureConsoleBuilt();
  const basePort = await freePortRange(4);
  demo = await startHubProcess('demo', { HUB_DATA_DIR: dataDir, PORT: '0', DEMO_SIMULATOR_BASE_PORT: String(basePort), SYNC_LISTING_THREADS: '0' }, { readyTimeoutMs: 180_000 });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the demo in a browser', () => {
  it('should print the console URL, and let a newcomer request and approve a change in two tabs', async () => {
    await eventually(() => /Press Ctrl-C to stop/.test(demo.output()), { timeout: 30_000 }).toBe(true);
    const output = demo.output();
    const consoleUrl = /Console: (http:\/\/127\.0\.0\.1:\d+)\/ /.exec(output)?.[1];
    expect(consoleUrl).toBe(demo.url);
    const key = (role: string) => new RegExp(`${role}\\s+(mh_\\S+)`).exec(output)![1];

    const scientist = await openSession(browser, consoleUrl!);
    sessions.push(scientist);
    await signInWithKey(scientist, key('DATA_SCIENTIST'), '/inventory?view=versions');
    const { page } = scientist;
    const first = page.getByRole('table').getByRole('link').first();
    const versionName = (await first.textContent())!;
    await first.click();
    await page.getByLabel('Move to').selectOption('VALIDATION');
    await page.getByLabel('Justification').fill('Ready for independent validation.');
    await page.getByRole('button', { name: 'Request the change' }).click();
    await page.waitForURL(/\/change-requests\//);

    const validator = await openSession(browser, consoleUrl!);
    sessions.push(validator);
    await signInWithKey(validator, key('VALIDATOR'), '/approvals');
    await validator.page.getByRole('link', { name: versionName }).click();
    await validator.page.getByRole('button', { name: 'Approve' }).click();
    await eventually(() => validator.page.locator('.summary-line .badge').first().textContent()).toBe('Applied');
    await screenshot(validator.page, 'demo-approved');

    expectCleanSessions(sessions);
  }, 180_000);
});
