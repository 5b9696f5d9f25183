import { describe, expect, it } from 'vitest';
import { chooseSlot, isOwnerOrCreator } from '../../../src/governance/segregation.js';
import type { Slot } from '../../../src/governance/policies.js';

const slots: Slot[] = [
  { role: 'VALIDATOR', index: 0 },
  { role: 'RISK_OFFICER', index: 0 },
];
const nobody = { accountableOwner: null, versionCreatedBy: null };
const actor = (id: string, roles: Array<'VALIDATOR' | 'RISK_OFFICER' | 'ADMIN' | 'VIEWER'>, displayName = id) => ({ id, displayName, roles });

describe('segregation', () => {
  describe('chooseSlot', () => {
    it('should refuse the requester, then a person who already decided', () => {
      expect(chooseSlot({ actor: actor('r', ['ADMIN']), requesterId: 'r', slots, decisions: [], independence: nobody })).toMatchObject({ code: 'SELF_APPROVAL' });
      const decisions = [{ approverId: 'v', slotRole: 'VALIDATOR', slotIndex: 0 }];
      expect(chooseSlot({ actor: actor('v', ['VALIDATOR', 'RISK_OFFICER']), requesterId: 'r', slots, decisions, independence: nobody })).toMatchObject({ code: 'DUPLICATE_APPROVER' });
    });

    it('should give a literal role holder their own slot and ADMIN what is left', () => {
      expect(chooseSlot({ actor: actor('k', ['RISK_OFFICER']), requesterId: 'r', slots, decisions: [], independence: nobody })).toEqual({ ok: true, slot: { role: 'RISK_OFFICER', index: 0 } });
      expect(chooseSlot({ actor: actor('a', ['ADMIN']), requesterId: 'r', slots, decisions: [], independence: nobody })).toEqual({ ok: true, slot: { role: 'VALIDATOR', index: 0 } });
    });

    it('should steer an owner who is also a RISK_OFFICER away from the VALIDATOR slot', () => {
      const owner = actor('o', ['VALIDATOR', 'RISK_OFFICER'], 'Olga Owner');
      const independence = { accountableOwner: '  olga owner ', versionCreatedBy: null };
      expect(chooseSlot({ actor: owner, requesterId: 'r', slots, decisions: [], independence })).toEqual({ ok: true, slot: { role: 'RISK_OFFICER', index: 0 } });
      const onlyValidator = chooseSlot({ actor: owner, requesterId: 'r', slots: [slots[0]], decisions: [], independence });
      expect(onlyValidator).toMatchObject({ ok: false, code: 'OWNER_CANNOT_VALIDATE' });
    });

    it('should tell ROLE_REQUIRED from NO_OPEN_SLOT', () => {
      expect(chooseSlot({ actor: actor('x', ['VIEWER']), requesterId: 'r', slots, decisions: [], independence: nobody })).toMatchObject({ code: 'ROLE_REQUIRED' });
      const decisions = [{ approverId: 'v', slotRole: 'VALIDATOR', slotIndex: 0 }];
      expect(chooseSlot({ actor: actor('w', ['VALIDATOR']), requesterId: 'r', slots, decisions, independence: nobody })).toMatchObject({ code: 'NO_OPEN_SLOT' });
    });
  });

  describe('isOwnerOrCreator', () => {
    it('should match the principal id or display name against owner and creator, ignoring case and spaces', () => {
      expect(isOwnerOrCreator({ id: 'key:123', displayName: 'Sam@Corp.example' }, { accountableOwner: null, versionCreatedBy: 'sam@corp.example ' })).toBe(true);
      expect(isOwnerOrCreator({ id: 'sub-9', displayName: 'Sam' }, { accountableOwner: 'SUB-9', versionCreatedBy: null })).toBe(true);
      expect(isOwnerOrCreator({ id: 'sub-9', displayName: 'Sam' }, { accountableOwner: 'Samantha', versionCreatedBy: '' })).toBe(false);
    });
  });
});
