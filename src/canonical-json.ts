import canonicalize from 'canonicalize';

/**
 * The hub's one canonical JSON form: RFC 8785 (JSON Canonicalization Scheme), rendered by the `canonicalize`
 * package. Keys sorted by UTF-16 code units at every depth, numbers as ECMAScript prints them (`1e+21`, `-0` → `0`),
 * strings escaped as JSON.stringify does, `undefined` members dropped, Dates (anything with toJSON) as their JSON.
 * The audit chain's hashes, checkpoint signatures and the inventory's content hashes all hash this string.
 *
 * RFC 8785 refuses what JSON cannot carry (NaN, ±Infinity, lone UTF-16 surrogates); the hub instead hashes the value
 * as it is stored: JSON.stringify (and so jsonb) writes a non-finite number as `null`, and PostgreSQL's UTF-8 text
 * holds a lone surrogate as U+FFFD. Only values that hold one pay for that rewrite (the common case is one pass).
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  try {
    return canonicalize(value) ?? 'null';
  } catch (error) {
    if (error instanceof Error && /^(NaN|Infinity|Lone surrogate) is not allowed$/.test(error.message)) {
      return canonicalize(asStored(value)) ?? 'null';
    }
    throw error;
  }
}

/** A copy of the value as the database keeps it: non-finite numbers null, strings well-formed (U+FFFD). */
export function asStored(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return wellFormed(value);
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return asStored((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : asStored(item)));
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) copy[wellFormed(key)] = asStored(member);
  }
  return copy;
}

/** String.prototype.toWellFormed (Node 20; ES2024, beyond the project's ES2022 lib typings). */
function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}
