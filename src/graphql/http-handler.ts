import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerOptionsWithGateway, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { printSchema, type GraphQLSchema } from 'graphql';
import type { Principal } from '../auth/principal.js';
import { endCompressed } from '../http/compression.js';
import { UnauthenticatedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createCompiledExecution } from './compiled-execution.js';
import { createRenderedExecution, type RenderedExecution } from './rendered-execution.js';
import { createContext, type GraphQLContext } from './context.js';
import { classifyError, hubErrorFormatter, isRequestError } from './format-error.js';
import { limitsPlugin, type QueryLimits } from './limits.js';
import { applyTrustedDocuments, TrustedDocumentRefusal, type TrustedDocuments } from './trusted-documents.js';
import type { HubServices } from './services.js';

export interface GraphQLHttpLimits extends QueryLimits {
  /** Largest request body accepted (413 above). */
  maxBodyBytes: number;
}

/** What the metrics hook learns about each request. */
export interface GraphQLRequestObservation {
  operationName: string | null;
  status: number;
  durationMs: number;
}

export interface GraphQLHttpHandlerOptions {
  schema: GraphQLSchema;
  /** Services for the request context (loaders). */
  services: HubServices;
  /** Resolves the caller; null (or UnauthenticatedError) → 401. Called once per request. */
  authenticate(req: IncomingMessage): Promise<Principal | null>;
  logger: Logger;
  limits: GraphQLHttpLimits;
  onRequest?: (observation: GraphQLRequestObservation) => void;
  /** Registered operations (HUB_TRUSTED_DOCUMENTS); null: none, and BI service-account keys are refused. */
  trustedDocuments?: TrustedDocuments | null;
  /** Render pure projections of the models page in PostgreSQL (HUB_GRAPHQL_DATABASE_RENDERING; default true). */
  databaseRendering?: boolean;
}

export interface GraphQLHttpHandler {
  /** Serves one request to the GraphQL endpoint (the caller routes /graphql here). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Drains Apollo (plugins' serverWillStop); call on shutdown. */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

class HttpRefusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) return reject(new HttpRefusal(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${maxBytes} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpRefusal(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a POST body; only JSON is accepted (GraphQL over HTTP), anything else is refused with a code. */
async function parsePostBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (contentType !== 'application/json' && contentType !== 'application/graphql-response+json') {
    throw new HttpRefusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'POST requests must have Content-Type: application/json');
  }
  const text = await readBody(req, maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpRefusal(400, 'BAD_REQUEST', 'Malformed JSON in request body');
  }
  if (Array.isArray(body)) {
    throw new HttpRefusal(400, 'BATCHING_NOT_SUPPORTED', 'Batched operations are not supported; send one operation per request');
  }
  return body;
}

/** The operation a request names: `operationName` of a POST body, or of a GET's query string. */
function requestedOperationName(body: unknown, search: URLSearchParams): string | null {
  if (body === undefined) return search.get('operationName');
  const named = body && typeof body === 'object' ? (body as { operationName?: unknown }).operationName : undefined;
  return typeof named === 'string' ? named : null;
}

function writeError(res: ServerResponse, requestId: string, status: number, code: string, message: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('x-request-id', requestId);
  if (status === 401) res.setHeader('www-authenticate', 'Bearer');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/**
 * A dependency that fails while a query executes (the database drops mid-request) is still an outage, not a partial
 * answer: the response says 503 like one refused before execution, so clients and load balancers retry it.
 */
const unavailableStatus: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors ?? [];
        if (errors.some((error) => error.extensions?.code === 'SERVICE_UNAVAILABLE')) response.http.status = 503;
      },
    };
  },
};

/** Logs errors the client only sees as bland INTERNAL_SERVER_ERROR, in full, with the request id. */
const errorLogging: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) {
          // Parse, validation and limit refusals are the caller's mistakes, answered with their code: not server errors.
          if (isRequestError(error)) continue;
          const classified = classifyError(error);
          if (classified.code === 'SERVICE_UNAVAILABLE') {
            // An outage, not a bug: one line without the failed statement (which would repeat for every request).
            contextValue.logger.warn({ path: error.path, reason: (error.originalError ?? error).message.split('\n')[0].slice(0, 200) }, 'GraphQL request failed: dependency unavailable');
          } else if (classified.internal) {
            contextValue.logger.error({ err: error.originalError ?? error, path: error.path }, 'GraphQL request failed');
          }
        }
      },
    };
  },
};

/**
 * Apollo's only seam for another executor is the gateway interface: a fixed schema and an executor that answers
 * pure projections of the models page as JSON rendered by PostgreSQL (rendered-execution.ts) and runs every other
 * query as a compiled plan (compiled-execution.ts). Parsing, validation, plugins and error formatting stay Apollo's.
 */
function executionGateway(schema: GraphQLSchema, rendered: RenderedExecution | null): ApolloServerOptionsWithGateway<GraphQLContext>['gateway'] {
  const execute = createCompiledExecution(schema);
  return {
    async load() {
      return {
        executor: async (request) => {
          // The operation the client named (request.operationName is Apollo's resolved one: null when none matched).
          const operation = { document: request.document, operationName: request.request.operationName ?? null, variables: request.request.variables, context: request.context as GraphQLContext };
          return (await rendered?.execute(operation)) ?? execute(operation);
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    async stop() {},
  };
}

/**
 * GraphQL over HTTP for a plain node:http server: POST JSON and GET (queries only), APQ, request limits, the hub's
 * error codes, and authentication before anything runs (no anonymous access; introspection for authenticated callers).
 */
export function createGraphQLHttpHandler(options: GraphQLHttpHandlerOptions): GraphQLHttpHandler {
  const { schema, services, logger, limits } = options;
  const rendered = options.databaseRendering === false ? null : createRenderedExecution(schema);
  const server = new ApolloServer<GraphQLContext>({
    gateway: executionGateway(schema, rendered),
    formatError: hubErrorFormatter(schema),
    includeStacktraceInErrorResponses: false,
    // Auth is by Authorization / API-key headers, never cookies, so a cross-site request cannot carry credentials.
    csrfPrevention: false,
    allowBatchedHttpRequests: false,
    // The process's own shutdown (cli.ts onShutdown) stops Apollo. Apollo's handlers would stop it a second time and
    // then re-send the signal, which the CLI takes as an impatient second Ctrl-C and exits 1.
    stopOnTerminationSignals: false,
    introspection: true,
    logger,
    // No cache hints: responses are per principal. Disabling cache control also removes Apollo's per-field resolver
    // instrumentation (its only willResolveField listener), a large share of the cost of big pages.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), limitsPlugin(limits, () => schema), errorLogging, unavailableStatus],
  });
  const ready = server.start();
  ready.catch((error: unknown) => logger.error({ err: error }, 'GraphQL server failed to start'));

  return {
    async handle(req, res) {
      const started = performance.now();
      const header = req.headers['x-request-id'];
      const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
      let operationName: string | null = null;
      let actor: string | null = null;
      const finish = () => {
        const durationMs = performance.now() - started;
        // The access log: one line per request, with the request id every other line of this request carries.
        logger.info({ requestId, operationName: operationName?.slice(0, 100) ?? null, status: res.statusCode, durationMs: Math.round(durationMs), actor }, 'graphql request');
        options.onRequest?.({ operationName, status: res.statusCode, durationMs });
      };
      try {
        const method = (req.method ?? 'GET').toUpperCase();
        if (method !== 'GET' && method !== 'POST') throw new HttpRefusal(405, 'METHOD_NOT_ALLOWED', 'Use GET or POST');
        let principal: Principal | null;
        try {
          principal = await options.authenticate(req);
        } catch (error) {
          if (error instanceof UnauthenticatedError) throw new HttpRefusal(401, 'UNAUTHENTICATED', error.message);
          throw error;
        }
        if (!principal) throw new HttpRefusal(401, 'UNAUTHENTICATED', 'Authentication required: send an API key or a bearer token');
        actor = principal.id;
        const url = new URL(req.url ?? '/', 'http://localhost');
        const { body, search } = applyTrustedDocuments(
          { body: method === 'POST' ? await parsePostBody(req, limits.maxBodyBytes) : undefined, search: url.search },
          principal,
          options.trustedDocuments ?? null,
        );
        operationName = requestedOperationName(body, new URLSearchParams(search));
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        }
        await ready;
        const context = createContext({ services, principal, logger, requestId, maxPageSize: limits.maxPageSize });
        const response = await server.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method, headers, search, body },
          context: async () => context,
        });
        res.statusCode = response.status ?? 200;
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.setHeader('x-request-id', requestId);
        if (response.body.kind === 'complete') {
          await endCompressed(req, res, rendered ? rendered.splice(context, response.body.string) : response.body.string);
        } else {
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
        }
      } catch (error) {
        if (error instanceof HttpRefusal || error instanceof TrustedDocumentRefusal) {
          writeError(res, requestId, error.status, error.code, error.message);
        } else {
          const classified = classifyError(error);
          logger.error({ err: error, requestId }, 'GraphQL transport failed');
          writeError(res, requestId, classified.code === 'SERVICE_UNAVAILABLE' ? 503 : 500, classified.code, classified.message);
        }
      } finally {
        finish();
      }
    },
    async stop() {
      await ready.catch(() => undefined);
      await server.stop();
    },
  };
}
