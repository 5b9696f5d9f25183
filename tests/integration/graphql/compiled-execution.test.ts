/**
 * Queries run as compiled plans (graphql-jit); the answer must be graphql-js's, field for field, whatever the document
 * uses: fragments, @include/@skip driven by variables, aliases, abstract types, thunked counts, errors mid-list.
 * Each query goes through real HTTP and is compared with graphql-js's `execute` over the same schema and database.
 */
import { execute, parse, type GraphQLSchema } from 'graphql';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullSchema, type Db } from '../../../src/db/client.js';
import { buildHubSchema } from '../../../src/graphql/build-schema.js';
import { createContext } from '../../../src/graphql/context.js';
import { toGlobalId } from '../../../src/global-id.js';
import { createLogger } from '../../../src/logger.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startGraphQLTestServer, testServices, type GraphQLTestServer } from '../../helpers/graphql.js';
import { seedDeployment, seedModel, seedSource, seedVersion } from '../../helpers/seed.js';

let database: TestDatabase;
let server: GraphQLTestServer;
let schema: GraphQLSchema;
let pool: pg.Pool;
let services: ReturnType<typeof testServices>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  const db = database.handle.db;
  const source = await seedSource(db, { vendor: 'mlflow', name: 'mlflow-prod' });
  for (const [index, name] of ['churn', 'fraud', 'pricing'].entries()) {
    const model = await seedModel(db, source, { name, riskTier: index === 1 ? 'HIGH' : null });
    ids[name] = model.id;
    for (let number = 1; number <= 3; number++) {
      const version = await seedVersion(db, model, { versionNumber: number, version: String(number) });
      if (number === 3) await seedDeployment(db, version, { name: `${name}-endpoint`, servingProduction: index !== 2 });
    }
  }
  server = await startGraphQLTestServer(database.url!);
  pool = new pg.Pool({ connectionString: database.url!, max: 2 });
  services = testServices(drizzle(pool, { schema: fullSchema }) as unknown as Db);
  schema = await buildHubSchema(services);
});

afterAll(async () => {
  await server?.close();
  await pool?.end();
  await database?.drop();
});

/** graphql-js's own answer, as JSON (data, and each error's message and path). */
async function reference(query: string, variables: Record<string, unknown> = {}) {
  const context = createContext({
    services,
    principal: { id: 'test:VIEWER', displayName: 'test caller', roles: ['VIEWER'], personId: null, kind: 'api-key' },
    logger: createLogger('silent'),
    maxPageSize: 500,
  });
  const result = await execute({ schema, document: parse(query), variableValues: variables, contextValue: context });
  return { data: JSON.parse(JSON.stringify(result.data ?? null)), paths: (result.errors ?? []).map((e) => e.path) };
}

const QUERIES: Array<[string, string, Record<string, unknown>?]> = [
  [
    'a page with nested versions and deployments, aliases and __typename',
    `{ page: models(first: 2) { totalCount edges { cursor node { __typename id n: name riskTier versions { version deployments { name servingProduction } } } } pageInfo { hasNextPage endCursor } } }`,
  ],
  [
    'fragments, with @include and @skip driven by variables inside a spread',
    `query($withVersions: Boolean!, $hideName: Boolean!) { models(first: 5) { nodes { ...M } } }
     fragment M on Model { id name @skip(if: $hideName) versions @include(if: $withVersions) { ...V } }
     fragment V on ModelVersion { version lifecycleState }`,
    { withVersions: true, hideName: true },
  ],
  [
    'the same document with the other variable values',
    `query($withVersions: Boolean!, $hideName: Boolean!) { models(first: 5) { nodes { ...M } } }
     fragment M on Model { id name @skip(if: $hideName) versions @include(if: $withVersions) { ...V } }
     fragment V on ModelVersion { version lifecycleState }`,
    { withVersions: false, hideName: false },
  ],
  ['totalCount alone', `{ models { totalCount } modelVersions { totalCount } }`],
];

describe('compiled query plans', () => {
  it.each(QUERIES)('should answer %s exactly as graphql-js does', async (_name, query, variables) => {
    const { status, body } = await server.query(query, variables);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const expected = await reference(query, variables);
    expect(body.data).toEqual(expected.data);
    expect(expected.paths).toEqual([]);
  });

  it('should resolve node(id) through the Node interface, with fragments on the concrete types', async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Model { name } ... on ModelVersion { version } } }`;
    const variables = { ids: [toGlobalId('Model', ids.fraud), toGlobalId('Model', ids.churn)] };
    const { body } = await server.query(query, variables);
    expect(body.errors).toBeUndefined();
    expect(body.data.nodes).toEqual([
      { __typename: 'Model', id: toGlobalId('Model', ids.fraud), name: 'fraud' },
      { __typename: 'Model', id: toGlobalId('Model', ids.churn), name: 'churn' },
    ]);
    expect(body.data).toEqual((await reference(query, variables)).data);
  });

  it('should keep a resolver refusal where graphql-js puts it, with its code', async () => {
    const query = `{ ok: models(first: 1) { totalCount } bad: models(first: -1) { totalCount } }`;
    const { body } = await server.query(query);
    expect(body.errors.map((e: { path: string[]; extensions: { code: string } }) => [e.path, e.extensions.code])).toEqual([[['bad'], 'BAD_USER_INPUT']]);
    const expected = await reference(query);
    expect(body.data).toEqual(expected.data);
    expect(expected.paths).toEqual([['bad']]);
  });

  it.each([
    ['as written', '__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d0+(globalThis.HUB_INJECTED=1)'],
    ['behind a GraphQL escape', '\\u005F_MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d0+(globalThis.HUB_INJECTED=1)'],
  ])('should never run code hidden in a string literal for the query compiler (%s), and answer as graphql-js does', async (_how, literal) => {
    // graphql-jit rewrites strings that start with its date marker into `new Date(…)` in the code it generates.
    const query = `{ models(filter: { search: "${literal}" }) { totalCount nodes { name } } }`;
    const { status, body } = await server.query(query);
    expect((globalThis as { HUB_INJECTED?: number }).HUB_INJECTED).toBeUndefined();
    expect(status).toBe(200);
    expect(body).toEqual({ data: { models: { totalCount: 0, nodes: [] } } });
    expect(body.data).toEqual((await reference(query)).data);
  });

  it('should refuse a variable of the wrong type as graphql-js does, before anything runs', async () => {
    const { status, body } = await server.query(`query($n: Int) { models(first: $n) { totalCount } }`, { n: 'ten' });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toMatch(/^Variable "\$n" got invalid value "ten"/);
  });
});
