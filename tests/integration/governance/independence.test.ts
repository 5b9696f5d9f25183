/**
 * Issue 16, the independence half: ADMIN administers and does not approve, policies name only approver roles, the
 * controls themselves (policies, lowered tiers, owners) need a second person, and a change of tier or owner
 * supersedes the model's pending lifecycle requests. Real PostgreSQL: the constraints are exercised too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import type { Db } from '../../../src/db/client.js';
import { approvals, auditEvents, changeRequests, models, policies } from '../../../src/db/schema/index.js';
import type { GovernanceServices } from '../../../src/governance/governance-services.js';
import { seedDefaultPolicies } from '../../../src/governance/policy.repository.js';
import { pgError } from '../../../src/db/sql.js';
import { governanceFor, person, seedModel, seedSource, seedVersion, versionState, type TestClock } from './governance-fixtures.js';
import { accepted } from '../../helpers/governance.js';

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string; problems?: Array<{ path: string; message: string }> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; message: string; problems?: Array<{ path: string; message: string }> };
    return { code: e.code ?? `uncoded: ${e.message}`, message: e.message, problems: e.problems };
  }
  return { code: 'NO_ERROR', message: '' };
}
const codeOf = async (promise: Promise<unknown>) => (await refusal(promise)).code;

const ds = person('ds-1', ['DATA_SCIENTIST'], 'Dana Scientist');
const validator = person('val-1', ['VALIDATOR'], 'Vic Validator');
const validator2 = person('val-2', ['VALIDATOR'], 'Vera Validator');
const risk = person('risk-1', ['RISK_OFFICER'], 'Rita Risk');
const risk2 = person('risk-2', ['RISK_OFFICER'], 'Rob Risk');
const risk3 = person('risk-3', ['RISK_OFFICER'], 'Ron Risk');
const admin = person('admin-1', ['ADMIN'], 'Ada Admin');
const admin2 = person('admin-2', ['ADMIN'], 'Abe Admin');
const evidence = [{ title: 'Validation report', url: 'https://wiki.example.com/val/42' }];

describe('Independence', () => {
  let tdb: TestDatabase;
  let db: Db;
  let service: GovernanceServices;
  let clock: TestClock;
  let sourceId: string;

  beforeAll(async () => {
    tdb = await createPostgresTestDatabase();
    db = tdb.handle.db;
    ({ service, clock } = await governanceFor(db));
    sourceId = await seedSource(db);
  });
  afterAll(async () => {
    await tdb.drop();
  });

  async function versionIn(state: string, attrs: { riskTier?: string | null; accountableOwner?: string | null } = { riskTier: 'LOW' }) {
    const modelId = await seedModel(db, sourceId, attrs);
    const versionId = await seedVersion(db, { sourceId, modelId, state });
    return { modelId, versionId };
  }
  const open = (modelVersionId: string, toState: 'VALIDATION' | 'APPROVED' | 'PRODUCTION' | 'RETIRED', actor = ds) =>
    accepted(service.changeRequests.requestLifecycleTransition({ modelVersionId, toState, justification: 'Ready for the next step.', evidence }, actor));
  const tierOf = async (modelId: string) => (await db.select({ t: models.riskTier }).from(models).where(eq(models.id, modelId)))[0].t;
  const ownerOf = async (modelId: string) => (await db.select({ o: models.accountableOwner }).from(models).where(eq(models.id, modelId)))[0].o;

  describe('ADMIN does not approve', () => {
    it('should refuse an ADMIN in any slot of a lifecycle request with ROLE_REQUIRED, approving or rejecting', async () => {
      const { versionId } = await versionIn('APPROVED', { riskTier: 'CRITICAL' });
      const request = await open(versionId, 'PRODUCTION');
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, admin)))).toBe('ROLE_REQUIRED');
      expect(await codeOf(accepted(service.decisions.rejectChangeRequest(request.id, 'no', admin)))).toBe('ROLE_REQUIRED');
      expect(await versionState(db, versionId)).toBe('APPROVED');
    });

    it('should refuse an ADMIN decision written around the service (approvals_role_held_ck)', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const request = await open(versionId, 'VALIDATION');
      const insert = db.insert(approvals).values({
        changeRequestId: request.id,
        decision: 'APPROVE',
        slotRole: 'VALIDATOR',
        slotIndex: 0,
        approverId: admin.id,
        approverRoles: ['ADMIN'],
        requesterId: request.requesterId,
      });
      const failure = await insert.then(() => null, (error: unknown) => pgError(error));
      expect(failure).toMatchObject({ code: '23514', constraint: 'approvals_role_held_ck' });
      expect(await db.select().from(approvals).where(eq(approvals.changeRequestId, request.id))).toHaveLength(0);
    });
  });

  describe('policies name only approver roles, and loosening one needs four eyes', () => {
    it('should refuse a policy of "1 OPERATOR" or "1 ADMIN" with BAD_USER_INPUT naming who may approve', async () => {
      for (const role of ['OPERATOR', 'ADMIN'] as const) {
        const attempt = await refusal(service.policies.updatePolicy({ toState: 'PRODUCTION', riskTier: 'CRITICAL', requirements: [{ role: role as never, count: 1 }] }, admin));
        expect(attempt.code).toBe('BAD_USER_INPUT');
        expect(attempt.problems?.[0]).toMatchObject({ path: 'requirements.0.role' });
        expect(attempt.problems?.[0].message).toContain('VALIDATOR or RISK_OFFICER');
        const asked = await refusal(accepted(service.controls.requestPolicyChange({ toState: 'PRODUCTION', riskTier: 'CRITICAL', requirements: [{ role: role as never, count: 1 }] }, 'Speed.', admin)));
        expect(asked.code).toBe('BAD_USER_INPUT');
      }
    });

    it('should not let one ADMIN weaken CRITICAL promotions: FOUR_EYES_REQUIRED, then SELF_APPROVAL, then a RISK_OFFICER applies it once', async () => {
      const weaker = { toState: 'PRODUCTION' as const, riskTier: 'CRITICAL' as const, requirements: [{ role: 'VALIDATOR' as const, count: 1 }] };
      const direct = await refusal(service.policies.updatePolicy(weaker, admin));
      expect(direct.code).toBe('FOUR_EYES_REQUIRED');
      expect(direct.message).toContain('requestPolicyChange');
      const request = await accepted(service.controls.requestPolicyChange(weaker, 'The second risk officer slot slows releases.', admin));
      expect(request).toMatchObject({ status: 'PENDING', kind: 'POLICY_CHANGE', approverRole: 'RISK_OFFICER', targetKey: 'PRODUCTION/CRITICAL' });
      expect(await codeOf(accepted(service.controls.decideControlRequest(request.id, 'APPROVE', null, admin)))).toBe('SELF_APPROVAL');
      expect(await codeOf(accepted(service.controls.decideControlRequest(request.id, 'APPROVE', null, admin2)))).toBe('ROLE_REQUIRED');
      expect(await codeOf(accepted(service.controls.decideControlRequest(request.id, 'APPROVE', null, validator)))).toBe('ROLE_REQUIRED');
      const [before] = await db.select().from(policies).where(and(eq(policies.toState, 'PRODUCTION'), eq(policies.riskTier, 'CRITICAL')));
      expect(before.requirements).toEqual([{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 2 }]);

      const decided = await accepted(service.controls.decideControlRequest(request.id, 'APPROVE', 'Agreed for now.', risk));
      expect(decided).toMatchObject({ status: 'APPLIED', deciderId: risk.id });
      const [after] = await db.select().from(policies).where(eq(policies.id, before.id));
      expect(after).toMatchObject({ requirements: [{ role: 'VALIDATOR', count: 1 }], revision: before.revision + 1 });
      expect(await codeOf(accepted(service.controls.decideControlRequest(request.id, 'APPROVE', null, risk2)))).toBe('REQUEST_NOT_PENDING');
      const events = await db.select().from(auditEvents).where(eq(auditEvents.entityId, before.id));
      expect(events.map((e) => e.action)).toContain('policy.updated');
      expect(events.find((e) => e.action === 'policy.updated')?.actorId).toBe(risk.id);
      // Put it back (tightening applies at once).
      await service.policies.updatePolicy({ ...weaker, requirements: [{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 2 }] }, admin);
    });

    it('should supersede a policy request when the policy moved after it was opened', async () => {
      const proposal = { toState: 'RETIRED' as const, riskTier: '*' as const, requirements: [{ role: 'VALIDATOR' as const, count: 1 }] };
      const request = await accepted(service.controls.requestPolicyChange(proposal, 'Validators know when a model is done.', admin));
      await service.policies.updatePolicy({ toState: 'RETIRED', riskTier: '*', requirements: [{ role: 'RISK_OFFICER', count: 2 }] }, admin2);
      expect(await codeOf(accepted(service.controls.decideControlRequest(request.id, 'APPROVE', null, risk)))).toBe('REQUEST_SUPERSEDED');
      expect((await service.controls.byIds([request.id]))[0]?.status).toBe('SUPERSEDED');
    });

    it('should rewrite stored policies naming ADMIN or OPERATOR at start and supersede requests opened under them', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      await db.update(policies).set({ requirements: [{ role: 'ADMIN', count: 1 }, { role: 'RISK_OFFICER', count: 1 }] }).where(and(eq(policies.toState, 'VALIDATION'), eq(policies.riskTier, '*')));
      const request = await open(versionId, 'VALIDATION');
      await seedDefaultPolicies(db);
      const [rewritten] = await db.select().from(policies).where(and(eq(policies.toState, 'VALIDATION'), eq(policies.riskTier, '*')));
      expect(rewritten.requirements).toEqual([{ role: 'RISK_OFFICER', count: 2 }]);
      expect((await service.reads.getChangeRequest(request.id))?.status).toBe('SUPERSEDED');
      await seedDefaultPolicies(db);
      const [again] = await db.select().from(policies).where(eq(policies.id, rewritten.id));
      expect(again.revision).toBe(rewritten.revision);
      await db.update(policies).set({ requirements: [{ role: 'VALIDATOR', count: 1 }] }).where(eq(policies.id, rewritten.id));
    });
  });

  describe('risk tiers: raising applies at once, lowering needs another RISK_OFFICER', () => {
    it('should not let one RISK_OFFICER lower CRITICAL to LOW, and apply it once another approves, superseding pending requests', async () => {
      const { modelId, versionId } = await versionIn('APPROVED', { riskTier: 'CRITICAL' });
      const pending = await open(versionId, 'PRODUCTION');
      const direct = await refusal(service.attributes.setModelGovernance(modelId, { riskTier: 'LOW' }, risk));
      expect(direct.code).toBe('FOUR_EYES_REQUIRED');
      expect(direct.message).toContain('requestRiskTierChange');
      expect(await tierOf(modelId)).toBe('CRITICAL');

      const request = await accepted(service.controls.requestRiskTierChange(modelId, 'LOW', 'Scope reduced to internal use.', risk));
      expect(await codeOf(accepted(service.controls.decideControlRequest(request.id, 'APPROVE', null, risk)))).toBe('SELF_APPROVAL');
      expect(await codeOf(accepted(service.controls.decideControlRequest(request.id, 'APPROVE', null, admin)))).toBe('ROLE_REQUIRED');
      expect(await tierOf(modelId)).toBe('CRITICAL');
      expect((await accepted(service.controls.decideControlRequest(request.id, 'APPROVE', null, risk2))).status).toBe('APPLIED');
      expect(await tierOf(modelId)).toBe('LOW');

      const superseded = await service.reads.getChangeRequest(pending.id);
      expect(superseded).toMatchObject({ status: 'SUPERSEDED' });
      expect(superseded?.statusReason).toContain('risk tier');
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(pending.id, null, validator)))).toBe('REQUEST_NOT_PENDING');
      const reopened = await open(versionId, 'PRODUCTION');
      expect(reopened.policySnapshot).toMatchObject({ modelRiskTier: 'LOW', requirements: [{ role: 'VALIDATOR', count: 1 }] });
    });

    it('should apply a raised tier at once and supersede requests opened under the lower tier', async () => {
      const { modelId, versionId } = await versionIn('APPROVED', { riskTier: 'LOW' });
      const pending = await open(versionId, 'PRODUCTION');
      await service.attributes.setModelGovernance(modelId, { riskTier: 'HIGH' }, risk);
      expect(await tierOf(modelId)).toBe('HIGH');
      expect((await service.reads.getChangeRequest(pending.id))?.status).toBe('SUPERSEDED');
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(pending.id, null, validator)))).toBe('REQUEST_NOT_PENDING');
      expect(await versionState(db, versionId)).toBe('APPROVED');
    });

    it('should reject a tier request with a comment and leave the tier', async () => {
      const { modelId } = await versionIn('DEVELOPMENT', { riskTier: 'HIGH' });
      const request = await accepted(service.controls.requestRiskTierChange(modelId, null, 'Unclassify for review.', admin));
      expect(await codeOf(accepted(service.controls.decideControlRequest(request.id, 'REJECT', null, risk)))).toBe('BAD_USER_INPUT');
      expect((await accepted(service.controls.decideControlRequest(request.id, 'REJECT', 'Keep it classified.', risk))).status).toBe('REJECTED');
      expect(await tierOf(modelId)).toBe('HIGH');
      expect(await codeOf(accepted(service.controls.requestRiskTierChange(modelId, 'HIGH', 'Same.', risk)))).toBe('NO_CHANGE');
    });
  });

  describe('accountable owners', () => {
    it('should not let an owner move ownership to a colleague alone, nor validate the request pending under her', async () => {
      const { modelId, versionId } = await versionIn('DEVELOPMENT', { riskTier: 'LOW', accountableOwner: 'Olivia Owner' });
      const olivia = person('olivia-key', ['VALIDATOR', 'RISK_OFFICER'], 'Olivia Owner');
      const pending = await open(versionId, 'VALIDATION');
      expect(await codeOf(service.attributes.setModelGovernance(modelId, { accountableOwner: 'Colin Colleague' }, olivia))).toBe('FOUR_EYES_REQUIRED');
      const move = await accepted(service.controls.requestOwnerChange(modelId, { text: 'Colin Colleague' }, 'Colin takes over the model.', olivia));
      expect(await codeOf(accepted(service.controls.decideControlRequest(move.id, 'APPROVE', null, olivia)))).toBe('SELF_APPROVAL');
      expect((await accepted(service.controls.decideControlRequest(move.id, 'APPROVE', null, risk3))).status).toBe('APPLIED');
      expect(await ownerOf(modelId)).toBe('Colin Colleague');
      expect((await service.reads.getChangeRequest(pending.id))?.status).toBe('SUPERSEDED');
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(pending.id, null, olivia)))).toBe('REQUEST_NOT_PENDING');
    });

    it('should keep the owner at request time excluded when the owner changes underneath a pending request', async () => {
      const { modelId, versionId } = await versionIn('DEVELOPMENT', { riskTier: 'LOW', accountableOwner: 'olivia@corp.example' });
      const olivia = person('olivia-sub', ['VALIDATOR'], 'olivia@corp.example');
      const pending = await open(versionId, 'VALIDATION');
      // Written around the service (as a restore or a hand fix would): the request keeps who owned the model when opened.
      await db.update(models).set({ accountableOwner: 'colin@corp.example' }).where(eq(models.id, modelId));
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(pending.id, null, olivia)))).toBe('OWNER_CANNOT_VALIDATE');
      expect((await accepted(service.decisions.approveChangeRequest(pending.id, null, validator))).status).toBe('APPLIED');
    });

    it('should name a first owner at once', async () => {
      const { modelId } = await versionIn('DEVELOPMENT', { riskTier: 'LOW', accountableOwner: null });
      await service.attributes.setModelGovernance(modelId, { accountableOwner: 'owner@corp.example', businessUnit: 'Retail' }, risk);
      expect(await ownerOf(modelId)).toBe('owner@corp.example');
    });
  });

  describe('a late VALIDATOR can still reject', () => {
    it('should close the request REJECTED when a second VALIDATOR rejects after the VALIDATOR slot was filled', async () => {
      const { versionId } = await versionIn('APPROVED', { riskTier: 'HIGH' });
      const request = await open(versionId, 'PRODUCTION');
      await accepted(service.decisions.approveChangeRequest(request.id, 'Looks fine.', validator));
      expect(await codeOf(accepted(service.decisions.approveChangeRequest(request.id, null, validator2)))).toBe('NO_OPEN_SLOT');
      const rejected = await accepted(service.decisions.rejectChangeRequest(request.id, 'The holdout set leaked into training.', validator2));
      expect(rejected).toMatchObject({ status: 'REJECTED', statusReason: 'The holdout set leaked into training.' });
      const rows = await db.select().from(approvals).where(eq(approvals.changeRequestId, request.id));
      expect(rows.find((r) => r.approverId === validator2.id)).toMatchObject({ decision: 'REJECT', slotRole: 'VALIDATOR', slotIndex: null });
      expect(await versionState(db, versionId)).toBe('APPROVED');
    });
  });

  describe('length limits', () => {
    it('should refuse oversized justification, evidence and comments with BAD_USER_INPUT naming the limit', async () => {
      const { versionId } = await versionIn('DEVELOPMENT');
      const long = await refusal(accepted(service.changeRequests.requestLifecycleTransition({ modelVersionId: versionId, toState: 'VALIDATION', justification: 'x'.repeat(4001), evidence: [] }, ds)));
      expect(long).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(long.problems).toContainEqual({ path: 'justification', message: 'At most 4000 characters (got 4001).' });
      const title = await refusal(
        accepted(service.changeRequests.requestLifecycleTransition({ modelVersionId: versionId, toState: 'VALIDATION', justification: 'ok', evidence: [{ title: 't'.repeat(201), url: 'https://x.example' }] }, ds)),
      );
      expect(title.problems?.[0]).toMatchObject({ path: 'evidence.0.title', message: 'At most 200 characters (got 201).' });
      const request = await open(versionId, 'VALIDATION');
      const comment = await refusal(accepted(service.decisions.approveChangeRequest(request.id, 'c'.repeat(2001), validator)));
      expect(comment.code).toBe('BAD_USER_INPUT');
      expect(comment.message).toContain('2000');
      expect(await codeOf(accepted(service.controls.requestRiskTierChange((await versionIn('DEVELOPMENT', { riskTier: 'HIGH' })).modelId, 'LOW', 'j'.repeat(4001), risk)))).toBe('BAD_USER_INPUT');
    });
  });

  it('should expire an undecided control request with the lifecycle sweep', async () => {
    const { modelId } = await versionIn('DEVELOPMENT', { riskTier: 'HIGH' });
    const request = await accepted(service.controls.requestRiskTierChange(modelId, 'MEDIUM', 'Nobody will get to it.', risk));
    clock.advance(15 * 86_400_000);
    expect(await service.expiry.expireDueRequests()).toBeGreaterThanOrEqual(1);
    expect((await service.controls.byIds([request.id]))[0]).toMatchObject({ status: 'EXPIRED' });
    expect(await codeOf(accepted(service.controls.decideControlRequest(request.id, 'APPROVE', null, risk2)))).toBe('REQUEST_NOT_PENDING');
    expect(await tierOf(modelId)).toBe('HIGH');
  });

  it('should keep the audit chain valid after every story above', async () => {
    const { AuditRecorder } = await import('../../../src/audit/audit-recorder.js');
    expect(await new AuditRecorder().verify(db)).toMatchObject({ valid: true });
    const unsnapshotted = await db.select({ id: changeRequests.id }).from(changeRequests).where(sql`${changeRequests.ownersAtRequest} = '{}'::jsonb`);
    expect(unsnapshotted).toEqual([]);
  });
});
