/**
 * The approval story in the console, in real Chromium against a real hub (PostgreSQL, in-process jobs) and the MLflow
 * simulator, each person in their own browser session: a data scientist requests PRODUCTION and is refused when she
 * tries to approve it herself, a validator and a risk officer approve it, the change is written back to MLflow; a
 * VIEWER sees no control that would change anything. No request ever leaves the machine; no CSP violation occurs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { eventually, expectCleanSessions, screenshot, type Session } from '../helpers/browser.js';
import { approvedVersion, listVersions, startConsoleWorld, syncedMlflowSource, type ConsoleWorld } from '../helpers/console-world.js';

let world: ConsoleWorld;
let target: { id: string; version: string; modelId: string; modelName: string };
let spare: { id: string; version: string; modelName: string };
let third: { id: string; version: string; modelName: string };
let requestPath = '';

beforeAll(async () => {
  world = await startConsoleWorld();
  await syncedMlflowSource(world, { models: 3, versionsPerModel: 2, deployments: 2, seed: 19 });
  const versions = await listVersions(world);
  target = versions[0];
  spare = versions.find((v) => v.modelId !== target.modelId)!;
  third = versions.find((v) => v.modelId !== target.modelId && v.modelId !== (versions.find((w) => w.id === spare.id)!.modelId))!;
  await approvedVersion(world, target, 'MEDIUM');
}, 300_000);

afterAll(async () => {
  expectCleanSessions(world?.sessions ?? []);
  await world?.close();
});

async function decide(page: Page, comment: string) {
  await page.getByLabel('Comment').fill(comment);
  await page.getByRole('button', { name: 'Approve' }).click();
}

describe('the approval story in the console', () => {
  let dana: Session;

  it('should let a data scientist request PRODUCTION with justification and evidence, and refuse her own approval in words', async () => {
    dana = await world.signIn('Dana Scientist');
    const { page } = dana;
    expect(await page.getByTestId('identity-name').textContent()).toBe('Dana Scientist');
    expect(await page.getByTestId('identity-roles').textContent()).toBe('DATA_SCIENTIST, VALIDATOR');
    // The person behind the key: independence counts people, whichever key they use.
    expect(await page.getByTestId('identity-email').textContent()).toMatch(/^dana\.scientist\.[0-9a-f]+@example\.com$/);

    await page.goto(`/versions/${encodeURIComponent(target.id)}`);
    await page.getByRole('heading', { level: 1, name: `${target.modelName} · version ${target.version}` }).waitFor();
    await page.getByLabel('Move to').selectOption('PRODUCTION');
    await page.getByLabel('Justification').fill('Champion for Q3: beats the current model on AUC by 4 points.');
    await page.getByLabel('Evidence 1 title').fill('Validation report');
    await page.getByLabel('Evidence 1 link').fill('https://wiki.example.com/validation/q3');
    await page.getByRole('button', { name: 'Request the change' }).click();

    await page.waitForURL(/\/change-requests\//);
    requestPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: `Change request: ${target.modelName} to Production` }).waitFor();
    await page.getByText('Champion for Q3: beats the current model on AUC by 4 points.').waitFor();
    expect(await page.getByRole('link', { name: /Validation report/ }).getAttribute('href')).toBe('https://wiki.example.com/validation/q3');
    await page.getByText('It needs 1 VALIDATOR and 1 RISK_OFFICER.', { exact: false }).waitFor();
    await screenshot(page, 'change-request');

    await decide(page, 'Looks good to me');
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    const text = await refusal.innerText();
    expect(text).toContain('SELF_APPROVAL');
    expect(text).toContain('You opened this request; someone else must decide on it.');
    expect(text).toContain('nobody may approve or reject a request they opened themselves');
    await screenshot(page, 'change-request-self-approval');
  });

  it('should let a validator and then a risk officer approve it in their own sessions, and show the write-back', async () => {
    for (const [person, expectedStatus] of [
      ['Victor Validator', 'Pending'],
      ['Rita Risk', 'Applied'],
    ] as const) {
      const session = await world.signIn(person, '/approvals');
      const { page } = session;
      await page.getByRole('heading', { level: 1, name: 'Approvals awaiting me' }).waitFor();
      await page.getByRole('link', { name: `${target.modelName} · ${target.version}` }).click();
      await page.waitForURL((url) => url.pathname === requestPath);
      if (person === 'Victor Validator') await screenshot(page, 'approvals-decision');
      await decide(page, `${person}: approved`);
      await page.getByText(`${person}: approved`).waitFor();
      await eventually(() => page.locator('.summary-line .badge').first().textContent()).toBe(expectedStatus);
      await page.goto('/approvals');
      await page.getByText('Nothing is waiting for your decision.').waitFor();
    }
    const rita = world.sessions.at(-1)!;
    await rita.page.goto(requestPath);
    // The write-back to MLflow runs as a job; the page follows it.
    await eventually(() => rita.page.locator('.write-back .badge').textContent(), { timeout: 30_000 }).toBe('Done');
    await screenshot(rita.page, 'change-request-applied');
  });

  it('should show the applied change in the version’s governance history and in the requester’s requests', async () => {
    const { page } = dana;
    await page.goto(`/versions/${encodeURIComponent(target.id)}`);
    await page.getByText('Governed: Production').waitFor();
    const history = await page.getByRole('region', { name: 'Governance history' }).innerText();
    expect(history).toContain('Approved → Production');
    expect(history).toContain('Approved by');
    await screenshot(page, 'version');
    await page.getByRole('link', { name: 'My requests' }).click();
    await eventually(() => page.getByRole('row', { name: new RegExp(target.modelName) }).innerText()).toContain('Applied');
  });

  it('should offer an ADMIN no decision on a lifecycle request: administrators approve nothing', async () => {
    const ada = await world.signIn('Ada Admin', requestPath);
    const { page } = ada;
    await page.getByRole('heading', { level: 1, name: `Change request: ${target.modelName} to Production` }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await page.goto('/approvals');
    await page.getByRole('heading', { level: 1, name: 'Approvals awaiting me' }).waitFor();
    // Only the controls an ADMIN decides (role grants) are listed for her.
    await page.getByText('No control request is waiting for your decision.').waitFor();
    expect(await page.getByText('Requests with an approval slot you could fill.').count()).toBe(0);
  });

  it('should let the requester cancel a pending request from her requests', async () => {
    const { page } = dana;
    await page.goto(`/versions/${encodeURIComponent(spare.id)}`);
    await page.getByLabel('Move to').selectOption('RETIRED');
    await page.getByLabel('Justification').fill('Superseded by the new pipeline.');
    await page.getByRole('button', { name: 'Request the change' }).click();
    await page.waitForURL(/\/change-requests\//);
    await page.getByRole('link', { name: 'My requests' }).click();
    const row = page.getByRole('row', { name: new RegExp(spare.modelName) });
    await eventually(() => row.innerText()).toContain('Pending');
    await screenshot(page, 'my-requests');
    await row.getByRole('button', { name: /Cancel/ }).click();
    await eventually(() => row.innerText()).toContain('Cancelled');
  });

  it('should let a validator reject with a reason, and insist on the reason', async () => {
    const { page } = dana;
    await page.goto(`/versions/${encodeURIComponent(third.id)}`);
    await page.getByLabel('Move to').selectOption('VALIDATION');
    await page.getByLabel('Justification').fill('Ready for validation.');
    await page.getByRole('button', { name: 'Request the change' }).click();
    await page.waitForURL(/\/change-requests\//);
    const path = new URL(page.url()).pathname;

    const victor = await world.signIn('Victor Validator', path);
    await victor.page.getByRole('button', { name: 'Reject' }).click();
    await victor.page.getByText('Say why you reject it').waitFor();
    await victor.page.getByLabel('Comment').fill('No holdout evaluation attached.');
    await victor.page.getByRole('button', { name: 'Reject' }).click();
    await eventually(() => victor.page.locator('.summary-line .badge').first().textContent()).toBe('Rejected');
    expect(await victor.page.getByText('No holdout evaluation attached.').count()).toBeGreaterThan(0);
  });

  it('should turn a risk officer’s lowering of the tier into a request awaiting a second risk officer', async () => {
    const rita = await world.signIn('Rita Risk', `/versions/${encodeURIComponent(target.id)}`);
    const { page } = rita;
    await page.getByRole('button', { name: 'Classify the model' }).click();
    await page.getByLabel('Risk tier').selectOption('LOW');
    await page.getByText('Lowering the tier loosens the controls', { exact: false }).waitFor();
    await page.getByLabel('Why the change is needed').fill('Exposure fell below the MEDIUM threshold.');
    await page.getByRole('button', { name: 'Save and request approval' }).click();
    const pending = page.getByTestId('pending-controls');
    await eventually(() => pending.innerText()).toContain('risk tier Medium → Low: awaiting a second risk officer.');
    // Nothing applied yet: the tier stays until another risk officer approves.
    expect(await page.getByRole('region', { name: 'Governance', exact: true }).innerText()).toContain('Medium');
    await screenshot(page, 'version-tier-request');
    // Her own approval is refused: four eyes means someone else.
    await pending.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: /^Risk tier change:/ }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('SELF_APPROVAL');
  });

  it('should show a VIEWER the same records without a single control that changes anything', async () => {
    const vera = await world.signIn('Vera Viewer');
    const { page } = vera;
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Inventory', 'Sources', 'Findings', 'Audit', 'GraphQL IDE']);
    const mutations = /approve|reject|cancel|request the change|classify|add a source|edit|test the connection|sync now|enable|disable|create|revoke|save/i;
    for (const [path, ready] of [
      ['/inventory', 'Inventory'],
      [`/versions/${encodeURIComponent(target.id)}`, `${target.modelName} · version ${target.version}`],
      [requestPath, `Change request: ${target.modelName} to Production`],
      ['/sources', 'Sources'],
      ['/findings', 'Findings'],
      ['/audit', 'Audit trail'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: ready }).waitFor();
      await page.waitForLoadState('networkidle');
      const buttons = await page.getByRole('button').allTextContents();
      expect(buttons.filter((text) => mutations.test(text)), `mutation controls on ${path}`).toEqual([]);
    }
    await page.goto('/sources');
    await page.getByRole('link', { name: 'mlflow-prod' }).click();
    await page.getByRole('heading', { level: 1, name: 'Source mlflow-prod' }).waitFor();
    expect((await page.getByRole('button').allTextContents()).filter((text) => mutations.test(text))).toEqual([]);
    await page.goto('/admin/keys');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not available to your roles');
  });
});
