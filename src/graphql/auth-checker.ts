import type { AuthCheckerFn } from 'type-graphql';
import { hasAnyRole, ROLES, type Role } from '../auth/principal.js';
import { NotAllowedError, UnauthenticatedError } from '../errors.js';
import type { GraphQLContext } from './context.js';

/** Every role that may read the inventory (ARCHITECTURE §6: VIEWER and above). */
export const READ_ROLES: readonly Role[] = ROLES;

/**
 * The one auth checker behind every `@Authorized(...roles)`.
 * - no principal: UNAUTHENTICATED;
 * - `@Authorized()` without roles: any authenticated principal;
 * - otherwise the principal must hold one of the roles (ADMIN only where listed), else FORBIDDEN naming the roles required.
 * It throws instead of returning false so the error carries the hub's codes rather than type-graphql's generic ones.
 */
export const authChecker: AuthCheckerFn<GraphQLContext, Role> = ({ context }, roles) => {
  const { principal } = context;
  if (!principal) throw new UnauthenticatedError('Authentication required');
  if (hasAnyRole(principal, roles)) return true;
  throw new NotAllowedError(`Requires one of the roles: ${roles.join(', ')}`, 'FORBIDDEN', { requiredRoles: [...roles] });
};
