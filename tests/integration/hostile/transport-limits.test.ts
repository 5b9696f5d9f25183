/**
 * Hostile shapes of request rather than hostile values: nesting bombs, alias floods on expensive root fields,
 * batches, bodies at and over the size limit, wrong media types, malformed and odd JSON, oversized and forged
 * cursors and ids. (tests/integration/graphql/http-transport.test.ts covers the ordinary refusals; these go further.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, expectCleanAnswer, expectServerHealthy, rssMiB, type HostileAnswer } from '../../helpers/hostile-http.js';
import { startHostileHub, type HostileHub } from '../../helpers/hostile-hub.js';

let target: HostileHub;
let json: (body: string | Buffer, headers?: Record<string, string>) => Promise<HostileAnswer>;

beforeAll(async () => {
  target = await startHostileHub();
  const key = target.test.env.HUB_BOOTSTRAP_ADMIN_KEY;
  json = (body, headers = {}) => target.client.raw({ body, headers: { 'content-type': 'application/json', 'x-api-key': key, ...headers } });
}, 120_000);

afterAll(async () => {
  await target?.close();
});

const refusedWith = (answer: HostileAnswer, status: number, code: string) => {
  expectCleanAnswer(answer);
  expect(answer.status).toBe(status);
  expect(codesOf(answer)).toContain(code);
};

describe('GraphQL transport under hostile request shapes', () => {
  describe('nesting', () => {
    it('should refuse nesting beyond the depth limit hidden in fragments with QUERY_TOO_DEEP', async () => {
      // Each fragment adds two levels; the depth only shows once the spreads are expanded.
      const fragments = Array.from({ length: 10 }, (_, i) => `fragment F${i} on Model { versions { model { ...F${i + 1} } } }`).join('\n');
      const query = `{ models(first: 1) { nodes { ...F0 } } }\n${fragments}\nfragment F10 on Model { id }`;
      refusedWith(await target.client.graphql(query), 400, 'QUERY_TOO_DEEP');
    });

    it('should refuse nesting beyond the depth limit through inline fragments with QUERY_TOO_DEEP', async () => {
      const open = Array.from({ length: 8 }, () => '... on Model { versions { model {').join(' ');
      const close = '} } }'.repeat(8);
      refusedWith(await target.client.graphql(`{ models(first: 1) { nodes { ${open} id ${close} } } }`), 400, 'QUERY_TOO_DEEP');
    });

    it.each([
      ['selection sets', (n: number) => `{${'a{'.repeat(n)}b${'}'.repeat(n + 1)}`],
      ['list literals', (n: number) => `{ models(filter: { search: ${'['.repeat(n)}"x"${']'.repeat(n)} }) { totalCount } }`],
      ['object literals', (n: number) => `{ models(filter: ${'{ a: '.repeat(n)}1${' }'.repeat(n)}) { totalCount } }`],
    ])('should answer a nesting bomb of %s within the body limit with a code, not a crash', async (_shape, build) => {
      const answer = await target.client.graphql(build(100_000));
      expectCleanAnswer(answer);
      expect(answer.status).toBe(400);
      await expectServerHealthy(target.client);
    });

    it('should answer deeply nested JSON variables with a code, not a crash', async () => {
      const depth = 100_000;
      const body = `{"query":"query($s: JSONObject!) { __typename }","variables":{"s":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
      const answer = await json(body);
      expectCleanAnswer(answer);
      expect(answer.status).toBe(400);
      await expectServerHealthy(target.client);
    });
  });

  describe('aliases', () => {
    it.each(['verifyAuditChain { valid }', 'systemStatus { __typename }', 'inventoryStats(groupBy: [VENDOR]) { __typename }', 'policies { __typename }', 'apiKeys { id }', 'sources { totalCount }', 'node(id: "x") { id }'])(
      'should refuse 1 000 aliases of %s with QUERY_TOO_COMPLEX before running any of them',
      async (field) => {
        const query = `{ ${Array.from({ length: 1_000 }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
        const started = performance.now();
        refusedWith(await target.client.graphql(query), 400, 'QUERY_TOO_COMPLEX');
        // Refused before execution: nothing close to 1 000 statements ran.
        expect(performance.now() - started).toBeLessThan(5_000);
      },
    );

    it('should refuse 1 000 aliases of a mutation with QUERY_TOO_COMPLEX and change nothing', async () => {
      const runsBefore = await target.client.graphql('{ syncRuns { totalCount } }');
      const query = `mutation { ${Array.from({ length: 1_000 }, (_, i) => `a${i}: triggerSync(id: "${target.ids.source}") { __typename }`).join(' ')} }`;
      refusedWith(await target.client.graphql(query), 400, 'QUERY_TOO_COMPLEX');
      expect((await target.client.graphql('{ syncRuns { totalCount } }')).body).toEqual(runsBefore.body);
    });

    it('should still serve a dashboard that asks for a handful of root fields at once', async () => {
      const answer = await target.client.graphql('{ systemStatus { __typename } inventoryStats(groupBy: [VENDOR]) { __typename } policies { __typename } sources { totalCount } models(first: 20) { totalCount } }');
      expect(answer.status).toBe(200);
      expect(answer.body?.errors).toBeUndefined();
    });
  });

  describe('batches', () => {
    it.each([
      ['an empty batch', '[]'],
      ['a batch of 1 000 operations', JSON.stringify(Array.from({ length: 1_000 }, () => ({ query: '{ models { totalCount } }' })))],
      ['a batch of scalars', '[1, "x", null]'],
    ])('should refuse %s with BATCHING_NOT_SUPPORTED', async (_name, body) => {
      refusedWith(await json(body), 400, 'BATCHING_NOT_SUPPORTED');
    });
  });

  describe('body size', () => {
    const withSearch = (size: number) => JSON.stringify({ query: 'query($s: String) { models(filter: { search: $s }) { totalCount } }', variables: { s: 'y'.repeat(size) } });

    it('should read a body just under the limit and refuse its oversized variable with BAD_USER_INPUT', async () => {
      const answer = await json(withSearch(999_000));
      refusedWith(answer, 200, 'BAD_USER_INPUT');
      expect(answer.body?.errors?.[0].message).toMatch(/search/);
    });

    it('should refuse a body over the limit with 413 PAYLOAD_TOO_LARGE, declared or streamed', async () => {
      refusedWith(await json(withSearch(1_100_000)), 413, 'PAYLOAD_TOO_LARGE');
      // No content-length: the limit must hold while streaming, not only on the declared size.
      const chunks = (async function* () {
        for (let i = 0; i < 40; i++) yield new TextEncoder().encode('x'.repeat(64_000));
      })();
      const response = await fetch(target.client.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': target.test.env.HUB_BOOTSTRAP_ADMIN_KEY },
        body: chunks as unknown as RequestInit['body'],
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('should keep memory bounded across many bodies at the limit', async () => {
      const body = withSearch(990_000);
      const before = rssMiB();
      for (let round = 0; round < 4; round++) {
        const answers = await Promise.all(Array.from({ length: 10 }, () => json(body)));
        for (const answer of answers) expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
      }
      expect(rssMiB() - before).toBeLessThan(256);
      await expectServerHealthy(target.client);
    });
  });

  describe('media types and JSON', () => {
    it.each(['text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/jsonp', 'application/graphql', ''])(
      'should refuse content type %j with 415 UNSUPPORTED_MEDIA_TYPE',
      async (contentType) => {
        const headers: Record<string, string> = { 'x-api-key': target.test.env.HUB_BOOTSTRAP_ADMIN_KEY };
        if (contentType) headers['content-type'] = contentType;
        refusedWith(await target.client.raw({ body: JSON.stringify({ query: '{ models { totalCount } }' }), headers }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      },
    );

    it.each([
      ['an empty body', ''],
      ['a truncated document', '{"query": "{ models { totalCount } }"'],
      ['JSON with a trailing comma', '{"query": "{ models { totalCount } }",}'],
      ['a byte order mark', '\ufeff{"query": "{ models { totalCount } }"}'],
      ['null', 'null'],
      ['a number', '42'],
      ['a string', '"{ models { totalCount } }"'],
      ['a query that is a number', '{"query": 42}'],
      ['a query that is null', '{"query": null}'],
      ['variables that are a string', '{"query": "{ models { totalCount } }", "variables": "{}"}'],
      ['variables that are a list', '{"query": "{ models { totalCount } }", "variables": [1]}'],
      ['an operation name that is an object', '{"query": "{ models { totalCount } }", "operationName": {}}'],
      ['an unknown operation name', '{"query": "query A { models { totalCount } }", "operationName": "B"}'],
      ['extensions that are a string', '{"query": "{ models { totalCount } }", "extensions": "x"}'],
      ['a persisted query hash that is garbage', '{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "zz"}}}'],
      ['a deeply nested body', `${'['.repeat(200_000)}${']'.repeat(200_000)}`],
    ])('should answer %s with a coded 400 or a coded error', async (_name, body) => {
      const answer = await json(body);
      expectCleanAnswer(answer);
      if (answer.status === 200) expect(answer.body?.errors?.length ?? 0).toBeGreaterThan(0);
      else expect(answer.status).toBe(400);
    });

    it('should read invalid UTF-8 as replacement characters and answer normally', async () => {
      const body = Buffer.concat([Buffer.from('{"query": "{ models(filter: { search: \\"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\\" }) { totalCount } }"}')]);
      const answer = await json(body);
      expectCleanAnswer(answer);
      expect(answer.body).toEqual({ data: { models: { totalCount: 0 } } });
    });
  });

  describe('cursors and ids', () => {
    it.each([
      ['a 100 000-character cursor', 'query($c: String) { models(after: $c) { totalCount } }', { c: 'A'.repeat(100_000) }, /Invalid cursor/],
      ['a 10 000-character id', 'query($id: ID!) { node(id: $id) { id } }', { id: 'A'.repeat(10_000) }, /Invalid id/],
      ['10 000-character ids in a filter', 'query($ids: [ID!]) { models(filter: { modelIds: $ids }) { totalCount } }', { ids: ['B'.repeat(10_000)] }, /Invalid id/],
      ['an id of another type in a typed filter', 'query($ids: [ID!]) { models(filter: { sourceIds: $ids }) { totalCount } }', null, /identifies a Model/],
    ])('should refuse %s with BAD_USER_INPUT and a short message', async (_name, query, variables, message) => {
      const answer = await target.client.graphql(query, variables ?? { ids: [target.ids.model] });
      refusedWith(answer, 200, 'BAD_USER_INPUT');
      expect(answer.body?.errors?.[0].message).toMatch(message);
      // The refusal quotes at most a preview of what was sent.
      expect(answer.text.length).toBeLessThan(1_000);
    });

    it.each([
      ['a timestamp key that is not a date', 'UPDATED', ['not-a-date']],
      ['a rank key that is not a number', 'RISK_TIER', ['one', 'x']],
      ['a rank key out of range', 'RISK_TIER', ['99999999999999999999', 'x']],
      ['a text key carrying an injection', 'NAME', ["' or 1=1 --"]],
      ['too few keys', 'RISK_TIER', []],
    ])('should answer a forged cursor with %s as bad input, never as a server error', async (_name, field, keys) => {
      const page = await target.client.graphql(`{ models(first: 1, orderBy: { field: ${field} }) { pageInfo { endCursor } } }`);
      const issued = (page.body?.data as { models: { pageInfo: { endCursor: string } } }).models.pageInfo.endCursor;
      const [scope, , id] = JSON.parse(Buffer.from(issued, 'base64url').toString('utf8')) as [string, string[], string];
      const forged = Buffer.from(JSON.stringify([scope, keys, id])).toString('base64url');
      const answer = await target.client.graphql(`query($c: String) { models(after: $c, orderBy: { field: ${field} }) { totalCount edges { node { name } } } }`, { c: forged });
      expectCleanAnswer(answer);
      if (answer.body?.errors) expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
      else expect((answer.body?.data as { models: { totalCount: number } }).models.totalCount).toBe(6);
    });
  });
});
