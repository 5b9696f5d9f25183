/**
 * The subgraph contract: `_service { sdl }` carries the @key entities, `_entities` resolves each keyed type, and the
 * committed schema/schema.graphql matches the schema the code builds (run `npm run schema:emit` when it does not).
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/global-id.js';
import { printHubSchema } from '../../../src/graphql/print-schema.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startGraphQLTestServer, type GraphQLTestServer } from '../../helpers/graphql.js';
import { seedDeployment, seedFinding, seedModel, seedSource, seedVersion } from '../../helpers/seed.js';

let database: TestDatabase;
let server: GraphQLTestServer;
const entities: Record<string, { id: string; field: string; value: string }> = {};

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  const db = database.handle.db;
  const source = await seedSource(db, { name: 'fed-source' });
  const model = await seedModel(db, source, { name: 'fed-model' });
  const version = await seedVersion(db, model, { version: '7', versionNumber: 7 });
  const deployment = await seedDeployment(db, version, { name: 'fed-endpoint' });
  const finding = await seedFinding(db, version, { kind: 'UNGOVERNED_PRODUCTION' });
  Object.assign(entities, {
    Source: { id: source.id, field: 'name', value: 'fed-source' },
    Model: { id: model.id, field: 'name', value: 'fed-model' },
    ModelVersion: { id: version.id, field: 'version', value: '7' },
    Deployment: { id: deployment.id, field: 'name', value: 'fed-endpoint' },
    Finding: { id: finding.id, field: 'kind', value: 'UNGOVERNED_PRODUCTION' },
  });
  server = await startGraphQLTestServer(database.url!);
});

afterAll(async () => {
  await server?.close();
  await database?.drop();
});

describe('buildHubSchema', () => {
  describe('federation', () => {
    it('should publish the keyed entities in _service.sdl', async () => {
      const { body } = await server.query('{ _service { sdl } }');
      for (const type of ['Model', 'ModelVersion', 'Deployment', 'Source', 'Finding']) {
        expect(body.data._service.sdl).toMatch(new RegExp(`type ${type} implements Node\\s+@key\\(fields: "id"\\)`));
      }
      expect(body.data._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    });

    it.each(['Model', 'ModelVersion', 'Deployment', 'Source', 'Finding'])('should resolve %s references through _entities', async (type) => {
      const entity = entities[type];
      const representations = [{ __typename: type, id: toGlobalId(type, entity.id) }];
      const { body } = await server.query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} { id ${entity.field} } } }`, { r: representations });
      expect(body.errors).toBeUndefined();
      expect(body.data._entities).toEqual([{ id: toGlobalId(type, entity.id), [entity.field]: entity.value }]);
    });
  });

  describe('emitted SDL', () => {
    it('should match the committed schema/schema.graphql (run `npm run schema:emit` after changing resolvers)', async () => {
      const committed = await readFile(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
      expect(committed).toBe(await printHubSchema());
    });
  });
});
