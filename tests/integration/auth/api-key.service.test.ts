import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../../src/auth/api-key.service.js';
import { createAuthenticator } from '../../../src/auth/authenticate.js';
import { systemPrincipal, type Role } from '../../../src/auth/principal.js';
import { PeopleService } from '../../../src/people/people.service.js';
import { testEmail } from '../../helpers/people.js';
import { apiKeys, auditEvents, type PersonRow } from '../../../src/db/schema/index.js';
import { InputError, UnauthenticatedError } from '../../../src/errors.js';
import { AuditRecorder } from '../../../src/audit/audit-recorder.js';
import { createLogger } from '../../../src/logger.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';

const admin = systemPrincipal('test');

/** A person holding `roles`, for keys to belong to. */
async function personWith(roles: Role[], db = database.handle.db): Promise<PersonRow> {
  return new PeopleService({ db, audit: new AuditRecorder() }).createPerson({ email: testEmail('key holder'), displayName: 'Key Holder', roles }, admin);
}
let database: TestDatabase;

describe('ApiKeyService', () => {
  let service: ApiKeyService;

  beforeAll(async () => {
    database = await createPostgresTestDatabase();
    service = new ApiKeyService({ db: database.handle.db, audit: new AuditRecorder(), logger: createLogger('silent') });
  });
  afterAll(() => database.drop());

  describe('createApiKey', () => {
    it('should return a prefixed key once and store only its hash', async () => {
      const { key, apiKey: row } = await service.createApiKey({ name: 'powerbi', roles: ['VIEWER'], personId: (await personWith(['VIEWER'])).id, createdBy: admin });
      expect(key).toMatch(/^mh_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
      expect(row.prefix).toBe(key.slice(0, 11));
      const [stored] = await database.handle.db.select().from(apiKeys).where(eq(apiKeys.id, row.id));
      expect(JSON.stringify(stored)).not.toContain(key.slice(12));
      const [event] = await database.handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, row.id));
      expect(event.action).toBe('api_key.created');
      expect(JSON.stringify(event)).not.toContain(key.slice(12));
    });

    it('should name every invalid field', async () => {
      const error = await service.createApiKey({ name: ' ', roles: ['NOPE' as never], personId: (await personWith([])).id, createdBy: admin, expiresAt: new Date(Date.now() - 1000) }).catch((e) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).problems.map((p) => p.path).sort()).toEqual(['expiresAt', 'name', 'roles']);
    });
  });

  describe('verify', () => {
    it('should authenticate a valid key as its principal and record its use', async () => {
      const { key, apiKey: row } = await service.createApiKey({ name: 'tableau', roles: ['VIEWER', 'OPERATOR'], personId: (await personWith(['VIEWER', 'OPERATOR'])).id, createdBy: admin });
      expect(await service.verify(key)).toEqual({ id: `key:${row.id}`, personId: row.personId, displayName: 'Key Holder', roles: ['VIEWER', 'OPERATOR'], kind: 'api-key' });
      const [after] = await database.handle.db.select().from(apiKeys).where(eq(apiKeys.id, row.id));
      expect(after.lastUsedAt).toBeInstanceOf(Date);
    });

    it('should refuse a wrong key with a known prefix, and an unknown key', async () => {
      const { key } = await service.createApiKey({ name: 'wrong', roles: ['VIEWER'], personId: (await personWith(['VIEWER'])).id, createdBy: admin });
      const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
      await expect(service.verify(tampered)).rejects.toThrow(new UnauthenticatedError('Invalid API key'));
      await expect(service.verify('mh_00000000_' + 'x'.repeat(43))).rejects.toThrow(/Invalid API key/);
      await expect(service.verify('not-a-key')).rejects.toThrow(/Invalid API key/);
    });

    it('should refuse a revoked key when it is replayed', async () => {
      const { key, apiKey: row } = await service.createApiKey({ name: 'revoked', roles: ['VIEWER'], personId: (await personWith(['VIEWER'])).id, createdBy: admin });
      await service.verify(key);
      await service.revokeApiKey(row.id, admin);
      await expect(service.verify(key)).rejects.toThrow(/revoked/);
    });

    it('should refuse an expired key', async () => {
      const { key, apiKey: row } = await service.createApiKey({ name: 'expiring', roles: ['VIEWER'], personId: (await personWith(['VIEWER'])).id, createdBy: admin, expiresAt: new Date(Date.now() + 60_000) });
      await database.handle.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, row.id));
      await expect(service.verify(key)).rejects.toThrow(/expired/);
    });
  });

  describe('ensureBootstrapAdmin', () => {
    it('should accept HUB_BOOTSTRAP_ADMIN_KEY as an ADMIN key, idempotently', async () => {
      const bootstrap = 'bootstrap-key-for-tests-0123456789';
      expect(await service.ensureBootstrapAdmin(bootstrap)).toBeNull();
      expect(await service.ensureBootstrapAdmin(bootstrap)).toBeNull();
      expect((await service.verify(bootstrap)).roles).toEqual(['ADMIN']);
      // The hash is not part of the read model: the stored rows are read directly.
      const rows = (await database.handle.db.select().from(apiKeys)).filter((r) => r.name.includes('HUB_BOOTSTRAP_ADMIN_KEY'));
      expect(rows).toHaveLength(1);
      expect(rows[0].keyHash).not.toContain(bootstrap);
    });

    it('should create and return an ADMIN key only when no active ADMIN key exists', async () => {
      const fresh = await createPostgresTestDatabase();
      try {
        const keys = new ApiKeyService({ db: fresh.handle.db, audit: new AuditRecorder(), logger: createLogger('silent') });
        const first = await keys.ensureBootstrapAdmin(null);
        expect(first?.key).toMatch(/^mh_/);
        expect((await keys.verify(first!.key)).roles).toEqual(['ADMIN']);
        expect(await keys.ensureBootstrapAdmin(null)).toBeNull();
        await keys.revokeApiKey(first!.apiKey.id, admin);
        expect((await keys.ensureBootstrapAdmin(null))?.key).toMatch(/^mh_/);
      } finally {
        await fresh.drop();
      }
    });
  });
});

describe('createAuthenticator', () => {
  let service: ApiKeyService;
  let key: string;

  beforeAll(async () => {
    database = await createPostgresTestDatabase();
    service = new ApiKeyService({ db: database.handle.db, audit: new AuditRecorder(), logger: createLogger('silent') });
    ({ key } = await service.createApiKey({ name: 'bi', roles: ['VIEWER'], personId: (await personWith(['VIEWER'])).id, createdBy: admin }));
  });
  afterAll(() => database.drop());

  const request = (headers: Record<string, string>) => ({ headers });

  it('should return null when the request carries no credential', async () => {
    expect(await createAuthenticator({ apiKeys: service, oidc: null })(request({}))).toBeNull();
  });

  it('should accept an API key as a bearer token or in X-API-Key', async () => {
    const authenticate = createAuthenticator({ apiKeys: service, oidc: null });
    expect((await authenticate(request({ authorization: `Bearer ${key}` })))?.displayName).toBe('Key Holder');
    expect((await authenticate(request({ 'x-api-key': key })))?.displayName).toBe('Key Holder');
  });

  it('should refuse a JWT when OIDC is not configured, and both headers at once', async () => {
    const authenticate = createAuthenticator({ apiKeys: service, oidc: null });
    await expect(authenticate(request({ authorization: 'Bearer aaa.bbb.ccc' }))).rejects.toThrow(/not enabled/);
    await expect(authenticate(request({ authorization: `Bearer ${key}`, 'x-api-key': key }))).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('should refuse other authorization schemes without echoing the credential', async () => {
    const error = await createAuthenticator({ apiKeys: service, oidc: null })(request({ authorization: `Basic ${key}` })).then(() => { throw new Error('expected a refusal'); }, (e: Error) => e);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.message).not.toContain(key);
  });
});
