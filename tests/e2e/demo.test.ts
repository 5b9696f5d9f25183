/**
 * The README's first command: `hub demo` on the embedded default (PGlite in a fresh data folder, no DATABASE_URL, no
 * REDIS_URL) with the four simulated vendors. A newcomer must see a populated inventory, open findings and a working
 * GraphQL endpoint, run the printed example queries, and find the same data and keys after a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_QUERIES } from '../../src/main/demo.js';
import { freePortRange } from '../helpers/free-port-range.js';
import { graphqlRequest, startHubProcess, type HubProcess } from '../helpers/processes.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hub-demo-'));
let running: HubProcess | null = null;
afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startDemo(): Promise<{ process: HubProcess; viewerKey: string }> {
  const basePort = await freePortRange(4);
  const process = await startHubProcess('demo', { HUB_DATA_DIR: dataDir, PORT: '0', DEMO_SIMULATOR_BASE_PORT: String(basePort), LOG_LEVEL: 'info' }, { readyTimeoutMs: 120_000 });
  // The API listens while the first syncs run; the demo is ready when it says so.
  for (const deadline = Date.now() + 120_000; !process.output().includes('ModelOps hub demo is running'); ) {
    if (Date.now() > deadline || process.child.exitCode !== null) throw new Error(`the demo did not get ready:\n${process.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const viewerKey = /VIEWER\s+(mh_\S+)/.exec(process.output())?.[1];
  if (!viewerKey) throw new Error(`the demo printed no VIEWER key:\n${process.output()}`);
  return { process, viewerKey };
}

async function runsPerSource(demo: { process: HubProcess; viewerKey: string }): Promise<Record<string, string[]>> {
  const { body } = await graphqlRequest<{ sources: { nodes: Array<{ name: string; runs: Array<{ trigger: string }> }> } }>(
    demo.process.url!,
    demo.viewerKey,
    '{ sources(first: 10) { nodes { name runs { trigger } } } }',
  );
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return Object.fromEntries(body.data.sources.nodes.map((s) => [s.name, s.runs.map((r) => r.trigger)]).sort());
}

describe('hub demo', () => {
  it('should serve a synced inventory with findings, answer every printed example query, and keep data and keys across a restart', async () => {
    const first = await startDemo();
    running = first.process;
    expect(first.process.output()).toContain('ModelOps hub demo is running');

    const answers = [];
    for (const query of DEMO_QUERIES) {
      const { status, body } = await graphqlRequest(first.process.url!, first.viewerKey, query);
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      answers.push(body.data as Record<string, any>);
    }
    const [models, findings, stats] = answers;
    // 8 + 12 + 6 + 6 models across the four simulated vendors.
    expect(models.models.totalCount).toBe(32);
    expect(models.models.edges[0].node.versions.length).toBeGreaterThan(0);
    expect(findings.findings.totalCount).toBeGreaterThan(0);
    expect(findings.findings.edges.map((e: any) => e.node.kind)).toContain('UNGOVERNED_PRODUCTION');
    expect(new Set(stats.inventoryStats.map((g: any) => g.vendor))).toEqual(new Set(['SAGEMAKER', 'MLFLOW', 'DATAROBOT', 'DOMINO']));
    expect(stats.inventoryStats.some((g: any) => g.inProduction)).toBe(true);

    // One first run per source (its schedule's), none started beside it.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await runsPerSource(first)).toEqual({ 'demo-datarobot': ['schedule'], 'demo-domino': ['schedule'], 'demo-mlflow': ['schedule'], 'demo-sagemaker': ['schedule'] });

    expect(await first.process.stop()).toBe(0);
    running = null;

    const second = await startDemo();
    running = second.process;
    expect(second.viewerKey).toBe(first.viewerKey);
    const again = await graphqlRequest(second.process.url!, second.viewerKey, DEMO_QUERIES[0]);
    expect((again.body.data as any).models.totalCount).toBe(32);
    // Synced moments ago: the restart waits for the next interval.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(Object.values(await runsPerSource(second)).map((runs) => runs.length)).toEqual([1, 1, 1, 1]);
  }, 300_000);
});
