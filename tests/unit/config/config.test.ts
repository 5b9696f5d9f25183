import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config.js';

const KEY = 'a'.repeat(64);

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env, '/srv/hub');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  describe('defaults', () => {
    it('should run on the embedded database with in-process jobs when nothing is configured', () => {
      const config = parseConfig({}, '/srv/hub');
      expect(config.database).toEqual({ kind: 'pglite', dataDir: '/srv/hub/.hub/pgdata' });
      expect(config.redis).toBeNull();
      expect(config.http).toMatchObject({ port: 4000, host: '127.0.0.1', maxPageSize: 500 });
      expect(config.log.level).toBe('info');
      expect(config.secrets.key).toBeNull();
      expect(config.auth.oidc).toBeNull();
      expect(config.publicUrl).toBeNull();
      expect(Object.isFrozen(config) && Object.isFrozen(config.http)).toBe(true);
    });

    it('should use PostgreSQL and BullMQ with a hash-tagged prefix when their URLs are given', () => {
      const config = parseConfig({ DATABASE_URL: 'postgres://hub@db:5432/hub', REDIS_URL: 'redis://cache:6379', HUB_DATA_DIR: 'data' }, '/srv/hub');
      expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://hub@db:5432/hub', poolSize: 10 });
      expect(config.redis).toEqual({ url: 'redis://cache:6379', prefix: '{hub}' });
      expect(config.dataDir).toBe('/srv/hub/data');
    });

    it('should decode a hex or base64 secret key to 32 bytes', () => {
      expect(parseConfig({ HUB_SECRET_KEY: KEY }).secrets.key).toHaveLength(32);
      expect(parseConfig({ HUB_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }).secrets.key).toEqual(Buffer.alloc(32, 7));
    });

    it('should checkpoint the audit chain every 1000 events or 15 minutes into the data folder by default', () => {
      expect(parseConfig({}, '/srv/hub').audit).toEqual({ signingKey: null, checkpointEveryEvents: 1000, checkpointEveryMinutes: 15, checkpointDir: '/srv/hub/.hub/audit-checkpoints', webhookUrl: null });
      const set = parseConfig(
        { HUB_AUDIT_SIGNING_KEY: '/run/secrets/audit.pem', HUB_AUDIT_CHECKPOINT_EVERY_EVENTS: '50', HUB_AUDIT_CHECKPOINT_EVERY_MINUTES: '5', HUB_AUDIT_CHECKPOINT_DIR: 'worm', HUB_AUDIT_CHECKPOINT_WEBHOOK_URL: 'https://siem.example.com/in' },
        '/srv/hub',
      );
      expect(set.audit).toEqual({ signingKey: '/run/secrets/audit.pem', checkpointEveryEvents: 50, checkpointEveryMinutes: 5, checkpointDir: '/srv/hub/worm', webhookUrl: 'https://siem.example.com/in' });
      expect(problems({ HUB_AUDIT_CHECKPOINT_EVERY_EVENTS: '0', HUB_AUDIT_CHECKPOINT_WEBHOOK_URL: 'ftp://x' }).map((p) => p.split(':')[0]).sort()).toEqual(['HUB_AUDIT_CHECKPOINT_EVERY_EVENTS', 'HUB_AUDIT_CHECKPOINT_WEBHOOK_URL']);
    });

    it('should keep the public URL without its trailing slash', () => {
      expect(parseConfig({ HUB_PUBLIC_URL: 'https://modelops.example.com/hub/' }).publicUrl).toBe('https://modelops.example.com/hub');
    });

    it('should read the OIDC settings and role map', () => {
      const config = parseConfig({ OIDC_JWKS_URL: 'https://idp.example.com/jwks', OIDC_ISSUER: 'https://idp.example.com', OIDC_AUDIENCE: 'hub', OIDC_ROLE_MAP: '{"ml-validators":["VALIDATOR"],"risk-team":"RISK_OFFICER"}' });
      expect(config.auth.oidc).toMatchObject({ jwksUrl: 'https://idp.example.com/jwks', rolesClaim: 'groups', roleMap: { 'ml-validators': ['VALIDATOR'], 'risk-team': ['RISK_OFFICER'] }, clockSkewSeconds: 60, linkByEmail: false });
      expect(parseConfig({ OIDC_JWKS_URL: 'https://idp.example.com/jwks', OIDC_ISSUER: 'https://idp.example.com', OIDC_AUDIENCE: 'hub', OIDC_LINK_BY_EMAIL: 'true' }).auth.oidc?.linkByEmail).toBe(true);
    });

    it('should read HUB_BREAK_GLASS, off by default', () => {
      expect(parseConfig({}).auth.breakGlass).toBe(false);
      expect(parseConfig({ HUB_BREAK_GLASS: 'true' }).auth.breakGlass).toBe(true);
    });

    it('should read HUB_GRAPHQL_DATABASE_RENDERING, on by default', () => {
      expect(parseConfig({}).http.databaseRendering).toBe(true);
      expect(parseConfig({ HUB_GRAPHQL_DATABASE_RENDERING: 'false' }).http.databaseRendering).toBe(false);
    });
  });

  describe('invalid values', () => {
    it.each([
      ['DATABASE_URL', 'mysql://db/hub', /DATABASE_URL: .*postgres/],
      ['REDIS_URL', 'http://cache', /REDIS_URL: .*redis/],
      ['PORT', '70000', /PORT:/],
      ['PORT', 'eighty', /PORT:/],
      ['LOG_LEVEL', 'loud', /LOG_LEVEL:/],
      ['HUB_SECRET_KEY', 'too-short', /HUB_SECRET_KEY: expected 32 random bytes/],
      ['OIDC_ROLE_MAP', '{"g":["EMPEROR"]}', /OIDC_ROLE_MAP: expected JSON/],
      ['MAX_DELETE_SHARE', '1.5', /MAX_DELETE_SHARE:/],
      ['METRICS_PUBLIC', 'maybe', /METRICS_PUBLIC:/],
      ['HUB_QUEUE_PREFIX', 'has space', /HUB_QUEUE_PREFIX:/],
      ['HUB_PUBLIC_URL', 'modelops.example.com', /HUB_PUBLIC_URL: expected an http\(s\) URL/],
      ['HUB_PUBLIC_URL', 'https://modelops.example.com/?tab=1', /HUB_PUBLIC_URL: expected a base URL without/],
      ['HUB_PUBLIC_URL', `https://modelops.example.com/${'x'.repeat(200)}`, /HUB_PUBLIC_URL: at most 200 characters/],
    ])('should name %s when it is %j', (name, value, message) => {
      const found = problems({ [name]: value });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(message);
    });

    it('should report every problem at once, not just the first', () => {
      const found = problems({ PORT: '-1', LOG_LEVEL: 'loud', REDIS_URL: 'nope', HUB_SECRET_KEY: 'x' });
      expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['HUB_SECRET_KEY', 'LOG_LEVEL', 'PORT', 'REDIS_URL']);
    });

    it('should refuse settings that only make sense together', () => {
      expect(problems({ OIDC_ISSUER: 'https://idp.example.com' })).toEqual(['OIDC_JWKS_URL: required when OIDC_ISSUER is set']);
      // Before, a JWKS alone accepted tokens from any issuer for any audience.
      expect(problems({ OIDC_JWKS_URL: 'https://idp.example.com/jwks' })).toEqual([
        'OIDC_ISSUER: required when OIDC_JWKS_URL is set (identities are issuer + subject)',
        'OIDC_AUDIENCE: required when OIDC_JWKS_URL is set (tokens issued for other applications must not be accepted)',
      ]);
      expect(problems({ OIDC_JWKS_URL: 'https://idp.example.com/jwks', OIDC_ISSUER: 'https://idp.example.com' })).toEqual([
        'OIDC_AUDIENCE: required when OIDC_JWKS_URL is set (tokens issued for other applications must not be accepted)',
      ]);
      expect(problems({ HUB_SECRET_KEY_PREVIOUS: KEY })[0]).toMatch(/^HUB_SECRET_KEY: required when HUB_SECRET_KEY_PREVIOUS is set/);
    });

    it('should treat empty values as unset', () => {
      expect(parseConfig({ DATABASE_URL: '', REDIS_URL: '  ', PORT: '' }).database.kind).toBe('pglite');
    });
  });

  describe('console sign-in (OIDC_CLIENT_ID)', () => {
    const OIDC = { OIDC_JWKS_URL: 'https://idp.example.com/jwks', OIDC_ISSUER: 'https://idp.example.com', OIDC_AUDIENCE: 'hub' };

    it('should offer API keys only when no client id is set', () => {
      expect(parseConfig(OIDC).auth.consoleSignIn).toBeNull();
    });

    it('should take explicit endpoints, or leave them to discovery from the issuer', () => {
      const explicit = parseConfig({ ...OIDC, OIDC_CLIENT_ID: 'hub-console', OIDC_AUTHORIZATION_URL: 'https://idp.example.com/authorize', OIDC_TOKEN_URL: 'https://idp.example.com/token' });
      expect(explicit.auth.consoleSignIn).toEqual({
        clientId: 'hub-console',
        scopes: 'openid profile email',
        issuer: 'https://idp.example.com',
        endpoints: { authorizationUrl: 'https://idp.example.com/authorize', tokenUrl: 'https://idp.example.com/token' },
      });
      expect(parseConfig({ ...OIDC, OIDC_CLIENT_ID: 'hub-console', OIDC_SCOPES: 'openid groups' }).auth.consoleSignIn).toMatchObject({ scopes: 'openid groups', endpoints: null });
    });

    it('should refuse a client the hub could not verify tokens for, or find endpoints for', () => {
      expect(problems({ OIDC_CLIENT_ID: 'hub-console' })).toEqual([
        'OIDC_JWKS_URL: required when OIDC_CLIENT_ID is set (the hub verifies the tokens the console signs in with)',
        'OIDC_ISSUER: required when OIDC_CLIENT_ID is set without OIDC_AUTHORIZATION_URL and OIDC_TOKEN_URL (they are discovered from the issuer)',
      ]);
      expect(problems({ ...OIDC, OIDC_CLIENT_ID: 'c', OIDC_TOKEN_URL: 'https://idp.example.com/token' })).toEqual(['OIDC_AUTHORIZATION_URL, OIDC_TOKEN_URL: set both, or neither to discover them from OIDC_ISSUER']);
      expect(problems({ ...OIDC, OIDC_AUTHORIZATION_URL: 'https://idp.example.com/a', OIDC_TOKEN_URL: 'https://idp.example.com/t' })[0]).toMatch(/^OIDC_CLIENT_ID: required/);
    });

    it('should refuse endpoints in clear text except on loopback', () => {
      const clear = { ...OIDC, OIDC_CLIENT_ID: 'c', OIDC_AUTHORIZATION_URL: 'http://idp.example.com/a', OIDC_TOKEN_URL: 'http://127.0.0.1:9000/t' };
      expect(problems(clear)).toEqual(['OIDC_AUTHORIZATION_URL: must be https (plain http only on loopback)']);
      expect(problems({ ...OIDC, OIDC_ISSUER: 'http://idp.example.com', OIDC_CLIENT_ID: 'c' })).toEqual(['OIDC_ISSUER: must be https to discover its endpoints (plain http only on loopback)']);
      expect(problems({ ...OIDC, OIDC_CLIENT_ID: 'c', OIDC_SCOPES: 'openid "groups"' })[0]).toMatch(/^OIDC_SCOPES:/);
    });
  });

  describe('least privilege', () => {
    it('should migrate on the owner URL and name the runtime role only when DATABASE_MIGRATION_URL is set', () => {
      expect(parseConfig({ DATABASE_URL: 'postgres://hub@db/hub' }, '/srv/hub').databaseOwner).toBeNull();
      const config = parseConfig({ DATABASE_URL: 'postgres://rt@db/hub', DATABASE_MIGRATION_URL: 'postgres://owner@db/hub', HUB_DB_RUNTIME_PASSWORD: 'pw' }, '/srv/hub');
      expect(config.databaseOwner).toEqual({ migrationUrl: 'postgres://owner@db/hub', runtimeRole: { name: 'modelops_hub_runtime', password: 'pw' } });
    });

    it('should refuse a migration URL without DATABASE_URL and a role name PostgreSQL would need quoting for', () => {
      expect(problems({ DATABASE_MIGRATION_URL: 'postgres://owner@db/hub' })).toEqual([expect.stringMatching(/^DATABASE_URL: required when DATABASE_MIGRATION_URL is set/)]);
      expect(problems({ DATABASE_URL: 'postgres://rt@db/hub', HUB_DB_RUNTIME_ROLE: 'Robert"; drop' })[0]).toMatch(/^HUB_DB_RUNTIME_ROLE:/);
    });

    it('should schedule the state replay hourly by default and not at all at 0', () => {
      expect(parseConfig({}, '/srv/hub').stateReplay).toEqual({ everyMs: 3_600_000 });
      expect(parseConfig({ HUB_STATE_REPLAY_EVERY_MINUTES: '0' }, '/srv/hub').stateReplay).toBeNull();
    });
  });
});
