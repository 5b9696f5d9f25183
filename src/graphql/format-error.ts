import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { ConflictError, InputError, NotAllowedError, NotFoundError, ServiceUnavailableError, UnauthenticatedError, type FieldProblem } from '../errors.js';
import { isConnectionFailure, isDataException } from '../pg-errors.js';
import { secretInputFieldNames } from './secret-directive.js';

/** The codes Apollo itself assigns to requests that never reached a resolver; passed through unchanged. */
const APOLLO_REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Codes produced by the hub's own transport rules (limits), passed through unchanged. */
const HUB_REQUEST_CODES = new Set(['QUERY_TOO_COMPLEX', 'QUERY_TOO_DEEP', 'UNAUTHENTICATED', 'FORBIDDEN']);

/**
 * Literal argument values the schema cannot accept (unknown enum value, wrong scalar, missing required argument)
 * are the caller's input mistakes: BAD_USER_INPUT, like the same mistake made through variables.
 */
const BAD_LITERAL = /does not exist in ".*" enum|cannot represent|Expected value of type|of required type .* was not provided/;

/** What the hub makes of an error: the public code, message and extra extensions; `internal` ones are logged in full. */
export interface ClassifiedError {
  code: string;
  message: string;
  extensions: Record<string, unknown>;
  internal: boolean;
}

function validationProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...validationProblems(error.children ?? [], path)];
  });
}

/** Maps any error thrown while serving a request to the hub's vocabulary. The one place codes are decided. */
export function classifyError(error: unknown): ClassifiedError {
  const original = unwrapResolverError(error);
  if (original instanceof InputError) {
    return { code: original.code, message: original.message, extensions: original.problems.length ? { problems: original.problems } : {}, internal: false };
  }
  if (original instanceof ArgumentValidationError) {
    const problems = validationProblems(original.extensions.validationErrors as ValidationError[]);
    const summary = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    return { code: 'BAD_USER_INPUT', message: `Invalid input: ${summary}`, extensions: { problems }, internal: false };
  }
  if (original instanceof NotFoundError || original instanceof UnauthenticatedError) {
    return { code: original.code, message: original.message, extensions: {}, internal: false };
  }
  if (original instanceof NotAllowedError || original instanceof ConflictError) {
    return { code: original.code, message: original.message, extensions: { ...original.details }, internal: false };
  }
  // A value the caller sent that no validator anticipated is the caller's input, not a server failure; the database's
  // own message is not passed on (it may quote the statement's values).
  if (isDataException(original)) {
    return {
      code: 'BAD_USER_INPUT',
      message: 'A value in the request cannot be used as text, number or date (for example it contains a NUL character or is out of range)',
      extensions: {},
      internal: false,
    };
  }
  if (original instanceof ServiceUnavailableError || isConnectionFailure(original)) {
    return { code: 'SERVICE_UNAVAILABLE', message: 'A dependency of the hub is unavailable; retry later', extensions: {}, internal: original instanceof ServiceUnavailableError ? false : true };
  }
  return { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', extensions: {}, internal: true };
}

/** True for errors of the request itself (parse, validation, variables, limits): they carry their code and no path. */
export function isRequestError(error: { extensions?: Record<string, unknown>; path?: unknown }): boolean {
  const code = error.extensions?.code;
  return typeof code === 'string' && (APOLLO_REQUEST_CODES.has(code) || HUB_REQUEST_CODES.has(code)) && !error.path;
}

/**
 * Apollo's `formatError`: gives every error an `extensions.code`, drops stack traces and hides internal details.
 * Errors from parsing, validation and the hub's own limits keep their code, with the values of `secretFields` masked
 * in their message; resolver errors are classified.
 */
export function formatHubError(formatted: GraphQLFormattedError, error: unknown, secretFields: ReadonlySet<string> = new Set()): GraphQLFormattedError {
  const existing = formatted.extensions?.code;
  if (typeof existing === 'string' && isRequestError(formatted)) {
    const code = existing === 'GRAPHQL_VALIDATION_FAILED' && BAD_LITERAL.test(formatted.message) ? 'BAD_USER_INPUT' : existing;
    const { stacktrace: _drop, ...rest } = formatted.extensions ?? {};
    return { message: maskSecretInputs(formatted.message, secretFields), locations: formatted.locations, extensions: { ...rest, code } };
  }
  const classified = classifyError(error);
  return {
    message: classified.message,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { ...classified.extensions, code: classified.code },
  };
}

/** The schema's `formatError`: {@link formatHubError} masking the input fields the schema marks `@secret`. */
export function hubErrorFormatter(schema: GraphQLSchema): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  const secretFields = secretInputFieldNames(schema);
  return (formatted, error) => formatHubError(formatted, error, secretFields);
}

const INVALID_VARIABLE = /^Variable "\$[^"]+" got invalid value /;
const MASKED = '"[REDACTED]"';

/**
 * graphql-js quotes a variable's invalid value in its message, printed by its `inspect` (`{ key: value, … }`, strings
 * JSON-quoted): `Variable "$input" got invalid value { name: "x", secret: { token: "…" } }; Field "bogus" is not
 * defined…`, the whole input object when the mistake is one of its fields. Every value of a secret field is replaced,
 * at any depth; a quoted value that is itself (part of) a secret field's, by its path (`at "input.secret"`), whole.
 */
export function maskSecretInputs(message: string, secretFields: ReadonlySet<string>): string {
  if (secretFields.size === 0) return message;
  const prefix = INVALID_VARIABLE.exec(message)?.[0];
  if (prefix) {
    const end = valueEnd(message, prefix.length);
    const path = /^ at "([^"]*)"/.exec(message.slice(end))?.[1];
    if (path?.split(/[.[\]]/).some((segment) => secretFields.has(segment))) return `${prefix}${MASKED}${maskKeys(message.slice(end), secretFields)}`;
  }
  return maskKeys(message, secretFields);
}

/** Replaces the value after each `{ key: ` or `, key: ` whose key is a secret field (outside string literals). */
function maskKeys(text: string, keys: ReadonlySet<string>): string {
  let masked = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      const end = stringEnd(text, i);
      masked += text.slice(i, end);
      i = end;
      continue;
    }
    if ((text[i] === '{' || text[i] === ',') && text[i + 1] === ' ') {
      const key = /^[^\s:,{}[\]"]+(?=: )/.exec(text.slice(i + 2, i + 2 + 200))?.[0];
      if (key !== undefined && keys.has(key)) {
        const valueStart = i + 2 + key.length + 2;
        masked += text.slice(i, valueStart) + MASKED;
        i = valueEnd(text, valueStart);
        continue;
      }
    }
    masked += text[i];
    i++;
  }
  return masked;
}

/** Where the inspected value starting at `start` ends: a string, a bracketed object or list, or a bare word. */
function valueEnd(text: string, start: number): number {
  const open = text[start];
  if (open === '"') return stringEnd(text, start);
  if (open === '{' || open === '[') {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      if (text[i] === '"') {
        i = stringEnd(text, i) - 1;
        continue;
      }
      if (text[i] === '{' || text[i] === '[') depth++;
      else if ((text[i] === '}' || text[i] === ']') && --depth === 0) return i + 1;
    }
    return text.length;
  }
  const bare = /^[^,\s}\]]*/.exec(text.slice(start))![0];
  return start + bare.length;
}

/** The index after the JSON string literal starting at `start` (its escapes skipped); the end when unterminated. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}
