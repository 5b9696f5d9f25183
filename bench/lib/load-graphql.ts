import type { LoadStats } from './load-stats.js';

/** Error codes the hub gives its own faults; anything else is the caller's problem (conflict, input, access). */
const SERVER_FAULT_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);

export interface GraphQLError {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
}

export interface GraphQLAnswer<T> {
  data: T | null;
  errors: GraphQLError[];
}

/**
 * A GraphQL client holding one API key, as one BI tool or one person would. Every call is timed into `stats` under
 * its operation name; HTTP 5xx, transport failures and server-fault error codes count as server errors.
 */
export class LoadClient {
  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly stats: LoadStats,
  ) {}

  async call<T>(operation: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer<T>> {
    const started = performance.now();
    let status = 0;
    let body: { data?: T | null; errors?: GraphQLError[] } = {};
    try {
      const response = await fetch(`${this.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}` },
        body: JSON.stringify({ query, variables }),
      });
      status = response.status;
      const text = await response.text();
      body = text ? (JSON.parse(text) as typeof body) : {};
    } catch (error) {
      this.stats.serverError(operation, `transport: ${(error as Error).message}`);
      return { data: null, errors: [{ message: (error as Error).message, extensions: { code: 'TRANSPORT' } }] };
    }
    this.stats.record(operation, performance.now() - started);
    const errors = body.errors ?? [];
    const fault = errors.find((e) => SERVER_FAULT_CODES.has(e.extensions?.code ?? ''));
    if (status >= 500 || fault) this.stats.serverError(operation, `HTTP ${status} ${fault?.extensions?.code ?? ''} ${fault?.message ?? ''}`.trim());
    else if (errors.length > 0 || status >= 400) this.stats.clientError(operation, `HTTP ${status} ${errors[0]?.extensions?.code ?? ''} ${errors[0]?.message ?? ''}`.trim());
    return { data: body.data ?? null, errors };
  }
}

/** The data of an answer, or an exception naming the operation and the first error (for setup steps that must work). */
export function expectData<T>(operation: string, answer: GraphQLAnswer<T>): T {
  if (answer.errors.length > 0 || !answer.data) {
    const first = answer.errors[0];
    throw new Error(`${operation} failed: ${first?.extensions?.code ?? 'NO_DATA'} ${first?.message ?? ''}`);
  }
  return answer.data;
}
