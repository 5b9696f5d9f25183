import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, onTestFailed } from 'vitest';

/** Debian's Chromium (`apt-get install -y chromium`; .ci/run installs it on a clean machine). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots and axe results of a test run (gitignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../.browser-artifacts/', import.meta.url));

/**
 * Headless Chromium in a fresh profile (Playwright creates a new user-data-dir per launch). Without the
 * background-networking flags Chromium keeps trying Google's hosts, which this network refuses.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A browser tab of one person, watched for what a user would never want to see happen. */
export interface Session {
  context: BrowserContext;
  page: Page;
  /** Requests to anything but loopback: blocked, and recorded here. */
  external: string[];
  /** Content-Security-Policy violations Chromium reported. */
  cspViolations: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function openSession(browser: Browser, baseURL: string, options: { bypassCSP?: boolean } = {}): Promise<Session> {
  const context = await browser.newContext({ baseURL, bypassCSP: options.bypassCSP ?? false, viewport: { width: 1360, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
  const external: string[] = [];
  // Offline by construction: nothing leaves the machine, and any attempt is recorded.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !LOOPBACK.has(url.hostname)) {
      external.push(url.href);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  recordForFailure(page);
  return { context, page, external, cspViolations, pageErrors, close: () => context.close() };
}

/**
 * What a failing test leaves behind to explain a wait that ran out: a screenshot of the tab and its last requests
 * (with status and milliseconds, or still pending) and console lines. Only when opened inside a test.
 */
function recordForFailure(page: Page): void {
  const started = new Map<object, number>();
  const log: string[] = [];
  const note = (line: string) => {
    log.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    if (log.length > 60) log.shift();
  };
  page.on('request', (request) => started.set(request, performance.now()));
  page.on('requestfinished', (request) => {
    const ms = Math.round(performance.now() - (started.get(request) ?? performance.now()));
    started.delete(request);
    // The tab may close before the response is read (the test ended): the line is then simply not written.
    void request.response().then(
      (response) => note(`${request.method()} ${request.url()} ${response?.status() ?? '-'} ${ms} ms`),
      () => undefined,
    );
  });
  page.on('requestfailed', (request) => {
    note(`${request.method()} ${request.url()} FAILED ${request.failure()?.errorText ?? ''}`);
    started.delete(request);
  });
  page.on('console', (message) => note(`console.${message.type()} ${message.text().slice(0, 300)}`));
  try {
    onTestFailed(async ({ task }) => {
      const pending = [...started].map(([request, at]) => `${(request as { url(): string }).url()} pending ${Math.round(performance.now() - at)} ms`);
      mkdirSync(join(ARTIFACTS_DIR, 'failures'), { recursive: true });
      const shot = join(ARTIFACTS_DIR, 'failures', `${task.name.replace(/[^\w-]+/g, '-').slice(0, 80)}-${Date.now()}.png`);
      await page.screenshot({ path: shot, fullPage: true, timeout: 5_000 }).catch(() => undefined);
      console.error(`[browser] ${page.url()}\n  screenshot: ${shot}\n  ${[...log, ...pending].join('\n  ')}`);
    });
  } catch {
    // Opened outside a test (a beforeAll): nothing to attach to.
  }
}

/**
 * Waits until a page shows what the assertion expects (vitest's expect.poll with a patience fit for a loaded
 * two-core machine running several browsers: its own default gives up after one second).
 */
export function eventually<T>(read: () => Promise<T> | T, options: { timeout?: number } = {}) {
  return expect.poll(read, { timeout: options.timeout ?? 15_000, interval: 100 });
}

/** What no session may have seen: a request leaving the machine, a CSP violation, an uncaught error in the page. */
export function expectCleanSessions(sessions: readonly Session[]): void {
  for (const session of sessions) {
    expect(session.external, 'requests that left the machine').toEqual([]);
    expect(session.cspViolations, 'Content-Security-Policy violations').toEqual([]);
    expect(session.pageErrors, 'uncaught errors in the page').toEqual([]);
  }
}

/** Signs in on the console's sign-in screen with an API key, as a person would, and waits for the console. */
export async function signInWithKey(session: Session, key: string, path = '/inventory'): Promise<void> {
  const { page } = session;
  await page.goto(path);
  await page.getByRole('textbox', { name: 'API key' }).fill(key);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** A full-page screenshot once the screen has settled (no request in flight, nothing still loading). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await page.waitForLoadState('networkidle');
  await page.locator('.loading').first().waitFor({ state: 'detached' });
  mkdirSync(join(ARTIFACTS_DIR, 'screenshots'), { recursive: true });
  const path = join(ARTIFACTS_DIR, 'screenshots', `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core's WCAG 2.1 A/AA rules on the page as it stands. Injecting axe is an inline script, so the page must be
 * in a `bypassCSP` session: the console's own CSP forbids exactly that.
 */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: axe.source });
  // The page's own globals (the test's tsconfig has no DOM types).
  return page.evaluate(async () => {
    const page = globalThis as unknown as { axe: typeof axe; document: unknown };
    const result = await page.axe.run(page.document as never, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}
