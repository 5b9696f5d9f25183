/**
 * Worker start reconciles Redis's job schedulers with the sources table while the API may be changing sources. Real
 * Redis (a queue prefix of its own); the sources table is a map the test changes at the moments a race would hit.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BullMqDispatcher } from '../../../src/jobs/bullmq.js';
import { syncQueueName, syncSchedulerId } from '../../../src/jobs/queues.js';
import { reconcileSchedules } from '../../../src/jobs/schedule-reconciliation.js';
import type { ScheduleReader } from '../../../src/jobs/types.js';
import { createLogger } from '../../../src/logger.js';
import type { SourceSchedule } from '../../../src/sources/source-schedule.js';
import { TEST_REDIS_URL } from '../../helpers/services.js';

const MINUTE = 60;
let prefix: string;
let dispatcher: BullMqDispatcher;
let redis: Redis;
let queue: Queue;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterAll(() => redis.disconnect());

function freshDispatcher(): void {
  prefix = `{hubtest-${randomBytes(4).toString('hex')}}`;
  dispatcher = new BullMqDispatcher({ url: TEST_REDIS_URL, prefix, logger: createLogger('silent') });
  queue = new Queue(syncQueueName('mlflow'), { connection: redis, prefix });
}
afterEach(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await dispatcher.close();
});

const source = (id: string, overrides: Partial<SourceSchedule> = {}): SourceSchedule => ({ id, vendor: 'mlflow', scheduleSeconds: MINUTE, enabled: true, ...overrides });

/** The sources table: a map; `onFirstList` runs once, right after the first full read has been answered. */
function table(rows: SourceSchedule[], onFirstList?: () => Promise<void>): { rows: Map<string, SourceSchedule>; reader: ScheduleReader } {
  const map = new Map(rows.map((r) => [r.id, r]));
  let listed = 0;
  return {
    rows: map,
    reader: {
      async listSchedules() {
        const snapshot = [...map.values()].filter((r) => r.enabled);
        if (listed++ === 0 && onFirstList) await onFirstList();
        return snapshot;
      },
      async getSchedule(id) {
        return map.get(id) ?? null;
      },
    },
  };
}

const schedulers = async () => (await queue.getJobSchedulers(0, -1)).map((s) => ({ key: s.key, every: s.every })).sort((a, b) => a.key.localeCompare(b.key));
const pendingJobIds = async () => (await queue.getJobs(['delayed', 'waiting'])).map((j) => j.id).sort();

describe('reconcileSchedules', () => {
  it('should keep an unchanged scheduler and its pending tick, register a missing one, and drop disabled and deleted ones', async () => {
    freshDispatcher();
    for (const id of ['kept', 'disabled', 'deleted']) await dispatcher.scheduleSource(source(id));
    const ticksBefore = await pendingJobIds();
    const { reader } = table([source('kept'), source('disabled', { enabled: false }), source('missing')]);

    expect(await reconcileSchedules(dispatcher, reader)).toEqual({ registered: 1, removed: 2 });

    expect(await schedulers()).toEqual([
      { key: syncSchedulerId('kept'), every: MINUTE * 1000 },
      { key: syncSchedulerId('missing'), every: MINUTE * 1000 },
    ]);
    const ticks = await pendingJobIds();
    // The kept source's tick is the very job that was pending before: a restart does not pull it forward.
    expect(ticks.filter((id) => id?.includes(':kept:'))).toEqual(ticksBefore.filter((id) => id?.includes(':kept:')));
    expect(ticks.filter((id) => id?.includes(':missing:'))).toHaveLength(1);
  });

  it('should keep the scheduler of a source the API creates while the worker reads the table', async () => {
    freshDispatcher();
    const { rows, reader } = table([source('old')], async () => {
      // The API commits a new source, then schedules it, between the worker's read and its pruning.
      rows.set('created-meanwhile', source('created-meanwhile'));
      await dispatcher.scheduleSource(source('created-meanwhile'));
    });
    await dispatcher.scheduleSource(source('old'));
    const tickOfNewSource = async () => (await pendingJobIds()).filter((id) => id?.includes(':created-meanwhile:'));

    await reconcileSchedules(dispatcher, reader);

    expect((await schedulers()).map((s) => s.key)).toEqual([syncSchedulerId('created-meanwhile'), syncSchedulerId('old')]);
    expect(await tickOfNewSource()).toHaveLength(1);
  });

  it('should not undo an interval the API changes while the worker reads the table', async () => {
    freshDispatcher();
    const { rows, reader } = table([source('changing')], async () => {
      rows.set('changing', source('changing', { scheduleSeconds: 5 * MINUTE }));
      await dispatcher.scheduleSource(source('changing', { scheduleSeconds: 5 * MINUTE }));
    });

    await reconcileSchedules(dispatcher, reader);

    expect(await schedulers()).toEqual([{ key: syncSchedulerId('changing'), every: 5 * MINUTE * 1000 }]);
  });
});
