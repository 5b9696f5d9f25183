import { describe, expect, it } from 'vitest';
import { ownerChangeTightens, policyChangeTightens, tierChangeTightens, validateRoleGrant } from '../../../src/governance/controls.js';

describe('controls', () => {
  describe('tierChangeTightens', () => {
    it('should apply raising and first classification at once, and send lowering or clearing to a second person', () => {
      expect(tierChangeTightens('LOW', 'CRITICAL')).toBe(true);
      expect(tierChangeTightens(null, 'LOW')).toBe(true);
      expect(tierChangeTightens('CRITICAL', 'LOW')).toBe(false);
      expect(tierChangeTightens('HIGH', 'MEDIUM')).toBe(false);
      expect(tierChangeTightens('HIGH', null)).toBe(false);
    });
  });

  describe('policyChangeTightens', () => {
    it('should count only a policy that keeps every approver at least as often as tightening', () => {
      const before = [{ role: 'VALIDATOR' as const, count: 1 }, { role: 'RISK_OFFICER' as const, count: 1 }];
      expect(policyChangeTightens(before, [{ role: 'VALIDATOR', count: 2 }, { role: 'RISK_OFFICER', count: 1 }])).toBe(true);
      expect(policyChangeTightens(before, [{ role: 'VALIDATOR', count: 1 }])).toBe(false);
      expect(policyChangeTightens(null, [{ role: 'VALIDATOR', count: 5 }])).toBe(false);
    });
  });

  describe('ownerChangeTightens', () => {
    it('should apply naming a first owner at once and nothing else', () => {
      expect(ownerChangeTightens(null, 'olivia@corp.example')).toBe(true);
      expect(ownerChangeTightens('olivia@corp.example', 'colleague@corp.example')).toBe(false);
      expect(ownerChangeTightens('olivia@corp.example', null)).toBe(false);
    });
  });

  describe('validateRoleGrant', () => {
    it('should take grant requests only for the roles that decide or administer', () => {
      expect(validateRoleGrant('VALIDATOR')).toEqual([]);
      expect(validateRoleGrant('ADMIN')).toEqual([]);
      expect(validateRoleGrant('VIEWER')[0].path).toBe('role');
      expect(validateRoleGrant('ROOT')[0].message).toContain('Unknown role');
    });
  });
});
