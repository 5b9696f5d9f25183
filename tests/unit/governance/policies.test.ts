import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES, selectPolicy, slotsFor, validatePolicy } from '../../../src/governance/policies.js';

describe('policies', () => {
  describe('selectPolicy', () => {
    it('should prefer the tier’s own policy over the any-tier one', () => {
      const policies = [
        { toState: 'PRODUCTION', riskTier: '*', id: 'any' },
        { toState: 'PRODUCTION', riskTier: 'HIGH', id: 'high' },
      ];
      expect(selectPolicy(policies, 'PRODUCTION', 'HIGH')).toEqual({ ok: true, policy: policies[1] });
      expect(selectPolicy(policies, 'PRODUCTION', 'LOW')).toEqual({ ok: true, policy: policies[0] });
    });

    it('should refuse APPROVED and PRODUCTION for an unclassified model even with an any-tier policy', () => {
      const policies = [{ toState: 'APPROVED', riskTier: '*' }, { toState: 'PRODUCTION', riskTier: '*' }];
      expect(selectPolicy(policies, 'APPROVED', null)).toMatchObject({ ok: false, code: 'RISK_TIER_REQUIRED' });
      expect(selectPolicy(policies, 'PRODUCTION', null)).toMatchObject({ ok: false, code: 'RISK_TIER_REQUIRED' });
    });

    it('should let an unclassified model go to VALIDATION and RETIRED under the defaults', () => {
      expect(selectPolicy(DEFAULT_POLICIES, 'VALIDATION', null)).toMatchObject({ ok: true });
      expect(selectPolicy(DEFAULT_POLICIES, 'RETIRED', null)).toMatchObject({ ok: true });
    });

    it('should report NO_POLICY when nothing covers the move', () => {
      expect(selectPolicy([], 'RETIRED', 'LOW')).toMatchObject({ ok: false, code: 'NO_POLICY' });
    });
  });

  describe('DEFAULT_POLICIES', () => {
    it('should ask one VALIDATOR and one RISK_OFFICER for HIGH to PRODUCTION, and a second RISK_OFFICER for CRITICAL', () => {
      const rule = (tier: string) => DEFAULT_POLICIES.find((p) => p.toState === 'PRODUCTION' && p.riskTier === tier)?.requirements;
      expect(rule('LOW')).toEqual([{ role: 'VALIDATOR', count: 1 }]);
      expect(rule('HIGH')).toEqual([{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 1 }]);
      expect(rule('CRITICAL')).toEqual([{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 2 }]);
    });

    it('should all be valid policies', () => {
      for (const policy of DEFAULT_POLICIES) expect(validatePolicy(policy)).toEqual([]);
    });
  });

  describe('slotsFor', () => {
    it('should expand counts into indexed slots in policy order', () => {
      expect(slotsFor([{ role: 'VALIDATOR', count: 1 }, { role: 'RISK_OFFICER', count: 2 }])).toEqual([
        { role: 'VALIDATOR', index: 0 },
        { role: 'RISK_OFFICER', index: 0 },
        { role: 'RISK_OFFICER', index: 1 },
      ]);
    });
  });

  describe('validatePolicy', () => {
    it('should name each problem by its field', () => {
      const problems = validatePolicy({
        toState: 'LIVE',
        riskTier: 'EXTREME',
        requirements: [{ role: 'VIEWER', count: 1 }, { role: 'VALIDATOR', count: 0 }, { role: 'VALIDATOR', count: 1 }],
      });
      expect(problems.map((p) => p.path)).toEqual(['toState', 'riskTier', 'requirements.0.role', 'requirements.1.count', 'requirements.2.role']);
      expect(validatePolicy({ toState: 'RETIRED', riskTier: '*', requirements: [] })).toEqual([{ path: 'requirements', message: 'A policy needs at least one approver.' }]);
    });

    it('should refuse ADMIN and OPERATOR as approvers, saying who may approve', () => {
      for (const role of ['ADMIN', 'OPERATOR']) {
        const [problem] = validatePolicy({ toState: 'PRODUCTION', riskTier: 'CRITICAL', requirements: [{ role, count: 1 }] });
        expect(problem.path).toBe('requirements.0.role');
        expect(problem.message).toContain(`${role} cannot approve`);
        expect(problem.message).toContain('VALIDATOR or RISK_OFFICER');
      }
    });
  });
});
