/**
 * Source credentials must never reach Redis: job payloads carry ids only. A real hub on BullMQ syncs a source whose
 * secret is distinctive, then every key of its queues (jobs, schedulers, events) is read back and searched.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { TEST_REDIS_URL } from '../../helpers/services.js';

const SECRET = 'redis-must-never-see-this-4b1d';
let test: TestHub;

beforeAll(async () => {
  test = await startTestHub({ redis: true });
  await test.hub.startWorkers();
});
afterAll(() => test.close());

async function dumpQueueKeys(prefix: string): Promise<string> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    const parts: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') parts.push(String(await redis.get(key)));
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
    expect(keys.length).toBeGreaterThan(0);
    return parts.join('\n');
  } finally {
    redis.disconnect();
  }
}

describe('BullMQ job data', () => {
  it('should hold source ids, never the source secret, through scheduling, a manual trigger and a completed sync', async () => {
    const { source } = await test.addSimulatorSource('mlflow', { seed: 5, models: 4, versionsPerModel: 2, deployments: 1, credential: SECRET, scheduleSeconds: 60 });
    const { run } = await test.hub.services.sync.triggerSync(source.id, { id: 'test:operator', displayName: 'operator', roles: ['OPERATOR'], personId: null, kind: 'api-key' });
    const deadline = Date.now() + 60_000;
    let status = run.status;
    while (!['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = (await test.hub.services.sources.getSource(source.id))?.lastRunStatus ?? status;
    }
    expect(status).toBe('SUCCEEDED');

    const everything = await dumpQueueKeys(test.queuePrefix!);
    expect(everything).toContain(source.id);
    expect(everything).not.toContain(SECRET);
  });
});
