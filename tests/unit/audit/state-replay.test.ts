import { describe, expect, it } from 'vitest';
import { applyAuditEvent, emptyGovernedState, type ReplayEvent } from '../../../src/audit/state-replay.js';
import { diffApproval, diffRequest, diffVersion, unaccountedInTables } from '../../../src/audit/state-replay-diff.js';

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
