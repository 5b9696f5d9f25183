/**
 * What each action needs, mirroring the server's @Authorized roles and its rules, so the console hides what a role
 * may not do. The server stays the judge: whatever still gets refused is shown with the server's own words.
 */
import { enumValues, type EnumOf } from '../api/graphql.ts';

export type Role = EnumOf<'Role'>;

export const ROLES: readonly Role[] = enumValues<Role>()(['VIEWER', 'DATA_SCIENTIST', 'OPERATOR', 'VALIDATOR', 'RISK_OFFICER', 'ADMIN']);

/** Roles whose grant is a control: a second ADMIN approves a role-grant request (the others are granted directly). */
export const GOVERNED_ROLES: readonly Role[] = ['VALIDATOR', 'RISK_OFFICER', 'ADMIN'];

export const ACTIONS = {
  requestTransition: ['DATA_SCIENTIST', 'OPERATOR'],
  decideOnRequests: ['VALIDATOR', 'RISK_OFFICER'],
  manageSources: ['OPERATOR', 'ADMIN'],
  classifyModels: ['RISK_OFFICER', 'ADMIN'],
  readPeople: ['ADMIN', 'RISK_OFFICER'],
  managePeople: ['ADMIN'],
  /** Control requests (policies, tiers, owners: a RISK_OFFICER; role grants: an ADMIN), never one's own. */
  decideOnControls: ['RISK_OFFICER', 'ADMIN'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof ACTIONS;

/** ADMIN administers and stands in for no other role (as on the server): a role is held only when granted. */
export function holds(roles: readonly string[], role: Role): boolean {
  return roles.includes(role);
}

export function may(roles: readonly string[], action: Action): boolean {
  return ACTIONS[action].some((role) => holds(roles, role));
}
