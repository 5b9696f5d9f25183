import { describe, expect, it } from 'vitest';
import { apiKeyPrincipal } from '../../../src/auth/api-key.service.js';
import { displayNameOf } from '../../../src/auth/principal.js';

describe('principal', () => {
  describe('displayNameOf', () => {
    it("should name an API key's holder by the key's name, not by the id segregation of duties compares", () => {
      const principal = apiKeyPrincipal({ id: '0b6f3c1e-8d1a-4f55-9a63-2f1c7e9d4b10', name: 'Vic (model validation)', roles: ['VALIDATOR'] });
      expect(principal.id).toBe('key:0b6f3c1e-8d1a-4f55-9a63-2f1c7e9d4b10');
      expect(displayNameOf(principal)).toBe('Vic (model validation)');
    });

    it('should fall back to the id for a record kept before names were', () => {
      expect(displayNameOf({ id: 'key:0b6f3c1e', displayName: null })).toBe('key:0b6f3c1e');
      expect(displayNameOf({ id: 'oidc-sub-42', displayName: '  ' })).toBe('oidc-sub-42');
    });
  });
});
