import { hostname } from 'node:os';
import type { ConnectorDeps } from '../../connectors/contract.js';
import { ApiKeyService } from '../auth/api-key.service.js';
import { createAuthenticator } from '../auth/authenticate.js';
import { SecretBox, reencryptWithCurrentKey, verifyStoredSecrets } from '../auth/secret-box.js';
import type { HubConfig } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { AuditRecorder } from '../audit/audit-recorder.js';
import { AuditService } from '../audit/audit.service.js';
import { GovernanceService } from '../governance/governance.service.js';
import { seedDefaultPolicies } from '../governance/policy.repository.js';
import { WriteBackService } from '../governance/write-back.service.js';
import type { HubServices } from '../graphql/services.js';
import { InventoryReadService } from '../inventory/inventory-read.service.js';
import { InventoryWriter } from '../inventory/writer.js';
import { ListingThreadPool } from '../listing-threads/listing-pool.js';
import { withListingInThreads } from '../listing-threads/threaded-listing.js';
import type { BullMqWorkerPool } from '../jobs/bullmq.js';
import { createJobHandlers } from '../jobs/handlers.js';
import { ALL_QUEUES, SCHEDULE_CHECK_EVERY_MS } from '../jobs/queues.js';
import { InProcessJobRunner } from '../jobs/in-process.js';
import type { JobDispatcher } from '../jobs/types.js';
import type { Logger } from '../logger.js';
import { HubMetrics } from '../observability/metrics.js';
import { OperationsService } from '../observability/operations.service.js';
import { registerStateGauges } from '../observability/state-gauges.js';
import { SourceService } from '../sources/source.service.js';
import { FindingsReconciler } from '../sync/findings.js';
import { DEFAULT_SYNC_OPTIONS, SyncService, type SyncServiceOptions } from '../sync/sync.service.js';

/**
 * The composition root shared by every command: opens storage, migrates, wires services and the job layer.
 * `hub serve` uses the services without job workers, `hub worker` the workers without HTTP, `hub start` both.
 */
export interface Hub {
  config: Readonly<HubConfig>;
  database: DatabaseHandle;
  services: HubServices;
  jobs: JobDispatcher;
  metrics: HubMetrics;
  logger: Logger;
  authenticate: ReturnType<typeof createAuthenticator>;
  /**
   * Starts the listing threads, then consumes jobs (BullMQ workers, or the in-process runner's timers) and registers
   * every source's schedule.
   */
  startWorkers(): Promise<void>;
  /** Pings Redis when configured (readiness). */
  pingQueue(): Promise<void>;
  close(): Promise<void>;
}

export interface HubOverrides {
  /** Connector overrides (tests: short retries). */
  connectorDeps?: Partial<ConnectorDeps>;
  sync?: Partial<SyncServiceOptions>;
  /**
   * BullMQ lock/stalled intervals (tests shorten them to see stalled-job recovery quickly), and how often a running
   * worker checks Redis's schedules (tests shorten it to see them repaired).
   */
  worker?: { lockDurationMs?: number; stalledIntervalMs?: number; scheduleCheckMs?: number };
  metrics?: HubMetrics;
}

export async function createHub(config: Readonly<HubConfig>, logger: Logger, overrides: HubOverrides = {}): Promise<Hub> {
  const database = await openDatabase(config.database, logger);
  try {
    return await wireHub(database, config, logger, overrides);
  } catch (error) {
    // A hub that cannot start leaves nothing open (and the embedded database unlocked).
    await database.close().catch(() => undefined);
    throw error;
  }
}

async function wireHub(database: DatabaseHandle, config: Readonly<HubConfig>, logger: Logger, overrides: HubOverrides): Promise<Hub> {
  await migrate(database, logger);
  const { db } = database;
  const metrics = overrides.metrics ?? new HubMetrics();
  const audit = new AuditRecorder();
  const secrets = config.secrets.key ? new SecretBox(config.secrets.key, config.secrets.previousKey) : null;
  // Refuse to start when stored secrets cannot be opened with the configured key: clear error, nothing modified.
  const secretsReport = await verifyStoredSecrets(db, secrets);
  if (secretsReport.unreadable.length > 0) {
    logger.warn({ sources: secretsReport.unreadable }, 'some source secrets cannot be opened with the configured keys; those sources will fail until their secret is set again');
  }
  if (secrets && secretsReport.underPreviousKey.length > 0) {
    // Key rotation: re-encrypt under HUB_SECRET_KEY what is still under HUB_SECRET_KEY_PREVIOUS (audited).
    const rotated = await reencryptWithCurrentKey(db, secrets, audit);
    logger.info({ sources: rotated }, 'source secrets re-encrypted under the current key');
  }
  await seedDefaultPolicies(db);

  // BullMQ and ioredis are loaded only where Redis is configured: the in-process runner needs neither.
  const bullmq = config.redis ? await import('../jobs/bullmq.js') : null;
  const bull = bullmq && config.redis ? new bullmq.BullMqDispatcher({ url: config.redis.url, prefix: config.redis.prefix, logger, metrics }) : null;
  const inProcess = bull ? null : new InProcessJobRunner(logger);
  const jobs: JobDispatcher = bull ?? inProcess!;

  const listingThreads = new ListingThreadPool(config.sync.listingThreads, logger);
  const sources = new SourceService({
    db,
    secrets,
    jobs,
    audit,
    logger,
    urlPolicy: { allowPrivate: config.sync.allowPrivateSourceUrls },
  });
  const apiKeys = new ApiKeyService({ db, audit, logger });
  const governance = new GovernanceService({ db, audit, jobs, logger, changeRequestTtlDays: config.governance.changeRequestTtlDays });
  const writer = new InventoryWriter(db, { defaultMaxDeleteShare: config.sync.maxDeleteShare });
  const sync = new SyncService({
    db,
    writer,
    // Syncs list in the listing threads; the connection test and write-backs, single light requests, do not.
    loadConnector: async (sourceId, deps) => {
      const { source, connector, recipe } = await sources.loadConnector(sourceId, deps);
      return { source, connector: withListingInThreads(listingThreads, connector, recipe, deps) };
    },
    jobs: () => jobs,
    audit,
    findings: new FindingsReconciler(audit),
    logger,
    metrics,
    workerId: `${hostname()}:${process.pid}`,
    options: {
      ...DEFAULT_SYNC_OPTIONS,
      // A killed BullMQ worker's job is redelivered after the lock expires and fails its own stale run at once (same
      // job id); the staleness threshold only covers runs nobody redelivers, so it can be generous: a live run under
      // heavy load must never be declared dead.
      staleRunMs: Math.max(60_000, 4 * config.sync.workerLockMs),
      maxDeleteShare: config.sync.maxDeleteShare, staleSourceHours: config.sync.staleSourceHours, connectorDeps: overrides.connectorDeps, ...overrides.sync },
  });
  const writeBacks = new WriteBackService({
    db,
    audit,
    logger,
    loadConnector: (sourceId) => sources.loadConnector(sourceId, { logger, ...overrides.connectorDeps }),
    publicUrl: config.publicUrl,
  });
  const services: HubServices = { inventory: new InventoryReadService(db), sources, apiKeys, governance, audit: new AuditService({ db }), sync, operations: new OperationsService({ db, jobs }) };
  registerStateGauges(metrics, db, jobs);

  let pool: BullMqWorkerPool | null = null;
  let scheduleCheck: NodeJS.Timeout | null = null;
  let checking: Promise<void> | null = null;
  const handlers = createJobHandlers({ sync, writeBacks, governance, enqueueWriteBack: (id) => jobs.enqueueWriteBack(id), logger });

  return {
    config,
    database,
    services,
    jobs,
    metrics,
    logger,
    authenticate: createAuthenticator({ apiKeys, oidc: config.auth.oidc }),
    async startWorkers() {
      // Threads first: a worker is ready once it can list, and its first sync pays no thread start.
      await listingThreads.start();
      if (bullmq && bull && config.redis) {
        pool = new bullmq.BullMqWorkerPool({
          url: config.redis.url,
          prefix: config.redis.prefix,
          logger,
          metrics,
          handlers,
          concurrency: config.sync.workerConcurrency,
          lockDurationMs: config.sync.workerLockMs,
          stalledIntervalMs: config.sync.workerLockMs,
          ...overrides.worker,
        });
        pool.start();
        // Idempotent: restarts neither duplicate schedulers nor pull their next tick forward.
        const schedules = await bull.reconcileSchedules(sources);
        await bull.ensureMaintenanceSchedule();
        // Logged once schedules are reconciled: supervisors and tests take it as "ready".
        logger.info({ queues: ALL_QUEUES, concurrency: config.sync.workerConcurrency, worker: pool.workerName, schedules }, 'job workers started');
        // The same reconciliation while running: schedules live only in Redis, and a Redis that came back empty would
        // otherwise sync nothing until the next worker start.
        const checkSchedules = async () => {
          try {
            const repaired = await bull.reconcileSchedules(sources);
            await bull.ensureMaintenanceSchedule();
            if (repaired.registered + repaired.removed > 0) logger.warn(repaired, 'job schedules in Redis did not match the sources table; repaired');
          } catch (error) {
            logger.warn({ err: (error as Error).message }, 'could not check the job schedules in Redis; trying again at the next check');
          }
        };
        scheduleCheck = setInterval(() => {
          checking ??= checkSchedules().finally(() => (checking = null));
        }, overrides.worker?.scheduleCheckMs ?? SCHEDULE_CHECK_EVERY_MS);
        scheduleCheck.unref();
      } else {
        inProcess!.start(handlers);
        for (const schedule of await sources.listSchedules()) await inProcess!.scheduleSource(schedule);
      }
    },
    async pingQueue() {
      if (bull) await bull.ping();
    },
    async close() {
      if (scheduleCheck) clearInterval(scheduleCheck);
      await checking;
      await pool?.close();
      await jobs.close();
      listingThreads.close();
      await database.close();
    },
  };
}
