/**
 * An OPERATOR cannot send a stored credential to a host of their choosing: a change of the settings that decide where
 * a source's credential goes (MLflow trackingUri, DataRobot endpoint, Domino host, SageMaker region and endpoint)
 * needs the secret in the same update, through the API and through `hub sources apply`, and is audited as its own
 * event. A real hub over HTTP with API keys, on PostgreSQL; the "attacker" is a loopback server recording what
 * reaches it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vendor } from '../../../connectors/contract.js';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { auditEvents, sources } from '../../../src/db/schema/index.js';
import { toGlobalId } from '../../../src/global-id.js';
import { sourcesCommand } from '../../../src/main/commands/sources.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { createPersonWithKey } from '../../helpers/people.js';

const TOKEN = `stored-token-${randomBytes(8).toString('hex')}`;
const UPDATE = `mutation ($id: ID!, $input: UpdateSourceInput!) { updateSource(id: $id, input: $input) { changedFields } }`;

let test: TestHub;
let operatorKey: string;
let attacker: Server;
let attackerUrl: string;
const received: string[] = [];

beforeAll(async () => {
  test = await startTestHub({ http: true, env: { HUB_TEST_ENV_SECRET: JSON.stringify({ token: TOKEN }) } });
  operatorKey = (await createPersonWithKey(test.hub.services, { name: 'operator', roles: ['OPERATOR'] })).key;
  attacker = createServer((req, res) => {
    received.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => attacker?.close(() => resolve()));
  await test?.close();
});

async function update(sourceId: string, input: Record<string, unknown>) {
  const response = await fetch(`${test.http!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
    body: JSON.stringify({ query: UPDATE, variables: { id: toGlobalId('Source', sourceId), input } }),
  });
  return (await response.json()) as { data?: { updateSource: { changedFields: string[] } } | null; errors?: Array<{ message: string; extensions: { code: string; problems?: Array<{ path: string }> } }> };
}

const storedSource = async (id: string) => (await test.hub.database.db.select().from(sources).where(eq(sources.id, id)))[0];
const moveEvents = (id: string) =>
  test.hub.database.db.select().from(auditEvents).where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, 'source.credential_destination_changed')));

async function createSource(vendor: Vendor, settings: Record<string, unknown>, secret: Record<string, unknown> | string | null) {
  return test.hub.services.sources.createSource(
    { vendor, name: `${vendor}-${randomBytes(3).toString('hex')}`, settings, secret, enabled: false },
    { actor: systemPrincipal('test') },
  );
}

const MOVES: Array<{ vendor: Vendor; settings: Record<string, unknown>; secret: Record<string, unknown>; moved: Record<string, unknown>; field: string }> = [
  { vendor: 'mlflow', settings: { trackingUri: 'http://127.0.0.1:5001' }, secret: { token: TOKEN }, moved: { trackingUri: 'http://127.0.0.1:6001' }, field: 'settings.trackingUri' },
  { vendor: 'datarobot', settings: { endpoint: 'http://127.0.0.1:5002/api/v2' }, secret: { apiToken: TOKEN }, moved: { endpoint: 'http://127.0.0.1:6002/api/v2' }, field: 'settings.endpoint' },
  { vendor: 'domino', settings: { host: 'http://127.0.0.1:5003' }, secret: { apiKey: TOKEN }, moved: { host: 'http://127.0.0.1:6003' }, field: 'settings.host' },
  { vendor: 'sagemaker', settings: { region: 'us-east-1', endpoint: 'http://127.0.0.1:5004' }, secret: { accessKeyId: 'AKIATEST', secretAccessKey: TOKEN }, moved: { region: 'us-east-1', endpoint: 'http://127.0.0.1:6004' }, field: 'settings.endpoint' },
  { vendor: 'sagemaker', settings: { region: 'us-east-1', endpoint: 'http://127.0.0.1:5004' }, secret: { accessKeyId: 'AKIATEST', secretAccessKey: TOKEN }, moved: { region: 'eu-west-1', endpoint: 'http://127.0.0.1:5004' }, field: 'settings.region' },
];

describe('A change of where a source’s credential is sent', () => {
  it.each(MOVES)('should refuse $vendor $field without the secret, naming the fields, and change nothing', async ({ vendor, settings, secret, moved, field }) => {
    const source = await createSource(vendor, settings, secret);
    const answer = await update(source.id, { settings: moved, name: `${source.name}-renamed` });
    expect(answer.data?.updateSource ?? null).toBeNull();
    expect(answer.errors?.[0].extensions.code).toBe('CREDENTIAL_REQUIRED');
    expect(answer.errors?.[0].message).toContain(field);
    expect(answer.errors?.[0].extensions.problems?.map((p) => p.path)).toEqual(['secret', field]);
    expect(await storedSource(source.id)).toMatchObject({ name: source.name, settings });
  });

  it.each(MOVES)('should apply $vendor $field with the secret and audit the move as its own event', async ({ vendor, settings, secret, moved, field }) => {
    const source = await createSource(vendor, settings, secret);
    const answer = await update(source.id, { settings: moved, secret });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.updateSource.changedFields).toEqual(['settings']);
    expect((await storedSource(source.id)).settings).toEqual(moved);
    const [event] = await moveEvents(source.id);
    const key = field.slice('settings.'.length);
    expect(event).toMatchObject({ before: { [field]: settings[key] }, after: { [field]: moved[key], secret: 'resupplied' } });
    expect(JSON.stringify(event)).not.toContain(TOKEN);
  });

  it('should never send the stored credential to the host an OPERATOR names without it', async () => {
    const source = await createSource('mlflow', { trackingUri: 'http://127.0.0.1:5001' }, { token: TOKEN });
    const answer = await update(source.id, { settings: { trackingUri: attackerUrl } });
    expect(answer.errors?.[0].extensions.code).toBe('CREDENTIAL_REQUIRED');
    await test.hub.services.sync.runJob({ sourceId: source.id, trigger: 'manual' });
    await test.hub.services.sources.testSourceConnection(source.id);
    expect(received).toEqual([]);
  });

  it('should let other settings, and a spelling of the same destination, change without the secret', async () => {
    const source = await createSource('mlflow', { trackingUri: 'http://127.0.0.1:5001' }, { token: TOKEN });
    expect((await update(source.id, { settings: { trackingUri: 'http://127.0.0.1:5001', pageSize: 50 } })).errors).toBeUndefined();
    expect((await update(source.id, { settings: { trackingUri: 'http://127.0.0.1:5001/', pageSize: 50 } })).errors).toBeUndefined();
    expect(await moveEvents(source.id)).toEqual([]);
  });

  it('should let a source without a stored secret move, since no credential goes with it', async () => {
    const source = await createSource('mlflow', { trackingUri: 'http://127.0.0.1:5001' }, null);
    expect((await update(source.id, { settings: { trackingUri: 'http://127.0.0.1:6001' } })).errors).toBeUndefined();
  });

  it('should need an env: reference restated, as the secret it stands for', async () => {
    const source = await createSource('mlflow', { trackingUri: 'http://127.0.0.1:5001' }, 'env:HUB_TEST_ENV_SECRET');
    expect((await update(source.id, { settings: { trackingUri: 'http://127.0.0.1:6001' } })).errors?.[0].extensions.code).toBe('CREDENTIAL_REQUIRED');
    expect((await update(source.id, { settings: { trackingUri: 'http://127.0.0.1:6001' }, secret: 'env:HUB_TEST_ENV_SECRET' })).errors).toBeUndefined();
    const [event] = await moveEvents(source.id);
    expect(event.after).toEqual({ 'settings.trackingUri': 'http://127.0.0.1:6001', secret: 'resupplied' });
  });

  describe('through hub sources apply', () => {
    const run = async (yaml: string, extra: string[] = []) => {
      const file = join(await mkdtemp(join(tmpdir(), 'hub-move-')), 'sources.yaml');
      await writeFile(file, yaml);
      const out: string[] = [];
      const code = await sourcesCommand(['apply', '-f', file, ...extra], {
        env: { HUB_URL: test.http!.url, HUB_API_KEY: operatorKey },
        out: { write: (s: string) => out.push(s) } as never,
      });
      return { code, text: out.join('') };
    };
    const file = (trackingUri: string, secretLine = '') => `
sources:
  - name: apply-move
    vendor: mlflow
    settings: { trackingUri: "${trackingUri}" }
    enabled: false
${secretLine}`;

    it('should refuse a file that moves a source without its secret before applying anything, and apply it with one', async () => {
      await createSource('mlflow', { trackingUri: 'http://127.0.0.1:5001' }, { token: TOKEN }).then((s) =>
        test.hub.services.sources.updateSource(s.id, { name: 'apply-move' }, { actor: systemPrincipal('test') }),
      );
      // Sources the file does not list would be disabled; they are all disabled already.
      const refused = await run(file(attackerUrl));
      expect(refused.code).toBe(1);
      expect(refused.text).toMatch(/! error\s+apply-move changes settings\.trackingUri, which decides where its credential is sent/);
      expect((await test.hub.services.sources.getSourceByName('apply-move'))?.settings).toEqual({ trackingUri: 'http://127.0.0.1:5001' });

      const applied = await run(file('http://127.0.0.1:6001', '    secretFromHubEnv: HUB_TEST_ENV_SECRET'));
      expect(applied.code, applied.text).toBe(0);
      expect((await test.hub.services.sources.getSourceByName('apply-move'))?.settings).toEqual({ trackingUri: 'http://127.0.0.1:6001' });
      expect(received).toEqual([]);
    });
  });
});
