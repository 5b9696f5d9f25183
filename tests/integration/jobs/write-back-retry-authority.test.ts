/**
 * The outbox is the one retry authority for write-backs, whichever job runner delivers them: a write-back that fails
 * at the vendor every time reaches the vendor exactly the outbox's maxAttempts times (the HTTP client and the job
 * runner add no retries of their own), and a BullMQ job lost from Redis is not a lost write-back: the sweep queues the
 * due outbox row again. Real PostgreSQL, real Redis, the real MLflow connector against its simulator over loopback.
 */
import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_REQUEST_TAG } from '../../../connectors/mlflow/write-back.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import type { Db } from '../../../src/db/client.js';
import { models, modelVersions } from '../../../src/db/schema/index.js';
import { createGovernanceServices, type GovernanceServices } from '../../../src/governance/governance-services.js';
import { WriteBackService } from '../../../src/governance/write-back.service.js';
import { createJobHandlers, type JobHandlers } from '../../../src/jobs/handlers.js';
import { createJobRuntime, type JobRuntime } from '../../../src/jobs/job-runtime.js';
import { WRITEBACK_QUEUE } from '../../../src/jobs/queues.js';
import { HubMetrics } from '../../../src/observability/metrics.js';
import { FAST_CONNECTOR_DEPS, deleteQueueKeys, startTestHub, type TestHub } from '../../helpers/hub.js';
import { TEST_REDIS_URL } from '../../helpers/services.js';
import { person, requestWithWriteBack, silentLogger } from '../governance/governance-fixtures.js';
import { waitFor } from './job-fixtures.js';
import { accepted } from '../../helpers/governance.js';

const MAX_ATTEMPTS = 3;
/** Longer than the wait the job runner does in-job (1 s): each attempt is a delayed job of its own. */
const BACKOFF_MS = 1_200;

/** A job runtime (BullMQ or in-process) delivering write-backs through the real outbox and the real connectors. */
interface Delivery {
  runtime: JobRuntime;
  handlers: JobHandlers;
  governance: GovernanceServices;
  prefix: string | null;
}

describe('write-back retry authority', () => {
  let test: TestHub;
  let db: Db;
  const opened: Delivery[] = [];

  beforeAll(async () => {
    test = await startTestHub();
    db = test.database.handle.db;
  }, 120_000);
  afterAll(async () => {
    for (const delivery of opened) {
      await delivery.runtime.close();
      if (delivery.prefix) await deleteQueueKeys(delivery.prefix);
    }
    await test?.close();
  });

  async function startDelivery(runner: 'bullmq' | 'in-process', options: { backoffMs?: number } = {}): Promise<Delivery> {
    const prefix = runner === 'bullmq' ? `{wbtest-${randomBytes(4).toString('hex')}}` : null;
    const runtime = await createJobRuntime({
      redis: prefix ? { url: TEST_REDIS_URL, prefix } : null,
      logger: test.hub.logger,
      metrics: new HubMetrics(),
      concurrency: 2,
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      scheduleCheckMs: 60_000,
    });
    const enqueueWriteBack = (id: string, notBefore?: Date) => runtime.dispatcher.enqueueWriteBack(id, notBefore);
    const audit = new AuditRecorder();
    const governance = createGovernanceServices({ db, audit, enqueueWriteBack, logger: silentLogger, changeRequestTtlDays: 14 });
    const writeBacks = new WriteBackService({
      db,
      audit,
      logger: silentLogger,
      loadConnector: (sourceId) => test.hub.services.sources.loadConnector(sourceId, { ...FAST_CONNECTOR_DEPS, logger: test.hub.logger }),
      maxAttempts: MAX_ATTEMPTS,
      backoffMs: () => options.backoffMs ?? BACKOFF_MS,
    });
    // The sweep's other duties (abandoned runs, expiry) are not under test: small fakes of our own interfaces.
    const sync = { runJob: async () => { throw new Error('no syncs in this suite'); }, sweep: async () => ({ abandoned: [] }) } as never;
    const handlers = createJobHandlers({ sync, writeBacks, governance: governance.expiry, enqueueWriteBack, logger: test.hub.logger });
    await runtime.startWorkers(handlers, { listSchedules: async () => [], getSchedule: async () => null });
    const delivery = { runtime, handlers, governance, prefix };
    opened.push(delivery);
    return delivery;
  }

  /** An MLflow source synced once, and an applied request on one of its versions (which queues its write-back). */
  async function appliedRequest(governance: GovernanceServices, arrange: (simulator: SimulatorHandle) => void): Promise<{ id: string; simulator: SimulatorHandle }> {
    const { source, simulator } = await test.addSimulatorSource('mlflow', { models: 0, deployments: 0, enabled: false });
    simulator.store.addModel({ name: `scorer-${randomBytes(3).toString('hex')}`, versions: 1 });
    expect((await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' })).status).not.toBe('skipped');
    const [version] = await db.select().from(modelVersions).where(eq(modelVersions.sourceId, source.id)).orderBy(asc(modelVersions.versionNumber));
    await db.update(models).set({ riskTier: 'LOW' }).where(eq(models.id, version.modelId!));
    arrange(simulator);
    const request = await accepted(governance.changeRequests.requestLifecycleTransition(
      { modelVersionId: version.id, toState: 'VALIDATION', justification: 'test', evidence: [] },
      person('dana', ['DATA_SCIENTIST']),
    ));
    expect((await accepted(governance.decisions.approveChangeRequest(request.id, null, person('vic', ['VALIDATOR'])))).status).toBe('APPLIED');
    return { id: request.id, simulator };
  }

  describe.each(['bullmq', 'in-process'] as const)('with the %s runner', (runner) => {
    it('should call a permanently failing vendor exactly maxAttempts times, then report FAILED', async () => {
      const { governance } = await startDelivery(runner);
      // Every vendor request answers 503; the HTTP client alone would try each one six times (FAST_CONNECTOR_DEPS).
      const { id, simulator } = await appliedRequest(governance, (sim) => sim.faults.set({ failEveryRequest: true }));

      const failed = await waitFor('the write-back to fail for good', async () => {
        const request = await requestWithWriteBack(db, id);
        return request.writeBackStatus === 'FAILED' ? request : undefined;
      }, 30_000);
      // Let a stray retry (HTTP client or job runner) show itself before counting.
      await new Promise((resolve) => setTimeout(resolve, 3 * BACKOFF_MS + 500));

      expect(simulator.faults.requestCount).toBe(MAX_ATTEMPTS);
      expect(failed).toMatchObject({ writeBackAttempts: MAX_ATTEMPTS, writeBackMessage: expect.stringMatching(/^Gave up after 3 attempts: /) });
      expect(simulator.store.writeBacks).toEqual([]);
    });
  });

  describe('with the bullmq runner', () => {
    it('should deliver a write-back whose delayed job was removed from Redis once the sweep runs', async () => {
      // A backoff long enough to find the delayed job in Redis and remove it before it is due.
      const { handlers, governance, prefix } = await startDelivery('bullmq', { backoffMs: 2_000 });
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      const queue = new Queue(WRITEBACK_QUEUE, { connection: redis, prefix: prefix! });
      try {
        // The first vendor request fails once: the first attempt ends RETRY and queues the next as a delayed job.
        const { id, simulator } = await appliedRequest(governance, (sim) => sim.faults.set({ failRequestNumbers: [1] }));
        const delayed = await waitFor('the next attempt to wait in Redis', async () => (await queue.getDelayed()).find((job) => job.data.changeRequestId === id), 10_000, 50);
        await delayed.remove();

        // Lost: its due time passes and nothing calls the vendor again.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        expect(simulator.faults.requestCount).toBe(1);
        expect(await requestWithWriteBack(db, id)).toMatchObject({ writeBackStatus: 'PENDING', writeBackAttempts: 1 });

        // The maintenance sweep (every minute in production; run now) queues the due outbox row again.
        await handlers.maintenance();
        const done = await waitFor('the swept write-back to be delivered', async () => {
          const request = await requestWithWriteBack(db, id);
          return request.writeBackStatus === 'DONE' ? request : undefined;
        }, 15_000);
        expect(done.writeBackAttempts).toBe(2);
        const completions = simulator.store.writeBacks.filter((w) => (w.payload as { key?: string }).key === CHANGE_REQUEST_TAG);
        expect(completions).toHaveLength(1);
      } finally {
        await queue.close();
        redis.disconnect();
      }
    });
  });
});
