import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import type { Db } from '../../../src/db/client.js';
import { auditEvents, modelVersions, writeBackOutbox } from '../../../src/db/schema/index.js';
import { toGlobalId } from '../../../src/global-id.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { WriteBackService } from '../../../src/governance/write-back.service.js';
import { AuthenticationError, ConnectorError, emptyBatch, type Connector, type LifecycleWriteBack, type WriteBackOutcome } from '../../../connectors/contract.js';
import { governanceFor, person, seedModel, seedSource, seedVersion, silentLogger, TestClock, requestWithWriteBack } from './governance-fixtures.js';
import { accepted } from '../../helpers/governance.js';

/** An in-memory Connector (a fake of our own interface) whose write-back replays scripted results. */
class FakeConnector implements Connector {
  readonly vendor = 'mlflow' as const;
  readonly calls: LifecycleWriteBack[] = [];
  readonly succeeded: LifecycleWriteBack[] = [];
  constructor(private readonly script: Array<Error | WriteBackOutcome> = []) {}
  async *list() {
    yield emptyBatch();
  }
  async check() {
    return { ok: true, message: 'fake' };
  }
  async applyLifecycle(change: LifecycleWriteBack): Promise<WriteBackOutcome> {
    this.calls.push(change);
    const next = this.script.shift() ?? { status: 'DONE', message: 'alias production set' };
    if (next instanceof Error) throw next;
    this.succeeded.push(change);
    return next;
  }
}

/** The same fake without applyLifecycle: a vendor that cannot take write-backs. */
class ReadOnlyConnector implements Connector {
  readonly vendor = 'domino' as const;
  async *list() {
    yield emptyBatch();
  }
  async check() {
    return { ok: true, message: 'fake' };
  }
}

const validator = person('val-1', ['VALIDATOR']);
const ds = person('ds-1', ['DATA_SCIENTIST']);
const throttled = () => new ConnectorError('503 from vendor', 'mlflow', 503, true);

describe('WriteBackService', () => {
  let tdb: TestDatabase;
  let db: Db;
  let clock: TestClock;
  let sourceId: string;
  let governance: Awaited<ReturnType<typeof governanceFor>>['service'];

  beforeAll(async () => {
    tdb = await createPostgresTestDatabase();
    db = tdb.handle.db;
    clock = new TestClock();
    ({ service: governance } = await governanceFor(db, clock));
    sourceId = await seedSource(db);
  });
  afterAll(async () => {
    await tdb.drop();
  });

  /** An applied DEVELOPMENT → VALIDATION request, i.e. one outbox row waiting. */
  async function appliedRequest(): Promise<string> {
    const modelId = await seedModel(db, sourceId, { riskTier: 'LOW' });
    const versionId = await seedVersion(db, { sourceId, modelId });
    const request = await accepted(governance.changeRequests.requestLifecycleTransition({ modelVersionId: versionId, toState: 'VALIDATION', justification: 'ready', evidence: [] }, ds));
    await accepted(governance.decisions.approveChangeRequest(request.id, null, validator));
    return request.id;
  }

  function serviceWith(connector: Connector, options: { maxAttempts?: number; workerId?: string; leaseMs?: number; now?: () => Date } = {}) {
    return new WriteBackService({
      db,
      audit: new AuditRecorder(),
      loadConnector: async (id) => {
        expect(id).toBe(sourceId);
        return { connector };
      },
      logger: silentLogger,
      leaseMs: 60_000,
      backoffMs: (attempts) => attempts * 10_000,
      now: clock.now,
      ...options,
    });
  }

  const requestRow = (id: string) => requestWithWriteBack(db, id);

  describe('deliver', () => {
    it('should call the vendor once, mark the request DONE and never deliver it again', async () => {
      const id = await appliedRequest();
      const connector = new FakeConnector();
      const service = serviceWith(connector);
      expect(await service.deliver(id)).toBe('DONE');
      expect(await service.deliver(id)).toBe('SKIPPED');
      expect(connector.calls).toHaveLength(1);
      // The request as the API names it: the id changeRequest(id:) and node(id:) accept.
      expect(connector.calls[0]).toMatchObject({ changeRequestRef: toGlobalId('ChangeRequest', id), changeRequestUrl: null, fromState: 'DEVELOPMENT', toState: 'VALIDATION' });
      expect(connector.calls[0].summary).toContain('val-1');
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'DONE', writeBackAttempts: 1, writeBackMessage: 'alias production set' });
      const events = await db.select().from(auditEvents).where(eq(auditEvents.entityId, id));
      expect(events.map((e) => e.action)).toContain('write_back.done');
    });

    it('should record UNSUPPORTED when the connector has no write-back', async () => {
      const id = await appliedRequest();
      expect(await serviceWith(new ReadOnlyConnector()).deliver(id)).toBe('UNSUPPORTED');
      expect((await requestRow(id)).writeBackStatus).toBe('UNSUPPORTED');
    });

    it('should retry a retryable failure after its backoff and succeed with exactly one successful vendor call', async () => {
      const id = await appliedRequest();
      const connector = new FakeConnector([throttled()]);
      const service = serviceWith(connector);
      expect(await service.deliver(id)).toBe('RETRY');
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'PENDING', writeBackAttempts: 1, writeBackMessage: '503 from vendor' });
      expect(await service.deliver(id)).toBe('SKIPPED');
      expect(await service.pendingDue()).not.toContain(id);
      clock.advance(10_000);
      expect(await service.pendingDue()).toContain(id);
      expect(await service.deliver(id)).toBe('DONE');
      expect(connector.calls).toHaveLength(2);
      expect(connector.succeeded).toHaveLength(1);
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'DONE', writeBackAttempts: 2 });
    });

    it('should give up as FAILED with the reason after the last attempt', async () => {
      const id = await appliedRequest();
      const connector = new FakeConnector([throttled(), throttled()]);
      const service = serviceWith(connector, { maxAttempts: 2 });
      expect(await service.deliver(id)).toBe('RETRY');
      clock.advance(10_000);
      expect(await service.deliver(id)).toBe('FAILED');
      expect((await requestRow(id)).writeBackMessage).toBe('Gave up after 2 attempts: 503 from vendor');
      clock.advance(3_600_000);
      expect(await service.deliver(id)).toBe('SKIPPED');
      expect(connector.calls).toHaveLength(2);
    });

    it('should fail at once on a non-retryable error', async () => {
      const id = await appliedRequest();
      const service = serviceWith(new FakeConnector([new AuthenticationError('token rejected (401)', 'mlflow', 401)]));
      expect(await service.deliver(id)).toBe('FAILED');
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'FAILED', writeBackMessage: 'token rejected (401)' });
    });

    it("should leave a live worker's claim alone and take over once a crashed worker's lease lapses", async () => {
      const id = await appliedRequest();
      // A worker claimed the row and died before recording anything.
      await db
        .update(writeBackOutbox)
        .set({ status: 'IN_PROGRESS', claimedBy: 'dead-worker', claimedUntil: new Date(clock.now().getTime() + 60_000), attempts: 1 })
        .where(eq(writeBackOutbox.changeRequestId, id));
      const connector = new FakeConnector();
      const service = serviceWith(connector, { workerId: 'rescuer' });
      expect(await service.deliver(id)).toBe('SKIPPED');
      expect(connector.calls).toHaveLength(0);
      clock.advance(60_001);
      expect(await service.pendingDue()).toContain(id);
      expect(await service.deliver(id)).toBe('DONE');
      expect(connector.succeeded).toHaveLength(1);
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'DONE', writeBackAttempts: 2 });
    });

    it('should not record over a claim another worker took after this one’s lease lapsed', async () => {
      const id = await appliedRequest();
      const slow: Connector = {
        vendor: 'mlflow',
        list: async function* () {
          yield emptyBatch();
        },
        check: async () => ({ ok: true, message: 'fake' }),
        applyLifecycle: async () => {
          // While this call is in flight the lease lapses and another worker claims the row.
          clock.advance(60_001);
          await db.update(writeBackOutbox).set({ claimedBy: 'other-worker' }).where(eq(writeBackOutbox.changeRequestId, id));
          return { status: 'DONE', message: 'late' };
        },
      };
      const service = serviceWith(slow, { workerId: 'slow-worker' });
      expect(await service.deliver(id)).toBe('SKIPPED');
      expect((await requestRow(id)).writeBackStatus).toBe('PENDING');
    });
  });

  describe('deliver, when a request replaced the PRODUCTION version', () => {
    /** An applied request promoting a new version over the model's PRODUCTION one: two outbox rows. */
    async function appliedReplacement(): Promise<{ id: string; champion: string; successor: string }> {
      const modelId = await seedModel(db, sourceId, { riskTier: 'LOW' });
      const champion = await seedVersion(db, { sourceId, modelId, state: 'PRODUCTION', version: '1' });
      const successor = await seedVersion(db, { sourceId, modelId, state: 'APPROVED', version: '2' });
      const request = await accepted(governance.changeRequests.requestLifecycleTransition({ modelVersionId: successor, toState: 'PRODUCTION', justification: 'better', evidence: [], replacesVersionId: champion }, ds));
      await accepted(governance.decisions.approveChangeRequest(request.id, null, validator));
      return { id: request.id, champion, successor };
    }
    const externalIdOf = async (versionId: string) => (await db.select().from(modelVersions).where(eq(modelVersions.id, versionId)))[0].externalId;
    const rowsOf = (id: string) => db.select().from(writeBackOutbox).where(eq(writeBackOutbox.changeRequestId, id)).orderBy(asc(writeBackOutbox.position));

    it("should hold the champion's retirement back until its successor's promotion is delivered, then deliver both", async () => {
      const { id, champion, successor } = await appliedReplacement();
      const connector = new FakeConnector([throttled()]);
      const service = serviceWith(connector);

      expect(await service.deliver(id)).toBe('RETRY');
      expect(connector.calls.map((c) => c.toState)).toEqual(['PRODUCTION']);
      // Due by its own next_attempt_at, the retirement still waits for the row before it.
      expect(await service.pendingDue()).not.toContain(id);
      expect(await service.deliver(id)).toBe('SKIPPED');
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'PENDING', writeBackAttempts: 1 });

      clock.advance(10_000);
      expect(await service.pendingDue()).toContain(id);
      expect(await service.deliver(id)).toBe('DONE');
      expect(connector.succeeded).toEqual([
        expect.objectContaining({ versionExternalId: await externalIdOf(successor), fromState: 'APPROVED', toState: 'PRODUCTION', replacedBy: null }),
        expect.objectContaining({ versionExternalId: await externalIdOf(champion), fromState: 'PRODUCTION', toState: 'RETIRED', replacedBy: await externalIdOf(successor) }),
      ]);
      expect((await rowsOf(id)).map((r) => [r.modelVersionId, r.status])).toEqual([
        [successor, 'DONE'],
        [champion, 'DONE'],
      ]);
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'DONE', writeBackAttempts: 3, writeBackMessage: 'alias production set\nalias production set' });
      clock.advance(3_600_000);
      expect(await service.deliver(id)).toBe('SKIPPED');
      expect(connector.calls).toHaveLength(3);
    });

    it('should still deliver the retirement after the promotion failed for good, and report the request FAILED', async () => {
      const { id } = await appliedReplacement();
      const connector = new FakeConnector([new AuthenticationError('token rejected (401)', 'mlflow', 401), { status: 'DONE', message: 'tagged RETIRED' }]);
      expect(await serviceWith(connector).deliver(id)).toBe('FAILED');
      expect(connector.calls.map((c) => c.toState)).toEqual(['PRODUCTION', 'RETIRED']);
      expect((await rowsOf(id)).map((r) => r.status)).toEqual(['FAILED', 'DONE']);
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'FAILED', writeBackMessage: 'token rejected (401)\ntagged RETIRED' });
    });

    it('should report UNSUPPORTED when the vendor applied one change and could not take the other', async () => {
      const { id } = await appliedReplacement();
      const connector = new FakeConnector([{ status: 'UNSUPPORTED', message: 'no deployment to switch' }, { status: 'DONE', message: 'nothing to deactivate' }]);
      expect(await serviceWith(connector).deliver(id)).toBe('UNSUPPORTED');
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'UNSUPPORTED', writeBackAttempts: 2 });
    });
  });

  describe('lease', () => {
    // Real time here: the lease is renewed by a timer while the vendor call runs.
    const realTime = { leaseMs: 300, now: () => new Date() };
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    /** A connector whose write-back waits until released (or until its signal aborts), recording how it ended. */
    function heldConnector() {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const held = { release, aborted: null as string | null, calls: 0 };
      const connector: Connector = {
        vendor: 'mlflow',
        list: async function* () {
          yield emptyBatch();
        },
        check: async () => ({ ok: true, message: 'fake' }),
        applyLifecycle: async (_change, signal) => {
          held.calls += 1;
          await new Promise<void>((resolve, reject) => {
            void released.then(resolve);
            signal.addEventListener('abort', () => {
              held.aborted = (signal.reason as Error).message;
              reject(signal.reason);
            });
          });
          return { status: 'DONE', message: 'applied after a long call' };
        },
      };
      return { held, connector };
    }

    it('should keep its claim through a vendor call that outlasts the lease, so no other worker calls the vendor meanwhile', async () => {
      const id = await appliedRequest();
      const { held, connector } = heldConnector();
      const eager = new FakeConnector();
      // A lease long enough that a loaded machine's timer and query delays cannot eat half of it between renewals.
      const lease = { ...realTime, leaseMs: 1_500 };
      const delivering = serviceWith(connector, { ...lease, workerId: 'slow-but-alive' }).deliver(id);
      const other = serviceWith(eager, { ...lease, workerId: 'eager' });
      // Four leases long: without renewal the claim would have lapsed three times over.
      for (let i = 0; i < 12; i++) {
        await sleep(500);
        expect(await other.deliver(id)).toBe('SKIPPED');
      }
      held.release();

      expect(await delivering).toBe('DONE');
      expect(eager.calls).toHaveLength(0);
      expect(held.aborted).toBeNull();
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'DONE', writeBackAttempts: 1 });
    });

    it('should stop its vendor call as soon as another worker holds the claim, and record nothing over it', async () => {
      const id = await appliedRequest();
      const { held, connector } = heldConnector();
      const delivering = serviceWith(connector, { ...realTime, workerId: 'losing' }).deliver(id);
      await sleep(50);
      // The claim passes to another worker (this one was judged gone); the next renewal finds it lost.
      await db.update(writeBackOutbox).set({ claimedBy: 'other-worker' }).where(eq(writeBackOutbox.changeRequestId, id));

      expect(await delivering).toBe('SKIPPED');
      expect(held.aborted).toMatch(/claim was lost to another worker/);
      expect(await requestRow(id)).toMatchObject({ writeBackStatus: 'PENDING' });
      expect((await db.select().from(writeBackOutbox).where(eq(writeBackOutbox.changeRequestId, id)))[0]).toMatchObject({ status: 'IN_PROGRESS', claimedBy: 'other-worker' });
    });
  });

  it('should leave a verifiable audit chain', async () => {
    expect(await new AuditRecorder().verify(db)).toMatchObject({ valid: true, firstBrokenSeq: null });
  });
});
