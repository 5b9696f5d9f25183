/**
 * `hub start` as a user runs it: a child process on a fresh PostgreSQL database, no Redis (in-process jobs), the
 * bootstrap admin key from the environment, and vendor simulators over HTTP. Everything goes through the public
 * surface: GraphQL for sources, syncs and the inventory; /healthz and /readyz; SIGTERM to stop.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vendor } from '../../connectors/contract.js';
import { vendorSimulator } from '../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../connectors/shared/simulator-kit.js';
import { createPostgresTestDatabase, type TestDatabase } from '../helpers/db.js';
import { graphqlRequest, startHubProcess, type HubProcess } from '../helpers/processes.js';

const ESTATES: Record<'mlflow' | 'sagemaker', { seed: number; models: number; versionsPerModel: number; deployments: number }> = {
  mlflow: { seed: 41, models: 9, versionsPerModel: 3, deployments: 4 },
  sagemaker: { seed: 42, models: 6, versionsPerModel: 2, deployments: 3 },
};
const CREDENTIAL = 'e2e-credential';
const ADMIN_KEY = `mh_e2e_${randomBytes(16).toString('hex')}`;

let database: TestDatabase;
let hub: HubProcess | null = null;
const simulators = new Map<Vendor, SimulatorHandle>();

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  for (const [vendor, estate] of Object.entries(ESTATES)) simulators.set(vendor as Vendor, await vendorSimulator(vendor as Vendor).start({ ...estate, credential: CREDENTIAL }));
  hub = await startHubProcess('start', {
    DATABASE_URL: database.url!,
    HUB_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    HUB_SECRET_KEY: randomBytes(32).toString('hex'),
    PORT: '0',
  });
}, 180_000);

afterAll(async () => {
  await hub?.kill();
  await Promise.all([...simulators.values()].map((s) => s.close()));
  await database?.drop();
});

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { status, body } = await graphqlRequest<T>(hub!.url!, ADMIN_KEY, query, variables);
  if (status !== 200 || body.errors) throw new Error(`GraphQL ${status}: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

async function createSource(vendor: Vendor, enabled: boolean): Promise<string> {
  const { settings, secret } = vendorSimulator(vendor).sourceFor(simulators.get(vendor)!, CREDENTIAL);
  const data = await gql<{ createSource: { id: string; enabled: boolean } }>(
    `mutation ($input: CreateSourceInput!) { createSource(input: $input) { id enabled } }`,
    { input: { vendor: vendor.toUpperCase(), name: `${vendor}-e2e`, settings, secret, enabled } },
  );
  expect(data.createSource.enabled).toBe(enabled);
  return data.createSource.id;
}

async function modelCount(vendor: Vendor): Promise<number> {
  const data = await gql<{ models: { totalCount: number } }>(`query ($vendors: [Vendor!]) { models(filter: { vendors: $vendors }) { totalCount } }`, { vendors: [vendor.toUpperCase()] });
  return data.models.totalCount;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('hub start', () => {
  it('should answer the health and readiness probes without authentication', async () => {
    const health = await fetch(`${hub!.url}/healthz`);
    const ready = await fetch(`${hub!.url}/readyz`);

    expect(health.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('should bring a scheduled source and a manually synced source into the inventory', async () => {
    await createSource('sagemaker', true);
    const manual = await createSource('mlflow', false);
    const trigger = await gql<{ triggerSync: { alreadyRunning: boolean; run: { id: string; trigger: string } } }>(
      `mutation ($id: ID!) { triggerSync(id: $id) { alreadyRunning run { id trigger } } }`,
      { id: manual },
    );
    expect(trigger.triggerSync).toMatchObject({ alreadyRunning: false, run: { trigger: 'manual' } });

    // Pages are visible as they are written; the run's status only once it has finished.
    const lastRuns = async () => (await gql<{ sources: { nodes: Array<{ name: string; lastRunStatus: string | null }> } }>(`{ sources(first: 10) { nodes { name lastRunStatus } } }`)).sources.nodes;
    await until('both runs to finish', async () => (await lastRuns()).every((s) => s.lastRunStatus !== null));

    expect(await modelCount('mlflow')).toBe(ESTATES.mlflow.models);
    expect(await modelCount('sagemaker')).toBe(ESTATES.sagemaker.models);
    const sources = { sources: { nodes: await lastRuns() } };
    expect(sources.sources.nodes.map((s) => [s.name, s.lastRunStatus]).sort()).toEqual([
      ['mlflow-e2e', 'SUCCEEDED'],
      ['sagemaker-e2e', 'SUCCEEDED'],
    ]);
    expect(hub!.output()).not.toContain(CREDENTIAL);
  });

  it('should refuse GraphQL requests without a key', async () => {
    const { status, body } = await graphqlRequest(hub!.url!, 'mh_not_a_key_000000000000000000', '{ models { totalCount } }');

    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('should exit with code 0 on SIGTERM', async () => {
    const code = await hub!.stop();

    expect(code).toBe(0);
    expect(hub!.logs.some((line) => line.msg === 'shutting down' && line.signal === 'SIGTERM')).toBe(true);
  });
});
