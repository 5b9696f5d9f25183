import { describe, expect, it } from 'vitest';
import { applyAuditEvent, emptyGovernedState, type ReplayEvent } from '../../../src/audit/state-replay.js';
import { diffApproval, diffPerson, diffRequest, diffVersion, unaccountedInTables } from '../../../src/audit/state-replay-diff.js';

let seq = 0;
const event = (action: string, entityKind: string, entityId: string, after: Record<string, unknown> | null, actorId = 'someone'): ReplayEvent => ({
  seq: ++seq,
  actorId,
  action,
  entityKind,
  entityId,
  before: null,
  after,
});

function replay(events: ReplayEvent[]) {
  const state = emptyGovernedState();
  for (const e of events) applyAuditEvent(state, e);
  return state;
}

const opened = event('change_request.opened', 'change_request', 'cr1', { modelVersionId: 'v1', fromState: 'DEVELOPMENT', toState: 'VALIDATION' }, 'dana');
const approved = event('change_request.approved', 'change_request', 'cr1', { decision: 'APPROVE', slotRole: 'VALIDATOR', slotIndex: 0, approverId: 'vic', comment: 'ok' }, 'vic');
const applied = event('change_request.applied', 'change_request', 'cr1', { status: 'APPLIED' });
const moved = event('model_version.lifecycle_changed', 'model_version', 'v1', { lifecycleState: 'VALIDATION', changeRequestId: 'cr1' });

describe('state replay', () => {
  describe('applyAuditEvent', () => {
    it('should fold a request from opening to application into its status, decisions and the version state', () => {
      const state = replay([opened, approved, applied, moved]);
      expect(state.requests.get('cr1')).toMatchObject({ status: 'APPLIED', opened: { requesterId: 'dana', toState: 'VALIDATION' }, decisions: [{ approverId: 'vic', slotRole: 'VALIDATOR' }] });
      expect(state.versions.get('v1')).toMatchObject({ lifecycleState: 'VALIDATION', changeRequestId: 'cr1' });
    });

    it('should treat a decision without its slot (older format) as unknown, not divergent', () => {
      const state = replay([opened, event('change_request.approved', 'change_request', 'cr1', {})]);
      expect(state.unknownEvents).toBe(1);
      expect(state.requests.get('cr1')?.decisionsUnknown).toBe(true);
      expect(diffApproval({ id: 'a1', changeRequestId: 'cr1', decision: 'APPROVE', slotRole: 'VALIDATOR', slotIndex: 0, approverId: 'x', comment: null, sourceId: null }, state.requests.get('cr1'))).toEqual([]);
    });
  });

  describe('persons', () => {
    const created = event('person.created', 'person', 'p1', { email: 'vic@x', displayName: 'Vic', roles: ['VIEWER'] });
    const granted = event('person.role_granted', 'person', 'p1', { roles: ['VIEWER', 'VALIDATOR'], granted: 'VALIDATOR' });
    const row = (roles: string[], active = true, createdByUpgrade = false) => ({ id: 'p1', roles, active, createdByUpgrade });

    it('should fold creation, a granted role and a deactivation into the roles and active flag', () => {
      const state = replay([created, granted]);
      expect(state.persons.get('p1')).toMatchObject({ roles: ['VIEWER', 'VALIDATOR'], active: true, created: true });
      expect(diffPerson(row(['VALIDATOR', 'VIEWER']), state.persons.get('p1'))).toEqual([]);

      // A deactivation recorded before it carried the roles keeps the roles as they were.
      applyAuditEvent(state, event('person.deactivated', 'person', 'p1', { active: false, revokedApiKeyIds: [] }));
      expect(state.persons.get('p1')).toMatchObject({ roles: ['VIEWER', 'VALIDATOR'], active: false });
    });

    it('should report a role granted outside the hub and a reactivation', () => {
      const state = replay([created, granted, event('person.deactivated', 'person', 'p1', { active: false, roles: ['VIEWER', 'VALIDATOR'] })]);
      expect(diffPerson(row(['VIEWER', 'VALIDATOR', 'ADMIN'], true), state.persons.get('p1'))).toEqual([
        expect.objectContaining({ entityKind: 'person', field: 'roles', audited: ['VIEWER', 'VALIDATOR'], actual: ['VIEWER', 'VALIDATOR', 'ADMIN'], message: expect.stringContaining('ADMIN granted outside the hub') }),
        expect.objectContaining({ entityKind: 'person', field: 'active', audited: false, actual: true }),
      ]);
    });

    it('should leave roles unknown until an event records them, and a person the upgrade created unreported', () => {
      // The upgrade to people created this person without an event; a later link records no roles.
      const state = replay([event('person.identity_linked', 'person', 'p1', { issuer: 'i', subject: 's' })]);
      expect(state.persons.get('p1')).toBeUndefined();
      expect(diffPerson(row(['ADMIN'], true, true), undefined)).toEqual([]);
      expect(diffPerson(row(['ADMIN'], true, false), undefined)).toEqual([expect.objectContaining({ field: 'row', actual: 'present' })]);

      const deactivated = replay([event('person.deactivated', 'person', 'p1', { active: false })]).persons.get('p1');
      expect(deactivated).toMatchObject({ roles: null, active: false, created: false });
      expect(diffPerson(row(['ADMIN'], false, true), deactivated)).toEqual([]);
      expect(diffPerson(row(['ADMIN'], true, true), deactivated)).toEqual([expect.objectContaining({ field: 'active' })]);
    });

    it('should list a person the trail holds and the table does not', () => {
      expect([...unaccountedInTables(replay([created]))]).toEqual([expect.objectContaining({ entityKind: 'person', entityId: 'p1', field: 'row' })]);
    });
  });

  describe('diff', () => {
    it('should expect DEVELOPMENT of a version no audited change moved', () => {
      expect(diffVersion({ id: 'v9', lifecycleState: 'PRODUCTION', sourceId: 's' }, undefined)).toEqual([
        expect.objectContaining({ field: 'lifecycleState', audited: 'DEVELOPMENT', actual: 'PRODUCTION' }),
      ]);
      expect(diffVersion({ id: 'v9', lifecycleState: 'DEVELOPMENT', sourceId: 's' }, undefined)).toEqual([]);
    });

    it('should report an approver who differs from the audited decision, and a decision no row holds', () => {
      const state = replay([opened, approved, applied]);
      const request = state.requests.get('cr1');
      const row = { id: 'a1', changeRequestId: 'cr1', decision: 'APPROVE', slotRole: 'VALIDATOR', slotIndex: 0, approverId: 'mallory', comment: 'ok', sourceId: null };
      expect(diffApproval(row, request)).toEqual([expect.objectContaining({ field: 'approverId', audited: 'vic', actual: 'mallory' })]);

      const fresh = replay([opened, approved, applied]).requests.get('cr1');
      const requestRow = { id: 'cr1', status: 'APPLIED', modelVersionId: 'v1', fromState: 'DEVELOPMENT', toState: 'VALIDATION', requesterId: 'dana', sourceId: null };
      expect(diffRequest(requestRow, fresh)).toEqual([expect.objectContaining({ field: 'approvals', actual: null })]);
    });

    it('should list what the trail holds and the tables do not', () => {
      const state = replay([moved]);
      expect([...unaccountedInTables(state)]).toEqual([expect.objectContaining({ entityKind: 'model_version', entityId: 'v1', field: 'row' })]);
    });
  });
});
