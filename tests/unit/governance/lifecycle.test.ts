import { describe, expect, it } from 'vitest';
import { LIFECYCLE_STATES, allowedTargets, checkTransition } from '../../../src/governance/lifecycle.js';

describe('lifecycle', () => {
  describe('checkTransition', () => {
    it('should allow exactly the governed transitions', () => {
      const allowed = LIFECYCLE_STATES.flatMap((from) => LIFECYCLE_STATES.filter((to) => checkTransition(from, to).ok).map((to) => `${from}>${to}`));
      expect(allowed.sort()).toEqual(
        [
          'DEVELOPMENT>VALIDATION',
          'VALIDATION>APPROVED',
          'VALIDATION>DEVELOPMENT',
          'APPROVED>PRODUCTION',
          'DEVELOPMENT>RETIRED',
          'VALIDATION>RETIRED',
          'APPROVED>RETIRED',
          'PRODUCTION>RETIRED',
        ].sort(),
      );
    });

    it('should explain a refusal with the allowed alternatives', () => {
      expect(checkTransition('DEVELOPMENT', 'PRODUCTION')).toEqual({
        ok: false,
        reason: 'DEVELOPMENT → PRODUCTION is not an allowed transition; from DEVELOPMENT a version may go to VALIDATION or RETIRED.',
      });
      expect(checkTransition('RETIRED', 'DEVELOPMENT')).toMatchObject({ ok: false, reason: expect.stringContaining('final') });
      expect(checkTransition('APPROVED', 'APPROVED')).toMatchObject({ ok: false, reason: 'The version is already in APPROVED.' });
    });
  });

  describe('allowedTargets', () => {
    it('should leave nothing after RETIRED', () => {
      expect(allowedTargets('RETIRED')).toEqual([]);
    });
  });
});
