import { expect } from 'vitest';

/**
 * What a hostile request may get back from the hub, and the checks every such answer must pass: an HTTP status the
 * API documents, a JSON body whose errors all carry a known `extensions.code`, and no trace of the implementation
 * (SQL, driver or ORM names, stack frames).
 */

/** Statuses a refusal may use. 5xx is never acceptable for bad input. */
export const ALLOWED_STATUSES = new Set([200, 400, 401, 403, 404, 413, 415]);

/**
 * Codes the hub gives requests it refuses. INTERNAL_SERVER_ERROR and SERVICE_UNAVAILABLE are deliberately absent:
 * bad input must be named as bad input, never surface as a server failure.
 */
export const KNOWN_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'QUERY_TOO_COMPLEX',
  'QUERY_TOO_DEEP',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'CREDENTIAL_REQUIRED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'BATCHING_NOT_SUPPORTED',
  'METHOD_NOT_ALLOWED',
  // Governance refusals (NotAllowedError / ConflictError codes).
  'DUPLICATE_APPROVER',
  'EXPIRED',
  'INVALID_TRANSITION',
  'NOT_REQUESTER',
  'NO_OPEN_SLOT',
  'REQUEST_EXPIRED',
  'REQUEST_NOT_PENDING',
  'REQUEST_SUPERSEDED',
  'ROLE_REQUIRED',
  'SOURCE_NAME_TAKEN',
  'REQUEST_ALREADY_OPEN',
  'RISK_TIER_REQUIRED',
  'NO_POLICY',
  'VERSION_DELETED',
  'SELF_APPROVAL',
  'OWNER_CANNOT_VALIDATE',
  // People and the four-eyes controls (issue 16).
  'FOUR_EYES_REQUIRED',
  'NO_CHANGE',
  'SELF_GRANT',
  'ROLE_NOT_HELD',
  'DUPLICATE_EMAIL',
  'IDENTITY_LINKED',
  // Trusted documents (BI service-account keys).
  'TRUSTED_DOCUMENT_REQUIRED',
  'TRUSTED_DOCUMENT_NOT_FOUND',
  'TRUSTED_DOCUMENTS_NOT_CONFIGURED',
]);

/**
 * Text that betrays the implementation when it reaches a client. Hostile inputs used with {@link expectCleanAnswer}
 * must not contain these themselves, because refusals may legitimately quote a short preview of the input.
 */
export const LEAK_MARKERS = ['select ', 'insert ', 'update ', 'postgres', 'drizzle', ' at /', '.ts:', '.js:', 'stacktrace', 'node_modules'];

export interface HostileAnswer {
  status: number;
  text: string;
  /** Parsed body; undefined when it was not JSON. */
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } | undefined;
  headers: Headers;
}

export interface HostileClient {
  url: string;
  /** POSTs a raw body with the given headers (no defaults added). */
  raw(init: { method?: string; body?: string | Buffer; headers?: Record<string, string>; path?: string }): Promise<HostileAnswer>;
  /** POSTs one GraphQL operation as JSON with the given API key. */
  graphql(query: string, variables?: unknown, apiKey?: string | null): Promise<HostileAnswer>;
}

export function hostileClient(baseUrl: string, defaultKey: string): HostileClient {
  const url = `${baseUrl}/graphql`;
  const raw: HostileClient['raw'] = async ({ method = 'POST', body, headers = {}, path }) => {
    const response = await fetch(path ? `${baseUrl}${path}` : url, { method, headers, body });
    const text = await response.text();
    let parsed: HostileAnswer['body'];
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, text, body: parsed, headers: response.headers };
  };
  return {
    url,
    raw,
    graphql(query, variables, apiKey = defaultKey) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (apiKey) headers['x-api-key'] = apiKey;
      return raw({ body: JSON.stringify({ query, variables }), headers });
    },
  };
}

/** The leak markers present in a response text (case-insensitive). */
export function leaksIn(text: string): string[] {
  const lower = text.toLowerCase();
  return LEAK_MARKERS.filter((marker) => lower.includes(marker));
}

/**
 * Asserts an answer to hostile input is a clean one: allowed status, JSON, every error with a known code, no leaks.
 * `context` names the request in the failure message, so a generated case can be reproduced.
 */
export function expectCleanAnswer(answer: HostileAnswer, context = ''): void {
  const where = context ? ` (${context})` : '';
  expect(ALLOWED_STATUSES.has(answer.status), `status ${answer.status}${where}: ${answer.text.slice(0, 300)}`).toBe(true);
  expect(answer.body, `non-JSON body${where}: ${answer.text.slice(0, 300)}`).toBeTypeOf('object');
  for (const error of answer.body?.errors ?? []) {
    const code = error.extensions?.code;
    expect(KNOWN_CODES.has(String(code)), `unexpected code ${String(code)}${where}: ${error.message.slice(0, 300)}`).toBe(true);
    expect(error.extensions ?? {}, `stack trace in extensions${where}`).not.toHaveProperty('stacktrace');
  }
  expect(leaksIn(answer.text), `leak in response${where}: ${answer.text.slice(0, 300)}`).toEqual([]);
  if (answer.status !== 200) expect(answer.body?.errors?.length ?? 0, `refusal without errors${where}`).toBeGreaterThan(0);
}

/** The codes of an answer's errors. */
export const codesOf = (answer: HostileAnswer): string[] => (answer.body?.errors ?? []).map((e) => String(e.extensions?.code));

/** The simulators' seeded PRNG (mulberry32), so a failing generated request can be reproduced from its seed. */
export { seededRandom } from '../../connectors/shared/simulator-kit.js';

export const pick = <T>(random: () => number, values: readonly T[]): T => values[Math.floor(random() * values.length)];

/** Resident memory of this process (which hosts the server under test), in MiB. */
export const rssMiB = (): number => process.memoryUsage().rss / 1024 / 1024;

/** Asserts the hub still serves an ordinary authenticated query. */
export async function expectServerHealthy(client: HostileClient): Promise<void> {
  const answer = await client.graphql('{ models(first: 1) { totalCount } }');
  expect(answer.status).toBe(200);
  expect(answer.body?.errors).toBeUndefined();
}
