/**
 * SourceService against a real PostgreSQL and a real MLflow simulator on loopback; the job layer is a recording fake
 * of the SyncScheduler it is given.
 */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { vendorSimulator } from '../../../connectors/registry/simulators.js';
import type { SimulatorHandle } from '../../../connectors/shared/simulator-kit.js';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { reencryptWithCurrentKey, SecretBox, verifyStoredSecrets } from '../../../src/auth/secret-box.js';
import { auditEvents, inventoryChanges, models, sources } from '../../../src/db/schema/index.js';
import { queryRows } from '../../../src/db/sql.js';
import { ConflictError, InputError, NotFoundError } from '../../../src/errors.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { createLogger } from '../../../src/logger.js';
import type { SourceSchedule, SyncScheduler } from '../../../src/sources/source-schedule.js';
import { SourceService } from '../../../src/sources/source.service.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';

const SECRET_TOKEN = 'sim-token-Zq81Distinctive';
const ctx = { actor: { id: 'operator-1', displayName: 'Olga', roles: ['OPERATOR' as const], personId: null, kind: 'jwt' as const } };

class RecordingJobs implements SyncScheduler {
  calls: Array<{ op: 'schedule'; schedule: SourceSchedule } | { op: 'unschedule'; sourceId: string }> = [];
  async schedule(schedule: SourceSchedule) {
    this.calls.push({ op: 'schedule', schedule });
  }
  async unschedule(sourceId: string) {
    this.calls.push({ op: 'unschedule', sourceId });
  }
}

describe('SourceService', () => {
  let database: TestDatabase;
  let jobs: RecordingJobs;
  let service: SourceService;
  let box: SecretBox;
  let simulator: SimulatorHandle;
  let logLines: string[];

  beforeAll(async () => {
    database = await createPostgresTestDatabase();
    simulator = await vendorSimulator('mlflow').start({ credential: SECRET_TOKEN, models: 2, versionsPerModel: 1, deployments: 1, seed: 7 });
    box = new SecretBox(randomBytes(32));
  });
  afterAll(async () => {
    await simulator.close();
    await database.drop();
  });
  beforeEach(() => {
    jobs = new RecordingJobs();
    logLines = [];
    const logger = createLogger('debug', { write: (line: string) => logLines.push(line) } as never);
    service = new SourceService({ db: database.handle.db, secrets: box, scheduler: jobs, audit: new AuditRecorder(), logger, urlPolicy: { allowPrivate: true } });
  });

  const mlflowInput = (name: string) => ({ vendor: 'mlflow', name, settings: { trackingUri: simulator.url }, secret: { token: SECRET_TOKEN }, scheduleSeconds: 900 });

  describe('createSource', () => {
    it('should store the source with an encrypted secret, audit it and schedule it', async () => {
      const row = await service.createSource(mlflowInput('mlflow-prod'), ctx);
      const [stored] = await database.handle.db.select().from(sources).where(eq(sources.id, row.id));
      expect(stored.secretCiphertext).toMatch(/^v1:/);
      expect(stored.secretCiphertext).not.toContain(SECRET_TOKEN);
      expect(row.secretUpdatedAt).toBeInstanceOf(Date);
      expect(jobs.calls).toEqual([{ op: 'schedule', schedule: { id: row.id, vendor: 'mlflow', scheduleSeconds: 900, enabled: true, lastRunAt: null } }]);
      const [event] = await database.handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, row.id));
      expect(event).toMatchObject({ action: 'source.created', actorId: 'operator-1', after: { name: 'mlflow-prod', secret: 'set' } });
      expect(JSON.stringify(event)).not.toContain(SECRET_TOKEN);
      expect(logLines.join('')).not.toContain(SECRET_TOKEN);
    });

    it('should name every invalid field and save nothing', async () => {
      const before = await database.handle.db.select().from(sources);
      const error = await service
        .createSource({ vendor: 'mlflow', name: '', settings: { trackingUri: 'ftp://x', pageSize: 5000, trackingUrl: 'typo' }, secret: { tokn: 'x' }, scheduleSeconds: 10 }, ctx)
        .then(() => { throw new Error('expected an InputError'); }, (e: InputError) => e);
      expect(error).toBeInstanceOf(InputError);
      const paths = error.problems.map((p) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['name', 'settings.trackingUri', 'settings.pageSize', 'secret', 'scheduleSeconds']));
      expect(await database.handle.db.select().from(sources)).toHaveLength(before.length);
      expect(jobs.calls).toEqual([]);
    });

    it('should name an unknown setting key', async () => {
      const error = await service.createSource({ ...mlflowInput('typo'), settings: { trackingUri: simulator.url, trackingUrl: 'x' } }, ctx).then(() => { throw new Error('expected an InputError'); }, (e: InputError) => e);
      expect(error.problems).toEqual([{ path: 'settings.trackingUrl', message: 'is not a MLflow setting' }]);
    });

    it('should refuse an unknown vendor by name', async () => {
      const error = await service.createSource({ ...mlflowInput('x'), vendor: 'kubeflow' }, ctx).then(() => { throw new Error('expected an InputError'); }, (e: InputError) => e);
      expect(error.problems[0].path).toBe('vendor');
    });

    it('should refuse a second source with the same name', async () => {
      await service.createSource(mlflowInput('dup'), ctx);
      await expect(service.createSource(mlflowInput('dup'), ctx)).rejects.toBeInstanceOf(ConflictError);
    });

    it('should refuse internal URLs when the policy forbids private addresses', async () => {
      const strict = new SourceService({ db: database.handle.db, secrets: box, scheduler: jobs, audit: new AuditRecorder(), logger: createLogger('silent'), urlPolicy: { allowPrivate: false } });
      const error = await strict.createSource({ ...mlflowInput('meta'), settings: { trackingUri: 'http://169.254.169.254/latest' } }, ctx).then(() => { throw new Error('expected an InputError'); }, (e: InputError) => e);
      expect(error.problems.map((p) => p.path)).toEqual(['settings.trackingUri']);
    });

    it('should store an env reference as the reference and refuse a literal secret without a key', async () => {
      const keyless = new SourceService({ db: database.handle.db, secrets: null, scheduler: jobs, audit: new AuditRecorder(), logger: createLogger('silent'), urlPolicy: { allowPrivate: true } });
      const row = await keyless.createSource({ ...mlflowInput('env-ref'), secret: 'env:HUB_TEST_MLFLOW_SECRET' }, ctx);
      const [stored] = await database.handle.db.select().from(sources).where(eq(sources.id, row.id));
      expect(stored.secretCiphertext).toBe('env:HUB_TEST_MLFLOW_SECRET');
      const error = await keyless.createSource(mlflowInput('no-key'), ctx).then(() => { throw new Error('expected an InputError'); }, (e: InputError) => e);
      expect(error.problems[0]).toMatchObject({ path: 'secret', message: expect.stringMatching(/HUB_SECRET_KEY/) });
    });
  });

  describe('updateSource', () => {
    it('should report only what changed and audit the secret as changed without its value', async () => {
      const row = await service.createSource(mlflowInput('upd'), ctx);
      jobs.calls = [];
      const change = await service.updateSource(row.id, { scheduleSeconds: 1800, secret: { token: 'another-Distinctive-token' } }, ctx);
      expect(change.changedFields.sort()).toEqual(['scheduleSeconds', 'secret']);
      expect(jobs.calls).toEqual([{ op: 'schedule', schedule: { id: row.id, vendor: 'mlflow', scheduleSeconds: 1800, enabled: true, lastRunAt: null } }]);
      const events = await database.handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, row.id));
      const updated = events.find((e) => e.action === 'source.updated')!;
      expect(updated.after).toEqual({ scheduleSeconds: 1800, secret: 'changed' });
      expect(JSON.stringify(events)).not.toContain('Distinctive');
    });

    it('should write nothing when the same values and the same secret are given again', async () => {
      const row = await service.createSource(mlflowInput('same'), ctx);
      const eventsBefore = await database.handle.db.select().from(auditEvents);
      const change = await service.updateSource(row.id, { settings: { trackingUri: simulator.url }, secret: { token: SECRET_TOKEN }, scheduleSeconds: 900 }, ctx);
      expect(change.changedFields).toEqual([]);
      expect(await database.handle.db.select().from(auditEvents)).toHaveLength(eventsBefore.length);
    });

    it('should unschedule a disabled source and reschedule it when enabled', async () => {
      const row = await service.createSource(mlflowInput('toggle'), ctx);
      jobs.calls = [];
      await service.setSourceEnabled(row.id, false, ctx);
      await service.setSourceEnabled(row.id, true, ctx);
      expect(jobs.calls.map((c) => c.op)).toEqual(['unschedule', 'schedule']);
      expect((await service.listSchedules()).map((s) => s.id)).toContain(row.id);
    });
  });

  describe('deleteSource', () => {
    it('should tombstone its inventory, erase its secret, stop its schedule and free its name', async () => {
      const row = await service.createSource(mlflowInput('doomed'), ctx);
      await database.handle.db.insert(models).values([
        { sourceId: row.id, externalId: 'm1', name: 'm1', contentHash: 'h1' },
        { sourceId: row.id, externalId: 'm2', name: 'm2', contentHash: 'h2' },
      ]);
      jobs.calls = [];
      const result = await service.deleteSource(row.id, ctx);
      expect(result.tombstoned).toBe(2);
      expect(jobs.calls).toEqual([{ op: 'unschedule', sourceId: row.id }]);
      const live = await queryRows<{ n: number }>(database.handle.db, sql`select count(*)::int as n from models where source_id = ${row.id} and deleted_at is null`);
      expect(live[0].n).toBe(0);
      expect(await database.handle.db.select().from(models).where(eq(models.sourceId, row.id))).toHaveLength(2);
      expect((await database.handle.db.select().from(inventoryChanges).where(eq(inventoryChanges.sourceId, row.id))).map((c) => c.change)).toEqual(['DELETED', 'DELETED']);
      const [stored] = await database.handle.db.select().from(sources).where(eq(sources.id, row.id));
      expect(stored.secretCiphertext).toBeNull();
      expect(await service.getSource(row.id)).toBeNull();
      expect((await service.listSchedules()).map((s) => s.id)).not.toContain(row.id);
      await expect(service.deleteSource(row.id, ctx)).rejects.toBeInstanceOf(NotFoundError);
      await service.createSource(mlflowInput('doomed'), ctx);
    });
  });

  describe('testSourceConnection', () => {
    it('should report a working connection through the real connector', async () => {
      const row = await service.createSource(mlflowInput('check-ok'), ctx);
      const verdict = await service.testSourceConnection(row.id);
      expect(verdict.ok).toBe(true);
      expect(JSON.stringify(verdict)).not.toContain(SECRET_TOKEN);
    });

    it('should report a rejected credential as a readable failed verdict', async () => {
      const row = await service.createSource({ ...mlflowInput('check-bad'), secret: { token: 'wrong-token' } }, ctx);
      const verdict = await service.testSourceConnection(row.id);
      expect(verdict.ok).toBe(false);
      expect(verdict.message.length).toBeGreaterThan(0);
    });

    it('should report a missing env variable without throwing', async () => {
      const row = await service.createSource({ ...mlflowInput('check-env'), secret: 'env:HUB_TEST_UNSET_VARIABLE' }, ctx);
      const verdict = await service.testSourceConnection(row.id);
      expect(verdict).toMatchObject({ ok: false, message: expect.stringContaining('HUB_TEST_UNSET_VARIABLE') });
    });

    it('should give up after the timeout when the vendor does not answer', async () => {
      const slow = new SourceService({ db: database.handle.db, secrets: box, scheduler: jobs, audit: new AuditRecorder(), logger: createLogger('silent'), urlPolicy: { allowPrivate: true }, checkTimeoutMs: 300 });
      const { createServer } = await import('node:http');
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      try {
        const row = await slow.createSource({ ...mlflowInput('check-slow'), settings: { trackingUri: `http://127.0.0.1:${port}` } }, ctx);
        const verdict = await slow.testSourceConnection(row.id);
        expect(verdict.ok).toBe(false);
      } finally {
        silent.closeAllConnections();
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });

  describe('loadConnector', () => {
    it('should build a connector whose listing reaches the vendor with the decrypted secret', async () => {
      const row = await service.createSource(mlflowInput('load'), ctx);
      const { connector } = await service.loadConnector(row.id, {});
      const batches = [];
      for await (const batch of connector.list(new AbortController().signal)) batches.push(batch);
      expect(batches.flatMap((b) => b.models)).toHaveLength(2);
    });

    it('should fail with a clear error when the stored secret was tampered with', async () => {
      const row = await service.createSource(mlflowInput('tampered'), ctx);
      const [stored] = await database.handle.db.select().from(sources).where(eq(sources.id, row.id));
      const parts = stored.secretCiphertext!.split(':');
      parts[4] = Buffer.from('garbage-garbage').toString('base64');
      await database.handle.db.update(sources).set({ secretCiphertext: parts.join(':') }).where(eq(sources.id, row.id));
      await expect(service.loadConnector(row.id, {})).rejects.toThrow(/integrity check/);
    });
  });
});

describe('verifyStoredSecrets / reencryptWithCurrentKey', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPostgresTestDatabase();
  });
  afterAll(() => database.drop());

  it('should refuse to start without the key or with a wrong key, name the sources and change nothing', async () => {
    const oldKey = randomBytes(32);
    const service = new SourceService({ db: database.handle.db, secrets: new SecretBox(oldKey), scheduler: new RecordingJobs(), audit: new AuditRecorder(), logger: createLogger('silent'), urlPolicy: { allowPrivate: true } });
    await service.createSource({ vendor: 'mlflow', name: 'keyed-a', settings: { trackingUri: 'http://127.0.0.1:1' }, secret: { token: SECRET_TOKEN } }, ctx);
    await service.createSource({ vendor: 'mlflow', name: 'keyed-b', settings: { trackingUri: 'http://127.0.0.1:1' }, secret: { token: SECRET_TOKEN } }, ctx);
    const snapshot = await database.handle.db.select().from(sources);

    await expect(verifyStoredSecrets(database.handle.db, null)).rejects.toThrow(/HUB_SECRET_KEY is not set.*keyed-a, keyed-b/);
    await expect(verifyStoredSecrets(database.handle.db, new SecretBox(randomBytes(32)))).rejects.toThrow(/opens none.*keyed-a, keyed-b.*Nothing was changed/);
    expect(await database.handle.db.select().from(sources)).toEqual(snapshot);

    const newKey = randomBytes(32);
    const rotating = new SecretBox(newKey, oldKey);
    expect((await verifyStoredSecrets(database.handle.db, rotating)).underPreviousKey).toEqual(['keyed-a', 'keyed-b']);
    expect(await reencryptWithCurrentKey(database.handle.db, rotating, new AuditRecorder(), systemPrincipal('test'))).toEqual(['keyed-a', 'keyed-b']);

    const onlyNew = new SecretBox(newKey);
    const report = await verifyStoredSecrets(database.handle.db, onlyNew);
    expect(report).toEqual({ sealed: 2, underPreviousKey: [], unreadable: [] });
    const rows = await database.handle.db.select().from(sources);
    for (const row of rows) expect(onlyNew.open(row.secretCiphertext!, row.id)).toEqual({ token: SECRET_TOKEN });
    const events = await database.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'source.secret_reencrypted'));
    expect(events).toHaveLength(2);
    expect(await new AuditRecorder().verify(database.handle.db)).toMatchObject({ valid: true });
  });
});
