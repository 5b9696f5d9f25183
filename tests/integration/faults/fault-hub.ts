import { randomBytes } from 'node:crypto';
import type { Vendor } from '../../../connectors/contract.js';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { parseConfig } from '../../../src/config.js';
import type { SourceRecord } from '../../../src/inventory/queries/records.js';
import { createLogger } from '../../../src/logger.js';
import { createHub, type Hub, type HubOverrides } from '../../../src/main/app.js';
import { startHttpServer, type HttpServer } from '../../../src/main/server.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { FAST_CONNECTOR_DEPS, deleteQueueKeys } from '../../helpers/hub.js';
import { startHubProcess, type HubProcess } from '../../helpers/processes.js';
import { TEST_REDIS_URL } from '../../helpers/services.js';

/**
 * A hub wired the way `hub start` wires it (createHub + startHttpServer) against infrastructure the fault test owns
 * (a dedicated PostgreSQL and/or Redis it restarts), instead of the shared services startTestHub uses.
 */
export interface FaultHub {
  hub: Hub;
  http: HttpServer | null;
  adminKey: string;
  env: Record<string, string>;
  addSource(vendor: Vendor, simulator: SimulatorHandle, options?: { scheduleSeconds?: number }): Promise<SourceRecord>;
  close(): Promise<void>;
}

export async function startFaultHub(env: Record<string, string>, options: { http?: boolean; overrides?: HubOverrides } = {}): Promise<FaultHub> {
  const adminKey = `mh_bootstrap_${randomBytes(16).toString('hex')}`;
  const fullEnv: Record<string, string> = {
    HUB_SECRET_KEY: randomBytes(32).toString('hex'),
    HUB_BOOTSTRAP_ADMIN_KEY: adminKey,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_POOL_SIZE: '5',
    ...env,
  };
  const config = parseConfig(fullEnv);
  const hub = await createHub(config, createLogger(config.log.level), { connectorDeps: FAST_CONNECTOR_DEPS, ...options.overrides });
  await hub.services.apiKeys.ensureBootstrapAdmin(adminKey);
  const http = options.http ? await startHttpServer(hub) : null;
  return {
    hub,
    http,
    adminKey,
    env: fullEnv,
    addSource(vendor, simulator, sourceOptions = {}) {
      const { settings, secret } = vendorSimulator(vendor).sourceFor(simulator, 'test-credential');
      return hub.services.sources.createSource(
        { vendor, name: `${vendor}-${randomBytes(3).toString('hex')}`, settings, secret, scheduleSeconds: sourceOptions.scheduleSeconds ?? 3600, enabled: true },
        { actor: systemPrincipal('test') },
      );
    },
    async close() {
      await http?.close();
      await hub.close();
    },
  };
}

/**
 * `hub worker` child processes and the in-test API side (sources, governance: a producer only) sharing a dedicated
 * test database and the test Redis under `prefix`, with the same secret key.
 */
export interface WorkerFleet {
  database: TestDatabase;
  test: FaultHub;
  workers: HubProcess[];
  /** Stops the workers (SIGTERM, SIGKILL after 5 s), the hub; drops the database and the queue keys. */
  close(): Promise<void>;
}

export async function startWorkerFleet(prefix: string, count: number, workerEnv: Record<string, string>): Promise<WorkerFleet> {
  const database = await createPostgresTestDatabase();
  const test = await startFaultHub({ DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, HUB_QUEUE_PREFIX: prefix });
  // Readiness is read from the log, so the workers log at info whatever the test hub uses.
  const workers = await Promise.all(Array.from({ length: count }, () => startHubProcess('worker', { ...test.env, LOG_LEVEL: 'info', ...workerEnv })));
  return {
    database,
    test,
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.stop(5_000)));
      await test.close();
      await database.drop();
      await deleteQueueKeys(prefix);
    },
  };
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
