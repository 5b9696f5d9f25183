import { hash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { EntityKind } from './entity-specs.js';

/**
 * The content hash of a normalised record: sha256 (hex) of its canonical JSON, prefixed with its kind. It covers
 * every vendor-owned field, vendorAttributes and parent external ids, so any change the vendor makes changes the
 * hash, while key order and the connector's object-building order never do.
 */
export function contentHash(kind: EntityKind, record: object): string {
  return hashCanonical(kind, canonicalJson(record));
}

/** Same as {@link contentHash} for a record already rendered with canonicalJson (saves a second rendering). */
export function hashCanonical(kind: EntityKind, canonical: string): string {
  // crypto.hash: the one-shot form, without a Hash object per record.
  return hash('sha256', `${kind}\n${canonical}`, 'hex');
}
