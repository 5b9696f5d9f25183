import type { Db } from '../db/client.js';
import { hasAnyRole, type Principal, type Role } from '../auth/principal.js';
import { InputError, NotAllowedError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import { CONTROL_MUTATION } from './controls.js';
import { TEXT_LIMITS, tooLong } from './limits.js';

/** Asks the job layer to deliver an applied request's write-back (the composition root passes the job layer's). */
export type EnqueueWriteBack = (changeRequestId: string) => Promise<void>;

/** What every governance service is built from (the composition root fills it once). */
export interface GovernanceDeps {
  db: Db;
  audit: AuditRecorder;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  now: () => Date;
}

/** Correlation for audit rows: the API request id (or job id) behind the call. */
export interface CallContext {
  requestId?: string | null;
}

export const DAY_MS = 86_400_000;

export function requireRole(actor: Principal, roles: readonly Role[], what: string): void {
  if (!hasAnyRole(actor, roles)) throw new NotAllowedError(`Only ${roles.join(', ')} may ${what}.`, 'ROLE_REQUIRED');
}

/** A change to the controls that needs a second person: says which mutation asks for it. */
export function fourEyes(kind: keyof typeof CONTROL_MUTATION, what: string): NotAllowedError {
  return new NotAllowedError(`${what}; ask for it with ${CONTROL_MUTATION[kind]}.`, 'FOUR_EYES_REQUIRED', { use: CONTROL_MUTATION[kind] });
}

export function checkComment(comment: string | null): string | null {
  const problem = tooLong('comment', comment, TEXT_LIMITS.comment);
  if (problem) throw new InputError(`A comment may be at most ${TEXT_LIMITS.comment} characters.`, [problem]);
  return comment;
}
