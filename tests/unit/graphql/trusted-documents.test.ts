import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/auth/principal.js';
import { applyTrustedDocuments, loadTrustedDocuments, sha256Hex, TrustedDocumentRefusal } from '../../../src/graphql/trusted-documents.js';

const folder = mkdtempSync(join(tmpdir(), 'trusted-unit-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const QUERY = '{ models { totalCount } }';
const bi: Principal = { id: 'key:1', personId: 'p1', displayName: 'BI', roles: ['VIEWER'], kind: 'api-key', trustedDocumentsOnly: true };

describe('loadTrustedDocuments', () => {
  it('should read a hash → document object and an Apollo persisted query manifest alike', () => {
    const plain = loadTrustedDocuments(file('plain.json', { [sha256Hex(QUERY)]: QUERY }));
    const apollo = loadTrustedDocuments(file('apollo.json', { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256Hex(QUERY), name: 'Count', type: 'query', body: QUERY }] }));
    expect([...plain.byHash]).toEqual([[sha256Hex(QUERY), QUERY]]);
    expect([...apollo.byHash]).toEqual([[sha256Hex(QUERY), QUERY]]);
  });

  it('should refuse a file it cannot trust, saying what is wrong', () => {
    expect(() => loadTrustedDocuments(join(folder, 'missing.json'))).toThrow(/cannot read/);
    expect(() => loadTrustedDocuments(file('array.json', [QUERY]))).toThrow(/must hold a JSON object/);
    expect(() => loadTrustedDocuments(file('empty.json', {}))).toThrow(/registers no documents/);
    expect(() => loadTrustedDocuments(file('id.json', { 'not-a-hash': QUERY }))).toThrow(/not a sha256 hex id/);
    expect(() => loadTrustedDocuments(file('swapped.json', { [sha256Hex(QUERY)]: '{ apiKeys { name } }' }))).toThrow(/does not hash to its id/);
  });
});

describe('applyTrustedDocuments', () => {
  const documents = { byHash: new Map([[sha256Hex(QUERY), QUERY]]), path: 'x' };

  it('should fill in the registered text and drop the naming fields', () => {
    expect(applyTrustedDocuments({ body: { documentId: `sha256:${sha256Hex(QUERY)}`, variables: { a: 1 } }, search: '' }, bi, documents).body).toEqual({ query: QUERY, variables: { a: 1 } });
    const get = applyTrustedDocuments({ body: undefined, search: `?documentId=${sha256Hex(QUERY)}&operationName=Count` }, bi, documents);
    expect(new URLSearchParams(get.search).get('query')).toBe(QUERY);
    expect(new URLSearchParams(get.search).get('documentId')).toBeNull();
  });

  it('should refuse a restricted principal an unregistered document with a code', () => {
    const refusal = (() => {
      try {
        applyTrustedDocuments({ body: { query: '{ apiKeys { name } }' }, search: '' }, bi, documents);
      } catch (error) {
        return error as TrustedDocumentRefusal;
      }
    })();
    expect(refusal).toBeInstanceOf(TrustedDocumentRefusal);
    expect(refusal).toMatchObject({ status: 403, code: 'TRUSTED_DOCUMENT_REQUIRED' });
  });
});
