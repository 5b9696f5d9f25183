import { LIFECYCLE_STATES, type LifecycleState } from '../../connectors/contract.js';

export { LIFECYCLE_STATES, type LifecycleState };

/**
 * The governed lifecycle of a model version (ARCHITECTURE §5). Pure: no clock, no I/O.
 *
 * States:
 * - `DEVELOPMENT`: where every newly discovered version starts, whatever the vendor says; being built or reworked.
 * - `VALIDATION`: handed to independent validators; the owner and the creator may not validate it.
 * - `APPROVED`: validated and approved for production use, not yet promoted.
 * - `PRODUCTION`: the governed state of a version allowed to serve production traffic.
 * - `RETIRED`: terminal; withdrawn from use. Nothing leaves RETIRED (a comeback is a new version).
 */
export const LIFECYCLE_STATE_DESCRIPTIONS: Readonly<Record<LifecycleState, string>> = {
  DEVELOPMENT: 'Being built or reworked; every newly discovered version starts here whatever the vendor says.',
  VALIDATION: 'Handed to independent validators for review.',
  APPROVED: 'Validated and approved for production use, not yet promoted.',
  PRODUCTION: 'Allowed to serve production traffic.',
  RETIRED: 'Withdrawn from use; terminal.',
};

/**
 * Allowed transitions, by source state:
 * - `DEVELOPMENT → VALIDATION`: submitted for validation.
 * - `VALIDATION → APPROVED`: validation passed and approved.
 * - `VALIDATION → DEVELOPMENT`: sent back for rework.
 * - `APPROVED → PRODUCTION`: promoted.
 * - `any (but RETIRED) → RETIRED`: retired, from wherever it stands.
 */
const ALLOWED: Readonly<Record<LifecycleState, readonly LifecycleState[]>> = {
  DEVELOPMENT: ['VALIDATION', 'RETIRED'],
  VALIDATION: ['APPROVED', 'DEVELOPMENT', 'RETIRED'],
  APPROVED: ['PRODUCTION', 'RETIRED'],
  PRODUCTION: ['RETIRED'],
  RETIRED: [],
};

export type TransitionCheck = { ok: true } | { ok: false; reason: string };

export function isLifecycleState(value: string): value is LifecycleState {
  return (LIFECYCLE_STATES as readonly string[]).includes(value);
}

/** The states a version in `from` may be moved to. */
export function allowedTargets(from: LifecycleState): readonly LifecycleState[] {
  return ALLOWED[from];
}

/** Whether `from → to` is a governed transition; when not, a sentence saying why and what is allowed instead. */
export function checkTransition(from: LifecycleState, to: LifecycleState): TransitionCheck {
  if (from === to) return { ok: false, reason: `The version is already in ${to}.` };
  if (ALLOWED[from].includes(to)) return { ok: true };
  if (from === 'RETIRED') return { ok: false, reason: 'A RETIRED version is final and cannot change state; register a new version instead.' };
  return {
    ok: false,
    reason: `${from} → ${to} is not an allowed transition; from ${from} a version may go to ${ALLOWED[from].join(' or ')}.`,
  };
}
