import { canonicalJson } from '../canonical-json.js';
import type { ColumnSpec, ColumnType } from './entity-specs.js';

/**
 * A stored row's vendor-owned values keyed by normalised field name, as PostgreSQL renders them in JSON
 * (`jsonb_build_object`): timestamps as ISO strings, jsonb as parsed JSON, real as a JSON number.
 */
export type FieldSnapshot = Record<string, unknown>;

/**
 * The normalised fields whose value differs between what is stored (`before`) and the incoming record, in column
 * order. Values are compared by meaning, not representation: instants by time, JSON by canonical form (key order
 * does not matter), `real` columns at single precision (what the column can hold).
 */
export function changedFields<R>(columns: readonly ColumnSpec<R>[], before: FieldSnapshot, after: R): string[] {
  const changed: string[] = [];
  for (const column of columns) {
    if (valuesDiffer(column.type, before[column.field], column.read(after))) changed.push(column.field);
  }
  return changed;
}

/** True when two values of one column type mean different things. `undefined` and `null` both mean "no value". */
export function valuesDiffer(type: ColumnType, before: unknown, after: unknown): boolean {
  const a = before ?? null;
  const b = after ?? null;
  if (a === null || b === null) return a !== b;
  switch (type) {
    case 'timestamptz':
      return instant(a) !== instant(b);
    case 'jsonb':
      return canonicalJson(a) !== canonicalJson(b);
    case 'real':
      return Math.fround(Number(a)) !== Math.fround(Number(b));
    default:
      return a !== b;
  }
}

function instant(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(String(value));
}
