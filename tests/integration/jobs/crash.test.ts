/**
 * Worker processes dying mid-sync, against real PostgreSQL and Redis: `kill -9` (BullMQ stalled-job recovery hands the
 * job to another worker) and SIGTERM (graceful stop: the run is recorded as interrupted and the job retried elsewhere).
 * In both cases the inventory must end up exactly as an undisturbed run of the same simulator leaves it. The job lock is
 * 3 s so a killed worker's job moves within seconds.
 */
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { models, syncRunSeen } from '../../../src/db/schema/index.js';
import type { SyncRunRow } from '../../../src/db/schema/index.js';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { inventorySnapshot } from '../../helpers/inventory.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { runsOf, startWorkers, waitFor, workerPid } from './job-fixtures.js';

// 40 models in pages of 5 with 250 ms per vendor call: a listing takes several seconds, long enough to die in.
const ESTATE = { seed: 23, models: 40, versionsPerModel: 3, deployments: 10, maxPageSize: 5, credential: 'test-credential' };
const SLOW = { latencyMs: 250 };

let test: TestHub;
let simulator: SimulatorHandle;
let workers: Awaited<ReturnType<typeof startWorkers>> | null = null;
let reference: string[];

beforeAll(async () => {
  test = await startTestHub({ redis: true });
  simulator = await vendorSimulator('mlflow').start(ESTATE);
  // The undisturbed run, in the test process, of a disabled source reading the same simulator (deep links embed its URL).
  const source = await test.addSourceFor('mlflow', simulator, { name: 'undisturbed', enabled: false });
  const result = await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
  if (result.status !== 'ran' || result.run.status !== 'SUCCEEDED') throw new Error('the reference sync did not succeed');
  reference = await inventorySnapshot(test.hub.database.db, source.id);
  // Three workers: one is killed, one is stopped, and a survivor is left for each job.
  workers = await startWorkers(3, { ...test.env, WORKER_LOCK_MS: '3000' });
}, 240_000);

afterAll(async () => {
  await workers?.stopAll();
  await simulator?.close();
  await test?.close();
});

/**
 * A source synced once already, then enabled (its first scheduled tick runs right away): waits until a worker is a few
 * pages into that re-sync. A re-sync is where an interruption could do harm: records it has not reached yet must not be
 * tombstoned, and the unchanged ones it has seen sit in its listing state (sync_run_seen) until the run ends.
 */
async function sourceMidListing(name: string): Promise<{ sourceId: string; run: SyncRunRow }> {
  const source = await test.addSourceFor('mlflow', simulator, { name, enabled: false });
  const first = await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
  if (first.status !== 'ran' || first.run.status !== 'SUCCEEDED') throw new Error('the first sync did not succeed');
  simulator.faults.set(SLOW);
  await test.hub.services.sources.setSourceEnabled(source.id, true, { actor: systemPrincipal('test') });
  const run = await waitFor('a run a few pages into the listing', async () => {
    const [running] = (await runsOf(test.hub.database.db, source.id)).filter((r) => r.status === 'RUNNING');
    return running && simulator.faults.requestCount >= 6 && (await seenRowsOf(running.id)) > 0 ? running : undefined;
  });
  return { sourceId: source.id, run };
}

function workerRunning(run: SyncRunRow) {
  const worker = workers!.workers.find((w) => w.child.pid === workerPid(run) && w.child.exitCode === null);
  if (!worker) throw new Error(`no live worker process for ${run.workerId}`);
  return worker;
}

async function seenRowsOf(runId: string): Promise<number> {
  const [row] = await test.hub.database.db.select({ n: sql<number>`count(*)::int` }).from(syncRunSeen).where(eq(syncRunSeen.runId, runId));
  return Number(row.n);
}

async function laterSuccess(sourceId: string, afterRunId: string): Promise<SyncRunRow> {
  return waitFor(
    'another worker to complete the sync',
    async () => {
      const runs = await runsOf(test.hub.database.db, sourceId);
      const index = runs.findIndex((r) => r.id === afterRunId);
      return runs.slice(index + 1).find((r) => r.status === 'SUCCEEDED');
    },
    90_000,
  );
}

describe('hub worker', () => {
  describe('when killed (SIGKILL) mid-listing', () => {
    it('should fail the interrupted run and complete the same job on another worker with the undisturbed inventory', async () => {
      const { sourceId, run } = await sourceMidListing('killed');
      const victim = workerRunning(run);

      await victim.kill();
      const completed = await laterSuccess(sourceId, run.id);

      const runs = await runsOf(test.hub.database.db, sourceId);
      const interrupted = runs.find((r) => r.id === run.id)!;
      expect(interrupted.status).toBe('FAILED');
      expect(interrupted.error).toMatch(/worker .*stopped .*(crashed|killed)/i);
      expect(interrupted.finishedAt).not.toBeNull();
      // The same job, redelivered by BullMQ's stalled-job recovery, to a different process.
      expect(completed.jobId).toBe(run.jobId);
      expect(workerPid(completed)).not.toBe(victim.child.pid);
      expect(runs.filter((r) => r.status === 'RUNNING')).toEqual([]);
      expect(await seenRowsOf(run.id)).toBe(0);
      expect(await inventorySnapshot(test.hub.database.db, sourceId)).toEqual(reference);
    });
  });

  describe('when stopped (SIGTERM) mid-listing', () => {
    it('should exit cleanly, record the run as interrupted without tombstoning, and let another worker complete the job', async () => {
      const { sourceId, run } = await sourceMidListing('terminated');
      const victim = workerRunning(run);

      const stoppedAt = Date.now();
      const exitCode = await victim.stop(20_000);
      const stopMs = Date.now() - stoppedAt;

      expect(exitCode).toBe(0);
      expect(stopMs).toBeLessThan(10_000);
      const interrupted = (await runsOf(test.hub.database.db, sourceId)).find((r) => r.id === run.id)!;
      expect(interrupted).toMatchObject({ status: 'FAILED', deleted: 0, deletionGuard: { decision: 'SKIPPED_INCOMPLETE' } });
      expect(interrupted.error).toMatch(/interrupted by worker shutdown/i);
      expect(await seenRowsOf(run.id)).toBe(0);
      const tombstoned = await test.hub.database.db.select({ id: models.id }).from(models).where(and(eq(models.sourceId, sourceId), isNotNull(models.deletedAt)));
      expect(tombstoned).toEqual([]);

      const completed = await laterSuccess(sourceId, run.id);
      expect(completed.trigger).toBe('retry');
      expect(workerPid(completed)).not.toBe(victim.child.pid);
      expect(await inventorySnapshot(test.hub.database.db, sourceId)).toEqual(reference);
    });
  });
});
