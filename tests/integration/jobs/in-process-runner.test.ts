/**
 * The job runner of a hub without REDIS_URL: schedules and manual triggers through a real hub (PostgreSQL, simulators
 * on loopback), and the runner's own retry and shutdown behaviour with handlers that fail or take their time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../../connectors/contract.js';
import { systemPrincipal } from '../../../src/auth/principal.js';
import type { JobHandlers } from '../../../src/jobs/handlers.js';
import { InProcessJobRunner } from '../../../src/jobs/in-process.js';
import { createLogger } from '../../../src/logger.js';
import { liveCounts } from '../../helpers/inventory.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { runsOf, waitFor } from './job-fixtures.js';

const ESTATE = { seed: 3, models: 8, versionsPerModel: 2, deployments: 4 };
const logger = createLogger('silent');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function hubWithoutRedis(): Promise<TestHub> {
  const test = await startTestHub();
  cleanups.push(() => test.close());
  expect(test.hub.jobs).toBeInstanceOf(InProcessJobRunner);
  return test;
}

function runner(handlers: Partial<JobHandlers>, options: ConstructorParameters<typeof InProcessJobRunner>[1] = {}): InProcessJobRunner {
  const jobs = new InProcessJobRunner(logger, options);
  jobs.start({ sync: async () => {}, writeBack: async () => {}, maintenance: async () => {}, ...handlers });
  cleanups.push(() => jobs.close());
  return jobs;
}

describe('InProcessJobRunner', () => {
  describe('scheduleSource', () => {
    it('should sync every enabled source on its schedule once workers start, and leave disabled sources alone', async () => {
      const test = await hubWithoutRedis();
      const { source: enabled, simulator } = await test.addSimulatorSource('domino', ESTATE);
      const { source: disabled } = await test.addSimulatorSource('mlflow', { ...ESTATE, enabled: false });

      await test.hub.startWorkers();
      const run = await waitFor('the first scheduled run', async () => (await runsOf(test.hub.database.db, enabled.id)).find((r) => r.finishedAt), 20_000);

      expect(run).toMatchObject({ trigger: 'schedule', status: 'SUCCEEDED' });
      expect((await liveCounts(test.hub.database.db, enabled.id)).models).toBe(simulator.store.estate.models.length);
      expect(await runsOf(test.hub.database.db, disabled.id)).toEqual([]);
      const next = await test.hub.jobs.nextRuns();
      expect([...next.keys()]).toEqual([enabled.id]);
      expect(next.get(enabled.id)!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    });
    it('should run a source never synced at once and one that has just finished a run only one interval after it', async () => {
      const synced: string[] = [];
      const jobs = runner({ sync: async (data) => void synced.push(data.sourceId) }, { firstRunDelayMs: 50 });
      const justFinished = new Date(Date.now() - 5_000);

      await jobs.scheduleSource({ id: 'never-run', vendor: 'mlflow', scheduleSeconds: 60, enabled: true, lastRunAt: null });
      await jobs.scheduleSource({ id: 'overdue', vendor: 'mlflow', scheduleSeconds: 60, enabled: true, lastRunAt: new Date(Date.now() - 120_000) });
      await jobs.scheduleSource({ id: 'just-synced', vendor: 'mlflow', scheduleSeconds: 60, enabled: true, lastRunAt: justFinished });
      await waitFor('the due sources to run', async () => synced.length >= 2, 2_000, 5);
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(synced.sort()).toEqual(['never-run', 'overdue']);
      expect((await jobs.nextRuns()).get('just-synced')!.getTime()).toBeGreaterThanOrEqual(justFinished.getTime() + 60_000 - 100);
    });
  });

  describe('enqueueSync', () => {
    it('should run a manual trigger once when it is asked for again during the run', async () => {
      const test = await hubWithoutRedis();
      const { source, simulator } = await test.addSimulatorSource('mlflow', { ...ESTATE, enabled: false, maxPageSize: 2 });
      await test.hub.startWorkers();
      simulator.faults.set({ latencyMs: 100 });

      const first = await test.hub.services.sync.triggerSync(source.id, systemPrincipal('test'));
      await waitFor('the run to start', async () => (await runsOf(test.hub.database.db, source.id)).some((r) => r.status === 'RUNNING'));
      const second = await test.hub.services.sync.triggerSync(source.id, systemPrincipal('test'));
      await (test.hub.jobs as InProcessJobRunner).idle();

      expect(second).toMatchObject({ alreadyRunning: true, run: { id: first.run.id } });
      const runs = await runsOf(test.hub.database.db, source.id);
      expect(runs.map((r) => ({ id: r.id, trigger: r.trigger, status: r.status }))).toEqual([{ id: first.run.id, trigger: 'manual', status: 'SUCCEEDED' }]);
    });

    it('should retry a failing sync with exponential backoff up to the attempt limit', async () => {
      const calls: Array<{ at: number; attempt: number }> = [];
      const jobs = runner({
        sync: async (_data, context) => {
          calls.push({ at: Date.now(), attempt: context.attempt });
          throw new Error('vendor unavailable');
        },
      }, { retryBaseMs: 60 });

      await jobs.enqueueSync('source-1', 'mlflow', 'manual');
      await waitFor('three attempts', async () => calls.length === 3, 5_000, 10);
      await new Promise((resolve) => setTimeout(resolve, 400));

      expect(calls.map((c) => c.attempt)).toEqual([0, 1, 2]);
      expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(55);
      expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(115);
    });

    it('should not retry a sync whose vendor credentials were refused', async () => {
      const attempts: number[] = [];
      const jobs = runner({
        sync: async (_data, context) => {
          attempts.push(context.attempt);
          throw new AuthenticationError('invalid token', 'mlflow', 401);
        },
      }, { retryBaseMs: 20 });

      await jobs.enqueueSync('source-1', 'mlflow', 'schedule');
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(attempts).toEqual([0]);
    });
  });

  describe('close', () => {
    it('should signal running work to stop and resolve only after it has finished', async () => {
      const events: string[] = [];
      const jobs = runner({
        sync: async (_data, context) => {
          events.push('started');
          await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
          events.push('aborted');
          // The page being written when the stop came in still completes.
          await new Promise((resolve) => setTimeout(resolve, 150));
          events.push('finished');
        },
      });
      await jobs.enqueueSync('source-1', 'mlflow', 'manual');
      await waitFor('the job to start', async () => events.includes('started'), 2_000, 5);

      await jobs.close();
      events.push('closed');
      await jobs.enqueueSync('source-1', 'mlflow', 'manual');
      await jobs.scheduleSource({ id: 'source-1', vendor: 'mlflow', scheduleSeconds: 60, enabled: true });
      await new Promise((resolve) => setTimeout(resolve, 1_300));

      expect(events).toEqual(['started', 'aborted', 'finished', 'closed']);
      expect(await jobs.nextRuns()).toEqual(new Map());
    });
  });
});
