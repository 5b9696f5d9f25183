/**
 * No N+1: the dashboard page (50 models, their versions, each version's deployments) costs a constant number of SQL
 * statements, counted at the driver, whatever the page holds; without look-ahead the loaders still batch per relation.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startGraphQLTestServer, type GraphQLTestServer } from '../../helpers/graphql.js';
import { seedEstate, seedSource } from '../../helpers/seed.js';

let database: TestDatabase;
let server: GraphQLTestServer;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  const source = await seedSource(database.handle.db);
  await seedEstate(database.handle.db, source, { modelCount: 60, versionsPerModel: 5, deploymentsPerVersion: 2 });
  server = await startGraphQLTestServer(database.url!);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

beforeEach(() => {
  server.statements.length = 0;
});

describe('ModelResolver', () => {
  describe('models', () => {
    it('should fetch 50 models with versions and deployments in one statement (look-ahead)', async () => {
      const { body } = await server.query('{ models(first: 50) { edges { node { id name versions { id version deployments { id name } } } } } }');
      expect(body.data.models.edges).toHaveLength(50);
      expect(body.data.models.edges[0].node.versions).toHaveLength(5);
      expect(body.data.models.edges[0].node.versions[0].deployments).toHaveLength(2);
      expect(server.statements).toHaveLength(1);
    });

    it('should add exactly one statement for totalCount', async () => {
      // A timestamp keeps the page on the executed path (a page PostgreSQL renders counts in its own statement).
      await server.query('{ models(first: 50) { totalCount nodes { firstSeenAt versions { deployments { id } } } } }');
      expect(server.statements).toHaveLength(2);
    });

    it('should answer a rendered page with cursors and page info in one statement, and its count in one more', async () => {
      const { body } = await server.query('{ models(first: 50) { totalCount edges { cursor node { id versions { id } } } pageInfo { hasNextPage endCursor } } }');
      expect(body.data.models).toMatchObject({ totalCount: 60, pageInfo: { hasNextPage: true } });
      expect(body.data.models.edges).toHaveLength(50);
      expect(server.statements).toHaveLength(2);
    });

    it('should answer the same page the same way with database rendering switched off (HUB_GRAPHQL_DATABASE_RENDERING=false)', async () => {
      const query = '{ models(first: 50) { totalCount edges { cursor node { id name versions { id version deployments { id name } } } } pageInfo { hasNextPage endCursor } } }';
      const rendered = await server.query(query);
      expect(server.statements.filter((statement) => statement.includes('"__e0"'))).toHaveLength(1);
      const executing = await startGraphQLTestServer(database.url!, undefined, { databaseRendering: false });
      try {
        const executed = await executing.query(query);
        expect(executed.body).toEqual(rendered.body);
        // The look-ahead page and the count: the API process builds the answer.
        expect(executing.statements).toHaveLength(2);
        expect(executing.statements.some((statement) => statement.includes('"__e0"'))).toBe(false);
      } finally {
        await executing.close();
      }
    });

    it('should batch each relation once when the page is reached without look-ahead', async () => {
      const { body } = await server.query('{ deployments(first: 100) { nodes { name source { name } version { version model { name versions { id } } } } } }');
      expect(body.data.deployments.nodes).toHaveLength(100);
      // page + sources + versions + models + versions-by-model: one statement each, not one per row.
      expect(server.statements).toHaveLength(5);
    });
  });
});
