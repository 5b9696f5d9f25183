import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import type { Logger } from '../logger.js';
import type { HubServices } from './services.js';
import { createRequestLoaders, type RequestLoaders } from './loaders.js';

/** What every resolver receives. One per HTTP request; never shared between requests (loaders cache per request). */
export interface GraphQLContext {
  /** The authenticated caller; null only before authentication (the transport refuses anonymous requests). */
  principal: Principal | null;
  /** Correlates log lines and the `x-request-id` response header. */
  requestId: string;
  /** Child logger carrying the request id. */
  logger: Logger;
  /** Request-scoped DataLoaders (batching + per-request cache). */
  loaders: RequestLoaders;
  /** The hub's services, for code that has no resolver instance (node registry, federation references). */
  services: HubServices;
  /** Largest `first`/`last` a connection serves (MAX_PAGE_SIZE); larger ones are refused as BAD_USER_INPUT. */
  maxPageSize: number;
  /**
   * Data rendered by PostgreSQL for this request, for the transport to splice into the body (rendered-execution.ts).
   * An object, not a field of the context: Apollo runs the operation on a shallow copy of the context.
   */
  renderedData: { token?: string; text?: string };
}

export interface CreateContextOptions {
  services: HubServices;
  principal: Principal | null;
  logger: Logger;
  /** Taken from the `x-request-id` header when the caller sent a sane one; generated otherwise. */
  requestId?: string;
  maxPageSize: number;
}

/** Builds a fresh context for one request. */
export function createContext(options: CreateContextOptions): GraphQLContext {
  const requestId = options.requestId ?? randomUUID();
  return {
    principal: options.principal,
    requestId,
    logger: options.logger.child({ requestId }),
    loaders: createRequestLoaders(options.services),
    services: options.services,
    maxPageSize: options.maxPageSize,
    renderedData: {},
  };
}
