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
  | { kind: 'versions' | 'deployments'; shape: RenderedObject };

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
 * The JSON object of one row, as `json_build_object(…)`. At the page level the row is the keyset subquery `p`, whose
 * columns carry the record keys as names; nested levels read the tables directly.
 */
function renderedObject(level: Level, shape: RenderedObject, atPage: boolean): SQL {
  if (shape.length === 0 || shape.length > MAX_KEYS) throw new NotRenderable(`an object of ${shape.length} keys`);
  const pairs = shape.map(([responseKey, value]) => sql`${responseKey}::text, ${renderedValue(level, value, atPage)}`);
  return sql`json_build_object(${sql.join(pairs, sql`, `)})`;
}

function column(level: Level, value: { key: string; required: boolean }, atPage: boolean): SQL {
  const read = COLUMNS[level].get(value.key);
  if (!read) throw new NotRenderable(`no ${level} column ${value.key}`);
  // A non-null answer from a nullable column would need a check per row; the schema and the table should agree instead.
  if (value.required && !read.notNull) throw new NotRenderable(`${level} column ${value.key} may be null`);
  return atPage ? sql`p.${sql.identifier(value.key)}` : read.expression;
}

function renderedValue(level: Level, value: RenderedValue, atPage: boolean): SQL {
  switch (value.kind) {
    case 'column':
      return column(level, value, atPage);
    case 'named':
      return namedValue(level, value, atPage);
    case 'globalId':
      return globalId(value.type, ROW_ID[level]);
    case 'literal':
      return sql`${value.value}::text`;
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

/** Record keys the page row must carry for `objects` (they read them from the page subquery). */
export function pageRowKeys(objects: readonly RenderedObject[]): string[] {
  return objects.flatMap((shape) => shape.flatMap(([, value]) => (value.kind === 'column' || value.kind === 'named' ? [value.key] : [])));
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
function namedValue(level: Level, value: Extract<RenderedValue, { kind: 'named' }>, atPage: boolean): SQL {
  const stored = column(level, value, atPage);
  const cases = Object.entries(value.names).map(([from, to]) => sql`when ${from}::text then ${to}::text`);
  return sql`(case ${stored}::text ${sql.join(cases, sql` `)} else ('unnamed value ' || ${stored}::text)::int::text end)`;
}

/**
 * The select list over the page rows `p`: each object's JSON text (`"__e0"`, …), then the row's id and sort key texts
 * (its position, from which the API writes cursors). Rows stay rows, in the statement's ORDER BY: an aggregate with
 * its own ORDER BY sorts the rendered objects and costs more than rendering them.
 */
export function renderedRowColumns(objects: readonly RenderedObject[], keyCount: number): SQL {
  const columns = objects.map((shape, index) => sql`${renderedObject('model', shape, true)}::text as ${sql.identifier(`__e${index}`)}`);
  columns.push(sql`p.id`, ...Array.from({ length: keyCount }, (_, index) => sql`p.${sql.identifier(`__k${index}`)}`));
  return sql.join(columns, sql`, `);
}
