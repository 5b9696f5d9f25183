import type { FieldProblem } from '../errors.js';

/**
 * Lengths the hub accepts for free text people attach to decisions. Generous for prose, small enough that a request,
 * its audit events and its evidence pack stay readable and cheap to hash.
 */
export const TEXT_LIMITS = {
  justification: 4000,
  comment: 2000,
  evidenceTitle: 200,
  evidenceUrl: 2048,
  evidenceLinks: 20,
} as const;

/** A problem naming the limit when `value` is longer than `max` characters; null when it fits. */
export function tooLong(path: string, value: string | null | undefined, max: number): FieldProblem | null {
  if (value == null || value.length <= max) return null;
  return { path, message: `At most ${max} characters (got ${value.length}).` };
}
