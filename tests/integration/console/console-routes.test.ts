/**
 * The console and GraphiQL as `hub serve` serves them: pages for browsers (with their cache rules and
 * Content-Security-Policy), client-side routes falling back to the console, and the API, probes and 404s unchanged
 * for every client that is not a browser. Real hub, real PostgreSQL, the built console (scripts/build-web.ts).
 */
import { readFileSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { CONSOLE_DIST_DIR } from '../../../src/console/static-files.js';
import { toGlobalId } from '../../../src/global-id.js';
import { CONSOLE_INITIAL_JS_BUDGET_BYTES, pageWeights } from '../../../scripts/web-bundle-sizes.js';
import { ensureConsoleBuilt } from '../../helpers/console-build.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { graphqlRequest } from '../../helpers/processes.js';
import { createPersonWithKey } from '../../helpers/people.js';

/** What Chromium sends when a person opens a URL. */
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', 'accept-encoding': 'gzip, deflate, br' };

let hub: TestHub;
let url: string;
let analystKey: string;

beforeAll(async () => {
  await ensureConsoleBuilt();
  hub = await startTestHub({ http: true });
  url = hub.http!.url;
  analystKey = (await createPersonWithKey(hub.hub.services, { name: 'Ana Analyst', roles: ['VIEWER', 'DATA_SCIENTIST'] })).key;
}, 300_000);

afterAll(async () => {
  await hub?.close();
});

/** A GET whose body arrives as sent (fetch would undo the gzip). */
function rawGet(target: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(target, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

function consoleEntry(): string {
  const manifest = JSON.parse(readFileSync(join(CONSOLE_DIST_DIR, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string }>;
  return `/${manifest['index.html'].file}`;
}

describe('console routes', () => {
  describe('pages', () => {
    it('should give a browser opening / the console page, revalidated on every load, under a strict CSP', async () => {
      const response = await fetch(`${url}/`, { headers: BROWSER });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await response.text();
      expect(html).toContain('<div id="root"></div>');
      expect(html).toContain(`src="${consoleEntry()}"`);
      // No inline script: every <script> loads a file of the hub.
      expect([...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].every(([, attributes, body]) => /\ssrc="\/assets\//.test(attributes) && body.trim() === '')).toBe(true);
    });

    it('should answer a revalidation of an unchanged page with 304', async () => {
      const first = await fetch(`${url}/`, { headers: BROWSER });
      const etag = first.headers.get('etag')!;
      const again = await fetch(`${url}/`, { headers: { ...BROWSER, 'if-none-match': etag } });
      expect(again.status).toBe(304);
    });

    it('should serve hashed assets as immutable, gzipped for clients that accept it', async () => {
      const path = consoleEntry();
      const raw = readFileSync(join(CONSOLE_DIST_DIR, path));
      const zipped = await rawGet(`${url}${path}`, { 'accept-encoding': 'gzip' });
      expect(zipped.status).toBe(200);
      expect(zipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(zipped.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(zipped.body)).toEqual(raw);
      const plain = await rawGet(`${url}${path}`, { 'accept-encoding': 'identity' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toEqual(raw);
    });

    it('should open the console on its own routes, such as the change-request link written back to vendors', async () => {
      const id = toGlobalId('ChangeRequest', '6f1c9a3e-0000-4000-8000-000000000001');
      for (const path of [`/change-requests/${id}`, '/sources/new', '/approvals?after=x']) {
        const response = await fetch(`${url}${path}`, { headers: BROWSER });
        expect(response.status, path).toBe(200);
        expect(await response.text()).toContain('<div id="root"></div>');
      }
    });

    it('should serve GraphiQL, not the API, to a browser opening /graphql', async () => {
      const response = await fetch(`${url}/graphql`, { headers: BROWSER });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('<div id="graphiql"></div>');
      expect(html).not.toMatch(/https?:\/\//);
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    });

    it('should keep the console’s first load within 250 KB of compressed JavaScript, GraphiQL out of it', () => {
      const weights = pageWeights(CONSOLE_DIST_DIR);
      expect(weights.console.gzipBytes).toBeLessThanOrEqual(CONSOLE_INITIAL_JS_BUDGET_BYTES);
      expect(weights.console.files.some((file) => /graphiql|codemirror/i.test(file))).toBe(false);
      expect(weights.graphiql.files.some((file) => /graphiql/i.test(file))).toBe(true);
    });

    it('should tell the console which sign-in methods exist (API keys only without OIDC_CLIENT_ID)', async () => {
      const response = await fetch(`${url}/console-config.json`);
      expect(await response.json()).toEqual({ oidc: null });
    });
  });

  describe('everything else keeps its behaviour', () => {
    it('should keep answering GraphQL clients at /graphql, with 401 JSON when they send no credential', async () => {
      const anonymous = await fetch(`${url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json' } });
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const { status, body } = await graphqlRequest(url, analystKey, '{ models { totalCount } }');
      expect(status).toBe(200);
      expect(body.data).toEqual({ models: { totalCount: 0 } });
    });

    it('should keep the probes as they were', async () => {
      const health = await fetch(`${url}/healthz`, { headers: BROWSER });
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${url}/readyz`, { headers: BROWSER });
      expect(ready.status).toBe(200);
      expect((await fetch(`${url}/metrics`, { headers: BROWSER })).status).toBe(401);
    });

    it('should answer unknown paths with the JSON 404 for clients that are not browsers, and never serve the build internals', async () => {
      for (const [path, headers] of [
        ['/nothing-here', { accept: '*/*' }],
        ['/nothing-here', { accept: 'application/json' }],
        ['/assets/gone-abc123.js', BROWSER],
        ['/.vite/manifest.json', BROWSER],
        ['/.build-fingerprint', BROWSER],
        ['/assets/..%2f..%2f..%2fpackage.json', BROWSER],
      ] as const) {
        const response = await fetch(`${url}${path}`, { headers });
        expect(response.status, path).toBe(404);
        expect(response.headers.get('content-type'), path).toBe('application/json; charset=utf-8');
      }
    });

    it('should not serve the console for methods other than GET and HEAD', async () => {
      const response = await fetch(`${url}/`, { method: 'POST', headers: BROWSER, body: 'x' });
      expect(response.status).toBe(404);
    });
  });

  describe('what the console asks the API', () => {
    it('should tell a caller who it is and which roles it holds', async () => {
      const { body } = await graphqlRequest<{ me: unknown }>(url, analystKey, '{ me { id displayName roles credential } }');
      expect(body.data?.me).toEqual({ id: expect.stringMatching(/^key:/), displayName: 'Ana Analyst', roles: ['VIEWER', 'DATA_SCIENTIST'], credential: 'API_KEY' });
    });

    it('should describe each vendor’s source fields with the schemas the server validates with, to OPERATOR and ADMIN only', async () => {
      const refused = await graphqlRequest(url, analystKey, '{ sourceVendors { vendor } }');
      expect(refused.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const { body } = await graphqlRequest<{ sourceVendors: Array<{ vendor: string; label: string; settingsSchema: any; secretSchema: any }> }>(
        url,
        hub.env.HUB_BOOTSTRAP_ADMIN_KEY,
        '{ sourceVendors { vendor label settingsSchema secretSchema } }',
      );
      const vendors = body.data!.sourceVendors;
      expect(vendors.map((v) => v.vendor)).toEqual(['SAGEMAKER', 'MLFLOW', 'DATAROBOT', 'DOMINO']);
      const mlflow = vendors.find((v) => v.vendor === 'MLFLOW')!;
      expect(mlflow.settingsSchema.required).toEqual(['trackingUri']);
      expect(Object.keys(mlflow.settingsSchema.properties)).toContain('productionAliases');
      expect(mlflow.secretSchema.anyOf.map((k: any) => k.required ?? null)).toEqual([['token'], ['username', 'password'], null]);
    });
  });
});
