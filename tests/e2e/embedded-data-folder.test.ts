/**
 * The embedded default as a newcomer meets it from the command line: `hub start` on a data folder that does not
 * exist yet, one-shot commands beside the running hub (refused clearly, never a key that cannot work), the HTTP
 * clients that must not create a data folder, and a crash that leaves the folder's lock behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortRange } from '../helpers/free-port-range.js';
import { graphqlRequest, runHubCommand, startHubProcess, type HubProcess } from '../helpers/processes.js';

const root = mkdtempSync(join(tmpdir(), 'hub-embedded-'));
// Two levels that do not exist: PGlite alone creates only the last one.
const dataDir = join(root, 'not', 'yet');
const env = { HUB_DATA_DIR: dataDir, HUB_SECRET_KEY: randomBytes(32).toString('hex'), PORT: '0' };
let hub: HubProcess | null = null;
let adminKey: string;

beforeAll(async () => {
  hub = await startHubProcess('start', env);
  adminKey = /No ADMIN API key existed[\s\S]*?(mh_\S+)/.exec(hub.output())?.[1] ?? '';
}, 180_000);

afterAll(async () => {
  await hub?.kill();
  rmSync(root, { recursive: true, force: true });
});

const keyWorks = async (key: string) => (await graphqlRequest(hub!.url!, key, '{ models { totalCount } }')).status === 200;

describe('hub on the embedded database', () => {
  it('should start with HUB_SECRET_KEY set on a data folder that does not exist yet', async () => {
    expect(existsSync(join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(adminKey).toMatch(/^mh_/);
    expect(await keyWorks(adminKey)).toBe(true);
  });

  it('should refuse a one-shot command on the folder the hub holds, naming the hub, and create no key', async () => {
    const result = await runHubCommand(['keys', 'create', '--person', 'beside@example.com', '--new-person', 'Beside', '--name', 'beside-the-hub', '--role', 'VIEWER'], env);

    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`in use by process ${hub!.child.pid}`);
    expect(result.stderr).toContain('"hub start"');
    expect(result.stdout).not.toMatch(/mh_/);
    const keys = await graphqlRequest<{ apiKeys: Array<{ name: string }> }>(hub!.url!, adminKey, '{ apiKeys { name } }');
    expect(keys.body.data!.apiKeys.map((k) => k.name)).not.toContain('beside-the-hub');
  }, 120_000);

  it('should exit after a fatal start error even when the command had started other servers', async () => {
    // The demo starts its vendor simulators before it opens the database.
    const result = await runHubCommand(['demo'], { ...env, DEMO_SIMULATOR_BASE_PORT: String(await freePortRange(4)) }, { timeoutMs: 90_000 });

    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('in use by process');
  }, 120_000);

  it('should run the HTTP client commands without creating a data folder or key files', async () => {
    const clientDataDir = join(root, 'client-data');
    const sourcesFile = join(root, 'sources.yaml');
    writeFileSync(sourcesFile, 'sources:\n  - name: client-mlflow\n    vendor: mlflow\n    settings: { trackingUri: "http://127.0.0.1:9" }\n');
    const clientEnv = { HUB_URL: hub!.url!, HUB_API_KEY: adminKey, HUB_DATA_DIR: clientDataDir };

    const status = await runHubCommand(['status'], clientEnv);
    const apply = await runHubCommand(['sources', 'apply', '-f', sourcesFile], clientEnv);

    expect(status).toMatchObject({ code: 0, timedOut: false });
    expect(apply).toMatchObject({ code: 0, timedOut: false });
    expect(apply.stdout).toContain('client-mlflow');
    expect(existsSync(clientDataDir)).toBe(false);
  }, 120_000);

  it('should take over the lock a crashed hub left, and the key created then works in the restarted hub', async () => {
    await hub!.kill();
    expect(existsSync(join(dataDir, 'pgdata.lock'))).toBe(true);

    const created = await runHubCommand(['keys', 'create', '--person', 'after-crash@example.com', '--new-person', 'After Crash', '--name', 'after-crash', '--role', 'VIEWER'], env);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const key = /^(mh_\S+)$/m.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    expect(existsSync(join(dataDir, 'pgdata.lock'))).toBe(false);

    hub = await startHubProcess('start', env);
    expect(await keyWorks(key!)).toBe(true);
    const audit = await graphqlRequest<{ auditEvents: { nodes: Array<{ action: string; after: Record<string, unknown> | null }> } }>(
      hub.url!,
      adminKey,
      '{ auditEvents(first: 50) { nodes { action after } } }',
    );
    expect(audit.body.errors).toBeUndefined();
    expect(audit.body.data!.auditEvents.nodes.some((e) => JSON.stringify(e).includes('after-crash'))).toBe(true);
  }, 240_000);
});
