import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { ROLES, type Principal, type Role } from '../../src/auth/principal.js';
import { fullSchema, type Db } from '../../src/db/client.js';
import { buildHubSchema } from '../../src/graphql/build-schema.js';
import { createGraphQLHttpHandler, type GraphQLHttpLimits } from '../../src/graphql/http-handler.js';
import type { HubServices } from '../../src/graphql/services.js';
import { InventoryReadService } from '../../src/inventory/inventory-read.service.js';
import { WriteBackStatusReader } from '../../src/governance/write-back-status.js';
import { createLogger } from '../../src/logger.js';

/** Header naming the caller's roles in tests (`x-test-roles: VIEWER,OPERATOR`); absent = anonymous. */
export const TEST_ROLES_HEADER = 'x-test-roles';

/** Stands in for the real API-key/JWT authenticator: the roles header becomes a principal. */
export async function testAuthenticate(req: IncomingMessage): Promise<Principal | null> {
  const header = req.headers[TEST_ROLES_HEADER];
  if (typeof header !== 'string') return null;
  const roles = header.split(',').map((r) => r.trim()).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  return { id: `test:${roles.join('+') || 'none'}`, displayName: 'test caller', roles, personId: null, kind: 'api-key' };
}

export const TEST_LIMITS: GraphQLHttpLimits = { maxPageSize: 500, maxDepth: 12, maxCost: 100_000, maxBodyBytes: 64 * 1024 };

/** Services for tests: the real inventory and write-back status reads; services owned by other modules are placeholders. */
export function testServices(db: Db): HubServices {
  return { inventory: new InventoryReadService(db), sources: {} as never, apiKeys: {} as never, governance: {} as never, audit: {} as never, stateReplay: {} as never, sync: {} as never, operations: {} as never, people: {} as never, writeBackStatus: new WriteBackStatusReader(db) };
}

export interface GraphQLTestServer {
  url: string;
  /** SQL statements the read service has sent since the last reset. */
  statements: string[];
  /** POSTs a query as the given roles (default VIEWER); returns status, headers and parsed body. */
  query<T = any>(query: string, variables?: Record<string, unknown>, roles?: Role[] | null): Promise<{ status: number; headers: Headers; body: { data?: T; errors?: any } }>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on an ephemeral loopback port serving the hub schema over the database at `url`, with a
 * statement-counting drizzle logger so tests can assert how many SQL statements a request costs.
 */
export async function startGraphQLTestServer(databaseUrl: string, limits: GraphQLHttpLimits = TEST_LIMITS, options: { databaseRendering?: boolean } = {}): Promise<GraphQLTestServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const statements: string[] = [];
  const db = drizzle(pool, { schema: fullSchema, logger: { logQuery: (query) => statements.push(query) } }) as unknown as Db;
  const services = testServices(db);
  const schema = await buildHubSchema(services);
  const handler = createGraphQLHttpHandler({ schema, services, authenticate: testAuthenticate, logger: createLogger('silent'), limits, databaseRendering: options.databaseRendering });
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/graphql')) void handler.handle(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    statements,
    async query<T = any>(query: string, variables?: Record<string, unknown>, asRoles?: Role[] | null) {
      const roles = asRoles === undefined ? ['VIEWER'] : asRoles;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (roles) headers[TEST_ROLES_HEADER] = roles.join(',');
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: T; errors?: any } };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.stop();
      await pool.end();
    },
  };
}
