import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { runHubCommand, startHubProcess, type HubProcess } from '../../tests/helpers/processes.js';
import { startChildSimulator } from './child-simulator.js';
import { BENCH_ADMIN_URL } from './scratch-database.js';

/** Redis the hub's queues use; the bench deletes every key under its own prefix at the end. */
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const SIMULATOR_CREDENTIAL = 'bench-load-credential';

export interface LoadEnvironment {
  databaseUrl: string;
  hub: HubProcess;
  hubUrl: string;
  adminKey: string;
  /**
   * A person with one role and an API key for them, made as an operator makes them (`hub keys create --new-person`
   * on the hub's database): an ADMIN may neither mint keys with roles it does not hold nor grant VALIDATOR alone.
   */
  personWithKey(email: string, displayName: string, role: string): Promise<string>;
  /** The estate synced before the load: the versions change requests are opened on. */
  governed: { url: string };
  /** The estate whose full sync runs during the load. */
  estate: { url: string };
  /** Stops the hub and the simulators, drops the database and deletes the queue keys; safe to call after a failure. */
  dispose(): Promise<void>;
}

export interface EnvironmentShape {
  /** Models of the estate synced during the load (10 versions each, two deployments per model). */
  models: number;
  /** Versions of the governed estate, one change request each. */
  governedVersions: number;
}

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function deleteKeys(prefix: string): Promise<number> {
  const redis = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * Everything the load bench runs against, each piece its own process: a fresh migrated `hub_bench_load_<random>`
 * database, two MLflow simulators, and `hub start` (API and job workers in one process) on real PostgreSQL and
 * Redis with a queue prefix of its own. Whatever was started before a failure is torn down before it rethrows.
 */
export async function startLoadEnvironment(shape: EnvironmentShape, log: (line: string) => void): Promise<LoadEnvironment> {
  const suffix = randomBytes(4).toString('hex');
  const databaseName = `hub_bench_load_${suffix}`;
  const queuePrefix = `{hub_bench_load_${suffix}}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  const dispose = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => log(`cleanup failed: ${error.message}`));
    cleanups.length = 0;
  };
  try {
    await adminQuery(`create database "${databaseName}"`);
    cleanups.push(() => adminQuery(`drop database if exists "${databaseName}" with (force)`));
    cleanups.push(() => deleteKeys(queuePrefix));
    const url = new URL(BENCH_ADMIN_URL);
    url.pathname = `/${databaseName}`;
    const databaseUrl = url.toString();
    const setup = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 1 });
    await migrate(setup);
    await setup.close();

    const versionsPerGovernedModel = 4;
    const [governed, estate] = await Promise.all([
      startChildSimulator('mlflow', {
        seed: 7,
        models: Math.ceil(shape.governedVersions / versionsPerGovernedModel),
        versionsPerModel: versionsPerGovernedModel,
        deployments: 0,
        credential: SIMULATOR_CREDENTIAL,
      }),
      startChildSimulator('mlflow', { seed: 11, models: shape.models, versionsPerModel: 10, deployments: shape.models * 2, credential: SIMULATOR_CREDENTIAL }),
    ]);
    cleanups.push(() => governed.close(), () => estate.close());
    log(`  simulators up: governed ${governed.url}, estate ${estate.url}`);

    const adminKey = `mh_bench_${randomBytes(16).toString('hex')}`;
    const hubEnv = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: BENCH_REDIS_URL,
      HUB_QUEUE_PREFIX: queuePrefix,
      HUB_SECRET_KEY: randomBytes(32).toString('hex'),
      HUB_BOOTSTRAP_ADMIN_KEY: adminKey,
      PORT: '0',
      // info: the readiness line; the hub logs nothing per request at this level, so the child's output stays small.
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
    };
    const hub = await startHubProcess('start', hubEnv);
    cleanups.push(() => {
      // BENCH_HUB_LOG=<file> keeps the hub's own log of the run, for diagnosing a failed bench.
      if (process.env.BENCH_HUB_LOG) writeFileSync(process.env.BENCH_HUB_LOG, hub.output());
      return hub.stop();
    });
    log(`  hub start (child process ${hub.child.pid}) listening at ${hub.url}`);
    const personWithKey = async (email: string, displayName: string, role: string) => {
      const args = ['keys', 'create', '--person', email, '--new-person', displayName, '--name', `${displayName} (load bench)`, '--role', role];
      const result = await runHubCommand(args, hubEnv, { timeoutMs: 120_000 });
      const key = /^(mh_\S+)$/m.exec(result.stdout)?.[1];
      if (result.code !== 0 || !key) throw new Error(`hub keys create for ${email} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
      return key;
    };
    return { databaseUrl, hub, hubUrl: hub.url!, adminKey, personWithKey, governed: { url: governed.url }, estate: { url: estate.url }, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
