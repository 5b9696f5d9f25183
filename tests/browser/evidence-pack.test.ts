/**
 * The evidence pack in real Chromium against a real hub (PostgreSQL, in-process jobs writing back to the MLflow
 * simulator): a VIEWER opens a governed version in the console and its "Evidence pack" opens the pack in a new tab
 * under the console's CSP; the pack shows the request and its approvers, is printed to PDF and screenshotted (with
 * UPDATE_README_SCREENSHOTS=1 the screenshot also replaces the README's docs/evidence-pack.png). An auditor's browser sending the key itself gets the same page under the hub's
 * own CSP. No request leaves the machine; no CSP violation; no script error.
 */
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointSigner } from '../../src/audit/checkpoint-signature.js';
import { chainHead, findCheckpointCovering, insertCheckpoint } from '../../src/audit/checkpoints.js';
import { toGlobalId } from '../../src/global-id.js';
import { ARTIFACTS_DIR, axeScan, expectCleanSessions, openSession, type Session } from '../helpers/browser.js';
import { startConsoleWorld, syncedMlflowSource, type ConsoleWorld } from '../helpers/console-world.js';
import { HOSTILE_JUSTIFICATION, HOSTILE_MODEL_NAME, governedVersionStory, writeBacksSettled, type GovernedStory } from '../helpers/evidence-story.js';

const DOCS_DIR = fileURLToPath(new URL('../../docs/', import.meta.url));

let world: ConsoleWorld;
let story: GovernedStory;
const signingKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

beforeAll(async () => {
  world = await startConsoleWorld({ env: { HUB_AUDIT_SIGNING_KEY: signingKeyPem } });
  const sourceId = await syncedMlflowSource(world, { models: 2, versionsPerModel: 2, deployments: 1, seed: 23 });
  story = await governedVersionStory(world.hub.hub.database.db, world.hub.hub.services.governance, sourceId);
  const { db } = world.hub.hub.database;
  await writeBacksSettled(db, story.versionId);
  // The hub signs a checkpoint after applied changes; sign the head with its key too, so the proof is there either way.
  const head = (await chainHead(db))!;
  if (!(await findCheckpointCovering(db, head.seq))) await insertCheckpoint(db, CheckpointSigner.fromPem(signingKeyPem).sign(head.seq, head.hash));
}, 300_000);

afterAll(async () => {
  expectCleanSessions(world?.sessions ?? []);
  await world?.close();
});

/** What the pack must show a reader, whichever way it was opened. */
async function expectPackShown(page: Page) {
  await page.getByRole('heading', { level: 1, name: `Evidence pack: ${HOSTILE_MODEL_NAME} · version` }).waitFor();
  await page.getByRole('heading', { name: 'Request 3: APPROVED → PRODUCTION · APPLIED' }).waitFor();
  expect(await page.getByText(HOSTILE_JUSTIFICATION, { exact: true }).count()).toBe(1);
  const approvers = page.locator('table.approvals').last();
  expect(await approvers.innerText()).toContain('Victor Validator');
  expect(await approvers.innerText()).toContain('Rita Risk');
  expect(await approvers.innerText()).toContain('Risk accepted for Q3 <b>only</b>.');
  expect(await page.locator('table.receipts').last().innerText()).toContain('DONE');
  await page.getByRole('heading', { name: 'Proof: the signed audit checkpoint' }).waitFor();
  expect(await page.locator('.pack-header').innerText()).toMatch(/Signed checkpoint at seq \d+/);
  // The hub's stylesheet applied (a blocked one would leave the browser's defaults).
  const border = await page.locator('.proof').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopWidth: string } }).getComputedStyle(el).borderTopWidth);
  expect(border).toBe('2px');
}

describe('the evidence pack in the browser', () => {
  it('should open from the Version screen with the signed-in key, and print to PDF', async () => {
    const session = await world.signIn('Vera Viewer');
    const { page, context } = session;
    // The new tab's CSP reports and errors count like the console's own.
    context.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) session.cspViolations.push(message.text());
    });
    context.on('weberror', (error) => session.pageErrors.push(error.error().message));
    await page.goto(`/versions/${encodeURIComponent(toGlobalId('ModelVersion', story.versionId))}`);
    const [pack] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Evidence pack', exact: true }).click()]);
    await pack.waitForLoadState('load');
    expect(pack.url()).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
    await expectPackShown(pack);
    // The JSON link needs the credential a blob page does not have: the console leaves it out.
    expect(await pack.getByRole('link', { name: 'JSON of this pack' }).count()).toBe(0);

    // The README's picture: the promotion to PRODUCTION, its approvers and the vendor's receipt.
    await pack.setViewportSize({ width: 1100, height: 1250 });
    await pack.getByRole('heading', { name: 'Request 3: APPROVED → PRODUCTION · APPLIED' }).evaluate((el) => (el as { scrollIntoView(options: unknown): void }).scrollIntoView({ block: 'start' }));
    mkdirSync(join(ARTIFACTS_DIR, 'screenshots'), { recursive: true });
    const shot = join(ARTIFACTS_DIR, 'screenshots', 'evidence-pack.png');
    await pack.screenshot({ path: shot });
    if (process.env.UPDATE_README_SCREENSHOTS === '1') copyFileSync(shot, join(DOCS_DIR, 'evidence-pack.png'));
    const pdfPath = join(ARTIFACTS_DIR, 'evidence-pack.pdf');
    const pdf = await pack.pdf({ path: pdfPath, format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const size = statSync(pdfPath).size;
    expect(size).toBeGreaterThan(20_000);
    expect(size).toBeLessThan(5_000_000);
    // Three requests, their approvals, receipts, the proof and the audit appendix: more than one A4 page.
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)!.length).toBeGreaterThan(1);
  });

  it("should serve the same page to an auditor's browser that sends the key itself, under the hub's CSP", async () => {
    const session: Session = await openSession(world.browser, world.url);
    world.sessions.push(session);
    await session.context.setExtraHTTPHeaders({ 'x-api-key': world.keys['Vera Viewer'] });
    const response = await session.page.goto(`/reports/model-versions/${toGlobalId('ModelVersion', story.versionId)}`);
    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-security-policy']).toContain("style-src 'self'");
    await expectPackShown(session.page);
    const json = await session.page.getByRole('link', { name: 'JSON of this pack' }).getAttribute('href');
    expect(json).toBe(`/reports/model-versions/${toGlobalId('ModelVersion', story.versionId)}?format=json`);
  });

  it('should pass axe-core with no serious or critical violation', async () => {
    // Injecting axe is an inline script: this session bypasses the CSP, as the console's accessibility test does.
    const session = await openSession(world.browser, world.url, { bypassCSP: true });
    world.sessions.push(session);
    await session.context.setExtraHTTPHeaders({ 'x-api-key': world.keys['Vera Viewer'] });
    await session.page.goto(`/reports/models/${toGlobalId('Model', story.modelId)}`);
    await session.page.getByRole('heading', { name: 'Proof: the signed audit checkpoint' }).waitFor();
    const violations = await axeScan(session.page);
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  });

  it('should refuse the pack to a browser without a credential with a coded JSON error', async () => {
    const session = await openSession(world.browser, world.url);
    world.sessions.push(session);
    const response = await session.page.goto(`/reports/model-versions/${toGlobalId('ModelVersion', story.versionId)}`);
    expect(response!.status()).toBe(401);
    expect(JSON.parse(await response!.text()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
