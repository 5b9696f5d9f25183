/**
 * /readyz answers anyone (load balancers probe it without credentials): it names a failing check and nothing more;
 * what the driver said (addresses, ports, user names) goes to the log, once per failure. PostgreSQL is real, reached
 * through a TCP proxy the test closes.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

const lines: Array<Record<string, unknown>> = [];
const destination = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let database: TestDatabase;
let proxy: TcpProxy;
let test: TestHub;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  const target = new URL(database.url!);
  proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
  const proxied = new URL(database.url!);
  proxied.port = String(proxy.port);
  test = await startTestHub({ http: true, env: { DATABASE_URL: proxied.toString(), LOG_LEVEL: 'warn' }, logDestination: destination });
});
afterAll(async () => {
  await test?.close();
  await proxy?.close();
  await database?.drop();
});

async function readyz(): Promise<{ status: number; text: string; body: { status: string; checks: Record<string, string> } }> {
  const response = await fetch(`${test.http!.url}/readyz`);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

describe('/readyz', () => {
  it('should answer ready while the database answers', async () => {
    expect(await readyz()).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'ok', migrations: 'ok' } } });
  });

  it('should name the failing check only, and log what the driver said once', async () => {
    await proxy.close();
    const answer = await readyz();
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ status: 'not ready', checks: { database: 'unreachable' } });
    for (const detail of ['127.0.0.1', String(proxy.port), 'ECONNREFUSED', 'postgres']) expect(answer.text).not.toContain(detail);

    await readyz();
    const logged = lines.filter((line) => line.msg === 'readiness check failed');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ check: 'database', reason: expect.stringContaining(String(proxy.port)) });
  });
});
