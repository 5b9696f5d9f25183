/**
 * Requests generated from the served schema: every root query and mutation called by an ADMIN with random, boundary
 * and oversized values for each argument. Whatever the input, the answer is a coded GraphQL or HTTP error (or data),
 * never a server failure or a glimpse of the implementation, and hostile writes change nothing they should not.
 * Each root field has its own PRNG seed (printed on failure) so a failing request can be replayed.
 */
import { sql } from 'drizzle-orm';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../src/db/sql.js';
import { codesOf, expectCleanAnswer, expectServerHealthy, rssMiB, seededRandom } from '../../helpers/hostile-http.js';
import { introspect, startHostileHub, type HostileHub } from '../../helpers/hostile-hub.js';
import { HOSTILE_STRINGS, hostileIds, operationFor } from '../../helpers/hostile-values.js';
import { liveCounts } from '../../helpers/inventory.js';

const BASE_SEED = Number(process.env.HOSTILE_SEED ?? 20_261_127);
const REQUESTS_PER_FIELD = 12;
/** Growth of this process's resident memory (it hosts the server) allowed across the whole generated run. */
const MAX_RSS_GROWTH_MIB = 256;

let target: HostileHub;
let schema: GraphQLSchema;

beforeAll(async () => {
  target = await startHostileHub();
  schema = await introspect(target.client);
}, 120_000);

afterAll(async () => {
  await target?.close();
});

const rootFields = (type: GraphQLObjectType | null | undefined) => Object.values(type?.getFields() ?? {});

async function fuzzRoot(kind: 'query' | 'mutation', ids: string[]) {
  const fields = rootFields(kind === 'query' ? schema.getQueryType() : schema.getMutationType());
  expect(fields.length).toBeGreaterThan(5);
  const codes = new Set<string>();
  for (const [index, field] of fields.entries()) {
    const seed = BASE_SEED + index * 1_000 + (kind === 'mutation' ? 500 : 0);
    const random = seededRandom(seed);
    for (let n = 0; n < REQUESTS_PER_FIELD; n++) {
      const { query, variables } = operationFor(kind, field, { random, ids });
      const answer = await target.client.graphql(query, variables);
      expectCleanAnswer(answer, `${kind} ${field.name}, seed ${seed}, request ${n}: ${JSON.stringify(variables).slice(0, 200)}`);
      for (const code of codesOf(answer)) codes.add(code);
    }
  }
  return codes;
}

describe('GraphQL API under generated hostile requests', () => {
  describe('root queries', () => {
    it('should answer every generated query with data or coded errors, without leaks, in bounded memory', async () => {
      const before = rssMiB();
      const codes = await fuzzRoot('query', hostileIds(Object.values(target.ids)));
      // The generator must actually provoke refusals, or the run proves nothing.
      expect(codes).toContain('BAD_USER_INPUT');
      expect(rssMiB() - before).toBeLessThan(MAX_RSS_GROWTH_MIB);
      await expectServerHealthy(target.client);
    });
  });

  describe('root mutations', () => {
    it('should refuse hostile writes with codes and leave the inventory and audit chain intact', async () => {
      const countsBefore = await liveCounts(target.test.hub.database.db, target.source.id);
      const before = rssMiB();
      // The real source is left out so a generated deleteSource cannot legitimately remove the estate under test.
      const { model, version, deployment } = target.ids;
      const codes = await fuzzRoot('mutation', hostileIds([model, version, deployment]));
      expect(codes).toContain('BAD_USER_INPUT');
      expect(rssMiB() - before).toBeLessThan(MAX_RSS_GROWTH_MIB);

      expect(await liveCounts(target.test.hub.database.db, target.source.id)).toEqual(countsBefore);
      const chain = await target.client.graphql('{ verifyAuditChain { valid } }');
      expect(chain.body?.data).toEqual({ verifyAuditChain: { valid: true } });
      await expectServerHealthy(target.client);
    });

    // Lone surrogates are left out: they cannot be stored as UTF-8 at all and arrive as U+FFFD, like in any UTF-8 store.
    const storable = HOSTILE_STRINGS.filter((s) => s.trim() === s && s.length > 0 && !/[\u0000-\u001f\u007f]|[\ud800-\udfff](?![\udc00-\udfff])/.test(s));
    it.each(storable)(
      'should store a source named %j literally, as data',
      async (name) => {
        const created = await target.client.graphql(
          'mutation($input: CreateSourceInput!) { createSource(input: $input) { id name } }',
          { input: { vendor: 'MLFLOW', name, settings: { trackingUri: 'https://mlflow.example.com' }, secret: null, enabled: false } },
        );
        expectCleanAnswer(created, name);
        expect(created.body?.errors).toBeUndefined();
        const [row] = await queryRows<{ name: string; tables: number }>(
          target.test.hub.database.db,
          sql`select name, (select count(*)::int from information_schema.tables where table_name = 'models') as tables from sources where name = ${name}`,
        );
        expect(row).toEqual({ name, tables: 1 });
        const listed = await target.client.graphql('query($s: String) { sources(filter: { search: $s }) { nodes { name } } }', { s: name });
        expect((listed.body?.data as { sources: { nodes: Array<{ name: string }> } }).sources.nodes.map((n) => n.name)).toContain(name);
      },
    );

    it.each(['\u0000', 'a\r\nb', '\u001b[31mred'])('should refuse a source name with control characters (%j) and save nothing', async (name) => {
      const count = async () => Number((await queryRows<{ n: number }>(target.test.hub.database.db, sql`select count(*)::int as n from sources`))[0].n);
      const before = await count();
      const answer = await target.client.graphql('mutation($input: CreateSourceInput!) { createSource(input: $input) { id } }', {
        input: { vendor: 'MLFLOW', name, settings: { trackingUri: 'https://mlflow.example.com' }, secret: null },
      });
      expectCleanAnswer(answer);
      expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
      expect(answer.body?.errors?.[0].extensions?.problems).toContainEqual({ path: 'name', message: 'must not contain control characters' });
      expect(await count()).toBe(before);
    });
  });
});
