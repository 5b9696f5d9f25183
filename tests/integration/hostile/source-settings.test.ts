/**
 * Injection through source settings and secrets, through the API as an operator would send it.
 * - Header injection: CR/LF in a credential or URL never reaches a vendor as an extra header. A loopback server
 *   records every header it receives, so the assertion is about the wire, not about our code's intentions.
 * - Outbound URL policy (docs/security.md): by default private addresses are allowed but credentials in URLs and
 *   non-http schemes are not; with ALLOW_PRIVATE_SOURCE_URLS=false loopback, private, link-local (metadata) and
 *   every alternative spelling of them are refused, for every vendor's URL setting.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, expectCleanAnswer, hostileClient, type HostileAnswer, type HostileClient } from '../../helpers/hostile-http.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';

const CREATE = 'mutation($input: CreateSourceInput!) { createSource(input: $input) { id name } }';
const INJECTED = 'x-injected';

/** A vendor stand-in on loopback that records the headers of every request and answers 401. */
async function startRecorder(): Promise<{ url: string; received: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const received: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    received.push(req.headers);
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error_code":"UNAUTHENTICATED","message":"no"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const problemsOf = (answer: HostileAnswer) => (answer.body?.errors?.[0]?.extensions?.problems ?? []) as Array<{ path: string; message: string }>;

/** Each vendor's URL setting, with the other settings it needs to be valid. */
const URL_SETTINGS = [
  { vendor: 'MLFLOW', key: 'trackingUri', settings: (url: string) => ({ trackingUri: url }), secret: { token: 't' } },
  { vendor: 'DATAROBOT', key: 'endpoint', settings: (url: string) => ({ endpoint: url }), secret: { apiToken: 't' } },
  { vendor: 'DOMINO', key: 'host', settings: (url: string) => ({ host: url }), secret: { apiKey: 't' } },
  { vendor: 'SAGEMAKER', key: 'endpoint', settings: (url: string) => ({ region: 'us-east-1', endpoint: url }), secret: { accessKeyId: 'AKIA0000', secretAccessKey: 's' } },
] as const;

let sequence = 0;
const createInput = (vendor: string, settings: unknown, secret: unknown) => ({ input: { vendor, name: `hostile-${++sequence}`, settings, secret, enabled: false } });

describe('Source settings under injection', () => {
  let test: TestHub;
  let client: HostileClient;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;

  beforeAll(async () => {
    test = await startTestHub({ http: true });
    client = hostileClient(test.http!.url, test.env.HUB_BOOTSTRAP_ADMIN_KEY);
    recorder = await startRecorder();
  }, 120_000);

  afterAll(async () => {
    delete process.env.HOSTILE_CRLF_SECRET;
    await recorder?.close();
    await test?.close();
  });

  describe('header injection', () => {
    it.each([
      ['MLFLOW', 'trackingUri', { token: 'abc\r\nX-Injected: 1' }, 'secret.token'],
      ['MLFLOW', 'trackingUri', { username: 'u\nX-Injected: 1', password: 'p' }, 'secret.username'],
      ['DATAROBOT', 'endpoint', { apiToken: 'abc\r\nX-Injected: 1' }, 'secret.apiToken'],
      ['DOMINO', 'host', { apiKey: 'abc\rX-Injected: 1' }, 'secret.apiKey'],
      ['DOMINO', 'host', { token: 'abc\u0000X-Injected: 1' }, 'secret.token'],
    ])('should refuse a %s credential with control characters as BAD_USER_INPUT without echoing it', async (vendor, key, secret, path) => {
      const answer = await client.graphql(CREATE, createInput(vendor, { [key]: recorder.url }, secret));
      expectCleanAnswer(answer);
      expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
      expect(problemsOf(answer).map((p) => p.path)).toContain(path);
      expect(answer.text).not.toContain('X-Injected');
    });

    it('should not send a credential read from the environment with CR/LF as a header, and say why without echoing it', async () => {
      process.env.HOSTILE_CRLF_SECRET = JSON.stringify({ token: 'abc\r\nX-Injected: 1' });
      const created = await client.graphql(CREATE, createInput('MLFLOW', { trackingUri: recorder.url }, 'env:HOSTILE_CRLF_SECRET'));
      expect(created.body?.errors).toBeUndefined();
      const id = (created.body?.data as { createSource: { id: string } }).createSource.id;
      const check = await client.graphql('mutation($id: ID!) { testSourceConnection(id: $id) { ok message } }', { id });
      expectCleanAnswer(check);
      const verdict = (check.body?.data as { testSourceConnection: { ok: boolean; message: string } }).testSourceConnection;
      expect(verdict.ok).toBe(false);
      expect(verdict.message).toMatch(/control character|header/i);
      expect(verdict.message).not.toContain('abc');
      expect(recorder.received.filter((headers) => INJECTED in headers)).toEqual([]);
    });

    it.each(['http://127.0.0.1:1/\r\nX-Injected: 1', 'http://127.0.0.1:1/%0d%0aX-Injected:%201', 'http://127.0.0.1:1\r\nX-Injected: 1/'])(
      'should never turn CR/LF in a URL setting (%j) into a header',
      async (url) => {
        const target = url.replace('http://127.0.0.1:1', recorder.url);
        const created = await client.graphql(CREATE, createInput('MLFLOW', { trackingUri: target }, { token: 't' }));
        expectCleanAnswer(created);
        if (created.body?.errors) {
          expect(codesOf(created)).toEqual(['BAD_USER_INPUT']);
          return;
        }
        const id = (created.body?.data as { createSource: { id: string } }).createSource.id;
        const check = await client.graphql('mutation($id: ID!) { testSourceConnection(id: $id) { ok } }', { id });
        expectCleanAnswer(check);
        expect(recorder.received.length).toBeGreaterThan(0);
        expect(recorder.received.filter((headers) => INJECTED in headers)).toEqual([]);
      },
    );
  });

  describe('URL policy, private addresses allowed (default)', () => {
    it.each(URL_SETTINGS)('should accept a private address for $vendor $key', async ({ vendor, settings, secret }) => {
      const answer = await client.graphql(CREATE, createInput(vendor, settings('http://10.1.2.3:8080'), secret));
      expect(answer.body?.errors).toBeUndefined();
    });

    it.each(URL_SETTINGS.flatMap((setting) => ['https://admin:hunter2@vendor.example.com', 'https://token@vendor.example.com'].map((url) => ({ ...setting, url }))))(
      'should refuse credentials in $vendor $key ($url) without echoing them',
      async ({ vendor, key, settings, secret, url }) => {
        const answer = await client.graphql(CREATE, createInput(vendor, settings(url), secret));
        expectCleanAnswer(answer);
        expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
        expect(problemsOf(answer).map((p) => p.path)).toContain(`settings.${key}`);
        expect(answer.text).not.toMatch(/hunter2|token@/);
      },
    );

    it.each(URL_SETTINGS.flatMap((setting) => ['file:///etc/passwd', 'ftp://vendor.example.com/', 'gopher://127.0.0.1:6379/_INFO', 'javascript:alert(1)', 'data:text/plain,x', '//vendor.example.com'].map((url) => ({ ...setting, url }))))(
      'should refuse $url in $vendor $key',
      async ({ vendor, key, settings, secret, url }) => {
        const answer = await client.graphql(CREATE, createInput(vendor, settings(url), secret));
        expectCleanAnswer(answer);
        expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
        expect(problemsOf(answer).map((p) => p.path)).toContain(`settings.${key}`);
      },
    );
  });

  describe('URL policy, private addresses refused (ALLOW_PRIVATE_SOURCE_URLS=false)', () => {
    let strict: TestHub;
    let strictClient: HostileClient;

    beforeAll(async () => {
      strict = await startTestHub({ http: true, env: { ALLOW_PRIVATE_SOURCE_URLS: 'false' } });
      strictClient = hostileClient(strict.http!.url, strict.env.HUB_BOOTSTRAP_ADMIN_KEY);
    }, 120_000);

    afterAll(async () => {
      await strict?.close();
    });

    const INTERNAL = [
      'http://127.0.0.1/',
      'http://127.1/',
      'http://10.0.0.1/',
      'http://172.16.5.4/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://0177.0.0.1/',
      'http://0x7f.0x0.0x0.0x1/',
      'http://localhost/',
      'http://metadata.localhost/',
    ];

    it.each(URL_SETTINGS.flatMap((setting) => INTERNAL.map((url) => ({ ...setting, url }))))('should refuse $url in $vendor $key and save nothing', async ({ vendor, key, settings, secret, url }) => {
      const before = await strict.hub.services.sources.listSources();
      const answer = await strictClient.graphql(CREATE, createInput(vendor, settings(url), secret));
      expectCleanAnswer(answer);
      expect(codesOf(answer)).toEqual(['BAD_USER_INPUT']);
      expect(problemsOf(answer).find((p) => p.path === `settings.${key}`)?.message).toMatch(/private|loopback|link-local/);
      expect(await strict.hub.services.sources.listSources()).toHaveLength(before.length);
    });

    it('should refuse moving an existing source onto an internal address', async () => {
      const created = await strictClient.graphql(CREATE, createInput('MLFLOW', { trackingUri: 'https://93.184.216.34' }, { token: 't' }));
      expect(created.body?.errors).toBeUndefined();
      const id = (created.body?.data as { createSource: { id: string } }).createSource.id;
      const update = await strictClient.graphql('mutation($id: ID!, $input: UpdateSourceInput!) { updateSource(id: $id, input: $input) { changedFields } }', {
        id,
        input: { settings: { trackingUri: 'http://169.254.169.254/' } },
      });
      expectCleanAnswer(update);
      expect(codesOf(update)).toEqual(['BAD_USER_INPUT']);
      const stored = await strictClient.graphql('mutation($id: ID!) { setSourceEnabled(id: $id, enabled: false) { settings } }', { id });
      expect((stored.body?.data as { setSourceEnabled: { settings: { trackingUri: string } } }).setSourceEnabled.settings.trackingUri).toBe('https://93.184.216.34');
    });
  });
});
