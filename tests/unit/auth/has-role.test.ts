import { describe, expect, it } from 'vitest';
import { hasAnyRole, hasRole } from '../../../src/auth/principal.js';
import { authChecker } from '../../../src/graphql/auth-checker.js';

describe('hasRole', () => {
  it('should give ADMIN only the ADMIN role: it stands in for no approver or other role', () => {
    const admin = { roles: ['ADMIN' as const] };
    expect(hasRole(admin, 'ADMIN')).toBe(true);
    for (const role of ['VALIDATOR', 'RISK_OFFICER', 'OPERATOR', 'DATA_SCIENTIST', 'VIEWER'] as const) expect(hasRole(admin, role)).toBe(false);
    expect(hasAnyRole(admin, ['VALIDATOR', 'RISK_OFFICER'])).toBe(false);
    expect(hasAnyRole(admin, ['OPERATOR', 'ADMIN'])).toBe(true);
  });

  it('should let the auth checker admit ADMIN only where a field lists it', () => {
    const context = { principal: { id: 'key:a', personId: 'p', displayName: 'Ada', roles: ['ADMIN'], kind: 'api-key' } };
    expect(authChecker({ context } as never, ['OPERATOR', 'ADMIN'])).toBe(true);
    expect(() => authChecker({ context } as never, ['RISK_OFFICER'])).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});
