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
  | { kind: 'row'; shape: RenderedObject }
  /**
   * The page row's position as the API's cursor: base64url of the JSON array [scope, [sort key texts…], id], as
   * graphql/relay/cursor.ts writes it (an edge's cursor).
   */
  | { kind: 'position'; scope: string };

/** Response keys in response order, each with its value. */
export type RenderedObject = ReadonlyArray<readonly [responseKey: string, value: RenderedValue]>;

/** What a page tells about its neighbours (a Relay PageInfo). */
export type PageInfoValue = 'hasNextPage' | 'hasPreviousPage' | 'startCursor' | 'endCursor';

/** A page as a whole (a Relay connection): its edges, what it knows of its neighbours, the count behind it. */
export type RenderedConnection = ReadonlyArray<
  readonly [
    responseKey: string,
    value:
      | { kind: 'edges'; edge: RenderedObject }
      /** The page rows themselves (a connection's `nodes`). */
      | { kind: 'nodes'; shape: RenderedObject }
      | { kind: 'pageInfo'; fields: ReadonlyArray<readonly [responseKey: string, value: PageInfoValue | { literal: string }]>; scope: string }
      | { kind: 'totalCount' }
      | { kind: 'literal'; value: string },
  ]
>;

type Level = 'model' | 'version' | 'deployment';

/** The page row `p` (the keyset subquery, columns named by record key) and how many sort keys it carries. */
interface PageRow {
  keyCount: number;
}

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
export function renderedObject(level: Level, shape: RenderedObject, page: PageRow | null): SQL {
  if (shape.length === 0 || shape.length > MAX_KEYS) throw new NotRenderable(`an object of ${shape.length} keys`);
  const pairs = shape.map(([responseKey, value]) => sql`${responseKey}::text, ${renderedValue(level, value, page)}`);
  return sql`json_build_object(${sql.join(pairs, sql`, `)})`;
}

function column(level: Level, value: { key: string; required: boolean }, page: PageRow | null): SQL {
  const read = COLUMNS[level].get(value.key);
  if (!read) throw new NotRenderable(`no ${level} column ${value.key}`);
  // A non-null answer from a nullable column would need a check per row; the schema and the table should agree instead.
  if (value.required && !read.notNull) throw new NotRenderable(`${level} column ${value.key} may be null`);
  return page ? sql`p.${sql.identifier(value.key)}` : read.expression;
}

function renderedValue(level: Level, value: RenderedValue, page: PageRow | null): SQL {
  switch (value.kind) {
    case 'column':
      return column(level, value, page);
    case 'named':
      return namedValue(level, value, page);
    case 'globalId':
      return globalId(value.type, page ? ROW_ID.model : ROW_ID[level]);
    case 'literal':
      return sql`${value.value}::text`;
    case 'row':
      throw new NotRenderable('a row inside a row');
    case 'position':
      if (!page) throw new NotRenderable('a cursor below the page');
      return pagePosition(value.scope, page);
    case 'versions':
      if (level !== 'model') throw new NotRenderable('versions below a model');
      return sql`(select coalesce(json_agg(${renderedObject('version', value.shape, null)} order by v.version_number nulls last, v.id), '[]'::json)
                 from model_versions v, (values (p.vendor)) vs(vendor) where v.model_id = p.id and v.deleted_at is null)`;
    case 'deployments':
      if (level !== 'version') throw new NotRenderable('deployments below a version');
      return sql`(select coalesce(json_agg(${renderedObject('deployment', value.shape, null)} order by d.name, d.id), '[]'::json)
                 from deployments d, (values (vs.vendor)) ds(vendor) where d.version_id = v.id and d.deleted_at is null)`;
  }
}

/** Record keys the page row must carry for `connection` (its nodes read them from the page subquery). */
export function pageRowKeys(connection: RenderedConnection): string[] {
  const keys: string[] = [];
  const rowKeys = (shape: RenderedObject) => {
    for (const [, field] of shape) if (field.kind === 'column' || field.kind === 'named') keys.push(field.key);
  };
  for (const [, part] of connection) {
    if (part.kind === 'nodes') rowKeys(part.shape);
    if (part.kind === 'edges') for (const [, value] of part.edge) if (value.kind === 'row') rowKeys(value.shape);
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
function namedValue(level: Level, value: Extract<RenderedValue, { kind: 'named' }>, page: PageRow | null): SQL {
  const stored = column(level, value, page);
  const cases = Object.entries(value.names).map(([from, to]) => sql`when ${from}::text then ${to}::text`);
  return sql`(case ${stored}::text ${sql.join(cases, sql` `)} else ('unnamed value ' || ${stored}::text)::int::text end)`;
}

/** The page row's cursor (`p."__k0"…` are the sort key texts keysetStatement selects). */
function pagePosition(scope: string, page: PageRow): SQL {
  const keys = Array.from({ length: page.keyCount }, (_, index) => sql`to_json(p.${sql.identifier(`__k${index}`)})::text`);
  const json = sql`concat('[', to_json(${scope}::text)::text, ',[', ${keys.length ? sql.join(keys, sql`, ',', `) : sql`''`}, '],', to_json(p.id::text)::text, ']')`;
  return sql`translate(encode(convert_to(${json}, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
}

/** Whether a connection needs the row after its page (to tell whether more follow) and its rows numbered. */
export function needsProbe(connection: RenderedConnection): boolean {
  return connection.some(([, part]) => part.kind === 'pageInfo');
}

export interface ConnectionStatement {
  /** The page's rows (keysetStatement, with the probe row when needsProbe), aliased `p` by the caller. */
  inner: SQL;
  /** The page's order over `p`. */
  order: SQL;
  keyCount: number;
  size: number;
  /** Whether `inner` carries the probe row. */
  probe: boolean;
  /** Whether the page starts after a cursor (a forward page then has rows before it). */
  hasBoundary: boolean;
  /** `select count(*) …` of every row the page is cut from. */
  count: SQL;
}

/**
 * The whole connection as one JSON text, from one statement. With page info, the page rows and the probe row behind
 * them are numbered once (a materialised CTE) and the edges come from the first `size`; without, the page rows are
 * aggregated in their order directly.
 */
export function renderedConnection(connection: RenderedConnection, statement: ConnectionStatement): SQL {
  if (connection.length === 0 || connection.length > MAX_KEYS) throw new NotRenderable(`an object of ${connection.length} keys`);
  const page: PageRow = { keyCount: statement.keyCount };
  const { size, probe } = statement;
  const rows = (object: SQL) =>
    probe
      ? sql`(select coalesce(json_agg(${object} order by p.__n), '[]'::json) from page p where p.__n <= ${size})`
      : sql`(select coalesce(json_agg(${object} ${statement.order}), '[]'::json) from page p)`;
  const pairs = connection.map(([responseKey, part]) => {
    switch (part.kind) {
      case 'literal':
        return sql`${responseKey}::text, ${part.value}::text`;
      case 'totalCount':
        return sql`${responseKey}::text, (${statement.count})`;
      case 'nodes':
        return sql`${responseKey}::text, ${rows(renderedObject('model', part.shape, page))}`;
      case 'edges': {
        if (part.edge.length === 0 || part.edge.length > MAX_KEYS) throw new NotRenderable(`an object of ${part.edge.length} keys`);
        const edge = part.edge.map(([key, value]) =>
          sql`${key}::text, ${value.kind === 'row' ? renderedObject('model', value.shape, page) : renderedValue('model', value, page)}`,
        );
        return sql`${responseKey}::text, ${rows(sql`json_build_object(${sql.join(edge, sql`, `)})`)}`;
      }
      case 'pageInfo': {
        if (!probe) throw new NotRenderable('page info without the probe row');
        if (part.fields.length === 0 || part.fields.length > MAX_KEYS) throw new NotRenderable(`an object of ${part.fields.length} keys`);
        const cursorAt = (row: SQL) => sql`(select ${pagePosition(part.scope, page)} from page p where p.__n = ${row})`;
        const fields = part.fields.map(([key, value]) => {
          if (typeof value !== 'string') return sql`${key}::text, ${value.literal}::text`;
          if (value === 'hasNextPage') return sql`${key}::text, (select count(*) > ${size} from page)`;
          if (value === 'hasPreviousPage') return sql`${key}::text, ${statement.hasBoundary}::boolean`;
          if (value === 'startCursor') return sql`${key}::text, ${cursorAt(sql`least(1, ${size})`)}`;
          return sql`${key}::text, ${cursorAt(sql`least(${size}, (select count(*) from page))`)}`;
        });
        return sql`${responseKey}::text, json_build_object(${sql.join(fields, sql`, `)})`;
      }
    }
  });
  const pageRows = probe
    ? sql`with page as materialized (select p.*, row_number() over (${statement.order}) as __n from (${statement.inner}) p)`
    : sql`with page as (${statement.inner})`;
  return sql`${pageRows} select json_build_object(${sql.join(pairs, sql`, `)})::text as connection`;
}
