/**
 * Sources and access through the real GraphQL HTTP handler, with the real authenticator (API keys per role), real
 * SourceService / ApiKeyService / inventory reads on PostgreSQL, and recording fakes of our own SyncScheduler and
 * SyncService.triggerSync. Services of other areas that are not needed here are absent: calls to them fail *after*
 * authorisation, which is all the role matrix looks at.
 *
 * - role matrix: every root query and mutation (found by introspection), as every role, with generated minimal
 *   arguments: FORBIDDEN exactly where the field's @Authorized roles exclude the role.
 * - secret walk: every root query with every scalar field reachable (depth-limited) never returns a source secret,
 *   and the logs never contain it.
 * - `hub sources apply` against this running API.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  getIntrospectionQuery,
  type IntrospectionField,
  type IntrospectionInputTypeRef,
  type IntrospectionQuery,
  type IntrospectionType,
  type IntrospectionTypeRef,
} from 'graphql';
import { eq } from 'drizzle-orm';
import { getMetadataStorage } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../../src/auth/api-key.service.js';
import { createAuthenticator } from '../../../src/auth/authenticate.js';
import { ROLES, systemPrincipal, type Role } from '../../../src/auth/principal.js';
import { SecretBox } from '../../../src/auth/secret-box.js';
import { sources as sourcesTable } from '../../../src/db/schema/index.js';
import { buildHubSchema } from '../../../src/graphql/build-schema.js';
import { toGlobalId } from '../../../src/global-id.js';
import { createGraphQLHttpHandler } from '../../../src/graphql/http-handler.js';
import type { HubServices } from '../../../src/graphql/services.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { InventoryReadService } from '../../../src/inventory/inventory-read.service.js';
import { createLogger } from '../../../src/logger.js';
import { sourcesCommand } from '../../../src/main/commands/sources.js';
import type { SourceSchedule, SyncScheduler } from '../../../src/sources/source-schedule.js';
import { SourceService } from '../../../src/sources/source.service.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { PeopleService } from '../../../src/people/people.service.js';
import { createPersonWithKey } from '../../helpers/people.js';

const DISTINCTIVE = `Zsecret-${randomBytes(8).toString('hex')}`;

class RecordingJobs implements SyncScheduler {
  scheduled: SourceSchedule[] = [];
  unscheduled: string[] = [];
  async schedule(schedule: SourceSchedule) {
    this.scheduled.push(schedule);
  }
  async unschedule(id: string) {
    this.unscheduled.push(id);
  }
}

interface Api {
  url: string;
  keys: Record<Role, string>;
  request(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<{ status: number; text: string; body: { data?: any; errors?: any[] } }>;
}

describe('Source and access API', () => {
  let database: TestDatabase;
  let server: Server;
  let stop: () => Promise<void>;
  let api: Api;
  let logs: string[];
  let jobs: RecordingJobs;
  let sources: SourceService;
  let introspection: IntrospectionQuery;
  const personIds = {} as Record<Role, string>;

  beforeAll(async () => {
    database = await createPostgresTestDatabase();
    const db = database.handle.db;
    logs = [];
    const logger = createLogger('debug', { write: (line: string) => logs.push(line) } as never);
    const audit = new AuditRecorder();
    jobs = new RecordingJobs();
    sources = new SourceService({ db, secrets: new SecretBox(randomBytes(32)), scheduler: jobs, audit, logger, urlPolicy: { allowPrivate: true } });
    const apiKeys = new ApiKeyService({ db, audit, logger });
    const people = new PeopleService({ db, audit });
    const sync = {
      triggerSync: async (sourceId: string) => ({
        run: { id: randomUUID(), sourceId, trigger: 'manual', status: 'QUEUED', startedAt: new Date(), finishedAt: null, heartbeatAt: new Date(), seen: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0, pages: 0, deletionGuard: null, error: null, recordErrors: [], jobId: null, workerId: null },
        alreadyRunning: false,
      }),
    };
    const services = { inventory: new InventoryReadService(db), sources, apiKeys, people, sync, governance: {}, audit: {} } as unknown as HubServices;
    const schema = await buildHubSchema(services);
    const handler = createGraphQLHttpHandler({
      schema,
      services,
      authenticate: createAuthenticator({ apiKeys, oidc: null }),
      logger,
      limits: { maxPageSize: 500, maxDepth: 12, maxCost: 1_000_000, maxBodyBytes: 256 * 1024 },
    });
    server = createServer((req, res) => void handler.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stop = async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.stop();
    };
    const keys = {} as Record<Role, string>;
    for (const role of ROLES) {
      const created = await createPersonWithKey({ people, apiKeys }, { name: `test ${role}`, roles: [role] });
      keys[role] = created.key;
      personIds[role] = toGlobalId('Person', created.person.id);
    }
    api = {
      url: base,
      keys,
      async request(query, variables = {}, key = keys.ADMIN) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (key) headers.authorization = `Bearer ${key}`;
        const response = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
        const text = await response.text();
        return { status: response.status, text, body: JSON.parse(text) };
      },
    };
    const result = await api.request(getIntrospectionQuery());
    introspection = result.body.data;
  });

  afterAll(async () => {
    await stop?.();
    await database?.drop();
  });

  const types = () => new Map(introspection.__schema.types.map((t) => [t.name, t]));
  const rootFields = (kind: 'queryType' | 'mutationType') => {
    const name = introspection.__schema[kind]?.name;
    const type = types().get(name!) as { fields: IntrospectionField[] } | undefined;
    // Federation plumbing is resolved by the subgraph library, not by a hub resolver.
    return (type?.fields ?? []).filter((f) => !f.name.startsWith('_'));
  };

  function named(ref: IntrospectionTypeRef | IntrospectionInputTypeRef): { name: string; kind: string } {
    let current = ref as { kind: string; name?: string; ofType?: any };
    while (current.ofType) current = current.ofType;
    return { name: current.name!, kind: current.kind };
  }

  /** A value of the given input type, as small as the schema allows. */
  function sample(ref: IntrospectionInputTypeRef, idValue: string, depth = 0): unknown {
    const r = ref as { kind: string; name?: string; ofType?: IntrospectionInputTypeRef };
    if (r.kind === 'NON_NULL') return sample(r.ofType!, idValue, depth);
    if (r.kind === 'LIST') return [];
    const type = types().get(r.name!) as IntrospectionType;
    if (type.kind === 'ENUM') return type.enumValues[0].name;
    if (type.kind === 'INPUT_OBJECT') {
      if (depth > 4) return {};
      return Object.fromEntries(type.inputFields.filter((f) => f.type.kind === 'NON_NULL' && f.defaultValue == null).map((f) => [f.name, sample(f.type, idValue, depth + 1)]));
    }
    switch (r.name) {
      case 'ID':
        return idValue;
      case 'String':
        return 'x';
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return true;
      case 'DateTime':
        return new Date(Date.now() + 86_400_000).toISOString();
      default:
        return {};
    }
  }

  function typeString(ref: IntrospectionInputTypeRef): string {
    const r = ref as { kind: string; name?: string; ofType?: IntrospectionInputTypeRef };
    if (r.kind === 'NON_NULL') return `${typeString(r.ofType!)}!`;
    if (r.kind === 'LIST') return `[${typeString(r.ofType!)}]`;
    return r.name!;
  }

  /** Every scalar field reachable from a type, depth-limited (cycles and connections end at the limit). */
  function selection(typeName: string, depth: number): string {
    const type = types().get(typeName) as IntrospectionType;
    if (type.kind === 'SCALAR' || type.kind === 'ENUM') return '';
    if (type.kind === 'UNION' || type.kind === 'INTERFACE') {
      const possible = (type as unknown as { possibleTypes: Array<{ name: string }> }).possibleTypes;
      return `{ __typename ${depth > 0 ? possible.map((p) => `... on ${p.name} ${selection(p.name, depth - 1)}`).join(' ') : ''} }`;
    }
    if (type.kind !== 'OBJECT') return '';
    const parts = ['__typename'];
    for (const field of type.fields) {
      if (field.args.some((a) => a.type.kind === 'NON_NULL')) continue;
      const target = named(field.type);
      if (target.kind === 'SCALAR' || target.kind === 'ENUM') parts.push(field.name);
      else if (depth > 0) parts.push(`${field.name} ${selection(target.name, depth - 1)}`);
    }
    return `{ ${parts.join(' ')} }`;
  }

  function operation(kind: 'query' | 'mutation', field: IntrospectionField, idValue: string, depth: number) {
    const required = field.args.filter((a) => a.type.kind === 'NON_NULL' && a.defaultValue == null);
    const variables = Object.fromEntries(required.map((a) => [a.name, sample(a.type, idValue)]));
    const declared = required.map((a) => `$${a.name}: ${typeString(a.type)}`).join(', ');
    const passed = required.map((a) => `${a.name}: $${a.name}`).join(', ');
    const target = named(field.type);
    const sel = target.kind === 'SCALAR' || target.kind === 'ENUM' ? '' : depth > 0 ? selection(target.name, depth) : '{ __typename }';
    return { query: `${kind}${declared ? ` (${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''} ${sel} }`, variables };
  }

  /** The roles of each root field's @Authorized, from type-graphql's metadata (null: no @Authorized). */
  function authorizedRoles(): Map<string, string[] | null> {
    const storage = getMetadataStorage();
    const map = new Map<string, string[] | null>();
    for (const resolver of [...storage.queries, ...storage.mutations]) {
      const auth = storage.authorizedFields.find((a) => a.target === resolver.target && a.fieldName === resolver.methodName);
      map.set(resolver.schemaName, auth ? (auth.roles as string[]) : null);
    }
    return map;
  }

  describe('role matrix', () => {
    it('should refuse every request without credentials with 401 UNAUTHENTICATED', async () => {
      const result = await api.request('{ sources { totalCount } }', {}, null);
      expect(result.status).toBe(401);
      expect(result.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      const wrong = await api.request('{ sources { totalCount } }', {}, 'mh_00000000_' + 'A'.repeat(43));
      expect(wrong.status).toBe(401);
    });

    it('should answer FORBIDDEN exactly where a root field’s roles exclude the caller, for every field and role', async () => {
      const roles = authorizedRoles();
      const fields = [...rootFields('queryType').map((f) => ['query', f] as const), ...rootFields('mutationType').map((f) => ['mutation', f] as const)];
      expect(fields.length).toBeGreaterThan(10);
      const mismatches: string[] = [];
      for (const [kind, field] of fields) {
        const required = roles.get(field.name);
        if (required === undefined || required === null) {
          mismatches.push(`${field.name}: no @Authorized`);
          continue;
        }
        const { query, variables } = operation(kind, field, toGlobalId('Source', randomUUID()), 0);
        for (const role of ROLES) {
          const result = await api.request(query, variables, api.keys[role]);
          const codes = (result.body.errors ?? []).map((e: any) => e.extensions?.code);
          const allowed = role === 'ADMIN' || required.length === 0 || required.includes(role);
          if (!allowed && !(codes.includes('FORBIDDEN') && result.body.data?.[field.name] == null)) mismatches.push(`${field.name} as ${role}: expected FORBIDDEN, got ${codes.join(',') || 'data'}`);
          if (allowed && (codes.includes('FORBIDDEN') || codes.includes('UNAUTHENTICATED') || codes.includes('GRAPHQL_VALIDATION_FAILED'))) {
            mismatches.push(`${field.name} as ${role}: allowed but got ${codes.join(',')}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    });

    it('should require OPERATOR or ADMIN for source mutations and ADMIN for listing API keys', () => {
      const roles = authorizedRoles();
      for (const name of ['createSource', 'updateSource', 'setSourceEnabled', 'deleteSource', 'testSourceConnection', 'triggerSync']) expect(roles.get(name), name).toEqual(['OPERATOR', 'ADMIN']);
      expect(roles.get('apiKeys')).toEqual(['ADMIN']);
      // Any person with a hub role mints and revokes their own keys; the service allows others' keys to an ADMIN only.
      for (const name of ['createApiKey', 'revokeApiKey']) expect(roles.get(name), name).toEqual([...ROLES]);
    });
  });

  describe('secrets', () => {
    it('should never return a source secret from any query, nor log it', async () => {
      const created = await api.request(
        `mutation ($input: CreateSourceInput!) { createSource(input: $input) { id name hasSecret secretUpdatedAt settings } }`,
        { input: { vendor: 'MLFLOW', name: 'secret-walk', settings: { trackingUri: 'http://127.0.0.1:9' }, secret: { token: DISTINCTIVE } } },
        api.keys.OPERATOR,
      );
      expect(created.body.errors).toBeUndefined();
      expect(created.body.data.createSource).toMatchObject({ name: 'secret-walk', hasSecret: true, secretUpdatedAt: expect.any(String) });
      expect(created.text).not.toContain(DISTINCTIVE);
      const sourceId = created.body.data.createSource.id as string;

      const texts: string[] = [created.text];
      for (const field of rootFields('queryType')) {
        const { query, variables } = operation('query', field, sourceId, 3);
        const result = await api.request(query, variables, api.keys.ADMIN);
        texts.push(result.text);
      }
      // The walk reached the source: its name shows up somewhere, its secret nowhere.
      expect(texts.join('\n')).toContain('secret-walk');
      expect(texts.join('\n')).not.toContain(DISTINCTIVE);
      expect(logs.join('')).not.toContain(DISTINCTIVE);
      expect(JSON.stringify(jobs.scheduled)).not.toContain(DISTINCTIVE);
    });

    it('should name every invalid field in BAD_USER_INPUT and save nothing', async () => {
      const result = await api.request(
        `mutation ($input: CreateSourceInput!) { createSource(input: $input) { id } }`,
        { input: { vendor: 'MLFLOW', name: 'bad', settings: { trackingUri: 'ftp://nope', extra: 1 }, secret: { nope: true }, scheduleSeconds: 5 } },
        api.keys.OPERATOR,
      );
      const error = result.body.errors?.[0];
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.problems.map((p: { path: string }) => p.path)).toEqual(expect.arrayContaining(['settings.trackingUri', 'secret', 'scheduleSeconds']));
      expect(await sources.getSourceByName('bad')).toBeNull();
    });

    it('should store an environment rule given in the settings and refuse a bad one, naming the field', async () => {
      const CREATE = `mutation ($input: CreateSourceInput!) { createSource(input: $input) { id settings } }`;
      const rule = { tagKeys: ['tier'], namePatterns: [{ pattern: '-prod$', environment: 'PRODUCTION' }], otherwise: 'UNKNOWN' };
      const created = await api.request(CREATE, { input: { vendor: 'SAGEMAKER', name: 'env-rule', settings: { region: 'eu-west-1', environmentRule: rule } } }, api.keys.OPERATOR);
      expect(created.body.errors).toBeUndefined();
      expect(created.body.data.createSource.settings).toEqual({ region: 'eu-west-1', environmentRule: rule });

      const badRule = { namePatterns: [{ pattern: '(prod', environment: 'PRODUCTION' }], values: { STAGING: ['qa'], DEVELOPMENT: ['qa'] } };
      const refused = await api.request(
        `mutation ($id: ID!, $input: UpdateSourceInput!) { updateSource(id: $id, input: $input) { source { id } } }`,
        { id: created.body.data.createSource.id, input: { settings: { region: 'eu-west-1', environmentRule: badRule } } },
        api.keys.OPERATOR,
      );
      const error = refused.body.errors?.[0];
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.problems).toEqual(
        expect.arrayContaining([
          { path: 'settings.environmentRule.namePatterns.0.pattern', message: expect.stringMatching(/^is not a valid regular expression/) },
          { path: 'settings.environmentRule.values.DEVELOPMENT', message: '"qa" is also listed under STAGING; a value can name one environment only' },
        ]),
      );
      expect((await sources.getSourceByName('env-rule'))?.settings).toEqual({ region: 'eu-west-1', environmentRule: rule });
    });

    it('should accept settings and secret written inline in the query, as when sent as variables', async () => {
      // graphql-scalars builds inline JSON objects without a prototype; variables come from JSON.parse.
      const created = await api.request(
        `mutation { createSource(input: { vendor: MLFLOW, name: "inline", settings: { trackingUri: "http://127.0.0.1:9", productionAliases: ["champion"] }, secret: { token: "${DISTINCTIVE}" } }) { id settings hasSecret } }`,
        {},
        api.keys.OPERATOR,
      );
      expect(created.body.errors).toBeUndefined();
      expect(created.body.data.createSource).toMatchObject({ hasSecret: true, settings: { trackingUri: 'http://127.0.0.1:9', productionAliases: ['champion'] } });

      const updated = await api.request(
        `mutation ($id: ID!) { updateSource(id: $id, input: { settings: { trackingUri: "http://127.0.0.1:10" }, secret: { username: "u", password: "${DISTINCTIVE}" } }) { source { settings hasSecret } changedFields } }`,
        { id: created.body.data.createSource.id },
        api.keys.OPERATOR,
      );
      expect(updated.body.errors).toBeUndefined();
      expect(updated.body.data.updateSource).toEqual({ source: { settings: { trackingUri: 'http://127.0.0.1:10' }, hasSecret: true }, changedFields: ['settings', 'secret'] });
      expect(await sources.getSourceByName('inline')).toMatchObject({ settings: { trackingUri: 'http://127.0.0.1:10' } });
    });

    it('should refuse a duplicate name with CONFLICT-style code', async () => {
      const input = { vendor: 'MLFLOW', name: 'twice', settings: { trackingUri: 'http://127.0.0.1:9' } };
      await api.request(`mutation ($input: CreateSourceInput!) { createSource(input: $input) { id } }`, { input }, api.keys.OPERATOR);
      const second = await api.request(`mutation ($input: CreateSourceInput!) { createSource(input: $input) { id } }`, { input }, api.keys.OPERATOR);
      expect(second.body.errors?.[0].extensions.code).toBe('SOURCE_NAME_TAKEN');
    });
  });

  describe('api keys', () => {
    it('should return a created key once, never its hash, and refuse it after revocation', async () => {
      // Anyone mints keys for themselves, with roles they hold.
      const created = await api.request(`mutation ($p: ID!) { createApiKey(input: { personId: $p, name: "bi", roles: [VIEWER] }) { key apiKey { id prefix roles active } } }`, { p: personIds.VIEWER }, api.keys.VIEWER);
      const { key, apiKey } = created.body.data.createApiKey;
      expect(apiKey).toMatchObject({ roles: ['VIEWER'], active: true, prefix: key.slice(0, 11) });
      const listed = await api.request(`{ apiKeys { id name prefix } }`);
      expect(listed.text).not.toContain(key.slice(12));
      expect((await api.request('{ sources { totalCount } }', {}, key)).status).toBe(200);
      await api.request(`mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt active } }`, { id: apiKey.id });
      const replay = await api.request('{ sources { totalCount } }', {}, key);
      expect(replay.status).toBe(401);
      expect(replay.body.errors?.[0].message).toMatch(/revoked/);
    });
  });

  describe('hub sources apply', () => {
    let dir: string;
    let out: string[];
    const run = async (yaml: string, extra: string[] = [], env: Record<string, string> = {}) => {
      const file = join(dir, `sources-${randomUUID()}.yaml`);
      await writeFile(file, yaml);
      out = [];
      const code = await sourcesCommand(['apply', '-f', file, ...extra], {
        env: { HUB_URL: api.url, HUB_API_KEY: api.keys.OPERATOR, ...env },
        out: { write: (s: string) => out.push(s) } as never,
      });
      return { code, text: out.join('') };
    };
    const live = async () => Object.fromEntries((await sources.listSources()).filter((s) => s.name.startsWith('apply-')).map((s) => [s.name, s]));

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'hub-apply-'));
      // Sources created before this block (secret-walk, twice) would be disabled by apply; remove them first.
      for (const s of await sources.listSources()) await sources.deleteSource(s.id, { actor: systemPrincipal('test') });
    });

    const v1 = `
sources:
  - name: apply-mlflow
    vendor: mlflow
    settings: { trackingUri: "http://127.0.0.1:5001" }
    secret: env:APPLY_MLFLOW_SECRET
    scheduleSeconds: 900
  - name: apply-domino
    vendor: domino
    settings: { host: "http://127.0.0.1:5002" }
    secretFromHubEnv: APPLY_DOMINO_SECRET
`;
    const env = { APPLY_MLFLOW_SECRET: JSON.stringify({ token: DISTINCTIVE }) };

    it('should leave the hub untouched on a dry run', async () => {
      const result = await run(v1, ['--dry-run'], env);
      expect(result.code).toBe(0);
      expect(result.text).toMatch(/\+ create\s+apply-mlflow/);
      expect(result.text).toMatch(/Dry run: nothing applied/);
      expect(await live()).toEqual({});
    });

    it('should create the declared sources, then change nothing on a re-apply', async () => {
      const first = await run(v1, [], env);
      expect(first.code, first.text).toBe(0);
      const created = await live();
      expect(Object.keys(created).sort()).toEqual(['apply-domino', 'apply-mlflow']);
      expect(created['apply-mlflow'].scheduleSeconds).toBe(900);
      const [storedDomino] = await database.handle.db.select().from(sourcesTable).where(eq(sourcesTable.id, created['apply-domino'].id));
      expect(storedDomino.secretCiphertext).toBe('env:APPLY_DOMINO_SECRET');
      expect(first.text).not.toContain(DISTINCTIVE);

      const second = await run(v1, [], env);
      expect(second.code).toBe(0);
      expect(second.text).toMatch(/No changes\./);
      expect(await live()).toEqual(created);
    });

    it('should apply a change and disable a source removed from the file', async () => {
      const v2 = `
sources:
  - name: apply-mlflow
    vendor: mlflow
    settings: { trackingUri: "http://127.0.0.1:5003" }
    secret: env:APPLY_MLFLOW_SECRET
    scheduleSeconds: 1800
`;
      const result = await run(v2, [], env);
      expect(result.code, result.text).toBe(0);
      expect(result.text).toMatch(/~ update\s+apply-mlflow: settings, scheduleSeconds/);
      expect(result.text).toMatch(/- disable apply-domino/);
      const after = await live();
      expect(after['apply-mlflow']).toMatchObject({ settings: { trackingUri: 'http://127.0.0.1:5003' }, scheduleSeconds: 1800 });
      expect(after['apply-domino'].enabled).toBe(false);
      expect((await run(v2, [], env)).text).toMatch(/No changes\./);
    });

    it('should fail with every problem named when the file or its secrets are wrong', async () => {
      const bad = await run(`sources:\n  - name: x\n    vendor: kubeflow\n    secret: "plain-value"\n`);
      expect(bad.code).toBe(2);
      expect(bad.text).toMatch(/sources\[0\]\.vendor/);
      expect(bad.text).toMatch(/sources\[0\]\.secret/);
      const missing = await run(v1, [], {});
      expect(missing.code).toBe(2);
      expect(missing.text).toMatch(/APPLY_MLFLOW_SECRET is not set/);
      const invalid = await run(`sources:\n  - name: apply-bad\n    vendor: mlflow\n    settings: { trackingUri: "gopher://x" }\n`);
      expect(invalid.code).toBe(1);
      expect(invalid.text).toMatch(/settings\.trackingUri/);
    });

    it("should apply a source's environment rule from the file, and name a bad pattern", async () => {
      const withRule = (pattern: string) => `
sources:
  - name: apply-rule
    vendor: datarobot
    settings:
      endpoint: "http://127.0.0.1:5004/api/v2"
      environmentRule:
        tagKeys: [environment, stage]
        namePatterns: [{ pattern: "${pattern}", environment: STAGING }]
    secret: env:APPLY_DR_SECRET
`;
      const env = { APPLY_DR_SECRET: JSON.stringify({ apiToken: DISTINCTIVE }) };
      const applied = await run(withRule('-shadow$'), [], env);
      expect(applied.code, applied.text).toBe(0);
      expect((await live())['apply-rule'].settings).toMatchObject({ environmentRule: { tagKeys: ['environment', 'stage'], namePatterns: [{ pattern: '-shadow$', environment: 'STAGING' }] } });
      expect((await run(withRule('-shadow$'), [], env)).text).toMatch(/No changes\./);

      const bad = await run(withRule('[shadow'), [], env);
      expect(bad.code).toBe(1);
      expect(bad.text).toMatch(/settings\.environmentRule\.namePatterns\.0\.pattern: is not a valid regular expression/);
    });
  });
});
