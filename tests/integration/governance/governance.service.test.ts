import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { openDatabase, type Db } from '../../../src/db/client.js';
import { approvals, auditEvents, changeRequests, findings, writeBackOutbox } from '../../../src/db/schema/index.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { createGovernanceServices, type GovernanceServices } from '../../../src/governance/governance-services.js';
import { LIFECYCLE_STATES, checkTransition } from '../../../src/governance/lifecycle.js';
import {
  governanceFor,
  openUngovernedFinding,
  person,
  requestWithWriteBack,
  seedModel,
  seedSource,
  seedVersion,
  silentLogger,
  versionState,
  type RecordingJobs,
  type TestClock,
} from './governance-fixtures.js';
import { accepted } from '../../helpers/governance.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? `uncoded: ${(error as Error).message}`;
  }
  return 'NO_ERROR';
}

const ds = person('ds-1', ['DATA_SCIENTIST'], 'Dana Scientist');
const validator = person('val-1', ['VALIDATOR'], 'Vic Validator');
const validator2 = person('val-2', ['VALIDATOR'], 'Vera Validator');
const risk = person('risk-1', ['RISK_OFFICER'], 'Rita Risk');
const risk2 = person('risk-2', ['RISK_OFFICER'], 'Rob Risk');
const admin = person('admin-1', ['ADMIN'], 'Ada Admin');
const evidence = [{ title: 'Validation report', url: 'https://wiki.example.com/val/42' }];

describe('GovernanceServices', () => {
  let tdb: TestDatabase;
  let db: Db;
  let service: GovernanceServices;
  let jobs: RecordingJobs;
  let clock: TestClock;
  let sourceId: string;

  beforeAll(async () => {
    tdb = await createPostgresTestDatabase();
    db = tdb.handle.db;
    ({ service, jobs, clock } = await governanceFor(db));
    sourceId = await seedSource(db);
  });
  afterAll(async () => {
    await tdb.drop();
  });

  async function versionIn(state: string, modelAttrs: { riskTier?: string | null; accountableOwner?: string | null } = { riskTier: 'LOW' }, createdBy: string | null = null) {
    const modelId = await seedModel(db, sourceId, modelAttrs);
    const versionId = await seedVersion(db, { sourceId, modelId, state, createdBy });
    return { modelId, versionId };
  }

  const open = (modelVersionId: string, toState: (typeof LIFECYCLE_STATES)[number], extra: { replacesVersionId?: string } = {}) =>
    accepted(service.changeRequests.requestLifecycleTransition({ modelVersionId, toState, justification: 'Ready for the next step.', evidence, ...extra }, ds));

  describe('setModelGovernance', () => {
    it('should set the risk tier, business unit and owner and audit only what changed', async () => {
      const { modelId } = await versionIn('DEVELOPMENT', {});
      const updated = await service.attributes.setModelGovernance(modelId, { riskTier: 'HIGH', businessUnit: ' Retail ', accountableOwner: 'owner@corp.example' }, risk);
      expect(updated).toMatchObject({ riskTier: 'HIGH', businessUnit: 'Retail', accountableOwner: 'owner@corp.example' });
      await service.attributes.setModelGovernance(modelId, { riskTier: 'HIGH', businessUnit: null }, risk);
      const events = await db.select().from(auditEvents).where(and(eq(auditEvents.entityId, modelId), eq(auditEvents.action, 'model.governance_updated')));
      expect(events.map((e) => e.after)).toEqual([
        { riskTier: 'HIGH', businessUnit: 'Retail', accountableOwner: 'owner@corp.example', accountableOwnerPersonId: null },
        { businessUnit: null },
      ]);
    });

    it('should refuse a DATA_SCIENTIST with ROLE_REQUIRED', async () => {
      const { modelId } = await versionIn('DEVELOPMENT', {});
      expect(await codeOf(service.attributes.setModelGovernance(modelId, { riskTier: 'LOW' }, ds))).toBe('ROLE_REQUIRED');
    });
  });

  describe('requestLifecycleTransition', () => {
    it('should open a PENDING request with the policy snapshotted, its expiry and an audit event', async () => {
      const { versionId } = await versionIn('APPROVED', { riskTier: 'CRITICAL' });
      const request = await open(versionId, 'PRODUCTION');
      expect(request).toMatchObject({ status: 'PENDING', fromState: 'APPROVED', toState: 'PRODUCTION', requesterId: ds.id, evidence });
      expect(request.policySnapshot).toMatchObject({ riskTier: 'CRITICAL', requirements: [{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 2 }] });
      expect(request.expiresAt.getTime() - clock.now().getTime()).toBe(14 * 86_400_000);
      const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.entityId, request.id), eq(auditEvents.action, 'change_request.opened')));
      expect(event.actorId).toBe(ds.id);
    });

    it('should refuse every transition the lifecycle does not allow with INVALID_TRANSITION', async () => {
      for (const from of LIFECYCLE_STATES) {
        for (const to of LIFECYCLE_STATES) {
          if (checkTransition(from, to).ok) continue;
          const { versionId } = await versionIn(from, { riskTier: 'LOW' });
          expect(await codeOf(open(versionId, to)), `${from} -> ${to}`).toBe('INVALID_TRANSITION');
        }
      }
    });

    it('should refuse APPROVED and PRODUCTION for an unclassified model with RISK_TIER_REQUIRED', async () => {
      const toApproved = await versionIn('VALIDATION', { riskTier: null });
      const toProduction = await versionIn('APPROVED', { riskTier: null });
      expect(await codeOf(open(toApproved.versionId, 'APPROVED'))).toBe('RISK_TIER_REQUIRED');
      expect(await codeOf(open(toProduction.versionId, 'PRODUCTION'))).toBe('RISK_TIER_REQUIRED');
      const toValidation = await versionIn('DEVELOPMENT', { riskTier: null });
      expect((await open(toValidation.versionId, 'VALIDATION')).status).toBe('PENDING');
    });

    it('should allow one open request per version with REQUEST_ALREADY_OPEN', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      await open(versionId, 'VALIDATION');
      expect(await codeOf(open(versionId, 'RETIRED'))).toBe('REQUEST_ALREADY_OPEN');
    });

    it('should refuse a VALIDATOR as requester with ROLE_REQUIRED', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const attempt = accepted(service.changeRequests.requestLifecycleTransition({ modelVersionId: versionId, toState: 'VALIDATION', justification: 'x', evidence: [] }, validator));
      expect(await codeOf(attempt)).toBe('ROLE_REQUIRED');
    });

    it('should refuse evidence that is not an http(s) link', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const attempt = accepted(service.changeRequests.requestLifecycleTransition(
        { modelVersionId: versionId, toState: 'VALIDATION', justification: 'x', evidence: [{ title: 'report', url: 'javascript:alert(1)' }] },
        ds,
      ));
      expect(await codeOf(attempt)).toBe('BAD_USER_INPUT');
    });

    it('should keep the policy a request was opened under after an ADMIN edits it', async () => {
      const { versionId } = await versionIn('APPROVED', { riskTier: 'LOW' });
      const request = await open(versionId, 'PRODUCTION');
      await service.policies.updatePolicy({ toState: 'PRODUCTION', riskTier: 'LOW', requirements: [{ role: 'VALIDATOR', count: 2 }] }, admin);
      const applied = await accepted(service.decisions.approveChangeRequest(request.id, 'ok', validator));
      expect(applied.status).toBe('APPLIED');
      // Back to one VALIDATOR loosens the policy: a second person (a RISK_OFFICER) must approve it.
      const back = { toState: 'PRODUCTION' as const, riskTier: 'LOW' as const, requirements: [{ role: 'VALIDATOR' as const, count: 1 }] };
      expect(await codeOf(service.policies.updatePolicy(back, admin))).toBe('FOUR_EYES_REQUIRED');
      const revert = await accepted(service.controls.requestPolicyChange(back, 'Two validators were for the audit week only.', admin));
      expect((await accepted(service.controls.decideControlRequest(revert.id, 'APPROVE', null, risk))).status).toBe('APPLIED');
    });
  });

  describe('approveChangeRequest', () => {
    it('should refuse the requester with SELF_APPROVAL, even an ADMIN requester', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const request = await accepted(service.changeRequests.requestLifecycleTransition({ modelVersionId: versionId, toState: 'VALIDATION', justification: 'x', evidence: [] }, admin));
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, admin)))).toBe('SELF_APPROVAL');
    });

    it('should refuse a second slot for the same person with DUPLICATE_APPROVER', async () => {
      const { versionId } = await versionIn('APPROVED', { riskTier: 'HIGH' });
      const request = await open(versionId, 'PRODUCTION');
      const both = person('both-1', ['VALIDATOR', 'RISK_OFFICER']);
      await accepted(service.decisions.approveChangeRequest(request.id, 'validated', both));
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, 'and as risk officer', both)))).toBe('DUPLICATE_APPROVER');
    });

    it("should refuse the model's accountable owner as VALIDATOR with OWNER_CANNOT_VALIDATE, matching the display name case-insensitively", async () => {
      const { versionId } = await versionIn('DEVELOPMENT', { riskTier: 'LOW', accountableOwner: 'VIC VALIDATOR' });
      const request = await open(versionId, 'VALIDATION');
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, validator)))).toBe('OWNER_CANNOT_VALIDATE');
    });

    it("should refuse the version's creator as VALIDATOR with OWNER_CANNOT_VALIDATE", async () => {
      const { versionId } = await versionIn('DEVELOPMENT', { riskTier: 'LOW' }, 'val-2');
      const request = await open(versionId, 'VALIDATION');
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, validator2)))).toBe('OWNER_CANNOT_VALIDATE');
      expect((await accepted(service.decisions.approveChangeRequest(request.id, null, validator))).status).toBe('APPLIED');
    });

    it('should refuse an approver without a role the open slots need with ROLE_REQUIRED', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const request = await open(versionId, 'VALIDATION');
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, risk)))).toBe('ROLE_REQUIRED');
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, person('viewer', ['VIEWER']))))).toBe('ROLE_REQUIRED');
    });

    it('should refuse a second VALIDATOR when the only VALIDATOR slot is filled with NO_OPEN_SLOT', async () => {
      const { versionId } = await versionIn('APPROVED', { riskTier: 'HIGH' });
      const request = await open(versionId, 'PRODUCTION');
      await accepted(service.decisions.approveChangeRequest(request.id, null, validator));
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, validator2)))).toBe('NO_OPEN_SLOT');
    });

    it('should apply a HIGH-risk promotion only when the VALIDATOR and the RISK_OFFICER have both approved', async () => {
      const { versionId } = await versionIn('APPROVED', { riskTier: 'HIGH' });
      const findingId = await openUngovernedFinding(db, sourceId, versionId);
      const request = await open(versionId, 'PRODUCTION');
      const afterFirst = await accepted(service.decisions.approveChangeRequest(request.id, 'metrics fine', validator));
      expect(afterFirst.status).toBe('PENDING');
      expect(await versionState(db, versionId)).toBe('APPROVED');
      const applied = await accepted(service.decisions.approveChangeRequest(request.id, 'risk accepted', risk));
      // The write-back status lives on the outbox rows: read the request as the API shows it.
      expect({ ...applied, ...(await requestWithWriteBack(db, request.id)) }).toMatchObject({ status: 'APPLIED', writeBackStatus: 'PENDING' });
      expect(await versionState(db, versionId)).toBe('PRODUCTION');
      expect(await db.select().from(writeBackOutbox).where(eq(writeBackOutbox.changeRequestId, request.id))).toHaveLength(1);
      expect(jobs.enqueued).toContain(request.id);
      const [finding] = await db.select().from(findings).where(eq(findings.id, findingId));
      expect(finding.resolvedAt).not.toBeNull();
      const actions = (await db.select({ action: auditEvents.action, entityId: auditEvents.entityId }).from(auditEvents)).filter((e) => [request.id, versionId, findingId].includes(e.entityId)).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['change_request.applied', 'model_version.lifecycle_changed', 'finding.resolved']));
    });

    it('should need two RISK_OFFICERs for a CRITICAL promotion', async () => {
      const { versionId } = await versionIn('APPROVED', { riskTier: 'CRITICAL' });
      const request = await open(versionId, 'PRODUCTION');
      await accepted(service.decisions.approveChangeRequest(request.id, null, validator));
      expect((await accepted(service.decisions.approveChangeRequest(request.id, null, risk))).status).toBe('PENDING');
      expect((await accepted(service.decisions.approveChangeRequest(request.id, null, risk2))).status).toBe('APPLIED');
    });

    it('should retire the replaced champion in the same change', async () => {
      const modelId = await seedModel(db, sourceId, { riskTier: 'LOW' });
      const champion = await seedVersion(db, { sourceId, modelId, state: 'PRODUCTION' });
      const challenger = await seedVersion(db, { sourceId, modelId, state: 'APPROVED' });
      const request = await open(challenger, 'PRODUCTION', { replacesVersionId: champion });
      await accepted(service.decisions.approveChangeRequest(request.id, null, validator));
      expect(await versionState(db, challenger)).toBe('PRODUCTION');
      expect(await versionState(db, champion)).toBe('RETIRED');
    });

    it('should close the request SUPERSEDED when the version changed state meanwhile, never applying it', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const request = await open(versionId, 'VALIDATION');
      await db.execute(`update model_versions set lifecycle_state = 'RETIRED' where id = '${versionId}'` as never);
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, validator)))).toBe('REQUEST_SUPERSEDED');
      expect((await service.reads.getChangeRequest(request.id))?.status).toBe('SUPERSEDED');
      expect(await versionState(db, versionId)).toBe('RETIRED');
      expect(await db.select().from(approvals).where(eq(approvals.changeRequestId, request.id))).toHaveLength(0);
    });

    it('should close the request SUPERSEDED when the version was tombstoned', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const request = await open(versionId, 'VALIDATION');
      await db.execute(`update model_versions set deleted_at = now() where id = '${versionId}'` as never);
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, validator)))).toBe('REQUEST_SUPERSEDED');
      expect(await versionState(db, versionId)).toBe('DEVELOPMENT');
    });
  });

  describe('rejectChangeRequest', () => {
    it('should require a comment and then close the request REJECTED', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const request = await open(versionId, 'VALIDATION');
      expect(await codeOf(accepted(service.decisions.rejectChangeRequest(request.id, '  ', validator)))).toBe('BAD_USER_INPUT');
      const rejected = await accepted(service.decisions.rejectChangeRequest(request.id, 'No validation report attached.', validator));
      expect(rejected).toMatchObject({ status: 'REJECTED', statusReason: 'No validation report attached.' });
      expect(await versionState(db, versionId)).toBe('DEVELOPMENT');
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, validator2)))).toBe('REQUEST_NOT_PENDING');
    });

    it('should refuse the requester with SELF_APPROVAL', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const request = await open(versionId, 'VALIDATION');
      expect(await codeOf(accepted(service.decisions.rejectChangeRequest(request.id, 'never mind', ds)))).toBe('SELF_APPROVAL');
    });
  });

  describe('cancelChangeRequest', () => {
    it('should let the requester cancel and then refuse decisions with REQUEST_NOT_PENDING', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const request = await open(versionId, 'VALIDATION');
      expect(await codeOf(accepted(service.changeRequests.cancelChangeRequest(request.id, validator)))).toBe('NOT_REQUESTER');
      expect((await accepted(service.changeRequests.cancelChangeRequest(request.id, ds))).status).toBe('CANCELLED');
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, validator)))).toBe('REQUEST_NOT_PENDING');
      expect((await open(versionId, 'VALIDATION')).status).toBe('PENDING');
    });

    it('should let an ADMIN cancel someone else’s request', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const request = await open(versionId, 'VALIDATION');
      expect((await accepted(service.changeRequests.cancelChangeRequest(request.id, admin))).status).toBe('CANCELLED');
    });
  });

  describe('expireDueRequests', () => {
    it('should close requests past their expiry as EXPIRED and refuse late approvals with REQUEST_EXPIRED', async () => {
      const a = await versionIn('DEVELOPMENT');
      const b = await versionIn('DEVELOPMENT');
      const swept = await open(a.versionId, 'VALIDATION');
      const late = await open(b.versionId, 'VALIDATION');
      clock.advance(15 * 86_400_000);
      try {
        expect(await service.expiry.expireDueRequests()).toBeGreaterThanOrEqual(1);
        expect((await service.reads.getChangeRequest(swept.id))?.status).toBe('EXPIRED');
        // `late` was also swept; the check under lock covers a request the sweeper has not reached yet.
        await db.update(changeRequests).set({ status: 'PENDING' }).where(eq(changeRequests.id, late.id));
        expect(await codeOf(accepted(service.decisions.approveChangeRequest(late.id, null, validator)))).toBe('REQUEST_EXPIRED');
        expect((await service.reads.getChangeRequest(late.id))?.status).toBe('EXPIRED');
        expect(await versionState(db, b.versionId)).toBe('DEVELOPMENT');
      } finally {
        clock.advance(-15 * 86_400_000);
      }
    });
  });

  describe('concurrency', () => {
    it('should apply exactly once when 50 validators approve the same slot at once', async () => {
      const wide = await openDatabase({ kind: 'postgres', url: tdb.url!, poolSize: 12 });
      try {
        const wideService = createGovernanceServices({ db: wide.db, audit: new AuditRecorder(), enqueueWriteBack: jobs.enqueueWriteBack, logger: silentLogger, changeRequestTtlDays: 14, now: clock.now });
        const { versionId } = await versionIn('DEVELOPMENT');
        const request = await open(versionId, 'VALIDATION');
        const approvers = Array.from({ length: 50 }, (_, i) => person(`racer-${i}`, ['VALIDATOR']));
        const results = await Promise.allSettled(approvers.map((p) => accepted(wideService.decisions.approveChangeRequest(request.id, null, p))));
        const ok = results.filter((r) => r.status === 'fulfilled');
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason.code);
        expect(ok).toHaveLength(1);
        expect(new Set(refused)).toEqual(new Set(['REQUEST_NOT_PENDING']));
        expect(await db.select().from(approvals).where(eq(approvals.changeRequestId, request.id))).toHaveLength(1);
        expect(await db.select().from(writeBackOutbox).where(eq(writeBackOutbox.changeRequestId, request.id))).toHaveLength(1);
        const applied = await db.select().from(auditEvents).where(and(eq(auditEvents.entityId, request.id), eq(auditEvents.action, 'change_request.applied')));
        expect(applied).toHaveLength(1);
        expect(await versionState(db, versionId)).toBe('VALIDATION');
      } finally {
        await wide.close();
      }
    });

    it('should yield exactly one outcome when approval and cancellation race', async () => {
      const wide = await openDatabase({ kind: 'postgres', url: tdb.url!, poolSize: 6 });
      try {
        const wideService = createGovernanceServices({ db: wide.db, audit: new AuditRecorder(), enqueueWriteBack: jobs.enqueueWriteBack, logger: silentLogger, changeRequestTtlDays: 14, now: clock.now });
        for (let round = 0; round < 8; round++) {
          const { versionId } = await versionIn('DEVELOPMENT');
          const request = await open(versionId, 'VALIDATION');
          const [approve, cancel] = await Promise.allSettled([
            accepted(wideService.decisions.approveChangeRequest(request.id, null, validator)),
            accepted(wideService.changeRequests.cancelChangeRequest(request.id, ds)),
          ]);
          expect([approve.status, cancel.status].sort()).toEqual(['fulfilled', 'rejected']);
          const loser = (approve.status === 'rejected' ? approve : cancel) as PromiseRejectedResult;
          expect(loser.reason.code).toBe('REQUEST_NOT_PENDING');
          const final = (await service.reads.getChangeRequest(request.id))!;
          const state = await versionState(db, versionId);
          if (final.status === 'APPLIED') expect(state).toBe('VALIDATION');
          else expect([final.status, state]).toEqual(['CANCELLED', 'DEVELOPMENT']);
          const outbox = await db.select().from(writeBackOutbox).where(eq(writeBackOutbox.changeRequestId, request.id));
          expect(outbox).toHaveLength(final.status === 'APPLIED' ? 1 : 0);
        }
      } finally {
        await wide.close();
      }
    });
  });

  describe('database constraints', () => {
    it('should refuse a self-approval row even when written around the service', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const request = await open(versionId, 'VALIDATION');
      const insert = db.insert(approvals).values({
        changeRequestId: request.id, decision: 'APPROVE', slotRole: 'VALIDATOR', slotIndex: 0, approverId: ds.id, approverRoles: ['VALIDATOR'], requesterId: ds.id,
      });
      await expect(insert).rejects.toThrow();
      const roleless = db.insert(approvals).values({
        changeRequestId: request.id, decision: 'APPROVE', slotRole: 'VALIDATOR', slotIndex: 0, approverId: 'x', approverRoles: ['VIEWER'], requesterId: ds.id,
      });
      await expect(roleless).rejects.toThrow();
    });
  });

  describe('listChangeRequests', () => {
    it('should list requests eligible for me, excluding my own, decided and owner-conflicted ones, newest first with keyset pages', async () => {
      const fresh = await createPostgresTestDatabase();
      try {
        const { service: svc, clock: freshClock } = await governanceFor(fresh.handle.db);
        const src = await seedSource(fresh.handle.db, 'sagemaker');
        const mk = async (owner: string | null) => {
          freshClock.advance(1_000);
          const m = await seedModel(fresh.handle.db, src, { riskTier: 'LOW', accountableOwner: owner });
          return seedVersion(fresh.handle.db, { sourceId: src, modelId: m });
        };
        const mine = await accepted(svc.changeRequests.requestLifecycleTransition({ modelVersionId: await mk(null), toState: 'VALIDATION', justification: 'x', evidence: [] }, person('val-1', ['VALIDATOR', 'DATA_SCIENTIST'])));
        const eligible1 = await accepted(svc.changeRequests.requestLifecycleTransition({ modelVersionId: await mk(null), toState: 'VALIDATION', justification: 'x', evidence: [] }, ds));
        const ownerConflict = await accepted(svc.changeRequests.requestLifecycleTransition({ modelVersionId: await mk('vic validator'), toState: 'VALIDATION', justification: 'x', evidence: [] }, ds));
        const eligible2 = await accepted(svc.changeRequests.requestLifecycleTransition({ modelVersionId: await mk(null), toState: 'VALIDATION', justification: 'x', evidence: [] }, ds));
        const page1 = await svc.reads.listChangeRequests({ eligibleForMe: true }, { first: 1 }, validator);
        expect(page1).toMatchObject({ totalCount: 2, hasNextPage: true });
        expect(page1.items.map((r) => r.id)).toEqual([eligible2.id]);
        const page2 = await svc.reads.listChangeRequests({ eligibleForMe: true }, { first: 1, after: { createdAt: page1.items[0].createdAt, id: page1.items[0].id } }, validator);
        expect(page2.items.map((r) => r.id)).toEqual([eligible1.id]);
        expect(page2.hasNextPage).toBe(false);
        const byRequester = await svc.reads.listChangeRequests({ requesterId: 'val-1', vendor: 'sagemaker', status: ['PENDING'] }, { first: 10 }, admin);
        expect(byRequester.items.map((r) => r.id)).toEqual([mine.id]);
        expect((await svc.reads.listChangeRequests({ vendor: 'mlflow' }, { first: 10 }, admin)).totalCount).toBe(0);
        const all = await svc.reads.listChangeRequests({ eligibleForMe: true }, { first: 10 }, validator);
        expect(all.items.map((r) => r.id)).not.toContain(ownerConflict.id);
        expect(all.items.map((r) => r.id)).not.toContain(mine.id);
      } finally {
        await fresh.drop();
      }
    });
  });

  describe('audit chain', () => {
    it('should verify after every story above', async () => {
      const events = await db.select({ seq: auditEvents.seq }).from(auditEvents);
      expect(events.length).toBeGreaterThan(50);
      expect(await new AuditRecorder().verify(db)).toEqual({ valid: true, firstBrokenSeq: null, checked: events.length });
    });
  });
});
