/**
 * The hub's small error vocabulary. Domain code throws these; graphql/format-error.ts maps them to
 * `extensions.code`. Anything else is an internal error: logged in full, returned bland.
 */

/** One field-level problem in an input. */
export interface FieldProblem {
  /** Dotted path of the offending field (`settings.trackingUri`). */
  path: string;
  message: string;
}

/** Input the hub refuses: BAD_USER_INPUT, or a more specific code for a refusal a client may want to act on. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    readonly problems: FieldProblem[] = [],
    readonly code: string = 'BAD_USER_INPUT',
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

export class NotAllowedError extends Error {
  override name = 'NotAllowedError';
  /** FORBIDDEN by default; governance refusals carry their own code (SELF_APPROVAL, ROLE_REQUIRED, …). */
  constructor(message: string, readonly code: string = 'FORBIDDEN', readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

export class UnauthenticatedError extends Error {
  override name = 'UnauthenticatedError';
  readonly code = 'UNAUTHENTICATED';
}

export class ConflictError extends Error {
  override name = 'ConflictError';
  constructor(message: string, readonly code: string = 'CONFLICT', readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

/** A dependency (database, Redis) is unreachable right now; the client may retry. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  readonly code = 'SERVICE_UNAVAILABLE';
}

export type DomainError = InputError | NotFoundError | NotAllowedError | UnauthenticatedError | ConflictError | ServiceUnavailableError;

export function isDomainError(error: unknown): error is DomainError {
  return (
    error instanceof InputError ||
    error instanceof NotFoundError ||
    error instanceof NotAllowedError ||
    error instanceof UnauthenticatedError ||
    error instanceof ConflictError ||
    error instanceof ServiceUnavailableError
  );
}
