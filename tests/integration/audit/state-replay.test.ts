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
import { createGovernanceServices, type GovernanceServices } from '../../../src/governance/governance-services.js';
import { seedDefaultPolicies } from '../../../src/governance/policy.repository.js';
import { FindingsReconciler } from '../../../src/sync/findings.js';
import { PeopleService } from '../../../src/people/people.service.js';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { testEmail } from '../../helpers/people.js';
import { queryRows } from '../../../src/db/sql.js';
import { StateDivergenceFindings } from '../../../src/sync/state-divergence-findings.js';
import { RecordingJobs, person, seedModel, seedSource, seedVersion, silentLogger } from '../governance/governance-fixtures.js';
import { accepted } from '../../helpers/governance.js';

describe('StateReplayService', () => {
  let tdb: TestDatabase;
  let db: Db;
  let replay: StateReplayService;
  let governance: GovernanceServices;
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
    governance = createGovernanceServices({ db, audit: new AuditRecorder(), enqueueWriteBack: new RecordingJobs().enqueueWriteBack, logger: silentLogger, changeRequestTtlDays: 14 });
    sourceId = await seedSource(db);
    modelId = await seedModel(db, sourceId);
    await governance.attributes.setModelGovernance(modelId, { riskTier: 'LOW', accountableOwner: 'olga' }, officer);
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  /** A version moved DEVELOPMENT → VALIDATION through the hub: request, approval, applied. */
  async function governedToValidation(): Promise<{ versionId: string; requestId: string }> {
    const versionId = await seedVersion(db, { sourceId, modelId });
    const request = await accepted(governance.changeRequests.requestLifecycleTransition({ modelVersionId: versionId, toState: 'VALIDATION', justification: 'ready', evidence: [] }, ds));
    await accepted(governance.decisions.approveChangeRequest(request.id, 'looks good', validator));
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

  describe('persons', () => {
    const people = () => new PeopleService({ db, audit: new AuditRecorder() });
    const ada = person('ada', ['ADMIN']);
    const abe = person('abe', ['ADMIN']);
    const personDivergences = async (id?: string) => (await replay.verify()).divergences.filter((d) => d.entityKind === 'person' && (id === undefined || d.entityId === id));

    /** Vic: created VIEWER by the hub, granted VALIDATOR through a control request a second ADMIN approved. */
    async function grantedValidator() {
      const vic = await people().createPerson({ email: testEmail('vic'), displayName: 'Vic', roles: ['VIEWER'] }, systemPrincipal('test'));
      const grant = await accepted(governance.controls.requestRoleGrant(vic.id, 'VALIDATOR', 'Joins model validation.', ada));
      expect((await accepted(governance.controls.decideControlRequest(grant.id, 'APPROVE', null, abe))).status).toBe('APPLIED');
      return vic;
    }

    it('should find roles granted through createPerson and a control request, and a deactivation, consistent', async () => {
      // (The tests above leave a policy, an owner and a request edited: only persons are looked at here.)
      const vic = await grantedValidator();
      const stored = await queryRows<{ roles: string[] }>(db, sql`select roles from persons where id = ${vic.id}`);
      expect(stored).toEqual([{ roles: ['VIEWER', 'VALIDATOR'] }]);
      expect(await personDivergences()).toEqual([]);
      await people().deactivatePerson(vic.id, systemPrincipal('test'));
      expect(await personDivergences()).toEqual([]);
    });

    it('should report ADMIN granted to a person by a direct UPDATE', async () => {
      const vic = await grantedValidator();
      await db.execute(sql`update persons set roles = roles || '{ADMIN}'::text[] where id = ${vic.id}`);

      const result = await replay.verify();
      expect(result.consistent).toBe(false);
      expect(await personDivergences(vic.id)).toEqual([
        expect.objectContaining({ field: 'roles', audited: ['VIEWER', 'VALIDATOR'], actual: ['VIEWER', 'VALIDATOR', 'ADMIN'], message: expect.stringContaining('ADMIN granted outside the hub') }),
      ]);
      // The scheduled reconciliation opens a finding on the person, and resolves it once the grant is undone.
      const schedule = new StateDivergenceFindings({ db, replay, findings: new FindingsReconciler(new AuditRecorder()), logger: silentLogger, everyMs: 60_000 });
      const openOnVic = () => db.select().from(findings).where(and(eq(findings.kind, 'STATE_DIVERGES_FROM_AUDIT'), eq(findings.entityId, vic.id), isNull(findings.resolvedAt)));
      await schedule.reconcile();
      expect(await openOnVic()).toEqual([expect.objectContaining({ entityKind: 'person', sourceId: null, message: expect.stringContaining('ADMIN granted outside the hub') })]);

      await db.execute(sql`update persons set roles = '{VIEWER,VALIDATOR}' where id = ${vic.id}`);
      expect(await personDivergences(vic.id)).toEqual([]);
      await schedule.reconcile();
      expect(await openOnVic()).toEqual([]);
    });

    it('should report a deactivated person reactivated by a direct UPDATE', async () => {
      const vic = await grantedValidator();
      await people().deactivatePerson(vic.id, systemPrincipal('test'));
      await db.execute(sql`update persons set active = true, deactivated_at = null where id = ${vic.id}`);

      expect(await personDivergences(vic.id)).toEqual([expect.objectContaining({ field: 'active', audited: false, actual: true })]);
      await db.execute(sql`update persons set active = false where id = ${vic.id}`);
    });

    it('should report an ADMIN person inserted directly, but not one the upgrade to people created for a key', async () => {
      const [inserted] = await queryRows<{ id: string }>(db, sql`insert into persons (email, display_name, roles) values (${testEmail('mallory')}, 'Mallory', '{ADMIN}') returning id`);
      expect(await personDivergences(inserted.id)).toEqual([expect.objectContaining({ field: 'row', actual: 'present', message: expect.stringContaining('never recorded') })]);
      await db.execute(sql`delete from persons where id = ${inserted.id}`);

      // Migration 0014 gave each existing key a placeholder person `<key prefix>@keys.invalid`, without an event.
      const [upgraded] = await queryRows<{ id: string }>(db, sql`insert into persons (email, display_name, roles) values ('abcd1234@keys.invalid', 'old key', '{VIEWER}') returning id`);
      await db.execute(sql`insert into api_keys (name, roles, prefix, key_hash, created_by, person_id) values ('old key', '{VIEWER}', 'ABCD1234', 'h', 'someone', ${upgraded.id})`);
      expect(await personDivergences(upgraded.id)).toEqual([]);
      await db.execute(sql`delete from api_keys where person_id = ${upgraded.id}`);
      await db.execute(sql`delete from persons where id = ${upgraded.id}`);
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
