/**
 * PostgreSQL goes away under a running hub and comes back (ISSUE 8, infrastructure faults). The hub runs against a
 * dedicated PostgreSQL server started by this file (its own port and data directory), which the tests stop and start;
 * the machine's shared server is never touched. Jobs run on the in-process runner, as in `hub start` without Redis.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { syncRuns } from '../../../src/db/schema/index.js';
import { queryRows } from '../../../src/db/sql.js';
import { startDedicatedPostgres, type DedicatedPostgres } from '../../helpers/dedicated-postgres.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { inventorySnapshot } from '../../helpers/inventory.js';
import { eventually, startFaultHub, type FaultHub } from './fault-hub.js';

const ESTATE = { seed: 11, models: 40, versionsPerModel: 3, deployments: 10, maxPageSize: 4 };
const MODELS_QUERY = 'query Models { models(first: 5) { totalCount edges { node { id name } } } }';

let postgres: DedicatedPostgres;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  postgres = await startDedicatedPostgres();
});
afterEach(async () => {
  if (!(await postgres.running())) await postgres.start();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await postgres?.destroy();
});

async function faultHub(): Promise<FaultHub> {
  const started = await startFaultHub({ DATABASE_URL: await postgres.createDatabase() }, { http: true });
  cleanups.push(() => started.close());
  return started;
}

async function simulator(): Promise<SimulatorHandle> {
  const sim = await vendorSimulator('mlflow').start({ ...ESTATE, credential: 'test-credential' });
  cleanups.push(() => sim.close());
  return sim;
}

interface Answer {
  status: number;
  text: string;
  code: string | null;
}

async function graphql(test: FaultHub, query = MODELS_QUERY): Promise<Answer> {
  const response = await fetch(`${test.http!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${test.adminKey}` },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> };
  return { status: response.status, text, code: body.errors?.[0]?.extensions?.code ?? null };
}

async function probe(test: FaultHub, path: '/readyz' | '/healthz'): Promise<{ status: number; body: { status: string; checks?: Record<string, string> } }> {
  const response = await fetch(`${test.http!.url}${path}`);
  return { status: response.status, body: (await response.json()) as never };
}

/** What no client must ever see, whatever broke: stack frames and SQL. */
function expectNothingLeaked(answer: Answer): void {
  expect(answer.text).not.toMatch(/\bat .+\.(ts|js):\d+|stack|select .* from|insert into/i);
}

describe('Hub', () => {
  describe('when PostgreSQL restarts under API traffic', () => {
    it('should answer SERVICE_UNAVAILABLE and report not ready while it is down, then recover without a restart', async () => {
      const test = await faultHub();
      expect((await graphql(test)).status).toBe(200);

      // Steady client traffic through the whole outage: every answer must be data or a clean 503.
      const answers: Answer[] = [];
      let traffic = true;
      const client = (async () => {
        while (traffic) {
          answers.push(await graphql(test));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();

      await postgres.stop('fast');
      const ready = await probe(test, '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks?.database).toMatch(/^unreachable/);
      expect(await probe(test, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
      const during = await graphql(test);
      expect(during).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expectNothingLeaked(during);
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      await postgres.start();
      // The pool reconnects by itself: no hub restart, readiness and queries come back.
      await eventually('/readyz to answer 200', async () => (await probe(test, '/readyz')).status === 200, 15_000);
      const after = await eventually('a GraphQL query to succeed', async () => {
        const answer = await graphql(test);
        return answer.status === 200 ? answer : null;
      });
      expect(after.code).toBeNull();
      traffic = false;
      await client;

      expect(answers.some((a) => a.status === 503)).toBe(true);
      for (const answer of answers) {
        if (answer.status === 200) expect(answer.code).toBeNull();
        else expect(answer).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
        expectNothingLeaked(answer);
      }
      expect(answers.at(-1)!.status).toBe(200);
    });
  });

  describe('when PostgreSQL restarts during a sync', () => {
    let clean: TestHub | null = null;
    afterAll(async () => {
      await clean?.close();
    });

    it('should fail the interrupted run, retry it by itself and end with the inventory of a clean run', async () => {
      const sim = await simulator();
      // The reference: the same simulated estate synced once without faults (on the shared test server).
      clean = await startTestHub();
      const cleanSource = await clean.addSourceFor('mlflow', sim);
      const reference = await clean.hub.services.sync.runJob({ sourceId: cleanSource.id, trigger: 'manual' });
      expect(reference.status === 'ran' && reference.run.status).toBe('SUCCEEDED');
      const expected = await inventorySnapshot(clean.hub.database.db, cleanSource.id);

      const test = await faultHub();
      const source = await test.addSource('mlflow', sim);
      const { db } = test.hub.database;
      sim.faults.set({ latencyMs: 40 });
      // The in-process runner picks up the source's schedule (first run right away) and owns retries.
      await test.hub.startWorkers();
      await eventually('the sync to have written some batches', async () => {
        const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from models where source_id = ${source.id}`);
        return row.n > 0;
      }, 20_000, 20);

      await postgres.stop('fast');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await postgres.start();
      sim.faults.set({ latencyMs: 0 });

      const interrupted = await eventually('the interrupted run to be marked FAILED', async () => {
        const [run] = await db.select().from(syncRuns).where(and(eq(syncRuns.sourceId, source.id), eq(syncRuns.status, 'FAILED')));
        return run;
      }, 20_000, 200);
      expect(interrupted.trigger).toBe('schedule');
      expect(interrupted.error).toMatch(/database/i);
      expect(interrupted.error).not.toMatch(/select|insert|params/i);

      const retried = await eventually('a retry to succeed', async () => {
        const [run] = await db.select().from(syncRuns).where(and(eq(syncRuns.sourceId, source.id), eq(syncRuns.status, 'SUCCEEDED')));
        return run;
      }, 40_000, 250);
      expect(retried.trigger).toBe('retry');
      expect(await inventorySnapshot(db, source.id)).toEqual(expected);
      const runs = await db.select({ status: syncRuns.status }).from(syncRuns).where(eq(syncRuns.sourceId, source.id));
      expect(runs.map((r) => r.status).sort()).toEqual(['FAILED', 'SUCCEEDED']);
    });
  });
});
