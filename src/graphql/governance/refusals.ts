import { ConflictError, NotAllowedError } from '../../errors.js';
import type { Refusal, RequestResult } from '../../governance/refusal.js';

/** Refusals about who is asking; every other one is about what the request's state allows. */
const NOT_ALLOWED = new Set(['SELF_APPROVAL', 'ROLE_REQUIRED', 'DUPLICATE_APPROVER', 'OWNER_CANNOT_VALIDATE', 'NOT_REQUESTER', 'SELF_GRANT']);

/** The API error of a governance refusal: its code, message and details become the error's (format-error.ts). */
export function refusalError(refusal: Refusal): NotAllowedError | ConflictError {
  const details = refusal.details ?? {};
  return NOT_ALLOWED.has(refusal.code) ? new NotAllowedError(refusal.message, refusal.code, details) : new ConflictError(refusal.message, refusal.code, details);
}

/** The request a mutation returns, or its refusal thrown as the API error. */
export function requestOrThrow<Request>(result: RequestResult<Request, string>): Request {
  if (!result.ok) throw refusalError(result.refusal);
  return result.request;
}
