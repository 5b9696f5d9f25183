/**
 * Trusted documents through real HTTP: a key marked as a BI service account runs only the operations registered in
 * HUB_TRUSTED_DOCUMENTS (named by documentId, by Apollo's persisted-query hash, or sent as the exact text); any other
 * document is refused before it runs. Other keys are unaffected. Real hub, real PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../src/auth/principal.js';
import { startHttpServer } from '../../../src/main/server.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';
import { createPersonWithKey, testEmail } from '../../helpers/people.js';
import { seedModel, seedSource } from '../../helpers/seed.js';

const DASHBOARD = 'query Dashboard { models(first: 10) { totalCount edges { node { name } } } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let folder: string;
let test: TestHub;
let biKey: string;
let analystKey: string;

async function graphql(key: string, body: Record<string, unknown>) {
  const response = await fetch(`${test.http!.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions: { code: string } }> } };
}

/** A BI service-account key for a new VIEWER person of `hub`. */
async function biServiceKey(hub: TestHub): Promise<string> {
  const actor = systemPrincipal('test');
  const person = await hub.hub.services.people.createPerson({ email: testEmail('Power BI'), displayName: 'Power BI finance', roles: ['VIEWER'] }, actor);
  const { key } = await hub.hub.services.apiKeys.createApiKey({ name: 'finance workspace', roles: ['VIEWER'], personId: person.id, createdBy: actor, biServiceAccount: true });
  return key;
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
  const registry = join(folder, 'persisted-documents.json');
  writeFileSync(registry, JSON.stringify({ [sha256(DASHBOARD)]: DASHBOARD }));
  test = await startTestHub({ http: true, env: { HUB_TRUSTED_DOCUMENTS: registry } });
  const source = await seedSource(test.database.handle.db);
  await seedModel(test.database.handle.db, source, { name: 'fraud-scorer' });
  biKey = await biServiceKey(test);
  analystKey = (await createPersonWithKey(test.hub.services, { name: 'Ana Analyst', roles: ['VIEWER'] })).key;
});

afterAll(async () => {
  await test?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('trusted documents', () => {
  it('should run a registered operation named by documentId for a BI service account', async () => {
    const { status, body } = await graphql(biKey, { documentId: `sha256:${sha256(DASHBOARD)}`, operationName: 'Dashboard' });
    expect(status).toBe(200);
    expect(body.data.models).toEqual({ totalCount: 1, edges: [{ node: { name: 'fraud-scorer' } }] });
  });

  it("should run a registered operation named by Apollo's persisted-query hash", async () => {
    const { status, body } = await graphql(biKey, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(DASHBOARD) } } });
    expect(status).toBe(200);
    expect(body.data.models.totalCount).toBe(1);
  });

  it('should run the exact registered text, and over GET by documentId', async () => {
    expect((await graphql(biKey, { query: DASHBOARD })).body.data.models.totalCount).toBe(1);
    const response = await fetch(`${test.http!.url}/graphql?documentId=${sha256(DASHBOARD)}`, { headers: { 'x-api-key': biKey } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.models.totalCount).toBe(1);
  });

  it('should refuse a BI service account any other document, before it runs', async () => {
    const { status, body } = await graphql(biKey, { query: '{ models(first: 500) { edges { node { name vendorAttributes } } } }' });
    expect(status).toBe(403);
    expect(body.data).toBeUndefined();
    expect(body.errors![0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    // One changed character is another document.
    expect((await graphql(biKey, { query: `${DASHBOARD} ` })).body.errors![0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });

  it('should answer an unknown documentId with its own code', async () => {
    const { status, body } = await graphql(biKey, { documentId: 'sha256:' + 'a'.repeat(64) });
    expect(status).toBe(400);
    expect(body.errors![0].extensions.code).toBe('TRUSTED_DOCUMENT_NOT_FOUND');
  });

  it('should leave other keys free to send any query, and to name registered ones', async () => {
    expect((await graphql(analystKey, { query: '{ models { edges { node { name vendorAttributes } } } }' })).body.data.models.edges).toHaveLength(1);
    expect((await graphql(analystKey, { documentId: sha256(DASHBOARD) })).body.data.models.totalCount).toBe(1);
  });

  it('should show which keys are BI service accounts', async () => {
    const admin = await createPersonWithKey(test.hub.services, { name: 'Ada Admin', roles: ['ADMIN'] });
    const { body } = await graphql(admin.key, { query: '{ apiKeys { name biServiceAccount } }' });
    const keys = body.data.apiKeys as Array<{ name: string; biServiceAccount: boolean }>;
    expect(keys.find((k) => k.name === 'finance workspace')?.biServiceAccount).toBe(true);
    expect(keys.find((k) => k.name === 'Ana Analyst')?.biServiceAccount).toBe(false);
  });
});

describe('without a registry', () => {
  it('should refuse BI service accounts and serve everyone else', async () => {
    const plain = await startTestHub({ http: true });
    try {
      const key = await biServiceKey(plain);
      const refused = await fetch(`${plain.http!.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ query: DASHBOARD }) });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as any).errors[0].extensions.code).toBe('TRUSTED_DOCUMENTS_NOT_CONFIGURED');
      const viewer = await createPersonWithKey(plain.hub.services, { name: 'Vic Viewer', roles: ['VIEWER'] });
      const served = await fetch(`${plain.http!.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': viewer.key }, body: JSON.stringify({ query: DASHBOARD }) });
      expect(served.status).toBe(200);
    } finally {
      await plain.close();
    }
  });

  it('should not start with a registry whose ids do not match their documents', async () => {
    const registry = join(folder, 'tampered.json');
    writeFileSync(registry, JSON.stringify({ [sha256(DASHBOARD)]: '{ apiKeys { name } }' }));
    const hub = await startTestHub({ env: { HUB_TRUSTED_DOCUMENTS: registry } });
    try {
      await expect(startHttpServer(hub.hub)).rejects.toThrow(/does not hash to its id/);
    } finally {
      await hub.close();
    }
  });
});
