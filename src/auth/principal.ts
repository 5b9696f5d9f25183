/** Roles of ARCHITECTURE §6. A principal may hold several. */
export const ROLES = ['VIEWER', 'DATA_SCIENTIST', 'OPERATOR', 'VALIDATOR', 'RISK_OFFICER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];
/**
 * Roles whose grant is a control under four eyes (a role-grant request a second ADMIN approves): they decide or
 * administer. The others an ADMIN grants directly.
 */
export const GOVERNED_ROLES: readonly Role[] = ['VALIDATOR', 'RISK_OFFICER', 'ADMIN'];

/** Who is making a request: resolved once per request by src/auth, carried in the GraphQL context and into audit. */
export interface Principal {
  /** The identity the request came in as: `key:<api key id>`, the JWT subject, or `system:<component>`. */
  id: string;
  /**
   * The person behind the identity (persons.id): what independence compares, since one person may hold several keys
   * and an SSO login. Null only for the hub's own `system:` principals.
   */
  personId: string | null;
  /** The person's display name (for system principals, the component). */
  displayName: string;
  /** Effective roles: the credential's roles ∩ the person's granted roles. */
  roles: Role[];
  kind: 'api-key' | 'jwt' | 'system';
  /** True for the bootstrap admin key (break glass): usable only while no active ADMIN person exists, or HUB_BREAK_GLASS. */
  breakGlass?: boolean;
  /** True for a key marked as a BI service account: it may run only registered operations (HUB_TRUSTED_DOCUMENTS). */
  trustedDocumentsOnly?: boolean;
}

/** The roles both lists hold, in the hub's order (a credential never holds more than its person). */
export function intersectRoles(credentialRoles: readonly string[], personRoles: readonly string[]): Role[] {
  return ROLES.filter((role) => credentialRoles.includes(role) && personRoles.includes(role));
}

/**
 * How someone is named to other people (a vendor-side description, a status reason): the API key's name or the
 * token's name/email, never the stable id segregation of duties compares. Takes a principal or a stored id with the
 * name recorded beside it (older records have none: their id is shown). The one place to switch to a person's name
 * once people are records.
 */
export function displayNameOf(who: { id: string; displayName?: string | null }): string {
  return who.displayName?.trim() || who.id;
}

/** The hub itself (syncs, schedulers, write-back worker) when it acts without a human. */
export function systemPrincipal(component: string): Principal {
  return { id: `system:${component}`, personId: null, displayName: component, roles: ['ADMIN'], kind: 'system' };
}

/**
 * Whether the principal holds exactly this role. ADMIN is not a superset: it administers (people, keys, sources,
 * policies) and never stands in for an approver, so every place that lets ADMIN in lists it explicitly.
 */
export function hasRole(principal: Pick<Principal, 'roles'>, role: Role): boolean {
  return principal.roles.includes(role);
}

export function hasAnyRole(principal: Pick<Principal, 'roles'>, roles: readonly Role[]): boolean {
  return roles.length === 0 || roles.some((role) => hasRole(principal, role));
}
