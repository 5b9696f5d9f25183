import { sql, type SQL } from 'drizzle-orm';

/**
 * One column of a flat export, declared once: its name and position give the CSV header and the JSON key, its
 * expression the SQL select list, its kind how the value is written, and its description the README's table.
 *
 * Every value leaves PostgreSQL as text (timestamps already in ISO-8601 UTC, JSON as JSON text), so the server never
 * parses and re-serialises what it only passes through: the kind alone decides quoting.
 */
export type ColumnKind =
  /** Free text, often the vendor's: CSV cells are guarded against formula injection. */
  | 'text'
  /** An identifier or a closed vocabulary (enum) the hub itself writes: never guarded. */
  | 'id'
  | 'number'
  | 'boolean'
  /** ISO-8601 UTC with milliseconds, `2026-01-02T03:04:05.678Z`. */
  | 'timestamp'
  /** A JSON object or array, as JSON text. */
  | 'json';

export interface ExportColumn {
  name: string;
  kind: ColumnKind;
  /** SQL over the export's FROM aliases (static text, never user input). */
  expression: string;
  description: string;
}

export const column = (name: string, kind: ColumnKind, expression: string, description: string): ExportColumn => ({ name, kind, expression, description });

/**
 * The API's opaque id of a row, computed by PostgreSQL: base64url("<Type>:<uuid>") exactly as src/global-id.ts
 * makes it (every type name + uuid is under 57 bytes, so `encode` adds no line breaks), so exported ids can be pasted
 * into GraphQL filters and `node(id:)`.
 */
export const globalId = (type: string, uuidExpression: string): string =>
  `translate(encode(convert_to('${type}:' || (${uuidExpression})::text, 'UTF8'), 'base64'), '+/=', '-_')`;

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** The select-list item of a column: its value as text under its export name. */
export function selectItem(col: ExportColumn): SQL {
  const text = col.kind === 'timestamp' ? `to_char((${col.expression}) at time zone 'UTC', ${ISO_UTC})` : `(${col.expression})::text`;
  return sql.raw(`${text} as "${col.name}"`);
}
