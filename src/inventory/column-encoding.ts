import type { ColumnSpec, ColumnType, EntitySpec } from './entity-specs.js';
import type { PreparedRecord } from './prepare-records.js';

/** A column value as it travels to PostgreSQL: jsonb as JSON text, timestamptz as ISO 8601 text. */
export type EncodedValue = string | number | boolean | null;

/** A validated column value as its array parameter carries it (jsonb key order does not matter: jsonb sorts keys). */
export function encodeValue(type: ColumnType, value: unknown): EncodedValue {
  if (value === null || value === undefined) return null;
  if (type === 'jsonb') return JSON.stringify(value);
  if (type === 'timestamptz') return (value as Date).toISOString();
  return value as string | number | boolean;
}

/** SQL element type of each column type's array parameter; jsonb and timestamptz travel as text and are cast. */
export const ARRAY_TYPE: Record<ColumnType, string> = {
  text: 'text[]',
  jsonb: 'text[]',
  timestamptz: 'text[]',
  int: 'int4[]',
  real: 'float4[]',
  boolean: 'bool[]',
};

const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;

/**
 * A one-dimensional PostgreSQL array literal (`{"a","b\"c",NULL}`) of the values, sent as one text parameter and
 * cast to the column's array type. Building it ourselves (rather than handing the driver a JS array, which it
 * serialises only when the statement is dispatched) lets the writer build a statement's parameters while the
 * previous statement is still running. Every element is quoted, so only backslash and double quote need escaping.
 */
export function arrayLiteral(values: readonly EncodedValue[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null) parts[i] = 'NULL';
    else if (typeof value === 'string') parts[i] = NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPED, '\\$&')}"` : `"${value}"`;
    else if (typeof value === 'boolean') parts[i] = value ? 't' : 'f';
    else parts[i] = String(value);
  }
  return `{${parts.join(',')}}`;
}

/**
 * A batch's rows of one kind as array literals, one text parameter per column: what an upsert or insert sends.
 * Built apart from the statement so the writer can build it while the previous statement is still running.
 */
export interface RowsPayload {
  rows: number;
  externalIds: string;
  hashes: string;
  /** One literal per column of the spec, in column order. */
  columns: string[];
}

export function encodePayload<R>(spec: EntitySpec<R>, rows: readonly PreparedRecord<R>[]): RowsPayload {
  return { ...encodeKeys(rows), columns: spec.columns.map((column) => encodeColumn(column, rows)) };
}

/** The payload's natural keys and content hashes. */
export function encodeKeys<R>(rows: readonly PreparedRecord<R>[]): Omit<RowsPayload, 'columns'> {
  return { rows: rows.length, externalIds: arrayLiteral(rows.map((row) => row.externalId)), hashes: arrayLiteral(rows.map((row) => row.hash)) };
}

/** One column of the payload. */
export function encodeColumn<R>(column: ColumnSpec<R>, rows: readonly PreparedRecord<R>[]): string {
  return arrayLiteral(rows.map((row) => encodeValue(column.type, column.read(row.record))));
}
