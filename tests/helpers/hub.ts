import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ConnectorDeps, Vendor } from '../../connectors/contract.js';
import { vendorSimulator } from '../../connectors/registry/simulators.js';
import type { SimulatorHandle, SimulatorOptions } from '../../connectors/shared/simulator-kit.js';
import { systemPrincipal } from '../../src/auth/principal.js';
import { parseConfig } from '../../src/config.js';
import type { SourceRecord } from '../../src/inventory/queries/records.js';
import { createLogger } from '../../src/logger.js';
import { createHub, type Hub, type HubOverrides } from '../../src/main/app.js';
import { startHttpServer, type HttpServer } from '../../src/main/server.js';
import { createPostgresTestDatabase, type TestDatabase } from './db.js';
import { TEST_REDIS_URL } from './services.js';

/** Short vendor retries so fault tests take milliseconds, not minutes. */
export const FAST_CONNECTOR_DEPS: Partial<ConnectorDeps> = { retry: { attempts: 6, baseDelayMs: 5, maxDelayMs: 50 }, timeoutMs: 5_000 };

export interface TestHub {
  hub: Hub;
  database: TestDatabase;
  /** Set when started with `http: true`. */
  http: HttpServer | null;
  /** Unique BullMQ prefix of this hub (when `redis: true`). */
  queuePrefix: string | null;
  env: Record<string, string>;
  /** Starts a vendor simulator and registers a source pointing at it. */
  addSimulatorSource(vendor: Vendor, options?: SimulatorOptions & SourceOptions): Promise<{ source: SourceRecord; simulator: SimulatorHandle }>;
  /** Registers a source pointing at a simulator that is already running (e.g. one shared by two hubs). */
  addSourceFor(vendor: Vendor, simulator: SimulatorHandle, options?: SourceOptions & { credential?: string }): Promise<SourceRecord>;
  close(): Promise<void>;
}

interface SourceOptions {
  name?: string;
  scheduleSeconds?: number;
  enabled?: boolean;
}

/** A real hub (real PostgreSQL; real Redis when asked) built in-process the way `hub start` builds it. */
export async function startTestHub(options: { redis?: boolean; http?: boolean; overrides?: HubOverrides; env?: Record<string, string>; logDestination?: NodeJS.WritableStream } = {}): Promise<TestHub> {
  const database = await createPostgresTestDatabase();
  const queuePrefix = options.redis ? `{hubtest-${randomBytes(4).toString('hex')}}` : null;
  const env: Record<string, string> = {
    DATABASE_URL: database.url!,
    HUB_SECRET_KEY: randomBytes(32).toString('hex'),
    HUB_BOOTSTRAP_ADMIN_KEY: `mh_bootstrap_${randomBytes(16).toString('hex')}`,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(queuePrefix ? { REDIS_URL: TEST_REDIS_URL, HUB_QUEUE_PREFIX: queuePrefix } : {}),
    ...options.env,
  };
  const config = parseConfig(env);
  const hub = await createHub(config, createLogger(config.log.level, options.logDestination), { connectorDeps: FAST_CONNECTOR_DEPS, ...options.overrides });
  await hub.services.apiKeys.ensureBootstrapAdmin(config.auth.bootstrapAdminKey);
  const http = options.http ? await startHttpServer(hub) : null;
  const simulators: SimulatorHandle[] = [];

  const testHub: TestHub = {
    hub,
    database,
    http,
    queuePrefix,
    env,
    async addSimulatorSource(vendor, simulatorOptions = {}) {
      const credential = simulatorOptions.credential ?? 'test-credential';
      const simulator = await vendorSimulator(vendor).start({ ...simulatorOptions, credential });
      simulators.push(simulator);
      return { source: await testHub.addSourceFor(vendor, simulator, { ...simulatorOptions, credential }), simulator };
    },
    async addSourceFor(vendor, simulator, sourceOptions = {}) {
      const { settings, secret } = vendorSimulator(vendor).sourceFor(simulator, sourceOptions.credential ?? 'test-credential');
      return hub.services.sources.createSource(
        {
          vendor,
          name: sourceOptions.name ?? `${vendor}-${randomBytes(3).toString('hex')}`,
          settings,
          secret,
          scheduleSeconds: sourceOptions.scheduleSeconds ?? 3600,
          enabled: sourceOptions.enabled ?? true,
        },
        { actor: systemPrincipal('test') },
      );
    },
    async close() {
      await http?.close();
      await hub.close();
      await Promise.all(simulators.map((s) => s.close()));
      await database.drop();
      if (queuePrefix) await deleteQueueKeys(queuePrefix);
    },
  };
  return testHub;
}

/** Removes every Redis key of one test hub's queues (the suite leaves no queues behind). */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
