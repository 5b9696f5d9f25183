import { hostname } from 'node:os';
import type { ConnectorDeps } from '../../connectors/contract.js';
import { AuditRecorder } from '../audit/audit-recorder.js';
import { AuditService } from '../audit/audit.service.js';
import { FileCheckpointSink, LogCheckpointSink, WebhookCheckpointSink } from '../audit/checkpoint-sinks.js';
import { AuditCheckpointer } from '../audit/checkpointer.js';
import { ApiKeyService } from '../auth/api-key.service.js';
import { PeopleService } from '../people/people.service.js';
import { createAuthenticator } from '../auth/authenticate.js';
import { createSsoResolver } from '../auth/sso-identity.js';
import type { HubConfig } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { createGovernanceServices } from '../governance/governance-services.js';
import { seedDefaultPolicies } from '../governance/policy.repository.js';
import { WriteBackService } from '../governance/write-back.service.js';
import { WriteBackStatusReader } from '../governance/write-back-status.js';
import type { HubServices } from '../graphql/services.js';
import { InventoryReadService } from '../inventory/inventory-read.service.js';
import { InventoryWriter } from '../inventory/writer.js';
import { createJobHandlers } from '../jobs/handlers.js';
import { createJobRuntime } from '../jobs/job-runtime.js';
import { SCHEDULE_CHECK_EVERY_MS } from '../jobs/queues.js';
import type { JobDispatcher } from '../jobs/types.js';
import { ListingThreadPool } from '../listing-threads/listing-pool.js';
import { withListingInThreads } from '../listing-threads/threaded-listing.js';
import type { Logger } from '../logger.js';
import { HubMetrics } from '../observability/metrics.js';
import { OperationsService } from '../observability/operations.service.js';
import { registerStateGauges } from '../observability/state-gauges.js';
import { SourceService } from '../sources/source.service.js';
import { FindingsReconciler } from '../sync/findings.js';
import { StateDivergenceFindings } from '../sync/state-divergence-findings.js';
import { StateReplayService } from '../audit/state-replay.service.js';
import { DEFAULT_SYNC_OPTIONS, SyncService, type SyncServiceOptions } from '../sync/sync.service.js';
import { loadAuditSigner } from './audit-signing-key.js';
import { openStoredSecrets } from './stored-secrets.js';

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
  /** Signs audit checkpoints; null on PostgreSQL without HUB_AUDIT_SIGNING_KEY. */
  auditCheckpoints: AuditCheckpointer | null;
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
  await migrate(database, logger, config.databaseOwner);
  const { db } = database;
  const metrics = overrides.metrics ?? new HubMetrics();
  const audit = new AuditRecorder();
  const checkpoints = createCheckpointer(db, config, logger);
  const secrets = await openStoredSecrets(db, config.secrets, audit, logger);
  await seedDefaultPolicies(db);

  const jobs = await createJobRuntime({
    redis: config.redis,
    logger,
    metrics,
    concurrency: config.sync.workerConcurrency,
    lockDurationMs: overrides.worker?.lockDurationMs ?? config.sync.workerLockMs,
    stalledIntervalMs: overrides.worker?.stalledIntervalMs ?? config.sync.workerLockMs,
    scheduleCheckMs: overrides.worker?.scheduleCheckMs ?? SCHEDULE_CHECK_EVERY_MS,
  });
  const { dispatcher } = jobs;
  const listingThreads = new ListingThreadPool(config.sync.listingThreads, logger);

  const sources = new SourceService({
    db,
    secrets,
    scheduler: { schedule: (source) => dispatcher.scheduleSource(source), unschedule: (sourceId, vendor) => dispatcher.unscheduleSource(sourceId, vendor) },
    audit,
    logger,
    urlPolicy: { allowPrivate: config.sync.allowPrivateSourceUrls },
  });
  const apiKeys = new ApiKeyService({ db, audit, logger, breakGlass: config.auth.breakGlass });
  const enqueueWriteBack = (changeRequestId: string, notBefore?: Date) => dispatcher.enqueueWriteBack(changeRequestId, notBefore);
  const governance = createGovernanceServices({ db, audit, anchor: checkpoints ?? undefined, enqueueWriteBack, logger, changeRequestTtlDays: config.governance.changeRequestTtlDays });
  const writer = new InventoryWriter(db, { defaultMaxDeleteShare: config.sync.maxDeleteShare });
  const sync = new SyncService({
    db,
    writer,
    // Syncs list in the listing threads; the connection test and write-backs, single light requests, do not.
    loadConnector: async (sourceId, deps) => {
      const { source, connector, recipe } = await sources.loadConnector(sourceId, deps);
      return { source, connector: withListingInThreads(listingThreads, connector, recipe, deps) };
    },
    enqueueSync: (sourceId, vendor, trigger) => dispatcher.enqueueSync(sourceId, vendor, trigger),
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
  const queueDepths = () => dispatcher.queueDepths();
  const operations = new OperationsService({ db, queueDepths, nextRuns: () => dispatcher.nextRuns() });
  const people = new PeopleService({ db, audit });
  const services: HubServices = {
    inventory: new InventoryReadService(db),
    sources,
    apiKeys,
    governance,
    audit: new AuditService({ db, publicKeys: checkpoints ? [checkpoints.publicKeyPem] : [], checkpointDirs: [config.audit.checkpointDir] }),
    stateReplay: new StateReplayService({ db }),
    sync,
    operations,
    people,
    writeBackStatus: new WriteBackStatusReader(db),
  };
  registerStateGauges(metrics, db, queueDepths);
  const stateReplay = new StateDivergenceFindings({ db, replay: services.stateReplay, findings: new FindingsReconciler(audit), logger, everyMs: config.stateReplay?.everyMs ?? null });
  const handlers = createJobHandlers({ sync, writeBacks, governance: governance.expiry, stateReplay, auditCheckpoints: checkpoints ?? undefined, enqueueWriteBack, logger });

  return {
    config,
    database,
    services,
    jobs: dispatcher,
    metrics,
    logger,
    auditCheckpoints: checkpoints,
    authenticate: createAuthenticator({ apiKeys, oidc: config.auth.oidc, sso: createSsoResolver({ db, audit, linkByEmail: config.auth.oidc?.linkByEmail ?? false }) }),
    async startWorkers() {
      // Threads first: a worker is ready once it can list, and its first sync pays no thread start.
      await listingThreads.start();
      await jobs.startWorkers(handlers, sources);
    },
    pingQueue: () => jobs.ping(),
    async close() {
      await jobs.close();
      await checkpoints?.flush();
      listingThreads.close();
      await database.close();
    },
  };
}

/**
 * Signed audit checkpoints, written to the database, the file sink, the log and the webhook when configured. Null
 * (with a warning) on PostgreSQL without HUB_AUDIT_SIGNING_KEY: the chain then detects edits but not truncation.
 */
function createCheckpointer(db: DatabaseHandle['db'], config: Readonly<HubConfig>, logger: Logger): AuditCheckpointer | null {
  const signer = loadAuditSigner(config);
  if (!signer) {
    logger.warn('HUB_AUDIT_SIGNING_KEY is not set: no signed audit checkpoints, so truncating or re-hashing the audit chain would go unnoticed');
    return null;
  }
  const { checkpointDir, webhookUrl, checkpointEveryEvents, checkpointEveryMinutes } = config.audit;
  return new AuditCheckpointer({
    db,
    signer,
    sinks: [
      { sink: new FileCheckpointSink(checkpointDir, logger) },
      { sink: new LogCheckpointSink(logger) },
      ...(webhookUrl ? [{ sink: new WebhookCheckpointSink(webhookUrl, logger), background: true }] : []),
    ],
    logger,
    everyEvents: checkpointEveryEvents,
    everyMinutes: checkpointEveryMinutes,
  });
}
