/**
 * Exports and compression as a BI client meets them on a running hub (real HTTP server, real API keys, real
 * PostgreSQL): authentication, gzip and Brotli on exports and on GraphQL, and streaming: a slow reader paces the
 * cursor (nothing is buffered ahead), and a reader that goes away ends the query at the database.
 */
import { request, type IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_APPLICATION_NAME } from '../../../src/db/row-stream.js';
import { queryRows } from '../../../src/db/sql.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { createPersonWithKey } from '../../helpers/people.js';
import { seedLargeEstate, seedSource } from '../../helpers/seed.js';

const LARGE_MODELS = 10_000;
const VERSIONS_PER_MODEL = 10;

let test: TestHub;
let url: string;
let viewerKey: string;

beforeAll(async () => {
  test = await startTestHub({ http: true });
  url = test.http!.url;
  viewerKey = (await createPersonWithKey(test.hub.services, { name: 'powerbi', roles: ['VIEWER'] })).key;
  const source = await seedSource(test.hub.database.db, { vendor: 'mlflow', name: 'large' });
  await seedLargeEstate(test.hub.database.db, source, { models: LARGE_MODELS, versionsPerModel: VERSIONS_PER_MODEL });
});

afterAll(async () => {
  await test?.close();
});

/** A raw GET (no automatic decompression), answering the response once its headers arrive. */
function open(path: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers, agent: false }, resolve);
    req.on('error', reject);
    req.end();
  });
}

async function bodyOf(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decode(response: IncomingMessage, body: Buffer): string {
  const coding = response.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(body).toString('utf8');
  if (coding === 'gzip') return gunzipSync(body).toString('utf8');
  return body.toString('utf8');
}

/** Backends of this hub's database opened by the export streamer. */
async function exportBackends(): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    test.hub.database.db,
    sql`select count(*)::int as n from pg_stat_activity where application_name = ${STREAM_APPLICATION_NAME} and datname = current_database()`,
  );
  return Number(row.n);
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

describe('exports on a running hub', () => {
  describe('authentication', () => {
    it('should serve a VIEWER key sent as X-API-Key or a bearer token, and refuse none or a bad one', async () => {
      expect((await fetch(`${url}/export/sync-runs.csv`, { headers: { 'x-api-key': viewerKey } })).status).toBe(200);
      expect((await fetch(`${url}/export/sync-runs.csv`, { headers: { authorization: `Bearer ${viewerKey}` } })).status).toBe(200);
      const anonymous = await fetch(`${url}/export/sync-runs.csv`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String), field: null } });
      expect((await fetch(`${url}/export/sync-runs.csv`, { headers: { 'x-api-key': 'mh_00000000_nope' } })).status).toBe(401);
    });
  });

  describe('compression', () => {
    it.each([
      ['br', 'br'],
      ['gzip', 'gzip'],
      ['gzip;q=1, br;q=0.5', 'gzip'],
      ['gzip, br', 'br'],
      ['identity', undefined],
    ])('should encode an export for Accept-Encoding "%s" as %s', async (accept, expected) => {
      const path = '/export/models.csv?search=large-model-00001';
      const plain = await (await fetch(`${url}${path}`, { headers: { 'x-api-key': viewerKey, 'accept-encoding': 'identity' } })).text();
      const response = await open(path, { 'x-api-key': viewerKey, 'accept-encoding': accept });
      expect(response.headers['content-encoding']).toBe(expected);
      expect(response.headers.vary).toMatch(/Accept-Encoding/);
      expect(decode(response, await bodyOf(response))).toBe(plain);
      expect(plain.split('\r\n').length).toBeGreaterThan(10);
    });

    it('should compress a large GraphQL answer and leave a small one as it is', async () => {
      const post = (query: string, accept: string) =>
        new Promise<IncomingMessage & { body?: Buffer }>((resolve, reject) => {
          const req = request(`${url}/graphql`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'x-api-key': viewerKey, 'accept-encoding': accept } }, resolve);
          req.on('error', reject);
          req.end(JSON.stringify({ query }));
        });
      const large = await post('{ models(first: 200) { edges { node { id name versions { id version lifecycleState } } } } }', 'gzip, deflate, br');
      expect(large.headers['content-encoding']).toBe('br');
      expect(large.headers.vary).toMatch(/Accept-Encoding/);
      const raw = await bodyOf(large);
      expect(Number(large.headers['content-length'])).toBe(raw.length);
      const text = decode(large, raw);
      expect(JSON.parse(text).data.models.edges).toHaveLength(200);
      expect(raw.length).toBeLessThan(text.length / 4);

      const gzipped = await post('{ models(first: 200) { edges { node { id name } } } }', 'gzip');
      expect(gzipped.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(decode(gzipped, await bodyOf(gzipped))).data.models.edges).toHaveLength(200);

      const small = await post('{ models { totalCount } }', 'gzip, br');
      expect(small.headers['content-encoding']).toBeUndefined();
      expect(small.headers.vary).toMatch(/Accept-Encoding/);
      expect(JSON.parse((await bodyOf(small)).toString())).toEqual({ data: { models: { totalCount: LARGE_MODELS } } });
    });
  });

  describe('streaming', () => {
    it('should be paced by a slow reader and stop the query when the reader goes away', async () => {
      const response = await open('/export/model-versions.csv', { 'x-api-key': viewerKey });
      expect(response.statusCode).toBe(200);
      expect(response.headers['transfer-encoding']).toBe('chunked');
      // Read a little, then stop reading.
      const first = await new Promise<Buffer>((resolve) => response.once('data', resolve));
      response.pause();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // The cursor is still open, waiting for the socket to drain: the server has not read the result ahead.
      expect(await exportBackends()).toBe(1);
      expect(first.toString('utf8')).toMatch(/^id,model_id,model_name,version,/);

      response.destroy();
      // The client went away: the query is cancelled and its connection closed.
      expect(await until(async () => (await exportBackends()) === 0, 10_000)).toBe(true);
    });

    it('should deliver every row of a large export, then release its connection', async () => {
      const response = await open('/export/model-versions.csv', { 'x-api-key': viewerKey, 'accept-encoding': 'gzip' });
      const text = decode(response, await bodyOf(response));
      const lines = text.split('\r\n');
      expect(lines.pop()).toBe('');
      expect(lines.length - 1).toBe(LARGE_MODELS * VERSIONS_PER_MODEL);
      expect(await until(async () => (await exportBackends()) === 0, 5_000)).toBe(true);
    });
  });
});
