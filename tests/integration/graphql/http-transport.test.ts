/**
 * GraphQL over HTTP as clients see it: status codes, content types, limits, authentication and the error codes of
 * every refusal. Real HTTP server, real PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { toGlobalId } from '../../../src/global-id.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { TEST_LIMITS, TEST_ROLES_HEADER, startGraphQLTestServer, type GraphQLTestServer } from '../../helpers/graphql.js';
import { seedModel, seedSource } from '../../helpers/seed.js';

let database: TestDatabase;
let server: GraphQLTestServer;
let modelId: string;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  const source = await seedSource(database.handle.db);
  modelId = (await seedModel(database.handle.db, source, { name: 'only-model' })).id;
  server = await startGraphQLTestServer(database.url!);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

const viewer = { [TEST_ROLES_HEADER]: 'VIEWER' };

async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json', ...viewer }) {
  const response = await fetch(server.url, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

describe('GraphQLHttpHandler', () => {
  describe('transport', () => {
    it('should answer GET queries and echo the caller request id', async () => {
      const response = await fetch(`${server.url}?query=${encodeURIComponent('{ models { totalCount } }')}`, { headers: { ...viewer, 'x-request-id': 'req-123' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe('req-123');
      expect(await response.json()).toEqual({ data: { models: { totalCount: 1 } } });
    });

    it('should generate a request id when the caller sent none', async () => {
      const { headers } = await server.query('{ models { totalCount } }');
      expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('should refuse mutations over GET', async () => {
      const response = await fetch(`${server.url}?query=${encodeURIComponent('mutation { __typename }')}`, { headers: viewer });
      expect(response.status).toBe(405);
    });

    it('should answer with application/graphql-response+json when the client accepts it', async () => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...viewer },
        body: JSON.stringify({ query: '{ models { totalCount } }' }),
      });
      expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
      const invalid = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...viewer },
        body: JSON.stringify({ query: '{ noSuchField }' }),
      });
      expect(invalid.status).toBe(400);
    });

    it('should refuse malformed JSON with 400 and a GraphQL error body', async () => {
      const { status, body } = await post('{"query": ');
      expect(status).toBe(400);
      expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    });

    it('should refuse a non-JSON content type with 415', async () => {
      const { status, body } = await post('{ models { totalCount } }', { 'content-type': 'text/plain', ...viewer });
      expect(status).toBe(415);
      expect(body.errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('should refuse a body over the size limit with 413', async () => {
      const { status, body } = await post(JSON.stringify({ query: `{ models { totalCount } } # ${'x'.repeat(70_000)}` }));
      expect(status).toBe(413);
      expect(body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('should refuse batched operations with a clear 400', async () => {
      const { status, body } = await post(JSON.stringify([{ query: '{ models { totalCount } }' }, { query: '{ models { totalCount } }' }]));
      expect(status).toBe(400);
      expect(body.errors[0].extensions.code).toBe('BATCHING_NOT_SUPPORTED');
    });

    it('should serve automatic persisted queries', async () => {
      const query = '{ models { totalCount } }';
      const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
      const unknown = await post(JSON.stringify({ extensions }));
      expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      await post(JSON.stringify({ query, extensions }));
      const hit = await post(JSON.stringify({ extensions }));
      expect(hit.body).toEqual({ data: { models: { totalCount: 1 } } });
    });
  });

  describe('authentication and authorisation', () => {
    it('should answer 401 UNAUTHENTICATED without credentials, even for introspection', async () => {
      const { status, body } = await server.query('{ __schema { queryType { name } } }', undefined, null);
      expect(status).toBe(401);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('should allow introspection to an authenticated caller', async () => {
      const { body } = await server.query('{ __schema { queryType { name } } }');
      expect(body.data.__schema.queryType.name).toBe('Query');
    });

    it('should answer FORBIDDEN naming the roles required when the caller holds none of them', async () => {
      const { body } = await server.query('{ models { totalCount } }', undefined, []);
      expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
      expect(body.errors[0].extensions.requiredRoles).toContain('VIEWER');
      expect(body.data).toBeNull();
    });

    it.each(['VIEWER', 'DATA_SCIENTIST', 'OPERATOR', 'VALIDATOR', 'RISK_OFFICER', 'ADMIN'] as const)('should let %s read the inventory', async (role) => {
      const { body } = await server.query('{ models { totalCount } }', undefined, [role]);
      expect(body).toEqual({ data: { models: { totalCount: 1 } } });
    });
  });

  describe('input errors', () => {
    it.each([
      ['a negative page size', '{ models(first: -1) { totalCount } }', /must not be negative/],
      ['a page size over the limit', '{ models(first: 501) { totalCount } }', /exceeds the limit of 500|at most 500/],
      ['first together with last', '{ models(first: 1, last: 1) { totalCount } }', /either `first` or `last`/],
      ['an unknown enum value', '{ models(filter: { vendors: [NOPE] }) { totalCount } }', /NOPE/],
      ['a garbage id', '{ node(id: "not-an-id!") { id } }', /Invalid id/],
      ['an oversized id', `{ node(id: "${'A'.repeat(500)}") { id } }`, /Invalid id/],
      ['a garbage cursor', '{ models(after: "garbage") { totalCount } }', /Invalid cursor/],
      ['a search longer than allowed', `{ models(filter: { search: "${'x'.repeat(300)}" }) { totalCount } }`, /search/],
    ])('should refuse %s with BAD_USER_INPUT', async (_name, query, message) => {
      const { body } = await server.query(query);
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.errors[0].message).toMatch(message);
    });

    it('should refuse invalid page arguments on every connection with BAD_USER_INPUT and the status of other input errors', async () => {
      const inputError = await server.query('{ node(id: "not-an-id!") { id } }');
      expect(inputError.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const { body } = await server.query('{ __schema { queryType { fields { name args { name } type { name ofType { name } } } } } }');
      const connections = (body.data.__schema.queryType.fields as Array<{ name: string; args: Array<{ name: string }>; type: { name: string | null; ofType: { name: string } | null } }>)
        .filter((field) => (field.type.name ?? field.type.ofType?.name ?? '').endsWith('Connection'));
      expect(connections.length).toBeGreaterThanOrEqual(9);

      const refusals: string[] = [];
      for (const connection of connections) {
        const args = new Set(connection.args.map((a) => a.name));
        const cases: Array<[string, RegExp]> = [['first: -1', /`first`/], ['first: 501', /`first`/], ['after: "garbage"', /cursor/]];
        if (args.has('last')) cases.push(['last: -1', /`last`/], ['last: 501', /`last`/], ['before: "garbage"', /cursor/], ['first: 1, last: 1', /`first` or `last`/]);
        for (const [pageArgs, message] of cases) {
          const answer = await server.query(`{ ${connection.name}(${pageArgs}) { totalCount } }`, undefined, ['ADMIN', 'VIEWER']);
          const error = answer.body.errors?.[0];
          const outcome = `${answer.status} ${error?.extensions?.code} ${message.test(error?.message ?? '')}`;
          if (outcome !== `${inputError.status} BAD_USER_INPUT true`) refusals.push(`${connection.name}(${pageArgs}): ${outcome} ${error?.message}`);
        }
      }
      expect(refusals).toEqual([]);
    });

    it('should refuse a cursor issued by another connection or another ordering', async () => {
      const models = await server.query('{ models(first: 1) { pageInfo { endCursor } } }');
      const cursor = models.body.data.models.pageInfo.endCursor;
      const otherConnection = await server.query('query($c: String) { deployments(after: $c) { totalCount } }', { c: cursor });
      expect(otherConnection.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const otherOrdering = await server.query('query($c: String) { models(after: $c, orderBy: { field: UPDATED }) { totalCount } }', { c: cursor });
      expect(otherOrdering.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(otherOrdering.body.errors[0].message).toMatch(/another connection or ordering/);
    });

    it('should answer null for a well-formed id of a record that does not exist', async () => {
      const { body } = await server.query('query($id: ID!) { node(id: $id) { id } }', { id: toGlobalId('Model', '00000000-0000-4000-8000-000000000000') });
      expect(body).toEqual({ data: { node: null } });
      const existing = await server.query('query($id: ID!) { node(id: $id) { id } }', { id: toGlobalId('Model', modelId) });
      expect(existing.body.data.node.id).toBe(toGlobalId('Model', modelId));
    });
  });

  describe('limits', () => {
    it('should refuse a query deeper than the limit with QUERY_TOO_DEEP', async () => {
      const deep = '{ deployments(first: 1) { nodes { version { model { versions { deployments { version { model { versions { deployments { version { model { id } } } } } } } } } } } } }';
      const { status, body } = await server.query(deep);
      expect(status).toBe(400);
      expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', maxDepth: 12 });
    });

    it('should refuse a query costlier than the limit with QUERY_TOO_COMPLEX, naming the largest page size that passes', async () => {
      const costly = (first: number) => `{ models(first: ${first}) { nodes { versions { deployments { id name findings { kind } } } } } }`;
      const { status, body } = await server.query(costly(500));
      expect(status).toBe(400);
      expect(body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      expect(body.errors[0].extensions.cost).toBeGreaterThan(100_000);
      const largest = body.errors[0].extensions.largestPassingPageSize;
      expect(largest).toBeGreaterThan(0);
      expect(largest).toBeLessThan(500);
      expect(body.errors[0].message).toContain(`at most ${largest}`);

      expect((await server.query(costly(largest))).body.errors).toBeUndefined();
      expect((await server.query(costly(largest + 1))).body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    });

    it('should say when no page size would pass', async () => {
      const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: models(first: 1) { totalCount }`).join(' ');
      const { body } = await server.query(`{ ${aliases} }`);
      expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', largestPassingPageSize: null });
      expect(body.errors[0].message).toMatch(/fewer fields or aliases/);
    });

    it('should bound alias abuse by cost', async () => {
      const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: models { totalCount }`).join(' ');
      const { body } = await server.query(`{ ${aliases} }`);
      expect(body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    });

    it('should accept the dashboard page within the limits', async () => {
      const { body } = await server.query('{ models(first: 50) { nodes { name versions { version deployments { name } } } } }');
      expect(body.errors).toBeUndefined();
    });
  });

  describe('limits as configured by default', () => {
    let defaults: GraphQLTestServer;
    beforeAll(async () => {
      const { http } = parseConfig({});
      defaults = await startGraphQLTestServer(database.url!, { maxPageSize: http.maxPageSize, maxDepth: http.maxDepth, maxCost: http.maxCost, maxBodyBytes: TEST_LIMITS.maxBodyBytes });
    });
    afterAll(() => defaults?.close());

    it.each([
      ['GraphiQL', { inputValueDeprecation: true }],
      ['a code generator asking for everything', { descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true }],
    ])('should answer the standard introspection query of %s', async (_client, options) => {
      const { status, body } = await defaults.query(getIntrospectionQuery(options));
      expect(body.errors).toBeUndefined();
      expect(status).toBe(200);
      expect(body.data.__schema.types.length).toBeGreaterThan(50);
    });

    it('should still refuse introspection that nests type lists into each other (graphql-js validation)', async () => {
      const nested = '{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }';
      const { status, body } = await defaults.query(nested);
      expect(status).toBe(400);
      expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(body.errors[0].message).toMatch(/introspection depth/);
    });

    it('should serve the page limit of models with their versions and deployments', async () => {
      const { body } = await defaults.query('{ models(first: 500) { nodes { name versions { version deployments { name } } } } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.models.nodes).toEqual([{ name: 'only-model', versions: [] }]);
    });
  });
});
