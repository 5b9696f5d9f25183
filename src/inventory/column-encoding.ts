import { sql, type SQL } from 'drizzle-orm';
import type { ColumnSpec, ColumnType, EntitySpec } from './entity-specs.js';
import type { PreparedRecord } from './prepare-records.js';

/** An array-literal element as it travels to PostgreSQL: timestamptz as ISO 8601 text. */
export type EncodedValue = string | number | boolean | null;

/** A column type whose values travel as a PostgreSQL array literal (jsonb travels as a JSON array). */
type ArrayColumnType = Exclude<ColumnType, 'jsonb'>;

/** A validated value of an array-literal column as its array parameter carries it. */
function encodeValue(type: ArrayColumnType, value: unknown): EncodedValue {
  if (value === null || value === undefined) return null;
  if (type === 'timestamptz') return (value as Date).toISOString();
  return value as string | number | boolean;
}

/** SQL element type of each array-literal column type's parameter; timestamptz travels as text and is cast. */
const ARRAY_TYPE: Record<ArrayColumnType, string> = {
  text: 'text[]',
  timestamptz: 'text[]',
  int: 'int4[]',
  real: 'float4[]',
  boolean: 'bool[]',
};

/**
 * The function call, for a `ROWS FROM (…)` list, that turns one column's payload parameter back into one value per
 * row, in order. A jsonb column travels as one JSON array (see {@link encodeColumn}), so its elements come back as
 * jsonb, a JSON null element included: the select list turns that into SQL NULL ({@link jsonNullAsSql}).
 */
export function columnElements(type: ColumnType, parameter: string): SQL {
  if (type === 'jsonb') return sql`jsonb_array_elements(${parameter}::jsonb)`;
  return sql`unnest(${parameter}::${sql.raw(ARRAY_TYPE[type])})`;
}

/** How a select list reads a jsonb element of {@link columnElements}: a JSON null is no value, as in the other types. */
export function jsonNullAsSql(reference: SQL): SQL {
  return sql`nullif(${reference}, 'null'::jsonb)`;
}

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

/**
 * One column of the payload: a PostgreSQL array literal, or for jsonb one JSON array of the values. The JSON array is
 * one native JSON.stringify with nothing to escape afterwards, where an array literal of JSON texts needed every
 * value stringified, then every quote in it escaped (on bench/sync that was most of the writer's encoding time).
 */
export function encodeColumn<R>(column: ColumnSpec<R>, rows: readonly PreparedRecord<R>[]): string {
  const type = column.type;
  if (type === 'jsonb') return JSON.stringify(rows.map((row) => column.read(row.record) ?? null));
  return arrayLiteral(rows.map((row) => encodeValue(type, column.read(row.record))));
}
