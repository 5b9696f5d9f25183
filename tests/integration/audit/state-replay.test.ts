/**
 * The state replay against a real PostgreSQL: a governed flow through the service agrees with its trail; an insider's
 * direct edits of the tables (as the owner, bypassing the hub) are reported, and the scheduled reconciliation opens
 * a STATE_DIVERGES_FROM_AUDIT finding for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { createPgliteTestDatabase, createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import type { Db } from '../../../src/db/client.js';
import { findings } from '../../../src/db/schema/index.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { StateReplayService } from '../../../src/audit/state-replay.service.js';
import { GovernanceService } from '../../../src/governance/governance.service.js';
import { seedDefaultPolicies } from '../../../src/governance/policy.repository.js';
import { FindingsReconciler } from '../../../src/sync/findings.js';
import { StateDivergenceFindings } from '../../../src/sync/state-divergence-findings.js';
import { RecordingJobs, person, seedModel, seedSource, seedVersion, silentLogger } from '../governance/governance-fixtures.js';

describe('StateReplayService', () => {
  let tdb: TestDatabase;
  let db: Db;
  let replay: StateReplayService;
  let governance: GovernanceService;
  let sourceId: string;
  let modelId: string;
  const ds = person('dana', ['DATA_SCIENTIST']);
  const validator = person('vic', ['VALIDATOR']);
  const officer = person('rita', ['RISK_OFFICER']);

  beforeAll(async () => {
    tdb = await createPostgresTestDatabase();
    db = tdb.handle.db;
    await seedDefaultPolicies(db);
    replay = new StateReplayService({ db });
    governance = new GovernanceService({ db, audit: new AuditRecorder(), enqueueWriteBack: new RecordingJobs().enqueueWriteBack, logger: silentLogger, changeRequestTtlDays: 14 });
    sourceId = await seedSource(db);
    modelId = await seedModel(db, sourceId);
    await governance.setModelGovernance(modelId, { riskTier: 'LOW', accountableOwner: 'olga' }, officer);
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  /** A version moved DEVELOPMENT → VALIDATION through the hub: request, approval, applied. */
  async function governedToValidation(): Promise<{ versionId: string; requestId: string }> {
    const versionId = await seedVersion(db, { sourceId, modelId });
    const request = await governance.requestLifecycleTransition({ modelVersionId: versionId, toState: 'VALIDATION', justification: 'ready', evidence: [] }, ds);
    await governance.approveChangeRequest(request.id, 'looks good', validator);
    return { versionId, requestId: request.id };
  }

  describe('verify', () => {
    it('should find the state of a governed flow consistent with its trail', async () => {
      await governedToValidation();
      const result = await replay.verify();
      expect(result.divergences).toEqual([]);
      expect(result.consistent).toBe(true);
      expect(result.eventsReplayed).toBeGreaterThan(0);
    });

    it('should report a version set to PRODUCTION by a direct UPDATE that no applied request put there', async () => {
      const versionId = await seedVersion(db, { sourceId, modelId });
      expect((await replay.verify()).consistent).toBe(true);
      await db.execute(sql`update model_versions set lifecycle_state = 'PRODUCTION' where id = ${versionId}`);

      const result = await replay.verify();
      expect(result.consistent).toBe(false);
      expect(result.divergences).toContainEqual(
        expect.objectContaining({ entityKind: 'model_version', entityId: versionId, field: 'lifecycleState', audited: 'DEVELOPMENT', actual: 'PRODUCTION', sourceId }),
      );
      await db.execute(sql`update model_versions set lifecycle_state = 'DEVELOPMENT' where id = ${versionId}`);
    });

    it('should report an approval whose approver was edited directly', async () => {
      const { requestId } = await governedToValidation();
      expect((await replay.verify()).consistent).toBe(true);
      await db.execute(sql`update approvals set approver_id = 'mallory' where change_request_id = ${requestId}`);

      const result = await replay.verify();
      expect(result.divergences).toEqual([
        expect.objectContaining({ entityKind: 'approval', field: 'approverId', audited: 'vic', actual: 'mallory', sourceId }),
      ]);
      await db.execute(sql`update approvals set approver_id = 'vic' where change_request_id = ${requestId}`);
    });

    it('should report a policy, an owner and a request status edited directly, and a request the trail never saw', async () => {
      const { requestId } = await governedToValidation();
      await db.execute(sql`update policies set requirements = '[]'::jsonb where to_state = 'PRODUCTION' and risk_tier = 'HIGH'`);
      await db.execute(sql`update models set accountable_owner = 'mallory' where id = ${modelId}`);
      await db.execute(sql`update change_requests set status = 'REJECTED' where id = ${requestId}`);

      const fields = (await replay.verify()).divergences.map((d) => `${d.entityKind}.${d.field}`).sort();
      expect(fields).toEqual(['change_request.status', 'model.accountableOwner', 'policy.requirements']);
    });
  });

  describe('StateDivergenceFindings.reconcile', () => {
    it('should open STATE_DIVERGES_FROM_AUDIT for a direct state edit and resolve it once the state agrees again', async () => {
      const fresh = await createPostgresTestDatabase();
      try {
        const fdb = fresh.handle.db;
        const src = await seedSource(fdb);
        const model = await seedModel(fdb, src);
        const versionId = await seedVersion(fdb, { sourceId: src, modelId: model });
        const schedule = new StateDivergenceFindings({ db: fdb, replay: new StateReplayService({ db: fdb }), findings: new FindingsReconciler(new AuditRecorder()), logger: silentLogger, everyMs: 60_000 });
        const open = () => fdb.select().from(findings).where(and(eq(findings.kind, 'STATE_DIVERGES_FROM_AUDIT'), isNull(findings.resolvedAt)));

        await fdb.execute(sql`update model_versions set lifecycle_state = 'PRODUCTION' where id = ${versionId}`);
        expect(await open()).toEqual([]);
        const first = await schedule.reconcile();
        expect(first.opened).toBe(1);
        expect(await open()).toEqual([expect.objectContaining({ entityKind: 'version', entityId: versionId, sourceId: src, message: expect.stringContaining('PRODUCTION') })]);
        // Running again opens nothing twice.
        expect((await schedule.reconcile()).opened).toBe(0);

        await fdb.execute(sql`update model_versions set lifecycle_state = 'DEVELOPMENT' where id = ${versionId}`);
        expect((await schedule.reconcile()).resolved).toBe(1);
        expect(await open()).toEqual([]);
      } finally {
        await fresh.drop();
      }
    });

    it('should replay on the maintenance schedule only once its interval has passed', async () => {
      let now = 1_000_000;
      let runs = 0;
      const schedule = new StateDivergenceFindings({
        db,
        replay: { verify: async () => (runs++, { consistent: true, eventsReplayed: 0, unknownEvents: 0, lastSeq: 0, divergenceCount: 0, divergences: [], truncated: false, durationMs: 0 }) },
        findings: new FindingsReconciler(new AuditRecorder()),
        logger: silentLogger,
        everyMs: 60_000,
        now: () => now,
      });
      await schedule.reconcileIfDue();
      expect(runs).toBe(0);
      now += 60_000;
      await schedule.reconcileIfDue();
      await schedule.reconcileIfDue();
      expect(runs).toBe(1);
    });
  });

  describe('on the embedded default (PGlite)', () => {
    it('should replay through its cursor and report a direct state edit, one row a batch', async () => {
      const embedded = await createPgliteTestDatabase();
      try {
        const edb = embedded.handle.db;
        const src = await seedSource(edb);
        const versionId = await seedVersion(edb, { sourceId: src, modelId: await seedModel(edb, src) });
        await seedVersion(edb, { sourceId: src, modelId: await seedModel(edb, src) });
        const embeddedReplay = new StateReplayService({ db: edb });
        expect((await embeddedReplay.verify({ batchSize: 1 })).consistent).toBe(true);
        await edb.execute(sql`update model_versions set lifecycle_state = 'PRODUCTION' where id = ${versionId}`);
        const result = await embeddedReplay.verify({ batchSize: 1 });
        expect(result.divergences).toEqual([expect.objectContaining({ entityId: versionId, field: 'lifecycleState', actual: 'PRODUCTION' })]);
      } finally {
        await embedded.drop();
      }
    });
  });
});
