/**
 * Redis goes away under a running hub and comes back (ISSUE 8, infrastructure faults). The hub (API + BullMQ workers
 * in one process, as `hub start`) uses a dedicated Redis started by this file; the machine's shared Redis is never
 * touched. That Redis runs with an append-only file fsynced on every write, the persistence BullMQ asks for in
 * production; it is killed with SIGKILL, a crash, not a clean shutdown.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vendor } from '../../../connectors/contract.js';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { syncRuns } from '../../../src/db/schema/index.js';
import type { SourceRecord } from '../../../src/inventory/queries/records.js';
import { toGlobalId } from '../../../src/global-id.js';
import { ALL_QUEUES } from '../../../src/jobs/queues.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startDedicatedRedis, type DedicatedRedis } from '../../helpers/dedicated-redis.js';
import { eventually, startFaultHub, type FaultHub } from './fault-hub.js';

const ESTATE = { seed: 5, models: 12, versionsPerModel: 2, deployments: 4, maxPageSize: 3 };
const PREFIX = '{faults}';
const TRIGGER = 'mutation Trigger($id: ID!) { triggerSync(id: $id) { alreadyRunning run { id status trigger } } }';

let redis: DedicatedRedis;
let database: TestDatabase;
let test: FaultHub;
const simulators: SimulatorHandle[] = [];

beforeAll(async () => {
  redis = await startDedicatedRedis();
  database = await createPostgresTestDatabase();
  // Schedules are checked every second instead of every minute, so a repair is seen within the test.
  test = await startFaultHub({ DATABASE_URL: database.url!, REDIS_URL: redis.url, HUB_QUEUE_PREFIX: PREFIX }, { http: true, overrides: { worker: { scheduleCheckMs: 1_000 } } });
});
afterAll(async () => {
  // Workers close only once Redis answers (their connections retry forever), so bring it back first.
  if (redis && !redis.running()) await redis.start();
  await test?.close();
  await Promise.all(simulators.map((s) => s.close()));
  await database?.drop();
  await redis?.destroy();
});

async function addSource(vendor: Vendor): Promise<{ source: SourceRecord; simulator: SimulatorHandle }> {
  const simulator = await vendorSimulator(vendor).start({ ...ESTATE, credential: 'test-credential' });
  simulators.push(simulator);
  return { source: await test.addSource(vendor, simulator, { scheduleSeconds: 3600 }), simulator };
}

/** Every job scheduler of the hub's queues, read straight from Redis: id, interval and next due time. */
async function schedulers(): Promise<string[]> {
  const lines: string[] = [];
  for (const name of ALL_QUEUES) {
    const queue = new Queue(name, { connection: { url: redis.url, maxRetriesPerRequest: 1 }, prefix: PREFIX });
    try {
      for (const s of await queue.getJobSchedulers(0, -1)) lines.push(`${name}|${s.key}|every=${s.every}|next=${s.next}`);
    } finally {
      await queue.close();
    }
  }
  return lines.sort();
}

async function trigger(source: SourceRecord): Promise<{ status: number; code: string | null; payload: { alreadyRunning: boolean; run: { id: string; status: string } } | null }> {
  const response = await fetch(`${test.http!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${test.adminKey}` },
    body: JSON.stringify({ query: TRIGGER, variables: { id: toGlobalId('Source', source.id) } }),
  });
  const body = (await response.json()) as { data?: { triggerSync: never } | null; errors?: Array<{ extensions?: { code?: string } }> };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code ?? null, payload: body.data?.triggerSync ?? null };
}

async function readiness(): Promise<{ status: number; checks: Record<string, string> }> {
  const response = await fetch(`${test.http!.url}/readyz`);
  return { status: response.status, checks: ((await response.json()) as { checks: Record<string, string> }).checks };
}

let workersStarted = false;
async function ensureWorkers(): Promise<void> {
  if (workersStarted) return;
  workersStarted = true;
  await test.hub.startWorkers();
}

function runsOf(source: SourceRecord) {
  return test.hub.database.db.select().from(syncRuns).where(eq(syncRuns.sourceId, source.id)).orderBy(asc(syncRuns.startedAt));
}

describe('Hub', () => {
  describe('when Redis restarts', () => {
    it('should reconnect workers and API, keep every schedule, and complete each manual trigger exactly once', async () => {
      const busy = await addSource('mlflow');
      const idle = await addSource('datarobot');
      await ensureWorkers();
      // Each schedule's first run comes right away; let both finish so the sources are quiet.
      for (const source of [busy.source, idle.source]) {
        await eventually(`the first scheduled run of ${source.name}`, async () => (await runsOf(source)).some((r) => r.status === 'SUCCEEDED'), 30_000, 200);
      }
      const schedulesBefore = await schedulers();
      expect(schedulesBefore.filter((line) => line.includes('|sync:'))).toHaveLength(2);

      // A manual trigger accepted just before the crash, whose run is in progress when Redis dies.
      busy.simulator.faults.set({ latencyMs: 150 });
      const before = await trigger(busy.source);
      expect(before).toMatchObject({ status: 200, payload: { alreadyRunning: false } });
      await eventually('the manual run to be running', async () => (await runsOf(busy.source)).some((r) => r.trigger === 'manual' && r.status === 'RUNNING'), 20_000, 50);

      const crashedAt = Date.now();
      await redis.stop('SIGKILL');
      const down = await readiness();
      expect(down.status).toBe(503);
      expect(down.checks.redis).toMatch(/^unreachable/);
      expect(down.checks.database).toBe('ok');
      // A trigger while Redis is down is refused cleanly, and leaves no queued run behind that nobody will pick up.
      const refused = await trigger(idle.source);
      expect(refused).toMatchObject({ code: 'SERVICE_UNAVAILABLE', payload: null });
      // A resolver's error travels in a GraphQL response (200); a failure before execution is a 503. Never a 500.
      expect([200, 503]).toContain(refused.status);
      expect((await runsOf(idle.source)).map((r) => r.status)).toEqual(['SUCCEEDED']);

      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await redis.start();
      busy.simulator.faults.set({ latencyMs: 0 });
      await eventually('/readyz to answer 200 again', async () => (await readiness()).status === 200, 20_000, 200);

      // The operator retries the refused trigger once Redis is back: one run, completed by a reconnected worker.
      const retried = await eventually('the trigger to be accepted', async () => {
        const answer = await trigger(idle.source);
        return answer.status === 200 ? answer : null;
      }, 10_000, 200);
      expect(retried.payload).toMatchObject({ alreadyRunning: false, run: { status: 'QUEUED' } });
      for (const source of [busy.source, idle.source]) {
        await eventually(`the manual run of ${source.name} to complete`, async () => {
          const runs = await runsOf(source);
          return runs.some((r) => r.trigger === 'manual' && r.status === 'SUCCEEDED') && runs.every((r) => r.status !== 'QUEUED' && r.status !== 'RUNNING');
        }, 30_000, 200);
      }
      // Nothing more is coming: no duplicate, no retry of a run that already completed.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      for (const source of [busy.source, idle.source]) {
        expect((await runsOf(source)).map((r) => `${r.trigger}:${r.status}`)).toEqual(['schedule:SUCCEEDED', 'manual:SUCCEEDED']);
      }
      const busyManual = (await runsOf(busy.source)).find((r) => r.trigger === 'manual')!;
      expect(busyManual.finishedAt!.getTime()).toBeGreaterThan(crashedAt); // it did span the outage
      expect(await schedulers()).toEqual(schedulesBefore);
    });
  });

  describe('when Redis comes back empty', () => {
    it('should put every schedule back while the worker runs, without a restart, and sync on them again', async () => {
      const { source } = await addSource('mlflow');
      await ensureWorkers();
      await eventually(`the first scheduled run of ${source.name}`, async () => (await runsOf(source)).some((r) => r.status === 'SUCCEEDED'), 30_000, 200);
      // What identifies a schedule: queue, scheduler id and interval (the next tick moves).
      const withoutNext = (lines: string[]) => lines.map((line) => line.replace(/\|next=.*$/, ''));
      const before = withoutNext(await schedulers());
      expect(before).toContain(`sync-mlflow|sync:${source.id}|every=3600000`);
      expect(before.some((line) => line.startsWith('maintenance|'))).toBe(true);

      // Redis restarted without its data (no persistence, a new node after failover): every key is gone.
      // The hub may put a schedule back within milliseconds, so the loss is shown by a key of the test's own.
      const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      try {
        await client.set('redis-restart-test:sentinel', '1');
        await client.flushall();
        expect(await client.exists('redis-restart-test:sentinel')).toBe(0);
      } finally {
        client.disconnect();
      }

      await eventually('the schedules to be back', async () => JSON.stringify(withoutNext(await schedulers())) === JSON.stringify(before), 15_000, 200);
      // A restored schedule is a working one: its first tick comes again and syncs the source.
      await eventually(`a second scheduled run of ${source.name}`, async () => (await runsOf(source)).filter((r) => r.trigger === 'schedule' && r.status === 'SUCCEEDED').length === 2, 30_000, 200);
    });
  });
});
