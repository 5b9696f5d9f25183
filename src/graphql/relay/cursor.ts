import { InputError } from '../../errors.js';
import type { KeysetPosition } from '../../page.js';

const MAX_CURSOR_LENGTH = 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A cursor is bound to the connection that issued it and to its ordering: it encodes the row's sort key and id
 * (keyset pagination), which only mean something under the same ORDER BY. `scope` names both, e.g. `models:NAME:ASC`.
 */
export function encodeCursor(scope: string, position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([scope, position.keys, position.id]), 'utf8').toString('base64url');
}

/** Decodes a cursor issued for `scope`; any other cursor (other connection, other ordering, garbage) is BAD_USER_INPUT. */
export function decodeCursor(scope: string, cursor: string): KeysetPosition {
  const invalid = (why: string) => new InputError(`Invalid cursor: ${why}`);
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) throw invalid('malformed');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('malformed');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid('malformed');
  const [cursorScope, keys, id] = parsed as unknown[];
  if (typeof cursorScope !== 'string' || !Array.isArray(keys) || keys.length > 4 || !keys.every((k) => typeof k === 'string') || typeof id !== 'string' || !UUID.test(id)) {
    throw invalid('malformed');
  }
  if (cursorScope !== scope) {
    throw invalid(`it was issued by another connection or ordering (${cursorScope}), not ${scope}`);
  }
  return { keys: keys as string[], id };
}
