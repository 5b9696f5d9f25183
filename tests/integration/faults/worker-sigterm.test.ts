/**
 * SIGTERM to a `hub worker` in the middle of its work (ISSUE 8, infrastructure faults): a rolling deploy or a
 * scale-in. Three real `hub worker` child processes share a test database and Redis (under a queue prefix of this
 * file); the test sends SIGTERM to whichever worker holds the job and watches what the others do.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import { CHANGE_REQUEST_TAG } from '../../../connectors/mlflow/write-back.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { models, modelVersions, syncRuns, writeBackOutbox } from '../../../src/db/schema/index.js';
import type { SourceRecord } from '../../../src/inventory/queries/records.js';
import { queryRows } from '../../../src/db/sql.js';
import { liveCounts } from '../../helpers/inventory.js';
import type { HubProcess } from '../../helpers/processes.js';
import { person, requestWithWriteBack } from '../governance/governance-fixtures.js';
import { eventually, startWorkerFleet, type FaultHub, type WorkerFleet } from './fault-hub.js';
import { accepted } from '../../helpers/governance.js';

const PREFIX = `{faults-${randomBytes(4).toString('hex')}}`;
const ESTATE = { seed: 23, models: 24, versionsPerModel: 3, deployments: 6, maxPageSize: 3 };

let fleet: WorkerFleet;
/** The in-test hub: the API side (sources, governance) that hands work to the worker processes. */
let test: FaultHub;
let workers: HubProcess[] = [];
const simulators: SimulatorHandle[] = [];

beforeAll(async () => {
  // A short job lock so stalled jobs move quickly.
  fleet = await startWorkerFleet(PREFIX, 3, { WORKER_LOCK_MS: '5000', WORKER_CONCURRENCY: '2' });
  ({ test, workers } = fleet);
}, 180_000);
afterAll(async () => {
  await fleet?.close();
  await Promise.all(simulators.map((s) => s.close()));
});

async function syncedSource(latencyMs: number): Promise<{ source: SourceRecord; simulator: SimulatorHandle }> {
  const simulator = await vendorSimulator('mlflow').start({ ...ESTATE, credential: 'test-credential' });
  simulators.push(simulator);
  simulator.faults.set({ latencyMs });
  // The schedule's first run starts right away on one of the workers.
  return { source: await test.addSource('mlflow', simulator), simulator };
}

function workerWithPid(pid: number): HubProcess {
  const worker = workers.find((w) => w.child.pid === pid);
  if (!worker) throw new Error(`no worker process with pid ${pid}`);
  return worker;
}

/** SIGTERM; resolves with the exit code and how long the worker took to exit. */
async function terminate(worker: HubProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const code = await worker.stop(30_000);
  workers = workers.filter((w) => w !== worker);
  return { code, ms: Date.now() - started };
}

describe('hub worker', () => {
  describe('on SIGTERM during a sync', () => {
    it('should exit 0 promptly, keep whole batches only, fail the run as interrupted and let another worker complete it', async () => {
      const { source, simulator } = await syncedSource(60);
      const { db } = test.hub.database;
      const running = await eventually('the scheduled sync to have written a batch', async () => {
        const [run] = await db.select().from(syncRuns).where(and(eq(syncRuns.sourceId, source.id), eq(syncRuns.status, 'RUNNING')));
        if (!run) return null;
        const [written] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from models where source_id = ${source.id}`);
        return written.n > 0 ? run : null;
      }, 40_000, 50);
      const victim = workerWithPid(Number(running.workerId!.split(':').at(-1)));

      const exit = await terminate(victim);
      expect(exit.code).toBe(0);
      expect(exit.ms).toBeLessThan(10_000);

      const [interrupted] = await db.select().from(syncRuns).where(eq(syncRuns.id, running.id));
      expect(interrupted.status).toBe('FAILED');
      expect(interrupted.error).toMatch(/interrupted/i);
      // Whole batches only: a batch is one page of models with all their versions, written in one transaction.
      const perModel = await queryRows<{ external_id: string; versions: number }>(
        db,
        sql`select m.external_id, (select count(*)::int from model_versions v where v.model_id = m.id) as versions from models m where m.source_id = ${source.id}`,
      );
      expect(perModel.length % ESTATE.maxPageSize).toBe(0);
      expect(perModel.length).toBeLessThan(ESTATE.models);
      for (const model of perModel) expect(model.versions, model.external_id).toBe(ESTATE.versionsPerModel);

      simulator.faults.set({ latencyMs: 0 });
      const resumed = await eventually('the retried run to succeed', async () => {
        const [run] = await db.select().from(syncRuns).where(and(eq(syncRuns.sourceId, source.id), eq(syncRuns.status, 'SUCCEEDED')));
        return run;
      }, 40_000, 250);
      expect(resumed.trigger).toBe('retry');
      expect(resumed.workerId).not.toBe(running.workerId);
      expect(await liveCounts(db, source.id)).toMatchObject({ models: ESTATE.models, versions: ESTATE.models * ESTATE.versionsPerModel });
      const runs = await db.select({ status: syncRuns.status }).from(syncRuns).where(eq(syncRuns.sourceId, source.id)).orderBy(asc(syncRuns.startedAt));
      expect(runs.map((r) => r.status)).toEqual(['FAILED', 'SUCCEEDED']);
    });
  });

  describe('on SIGTERM during a write-back', () => {
    it('should exit 0 after delivering the change exactly once at the vendor', async () => {
      const { source, simulator } = await syncedSource(0);
      const { db } = test.hub.database;
      await eventually('the first sync to succeed', async () => {
        const [run] = await db.select().from(syncRuns).where(and(eq(syncRuns.sourceId, source.id), eq(syncRuns.status, 'SUCCEEDED')));
        return run;
      }, 40_000, 200);
      const [version] = await db.select().from(modelVersions).where(eq(modelVersions.sourceId, source.id)).orderBy(asc(modelVersions.externalId)).limit(1);
      await db.update(models).set({ riskTier: 'LOW' }).where(eq(models.id, version.modelId!));
      const governance = test.hub.services.governance;
      const request = await accepted(governance.changeRequests.requestLifecycleTransition(
        { modelVersionId: version.id, toState: 'VALIDATION', justification: 'metrics reviewed', evidence: [] },
        person('ds-1', ['DATA_SCIENTIST']),
      ));

      // A slow vendor: the write-back is still talking to it when the worker is told to stop.
      simulator.faults.set({ latencyMs: 1_500 });
      await accepted(governance.decisions.approveChangeRequest(request.id, null, person('val-1', ['VALIDATOR'])));
      const claimed = await eventually('a worker to claim the write-back', async () => {
        const [row] = await db.select().from(writeBackOutbox).where(and(eq(writeBackOutbox.changeRequestId, request.id), eq(writeBackOutbox.status, 'IN_PROGRESS')));
        return row;
      }, 30_000, 25);
      const victim = workerWithPid(Number(claimed.claimedBy!.split(':')[1]));

      const exit = await terminate(victim);
      expect(exit.code).toBe(0);
      expect(exit.ms).toBeLessThan(15_000);

      const delivered = await eventually('the write-back to be DONE', async () => {
        const row = await requestWithWriteBack(db, request.id);
        return row.writeBackStatus === 'DONE' ? row : null;
      }, 30_000, 200);
      expect(delivered.writeBackAttempts).toBe(1);
      // Let any stray retry show itself before counting the vendor's writes.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const writes = simulator.store.writeBacks.filter((w) => w.target === version.externalId);
      const completions = writes.filter((w) => (w.payload as { key?: string }).key === CHANGE_REQUEST_TAG);
      expect(completions).toHaveLength(1);
      expect(new Set(writes.map((w) => `${w.operation}|${JSON.stringify(w.payload)}`)).size).toBe(writes.length);
    });
  });
});
