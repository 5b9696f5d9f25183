import { describe, expect, it } from 'vitest';
import { apiKeyPrincipal } from '../../../src/auth/api-key.service.js';
import { displayNameOf } from '../../../src/auth/principal.js';

describe('principal', () => {
  describe('displayNameOf', () => {
    it("should name an API key's holder by the person's name, not by the key's label or the id", () => {
      const person = { id: '5a1d9e2b-0c3f-4e6a-8b7d-1f2e3d4c5b6a', displayName: 'Vic Validator', roles: ['VALIDATOR', 'VIEWER'], breakGlass: false };
      const principal = apiKeyPrincipal({ id: '0b6f3c1e-8d1a-4f55-9a63-2f1c7e9d4b10', roles: ['VALIDATOR'] }, person);
      expect(principal.id).toBe('key:0b6f3c1e-8d1a-4f55-9a63-2f1c7e9d4b10');
      expect(principal.personId).toBe(person.id);
      expect(displayNameOf(principal)).toBe('Vic Validator');
    });

    it("should give a key only the roles its person still holds", () => {
      const person = { id: '5a1d9e2b-0c3f-4e6a-8b7d-1f2e3d4c5b6a', displayName: 'Vic', roles: ['VIEWER'], breakGlass: false };
      expect(apiKeyPrincipal({ id: '0b6f3c1e-8d1a-4f55-9a63-2f1c7e9d4b10', roles: ['VALIDATOR', 'VIEWER'] }, person).roles).toEqual(['VIEWER']);
    });

    it('should fall back to the id for a record kept before names were', () => {
      expect(displayNameOf({ id: 'key:0b6f3c1e', displayName: null })).toBe('key:0b6f3c1e');
      expect(displayNameOf({ id: 'oidc-sub-42', displayName: '  ' })).toBe('oidc-sub-42');
    });
  });
});
