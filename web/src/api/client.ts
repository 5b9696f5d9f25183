import { print } from '@0no-co/graphql.web';
import type { TadaDocumentNode } from 'gql.tada';
import { currentCredential, endSession } from '../auth/session.ts';

/** One field-level problem the server found in an input (`extensions.problems`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** A refusal or failure as the server worded it, with its code. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly problems: FieldProblem[] = [],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

const printed = new WeakMap<object, string>();
function source(document: object): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document as never);
    printed.set(document, text);
  }
  return text;
}

/**
 * Runs one operation against /graphql with the session's credential. The first error becomes an ApiError carrying
 * the server's own message, code and field problems; an UNAUTHENTICATED answer ends the session.
 */
export async function execute<Result, Variables>(document: TadaDocumentNode<Result, Variables>, variables?: Variables, signal?: AbortSignal): Promise<Result> {
  const credential = currentCredential();
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(credential ? { authorization: `Bearer ${credential.token}` } : {}) },
      body: JSON.stringify({ query: source(document), variables: variables ?? {} }),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('The hub could not be reached. Check your connection and try again.', 'NETWORK_ERROR', 0);
  }
  let body: GraphQLResponse<Result>;
  try {
    body = (await response.json()) as GraphQLResponse<Result>;
  } catch {
    throw new ApiError(`The hub answered ${response.status} without a GraphQL response.`, 'BAD_RESPONSE', response.status);
  }
  const first = body.errors?.[0];
  if (first) {
    const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'ERROR';
    const problems = Array.isArray(first.extensions?.problems) ? (first.extensions.problems as FieldProblem[]) : [];
    if (code === 'UNAUTHENTICATED') endSession(first.message);
    throw new ApiError(first.message, code, response.status, problems, first.extensions ?? {});
  }
  if (!body.data) throw new ApiError(`The hub answered ${response.status} without data.`, 'BAD_RESPONSE', response.status);
  return body.data;
}
