import type { BullMqDispatcher } from '../../../src/jobs/bullmq.js';
import { reconcileSchedules } from '../../../src/jobs/schedule-reconciliation.js';
/**
 * Two `hub worker` processes sharing real PostgreSQL and Redis (a queue prefix of their own) with three sources whose
 * simulators run in the test process: BullMQ job schedulers, the one-run-per-source rule across processes, a manual
 * trigger during a run, and a disabled source losing its schedule. Sources are created and changed through the test
 * process's hub (a producer only: it starts no workers), exactly as `hub serve` would for an API call.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vendor } from '../../../connectors/contract.js';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { systemPrincipal } from '../../../src/auth/principal.js';
import type { SourceRecord } from '../../../src/inventory/queries/records.js';
import { syncQueueName, syncSchedulerId } from '../../../src/jobs/queues.js';
import { liveCounts } from '../../helpers/inventory.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { TEST_REDIS_URL } from '../../helpers/services.js';
import { overlaps, runsOf, startWorkers, waitFor } from './job-fixtures.js';

const ESTATE = { seed: 11, models: 12, versionsPerModel: 3, deployments: 6, maxPageSize: 4 };
const VENDORS: Vendor[] = ['mlflow', 'sagemaker', 'datarobot'];
/** The shortest schedule a source accepts; the first tick comes right away, the second a minute later. */
const EVERY_SECONDS = 60;
const actor = { actor: systemPrincipal('test') };

let test: TestHub;
let workers: Awaited<ReturnType<typeof startWorkers>> | null = null;
let redis: Redis;
const simulators = new Map<Vendor, SimulatorHandle>();
const sources = new Map<Vendor, SourceRecord>();
let createdAt = 0;

beforeAll(async () => {
  test = await startTestHub({ redis: true });
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  for (const vendor of VENDORS) simulators.set(vendor, await vendorSimulator(vendor).start({ ...ESTATE, credential: 'test-credential' }));
  workers = await startWorkers(2, test.env);
}, 180_000);

afterAll(async () => {
  await workers?.stopAll();
  await Promise.all([...simulators.values()].map((s) => s.close()));
  await Promise.all([...queues.values()].map((q) => q.close()));
  redis?.disconnect();
  await test?.close();
});

const queues = new Map<Vendor, Queue>();
function queueFor(vendor: Vendor): Queue {
  if (!queues.has(vendor)) queues.set(vendor, new Queue(syncQueueName(vendor), { connection: redis, prefix: test.queuePrefix! }));
  return queues.get(vendor)!;
}

describe('hub worker', () => {
  describe('job schedulers', () => {
    it('should sync each of three sources exactly once in the first tick and never run one source twice at once', async () => {
      // Slow pages: each run lasts a few seconds, so two workers would overlap if nothing stopped them.
      for (const simulator of simulators.values()) simulator.faults.set({ latencyMs: 60 });
      createdAt = Date.now();
      for (const vendor of VENDORS) {
        sources.set(vendor, await test.addSourceFor(vendor, simulators.get(vendor)!, { name: `${vendor}-scheduled`, scheduleSeconds: EVERY_SECONDS }));
      }
      const { db } = test.hub.database;

      await waitFor('a finished run of every source', async () => {
        const done = await Promise.all([...sources.values()].map(async (s) => (await runsOf(db, s.id)).some((r) => r.finishedAt)));
        return done.every(Boolean);
      }, 50_000);
      // Re-register every schedule, as each worker does when it starts: upserting must not add a tick.
      await reconcileSchedules(test.hub.jobs as BullMqDispatcher, test.hub.services.sources);
      // Long enough for a duplicate job of the same tick to be picked up and run.
      await new Promise((resolve) => setTimeout(resolve, 4_000));

      for (const [vendor, source] of sources) {
        const runs = await runsOf(db, source.id);
        const firstTick = runs.filter((r) => r.startedAt.getTime() < createdAt + EVERY_SECONDS * 1000);
        // Job ids name the tick (`repeat:sync:<id>:<millis>`): on failure they tell a duplicate tick from a redelivery.
        expect(firstTick.map((r) => ({ trigger: r.trigger, status: r.status, jobId: r.jobId }))).toEqual([{ trigger: 'schedule', status: 'SUCCEEDED', jobId: expect.any(String) }]);
        expect(firstTick[0].jobId).toMatch(new RegExp(`^repeat:${syncSchedulerId(source.id)}:\\d+$`));
        for (const a of runs) for (const b of runs) if (a !== b) expect(overlaps(a, b)).toBe(false);
        const estate = simulators.get(vendor)!.store.estate;
        expect((await liveCounts(db, source.id)).models).toBe(estate.models.length);
      }
    });
  });

  describe('triggerSync', () => {
    it('should answer a manual trigger during a run with the run already in progress, and run it once', async () => {
      const source = sources.get('mlflow')!;
      const { db } = test.hub.database;
      const before = (await runsOf(db, source.id)).length;
      simulators.get('mlflow')!.faults.set({ latencyMs: 250 });

      const first = await test.hub.services.sync.triggerSync(source.id, actor.actor);
      expect(first.alreadyRunning).toBe(false);
      const running = await waitFor('a worker to start the queued run', async () => (await runsOf(db, source.id)).find((r) => r.id === first.run.id && r.status === 'RUNNING'));
      const second = await test.hub.services.sync.triggerSync(source.id, actor.actor);

      expect(second).toMatchObject({ alreadyRunning: true, run: { id: first.run.id, status: 'RUNNING' } });
      expect(running.workerId).toMatch(/:\d+$/);
      const finished = await waitFor('the manual run to finish', async () => (await runsOf(db, source.id)).find((r) => r.id === first.run.id && r.finishedAt));
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(finished).toMatchObject({ trigger: 'manual', status: 'SUCCEEDED' });
      expect((await runsOf(db, source.id)).length).toBe(before + 1);
    });
  });

  describe('setSourceEnabled', () => {
    it('should remove the job scheduler and the pending tick of a disabled source, and leave the others alone', async () => {
      const disabled = sources.get('datarobot')!;
      const kept = sources.get('sagemaker')!;
      const schedulerIds = async (vendor: Vendor) => (await queueFor(vendor).getJobSchedulers(0, -1)).map((s) => s.key);
      const pendingTicks = async (vendor: Vendor, sourceId: string) => (await queueFor(vendor).getDelayed()).filter((job) => job.repeatJobKey === syncSchedulerId(sourceId));
      expect(await schedulerIds('datarobot')).toEqual([syncSchedulerId(disabled.id)]);
      expect(await pendingTicks('datarobot', disabled.id)).toHaveLength(1);

      await test.hub.services.sources.setSourceEnabled(disabled.id, false, actor);

      expect(await schedulerIds('datarobot')).toEqual([]);
      expect(await pendingTicks('datarobot', disabled.id)).toHaveLength(0);
      const [scheduler] = await queueFor('sagemaker').getJobSchedulers(0, -1);
      expect(scheduler).toMatchObject({ key: syncSchedulerId(kept.id), every: EVERY_SECONDS * 1000 });
      expect(await pendingTicks('sagemaker', kept.id)).toHaveLength(1);
    });
  });
});
