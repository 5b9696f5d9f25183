/**
 * SIGKILL to a `hub worker` in the middle of a first sync (ISSUE 14): two real `hub worker` child processes share a
 * test database and Redis (under a queue prefix of this file); the test kills whichever holds the sync and reads what
 * the killed run left behind and what the survivor did and logged. Also the `job failed` line of a sync that fails.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { syncRuns, type SyncRunRow } from '../../../src/db/schema/index.js';
import { queryRows } from '../../../src/db/sql.js';
import { liveCounts } from '../../helpers/inventory.js';
import type { HubProcess } from '../../helpers/processes.js';
import { eventually, startWorkerFleet, type FaultHub, type WorkerFleet } from './fault-hub.js';

const PREFIX = `{sigkill-${randomBytes(4).toString('hex')}}`;
const ESTATE = { seed: 31, models: 30, versionsPerModel: 3, deployments: 6, maxPageSize: 3, credential: 'test-credential' };

let fleet: WorkerFleet;
let test: FaultHub;
let workers: HubProcess[];
const simulators: SimulatorHandle[] = [];

beforeAll(async () => {
  // A short job lock: a killed worker's job moves to the survivor within seconds.
  fleet = await startWorkerFleet(PREFIX, 2, { WORKER_LOCK_MS: '3000' });
  ({ test, workers } = fleet);
}, 180_000);
afterAll(async () => {
  await fleet?.close();
  await Promise.all(simulators.map((s) => s.close()));
});

async function simulator(): Promise<SimulatorHandle> {
  const started = await vendorSimulator('mlflow').start(ESTATE);
  simulators.push(started);
  return started;
}

/** A run's change log, counted per change kind. */
async function changeLogCounts(runId: string): Promise<Record<string, number>> {
  const rows = await queryRows<{ change: string; n: number }>(
    test.hub.database.db,
    sql`select change, count(*)::int as n from inventory_changes where run_id = ${runId} group by change`,
  );
  return Object.fromEntries(rows.map((r) => [r.change, Number(r.n)]));
}

/** The counts a run reports, in the change log's vocabulary (restores count as updates). */
function countsAsChangeLog(log: Record<string, number>): Record<string, number> {
  return { created: log.CREATED ?? 0, updated: (log.UPDATED ?? 0) + (log.RESTORED ?? 0), deleted: log.DELETED ?? 0 };
}

function workerOf(run: SyncRunRow): HubProcess {
  const worker = workers.find((w) => w.child.pid === Number(run.workerId?.split(':').at(-1)));
  if (!worker) throw new Error(`no worker process for ${run.workerId}`);
  return worker;
}

describe('hub worker', () => {
  describe('on SIGKILL during a first sync', () => {
    it('should leave the killed run with the counts of its change log, and the survivor take over as a logged retry', async () => {
      const vendor = await simulator();
      vendor.faults.set({ latencyMs: 60 });
      // The schedule's first run starts right away on one of the workers.
      const source = await test.addSource('mlflow', vendor);
      const { db } = test.hub.database;
      const dying = await eventually('the first sync to have committed a batch', async () => {
        const [run] = await db.select().from(syncRuns).where(and(eq(syncRuns.sourceId, source.id), eq(syncRuns.status, 'RUNNING')));
        return run && (await changeLogCounts(run.id)).CREATED ? run : null;
      }, 40_000, 50);
      const victim = workerOf(dying);

      await victim.kill();
      vendor.faults.set({ latencyMs: 0 });
      const survivor = workers.find((w) => w !== victim)!;
      const resumed = await eventually('the survivor to complete the sync', async () => {
        const [run] = await db.select().from(syncRuns).where(and(eq(syncRuns.sourceId, source.id), eq(syncRuns.status, 'SUCCEEDED')));
        return run;
      }, 60_000, 250);

      const [dead] = await db.select().from(syncRuns).where(eq(syncRuns.id, dying.id));
      expect(dead.status).toBe('FAILED');
      expect(dead.error).toMatch(/worker .*stopped .*(crashed|killed)/i);
      const deadLog = await changeLogCounts(dead.id);
      expect(deadLog.CREATED).toBeGreaterThan(0);
      expect({ created: dead.created, updated: dead.updated, deleted: dead.deleted }).toEqual(countsAsChangeLog(deadLog));
      expect(dead.seen).toBeGreaterThanOrEqual(dead.created);
      expect(dead.pages).toBeGreaterThan(0);

      expect(resumed).toMatchObject({ trigger: 'retry', jobId: dead.jobId });
      expect(resumed.workerId).not.toBe(dead.workerId);
      expect({ created: resumed.created, updated: resumed.updated, deleted: resumed.deleted }).toEqual(countsAsChangeLog(await changeLogCounts(resumed.id)));
      const takeover = await survivor.waitForLog((line) => line.deadRunId === dead.id, 5_000);
      expect(takeover).toMatchObject({ level: 40, sourceId: source.id, runId: resumed.id, jobId: dead.jobId, deadWorkerId: dead.workerId });
      expect(takeover.msg).toMatch(/taken over/);

      expect(await liveCounts(db, source.id)).toMatchObject({ models: ESTATE.models, versions: ESTATE.models * ESTATE.versionsPerModel });
      const runs = await db.select({ id: syncRuns.id }).from(syncRuns).where(eq(syncRuns.sourceId, source.id)).orderBy(asc(syncRuns.startedAt));
      expect(runs.map((r) => r.id)).toEqual([dead.id, resumed.id]);
    });
  });

  describe('when a sync job fails', () => {
    it('should name the source, run and job on the `job failed` line', async () => {
      const vendor = await simulator();
      const { settings } = vendorSimulator('mlflow').sourceFor(vendor, ESTATE.credential);
      const source = await test.hub.services.sources.createSource(
        { vendor: 'mlflow', name: `refused-${randomBytes(3).toString('hex')}`, settings, secret: { token: 'not-the-credential' }, scheduleSeconds: 3600, enabled: true },
        { actor: systemPrincipal('test') },
      );
      const { db } = test.hub.database;
      const failed = await eventually('the refused sync to fail', async () => {
        const [run] = await db.select().from(syncRuns).where(and(eq(syncRuns.sourceId, source.id), eq(syncRuns.status, 'FAILED')));
        return run;
      }, 40_000, 200);

      const line = await Promise.any(workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null).map((w) => w.waitForLog((l) => l.msg === 'job failed' && l.sourceId === source.id, 10_000)));
      expect(line).toMatchObject({ sourceId: source.id, runId: failed.id, jobId: failed.jobId });
    });
  });
});
