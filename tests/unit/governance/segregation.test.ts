import { describe, expect, it } from 'vitest';
import { chooseSlot, isOwnerOrCreator, type Actor } from '../../../src/governance/segregation.js';
import type { Slot } from '../../../src/governance/policies.js';
import type { Role } from '../../../src/auth/principal.js';

const slots: Slot[] = [
  { role: 'VALIDATOR', index: 0 },
  { role: 'RISK_OFFICER', index: 0 },
];
const nobody = { ownerParties: [], ownerTexts: [] };
const actor = (party: string, roles: Role[], displayName = party): Actor => ({ party, names: [party, displayName], roles });

describe('segregation', () => {
  describe('chooseSlot', () => {
    it('should refuse the requester, then a person who already decided', () => {
      expect(chooseSlot({ actor: actor('r', ['VALIDATOR']), requesterParty: 'r', slots, decisions: [], independence: nobody })).toMatchObject({ code: 'SELF_APPROVAL' });
      const decisions = [{ party: 'v', slotRole: 'VALIDATOR', slotIndex: 0 }];
      expect(chooseSlot({ actor: actor('v', ['VALIDATOR', 'RISK_OFFICER']), requesterParty: 'r', slots, decisions, independence: nobody })).toMatchObject({ code: 'DUPLICATE_APPROVER' });
    });

    it('should give a role holder their own slot and ADMIN none', () => {
      expect(chooseSlot({ actor: actor('k', ['RISK_OFFICER']), requesterParty: 'r', slots, decisions: [], independence: nobody })).toEqual({ ok: true, slot: { role: 'RISK_OFFICER', index: 0 } });
      expect(chooseSlot({ actor: actor('a', ['ADMIN']), requesterParty: 'r', slots, decisions: [], independence: nobody })).toMatchObject({ ok: false, code: 'ROLE_REQUIRED' });
      expect(chooseSlot({ actor: actor('a', ['ADMIN']), requesterParty: 'r', slots, decisions: [], independence: nobody, decision: 'REJECT' })).toMatchObject({ ok: false, code: 'ROLE_REQUIRED' });
    });

    it('should let nobody fill a slot of a role that does not approve, even its literal holder', () => {
      const oldSnapshot: Slot[] = [{ role: 'ADMIN' as never, index: 0 }];
      expect(chooseSlot({ actor: actor('a', ['ADMIN']), requesterParty: 'r', slots: oldSnapshot, decisions: [], independence: nobody })).toMatchObject({ ok: false, code: 'ROLE_REQUIRED' });
    });

    it('should steer an owner who is also a RISK_OFFICER away from the VALIDATOR slot', () => {
      const owner = actor('o', ['VALIDATOR', 'RISK_OFFICER'], 'Olga Owner');
      const independence = { ownerParties: [], ownerTexts: ['  olga owner '] };
      expect(chooseSlot({ actor: owner, requesterParty: 'r', slots, decisions: [], independence })).toEqual({ ok: true, slot: { role: 'RISK_OFFICER', index: 0 } });
      const onlyValidator = chooseSlot({ actor: owner, requesterParty: 'r', slots: [slots[0]], decisions: [], independence });
      expect(onlyValidator).toMatchObject({ ok: false, code: 'OWNER_CANNOT_VALIDATE' });
    });

    it('should refuse an owner known by party whatever name they use', () => {
      const owner = actor('person-o', ['VALIDATOR'], 'Olivia Owner');
      const independence = { ownerParties: ['person-o'], ownerTexts: ['olivia@corp.example'] };
      expect(chooseSlot({ actor: owner, requesterParty: 'r', slots, decisions: [], independence })).toMatchObject({ ok: false, code: 'OWNER_CANNOT_VALIDATE' });
      expect(chooseSlot({ actor: owner, requesterParty: 'r', slots, decisions: [], independence, decision: 'REJECT' })).toMatchObject({ ok: false, code: 'OWNER_CANNOT_VALIDATE' });
    });

    it('should tell ROLE_REQUIRED from NO_OPEN_SLOT', () => {
      expect(chooseSlot({ actor: actor('x', ['VIEWER']), requesterParty: 'r', slots, decisions: [], independence: nobody })).toMatchObject({ code: 'ROLE_REQUIRED' });
      const decisions = [{ party: 'v', slotRole: 'VALIDATOR', slotIndex: 0 }];
      expect(chooseSlot({ actor: actor('w', ['VALIDATOR']), requesterParty: 'r', slots, decisions, independence: nobody })).toMatchObject({ code: 'NO_OPEN_SLOT' });
    });

    it('should let a second VALIDATOR reject after the VALIDATOR slot is filled, without taking a slot', () => {
      const decisions = [{ party: 'v', slotRole: 'VALIDATOR', slotIndex: 0 }];
      expect(chooseSlot({ actor: actor('w', ['VALIDATOR']), requesterParty: 'r', slots, decisions, independence: nobody, decision: 'REJECT' })).toEqual({
        ok: true,
        slot: { role: 'VALIDATOR', index: null },
      });
    });
  });

  describe('isOwnerOrCreator', () => {
    it('should match the party, or any name against owner and creator texts, ignoring case and spaces', () => {
      expect(isOwnerOrCreator({ party: 'key:123', names: ['key:123', 'Sam@Corp.example'] }, { ownerParties: [], ownerTexts: ['sam@corp.example '] })).toBe(true);
      expect(isOwnerOrCreator({ party: 'sub-9', names: ['sub-9', 'Sam'] }, { ownerParties: [], ownerTexts: ['SUB-9'] })).toBe(true);
      expect(isOwnerOrCreator({ party: 'p-1', names: ['Sam'] }, { ownerParties: ['p-1'], ownerTexts: [] })).toBe(true);
      expect(isOwnerOrCreator({ party: 'sub-9', names: ['sub-9', 'Sam'] }, { ownerParties: [], ownerTexts: ['Samantha', ''] })).toBe(false);
    });
  });
});
