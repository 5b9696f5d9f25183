import { InputError } from './errors.js';

/**
 * The API's Relay global ids. Below the API and the domains alike: the GraphQL layer encodes and decodes them, and
 * governance writes a change request's id to vendors, where people copy it back into `changeRequest(id:)`.
 */

/** Longest global id accepted: a type name plus a uuid is far shorter; anything bigger is garbage or abuse. */
const MAX_GLOBAL_ID_LENGTH = 128;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A decoded global id. */
export interface GlobalId {
  type: string;
  /** The row's database id (uuid). */
  id: string;
}

/** Opaque Relay id for a row: base64url("<Type>:<uuid>"). Clients must treat it as opaque. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

/**
 * Decodes a global id. Throws BAD_USER_INPUT for anything malformed, oversized, naming no known type or
 * (with `expectedType`) naming another type, so a Deployment id can never be used where a Model id is wanted.
 */
export function fromGlobalId(globalId: string, expectedType?: string | readonly string[]): GlobalId {
  if (typeof globalId !== 'string' || globalId.length === 0 || globalId.length > MAX_GLOBAL_ID_LENGTH || !BASE64URL.test(globalId)) {
    throw new InputError(`Invalid id "${preview(globalId)}": not an id issued by this API`);
  }
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  const type = decoded.slice(0, colon);
  const id = decoded.slice(colon + 1);
  if (colon < 1 || !/^[A-Za-z]+$/.test(type) || !UUID.test(id)) {
    throw new InputError(`Invalid id "${preview(globalId)}": not an id issued by this API`);
  }
  const expected = typeof expectedType === 'string' ? [expectedType] : expectedType;
  if (expected && !expected.includes(type)) {
    throw new InputError(`Invalid id "${preview(globalId)}": it identifies a ${type}, expected ${expected.join(' or ')}`);
  }
  return { type, id: id.toLowerCase() };
}

/** Decodes a list of ids of one type (filters such as `sourceIds`). */
export function fromGlobalIds(globalIds: readonly string[], expectedType: string): string[] {
  return globalIds.map((globalId) => fromGlobalId(globalId, expectedType).id);
}

function preview(value: unknown): string {
  const text = String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
