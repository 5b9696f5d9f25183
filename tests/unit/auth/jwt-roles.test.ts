import { describe, expect, it } from 'vitest';
import { rolesFromClaims } from '../../../src/auth/jwt.js';

describe('jwt', () => {
  describe('rolesFromClaims', () => {
    it('should take hub role names from an array claim, spelled exactly, ignoring unknown values', () => {
      expect(rolesFromClaims({ groups: ['VIEWER', 'OPERATOR', 'staff', 'root'] }, 'groups', null)).toEqual(['VIEWER', 'OPERATOR']);
    });

    it('should grant nothing for a group that only resembles a role name without a role map', () => {
      // Before, `admin` in some unrelated IdP group granted ADMIN.
      expect(rolesFromClaims({ groups: ['admin', 'Validator', 'risk_officer'] }, 'groups', null)).toEqual([]);
    });

    it('should read a space-separated string claim', () => {
      expect(rolesFromClaims({ roles: 'VALIDATOR RISK_OFFICER' }, 'roles', null)).toEqual(['VALIDATOR', 'RISK_OFFICER']);
    });

    it('should map IdP groups through the role map and grant nothing for unmapped values', () => {
      const map = { 'ml-validators': ['VALIDATOR' as const], 'it-ops': ['OPERATOR' as const, 'VIEWER' as const] };
      expect(rolesFromClaims({ groups: ['it-ops', 'ml-validators', 'ADMIN'] }, 'groups', map)).toEqual(['VIEWER', 'OPERATOR', 'VALIDATOR']);
    });

    it('should reach nested claims by a dotted path', () => {
      expect(rolesFromClaims({ realm_access: { roles: ['ADMIN'] } }, 'realm_access.roles', null)).toEqual(['ADMIN']);
    });

    it('should grant no roles when the claim is missing or has the wrong type', () => {
      expect(rolesFromClaims({ sub: 'u1' }, 'groups', null)).toEqual([]);
      expect(rolesFromClaims({ groups: 42 }, 'groups', null)).toEqual([]);
    });
  });
});
