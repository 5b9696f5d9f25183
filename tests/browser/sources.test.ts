/**
 * IT operations in the console (real Chromium, real hub and PostgreSQL, the MLflow simulator): an operator adds a
 * source, gets the server's refusal of a wrong field beside that field, fixes it, tests the connection, starts a sync
 * and watches its counts arrive; the sources screen shows each source's health.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendorSimulator } from '../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../connectors/shared/simulator-kit.js';
import { eventually, expectCleanSessions, screenshot } from '../helpers/browser.js';
import { graphqlRequest } from '../helpers/processes.js';
import { startConsoleWorld, syncedMlflowSource, type ConsoleWorld } from '../helpers/console-world.js';

const CREDENTIAL = 'research-token';
let world: ConsoleWorld;
let simulator: SimulatorHandle;

beforeAll(async () => {
  world = await startConsoleWorld();
  await syncedMlflowSource(world, { models: 2, versionsPerModel: 2, deployments: 1, seed: 5 });
  simulator = await vendorSimulator('mlflow').start({ models: 4, versionsPerModel: 3, deployments: 2, seed: 77, credential: CREDENTIAL });
}, 300_000);

afterAll(async () => {
  expectCleanSessions(world?.sessions ?? []);
  await simulator?.close();
  await world?.close();
});

/** The latest run of a source as the API reports it. */
async function latestRun(name: string): Promise<{ seen: number; created: number; updated: number; deleted: number; failed: number }> {
  const { body } = await graphqlRequest<{ sources: { nodes: Array<{ lastRun: { seen: number; created: number; updated: number; deleted: number; failed: number } }> } }>(
    world.url,
    world.keys['Ada Admin'],
    'query ($name: String) { sources(filter: { search: $name }) { nodes { lastRun { seen created updated deleted failed } } } }',
    { name },
  );
  return body.data!.sources.nodes[0].lastRun;
}

/** The text assistive technology reads for a control's description: its hint and its problem. */
async function describedBy(page: import('playwright-core').Page, label: string): Promise<string> {
  const input = page.getByRole('textbox', { name: label });
  const ids = (await input.getAttribute('aria-describedby')) ?? '';
  const texts = await Promise.all(ids.split(' ').filter(Boolean).map((id) => page.locator(`[id="${id}"]`).innerText()));
  return texts.join(' ');
}

describe('sources in the console', () => {
  it('should show an operator the health of each source', async () => {
    const { page } = await world.signIn('Olu Operator', '/sources');
    await page.getByRole('heading', { level: 1, name: 'Sources' }).waitFor();
    const row = page.getByRole('row', { name: /mlflow-prod/ });
    await eventually(() => row.innerText()).toContain('SUCCEEDED');
    const run = await latestRun('mlflow-prod');
    expect(run.created).toBeGreaterThan(0);
    expect(await row.innerText()).toContain(`${run.seen} / ${run.created} / ${run.updated} / ${run.deleted} / ${run.failed}`);
    await screenshot(page, 'sources');
  });

  it('should refuse a wrong field beside that field, then create, test and sync the corrected source', async () => {
    const { page } = world.sessions[0];
    await page.getByRole('link', { name: 'Add a source' }).click();
    await page.getByRole('heading', { level: 1, name: 'Add a source' }).waitFor();
    await page.getByLabel('Vendor').selectOption('MLFLOW');
    await page.getByRole('textbox', { name: 'Name (required)' }).fill('mlflow-research');
    await page.getByRole('textbox', { name: 'Tracking URI (required)' }).fill('mlflow.research.internal');
    await page.getByRole('radio', { name: 'Token' }).check();
    await page.getByLabel('Token (required)').fill(CREDENTIAL);
    await page.getByLabel('Run scheduled syncs').uncheck();
    await page.getByRole('button', { name: 'Create the source' }).click();

    const uri = page.getByRole('textbox', { name: 'Tracking URI (required)' });
    await eventually(() => uri.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(page, 'Tracking URI (required)')).toContain('trackingUri must be an http(s) URL');
    expect(await page.getByRole('alert').innerText()).toContain('BAD_USER_INPUT');
    // Nothing else was flagged, and nothing was saved.
    expect(await page.getByRole('textbox', { name: 'Name (required)' }).getAttribute('aria-invalid')).toBeNull();
    await screenshot(page, 'source-form-error');

    await uri.fill(simulator.url);
    await page.getByRole('button', { name: 'Create the source' }).click();
    await page.getByRole('heading', { level: 1, name: 'Source mlflow-research' }).waitFor();
    // Write-only: the credential is never shown again.
    expect(await page.content()).not.toContain(CREDENTIAL);

    await page.getByRole('button', { name: 'Test the connection' }).click();
    const verdict = page.getByTestId('connection-result');
    await verdict.waitFor();
    expect(await verdict.innerText()).toContain('Connection works.');

    await page.getByRole('button', { name: 'Sync now' }).click();
    const progress = page.getByTestId('sync-progress');
    await eventually(() => progress.getAttribute('data-status'), { timeout: 30_000 }).toBe('SUCCEEDED');
    // The counts the hub recorded for the run, all of them new records.
    const run = await latestRun('mlflow-research');
    expect(run.created).toBeGreaterThanOrEqual(4 + 4 * 3);
    expect(await progress.innerText()).toContain(`${run.seen} records seen`);
    expect(await progress.innerText()).toContain(`${run.created} new · 0 changed · 0 unchanged · 0 deleted · 0 failed`);
    const history = page.getByRole('region', { name: 'Run history' });
    await eventually(() => history.getByRole('row').count()).toBe(2);
    expect(await history.innerText()).toContain('manual');
    await screenshot(page, 'source');
  });

  it('should show an edit’s refused field beside it, and save once it is fixed', async () => {
    const { page } = world.sessions[0];
    await page.getByRole('button', { name: 'Edit the source' }).click();
    await page.getByRole('textbox', { name: 'Name (required)' }).fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => page.getByRole('textbox', { name: 'Name (required)' }).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('textbox', { name: 'Name (required)' }).fill('mlflow-research');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved. Nothing changed.').waitFor();
  });
});
