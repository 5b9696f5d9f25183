import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Principal } from '../auth/principal.js';

/**
 * Trusted documents (HUB_TRUSTED_DOCUMENTS): a file of registered GraphQL operations, each known by the sha256 of its
 * text. Keys marked as BI service accounts may run only these, so a leaked dashboard key reads what the dashboard
 * reads and nothing else. Other callers may name a registered operation by hash too, and otherwise send any query.
 *
 * Accepted file formats, both written by common tooling:
 * - a JSON object `{ "<sha256 hex>": "<document>" }` (GraphQL Code Generator's persisted documents, Relay);
 * - Apollo's persisted query manifest `{ "format": "apollo-persisted-query-manifest", "operations": [{ "id", "body" }] }`.
 * A request names an operation by `documentId` (`sha256:<hex>` or the bare hex), by Apollo's
 * `extensions.persistedQuery.sha256Hash`, or by sending its exact text.
 */
export interface TrustedDocuments {
  /** Registered documents by lowercase sha256 hex of their text. */
  byHash: ReadonlyMap<string, string>;
  /** Where they were read from (for logs and error messages). */
  path: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const HASH = /^[0-9a-f]{64}$/;

/** Reads and checks the file; any mistake in it stops the hub from starting, with the entry at fault named. */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`HUB_TRUSTED_DOCUMENTS: cannot read ${path} as JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const entries = documentEntries(parsed, path);
  const byHash = new Map<string, string>();
  for (const [id, body] of entries) {
    const hash = id.replace(/^sha256:/, '').toLowerCase();
    if (!HASH.test(hash)) throw new Error(`HUB_TRUSTED_DOCUMENTS: "${id.slice(0, 80)}" in ${path} is not a sha256 hex id`);
    if (typeof body !== 'string' || body.trim() === '') throw new Error(`HUB_TRUSTED_DOCUMENTS: document ${hash} in ${path} has no text`);
    // A registry whose ids do not match their texts would let one document run under another's name.
    if (sha256Hex(body) !== hash) throw new Error(`HUB_TRUSTED_DOCUMENTS: document ${hash} in ${path} does not hash to its id (sha256 of the exact text)`);
    byHash.set(hash, body);
  }
  if (byHash.size === 0) throw new Error(`HUB_TRUSTED_DOCUMENTS: ${path} registers no documents`);
  return { byHash, path };
}

function documentEntries(parsed: unknown, path: string): Array<[string, unknown]> {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`HUB_TRUSTED_DOCUMENTS: ${path} must hold a JSON object (hash → document, or an Apollo persisted query manifest)`);
  }
  const record = parsed as Record<string, unknown>;
  if (record.format === 'apollo-persisted-query-manifest') {
    if (!Array.isArray(record.operations)) throw new Error(`HUB_TRUSTED_DOCUMENTS: ${path} has no "operations" list`);
    return record.operations.map((operation, index) => {
      const { id, body } = (operation ?? {}) as { id?: unknown; body?: unknown };
      if (typeof id !== 'string') throw new Error(`HUB_TRUSTED_DOCUMENTS: operation ${index} in ${path} has no "id"`);
      return [id, body];
    });
  }
  return Object.entries(record);
}

/** Why a request cannot run as sent: answered with this status and code, nothing executed. */
export class TrustedDocumentRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the handler passes on to GraphQL execution: a POST body or a GET query string, the document filled in. */
export interface GraphQLHttpInput {
  body: unknown;
  search: string;
}

/**
 * Resolves a request's document against the registry and enforces the service-account rule. Returns the input to
 * execute (a named document's text filled in as `query`); throws TrustedDocumentRefusal when it may not run.
 */
export function applyTrustedDocuments(input: GraphQLHttpInput, principal: Principal, documents: TrustedDocuments | null): GraphQLHttpInput {
  const restricted = principal.trustedDocumentsOnly === true;
  if (!documents) {
    if (restricted) {
      throw new TrustedDocumentRefusal(403, 'TRUSTED_DOCUMENTS_NOT_CONFIGURED', 'This key is a BI service account, which may run only registered operations, and this hub has no registry (HUB_TRUSTED_DOCUMENTS)');
    }
    return input;
  }
  const fields = requestFields(input);
  const named = fields.documentId ?? fields.persistedQueryHash;
  if (named !== null) {
    const hash = named.replace(/^sha256:/, '').toLowerCase();
    const text = documents.byHash.get(hash);
    if (text !== undefined) return withQuery(input, text);
    if (restricted || fields.documentId !== null) {
      throw new TrustedDocumentRefusal(400, 'TRUSTED_DOCUMENT_NOT_FOUND', `No registered operation has the id ${hash.slice(0, 64)}`);
    }
    // An unrestricted caller may still use automatic persisted queries for documents outside the registry.
    return input;
  }
  if (restricted) {
    if (fields.query === null || !documents.byHash.has(sha256Hex(fields.query))) {
      throw new TrustedDocumentRefusal(403, 'TRUSTED_DOCUMENT_REQUIRED', 'This key is a BI service account: it may run only registered operations (send a documentId from the registry, or the exact registered text)');
    }
  }
  return input;
}

interface RequestFields {
  query: string | null;
  documentId: string | null;
  persistedQueryHash: string | null;
}

function requestFields(input: GraphQLHttpInput): RequestFields {
  if (input.body !== undefined) {
    const body = (input.body && typeof input.body === 'object' ? input.body : {}) as Record<string, unknown>;
    const extensions = (body.extensions && typeof body.extensions === 'object' ? body.extensions : {}) as Record<string, unknown>;
    return { query: text(body.query), documentId: text(body.documentId), persistedQueryHash: persistedHash(extensions.persistedQuery) };
  }
  const params = new URLSearchParams(input.search);
  let extensions: Record<string, unknown> = {};
  const rawExtensions = params.get('extensions');
  if (rawExtensions) {
    try {
      extensions = JSON.parse(rawExtensions) as Record<string, unknown>;
    } catch {
      throw new TrustedDocumentRefusal(400, 'BAD_REQUEST', 'The extensions query parameter is not JSON');
    }
  }
  return { query: params.get('query'), documentId: params.get('documentId'), persistedQueryHash: persistedHash(extensions?.persistedQuery) };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function persistedHash(value: unknown): string | null {
  return value && typeof value === 'object' ? text((value as { sha256Hash?: unknown }).sha256Hash) : null;
}

/** The input with the registered text as its query, and the naming fields removed (GraphQL servers do not know them). */
function withQuery(input: GraphQLHttpInput, query: string): GraphQLHttpInput {
  if (input.body !== undefined) {
    const { documentId: _documentId, extensions, ...rest } = input.body as Record<string, unknown>;
    const remaining = extensions && typeof extensions === 'object' ? { ...(extensions as Record<string, unknown>) } : undefined;
    if (remaining) delete remaining.persistedQuery;
    return { body: { ...rest, query, ...(remaining && Object.keys(remaining).length ? { extensions: remaining } : {}) }, search: input.search };
  }
  const params = new URLSearchParams(input.search);
  params.delete('documentId');
  params.delete('extensions');
  params.set('query', query);
  return { body: undefined, search: `?${params.toString()}` };
}
