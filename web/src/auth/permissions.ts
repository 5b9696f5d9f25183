/**
 * What each action needs, mirroring the server's @Authorized roles, so the console hides what a role may not do.
 * The server stays the judge: whatever still gets refused is shown with the server's own words.
 */
export type Role = 'VIEWER' | 'DATA_SCIENTIST' | 'OPERATOR' | 'VALIDATOR' | 'RISK_OFFICER' | 'ADMIN';

export const ACTIONS = {
  requestTransition: ['DATA_SCIENTIST', 'OPERATOR'],
  decideOnRequests: ['VALIDATOR', 'RISK_OFFICER'],
  manageSources: ['OPERATOR'],
  classifyModels: ['RISK_OFFICER'],
  manageKeys: ['ADMIN'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof ACTIONS;

/** ADMIN holds every role (as on the server). */
export function holds(roles: readonly string[], role: Role): boolean {
  return roles.includes(role) || roles.includes('ADMIN');
}

export function may(roles: readonly string[], action: Action): boolean {
  return ACTIONS[action].some((role) => holds(roles, role));
}
