import { sql, type SQL } from 'drizzle-orm';
import { deploymentColumns, modelColumns, versionColumns, type Column } from './queries/columns.js';

/**
 * A response shape PostgreSQL renders as JSON text, for API answers that are pure projections of inventory rows: the
 * API describes what each object carries under which key, the read side turns that into `json_build_object`s over the
 * same columns, live-row rules and orders as its records. Nothing here knows GraphQL.
 */
export type RenderedValue =
  /**
   * A column of the record, as JSON (text, number, boolean, json object or null). `required`: the answer promises a
   * value, so only a column the database keeps non-null can give it.
   */
  | { kind: 'column'; key: string; required: boolean }
  /** A column holding a stored vocabulary value, written as the API's name for it (`sagemaker` → `SAGEMAKER`). */
  | { kind: 'named'; key: string; names: Readonly<Record<string, string>>; required: boolean }
  /** The row's id as the API's global id: base64url("<type>:<uuid>"). */
  | { kind: 'globalId'; type: string }
  /** A fixed string (a type name). */
  | { kind: 'literal'; value: string }
  /** A model's live versions, by version number; or a version's live deployments, by name. */
  | { kind: 'versions' | 'deployments'; shape: RenderedObject }
  /** The page row itself (an edge's node). */
  | { kind: 'row'; shape: RenderedObject };

/** Response keys in response order, each with its value. */
export type RenderedObject = ReadonlyArray<readonly [responseKey: string, value: RenderedValue]>;

type Level = 'model' | 'version' | 'deployment';

/** json_build_object takes at most 100 arguments (PostgreSQL's FUNC_MAX_ARGS): 50 keys. */
const MAX_KEYS = 50;

interface ReadColumn {
  expression: SQL;
  notNull: boolean;
}

const COLUMNS: Record<Level, ReadonlyMap<string, ReadColumn>> = {
  model: expressions(modelColumns()),
  version: expressions(versionColumns()),
  deployment: expressions(deploymentColumns()),
};

/** Each level's row alias and id, as in columns.ts (`p` is the page row, whose columns are selected by name). */
const ROW_ID: Record<Level, SQL> = { model: sql`p.id`, version: sql`v.id`, deployment: sql`d.id` };

function expressions(columns: readonly Column[]): ReadonlyMap<string, ReadColumn> {
  return new Map(columns.map(([key, expression, , notNull]) => [key, { expression, notNull: notNull === true }]));
}

/** Thrown while rendering a shape this module cannot answer exactly; the caller answers another way. */
export class NotRenderable extends Error {}

/**
 * The JSON object of one row, as `json_build_object(…)`. At the page level (`model`) the row is the keyset subquery
 * `p`, whose columns carry the record keys as names; nested levels read the tables directly.
 */
export function renderedObject(level: Level, shape: RenderedObject, pageRow: boolean): SQL {
  if (shape.length === 0 || shape.length > MAX_KEYS) throw new NotRenderable(`an object of ${shape.length} keys`);
  const pairs = shape.map(([responseKey, value]) => sql`${responseKey}::text, ${renderedValue(level, value, pageRow)}`);
  return sql`json_build_object(${sql.join(pairs, sql`, `)})`;
}

function column(level: Level, value: { key: string; required: boolean }, pageRow: boolean): SQL {
  const read = COLUMNS[level].get(value.key);
  if (!read) throw new NotRenderable(`no ${level} column ${value.key}`);
  // A non-null answer from a nullable column would need a check per row; the schema and the table should agree instead.
  if (value.required && !read.notNull) throw new NotRenderable(`${level} column ${value.key} may be null`);
  return pageRow ? sql`p.${sql.identifier(value.key)}` : read.expression;
}

function renderedValue(level: Level, value: RenderedValue, pageRow: boolean): SQL {
  switch (value.kind) {
    case 'column':
      return column(level, value, pageRow);
    case 'named':
      return namedValue(level, value, pageRow);
    case 'globalId':
      return globalId(value.type, pageRow ? ROW_ID.model : ROW_ID[level]);
    case 'literal':
      return sql`${value.value}::text`;
    case 'row':
      throw new NotRenderable('a row inside a row');
    case 'versions':
      if (level !== 'model') throw new NotRenderable('versions below a model');
      return sql`(select coalesce(json_agg(${renderedObject('version', value.shape, false)} order by v.version_number nulls last, v.id), '[]'::json)
                 from model_versions v, (values (p.vendor)) vs(vendor) where v.model_id = p.id and v.deleted_at is null)`;
    case 'deployments':
      if (level !== 'version') throw new NotRenderable('deployments below a version');
      return sql`(select coalesce(json_agg(${renderedObject('deployment', value.shape, false)} order by d.name, d.id), '[]'::json)
                 from deployments d, (values (vs.vendor)) ds(vendor) where d.version_id = v.id and d.deleted_at is null)`;
  }
}

/** Record keys the page row must carry for `edge` (its `row` values read them from the page subquery). */
export function pageRowKeys(edge: RenderedObject): string[] {
  const keys: string[] = [];
  for (const [, value] of edge) {
    if (value.kind !== 'row') continue;
    for (const [, field] of value.shape) if (field.kind === 'column' || field.kind === 'named') keys.push(field.key);
  }
  return keys;
}

/**
 * base64url("<type>:<uuid>") without translating base64's alphabet, which costs more than the rest of a page's ids:
 * those bytes (letters, ':', hex digits, '-', all below 0x7B and none ending in six 1-bits) never encode to '+' or
 * '/', and up to 57 bytes fit on PostgreSQL's first base64 line (it wraps at 76 characters). Only the padding goes.
 */
function globalId(type: string, id: SQL): SQL {
  if (!/^[A-Za-z]{1,20}$/.test(type)) throw new NotRenderable(`a global id of type ${type}`);
  return sql`rtrim(encode(convert_to(${`${type}:`}::text || ${id}::text, 'UTF8'), 'base64'), '=')`;
}

/**
 * A stored vocabulary value by its API name. A value without a name must not pass as null: the cast fails the
 * statement (the operand is per row, so the planner cannot fold it into a constant and raise it for every row), and
 * the caller falls back to the path that reports it as the API does. A null matches no case and stays null.
 */
function namedValue(level: Level, value: Extract<RenderedValue, { kind: 'named' }>, pageRow: boolean): SQL {
  const stored = column(level, value, pageRow);
  const cases = Object.entries(value.names).map(([from, to]) => sql`when ${from}::text then ${to}::text`);
  return sql`(case ${stored}::text ${sql.join(cases, sql` `)} else ('unnamed value ' || ${stored}::text)::int::text end)`;
}

/** The page's edges: one object per page row (`row` values are the model itself), in the page's order. */
export function renderedEdges(edge: RenderedObject, order: SQL): SQL {
  if (edge.length === 0 || edge.length > MAX_KEYS) throw new NotRenderable(`an object of ${edge.length} keys`);
  const pairs = edge.map(([responseKey, value]) =>
    sql`${responseKey}::text, ${value.kind === 'row' ? renderedObject('model', value.shape, true) : renderedValue('model', value, true)}`,
  );
  return sql`coalesce(json_agg(json_build_object(${sql.join(pairs, sql`, `)}) ${order}), '[]'::json)::text`;
}
