import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { queryRows } from '../../db/sql.js';
import type { Page, PageRequest, SortDirection } from '../../page.js';

/** One component of a sort key: a non-null SQL expression and the type its text form casts back to. */
export interface SortKey {
  expression: SQL;
  type: 'text' | 'int' | 'timestamptz';
}

export interface KeysetQuery<T> {
  /** SELECT list producing the record's columns. */
  select: SQL;
  /** FROM clause with joins. */
  from: SQL;
  where: SQL[];
  /** Sort key components; the row id (`idExpression`) is always the final tie-break. */
  keys: SortKey[];
  idExpression: SQL;
  direction: SortDirection;
  page: PageRequest;
  /** Builds the record from a row (the row may be reused); look-ahead columns of `extra` are its to remove. */
  map: (row: Record<string, unknown>) => T;
  /**
   * Look-ahead: extra columns computed only for the rows of the page (correlated subqueries over `p`, the page row),
   * e.g. the json of a model's versions. They run after LIMIT, so they never scan beyond the page.
   */
  extra?: SQL;
}

const castOf = (type: SortKey['type']): SQL => sql.raw(type);

export function whereClause(conditions: SQL[]): SQL {
  return conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
}

/** How many rows a page is cut from (a connection's totalCount). */
export async function rowCount(db: Executor, from: SQL, where: SQL[]): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${from} ${whereClause(where)}`);
  return Number(row.n);
}

/** The SQL of one keyset page: the page's rows in `inner` (LIMIT size, + 1 with `probe`), and how to order them again. */
export interface KeysetStatement {
  /** `select <select>, <sort keys as "__k0"…> from … where … order by … limit …`: the page's rows, `id` among them. */
  inner: SQL;
  /** `order by p."__k0" …, p.id …`: the page's order over `inner` aliased `p`. */
  order: SQL;
}

/**
 * The statement behind every keyset page: `(k…, id) > (cursor…)` in the requested order, LIMIT size (+ 1 to learn
 * whether more rows follow). Backward pages run in reverse order; their reader flips them back.
 */
export function keysetStatement(query: Omit<KeysetQuery<unknown>, 'map' | 'extra'>, probe: boolean): KeysetStatement {
  const { page, keys } = query;
  const forward = page.direction === 'forward';
  const sqlDirection = forward === (query.direction === 'ASC') ? 'asc' : 'desc';
  const conditions = [...query.where];
  if (page.boundary) {
    const comparator = sql.raw(sqlDirection === 'asc' ? '>' : '<');
    const left = sql.join([...keys.map((key) => key.expression), query.idExpression], sql`, `);
    const right = sql.join(
      [...keys.map((key, index) => sql`${page.boundary!.keys[index] ?? null}::${castOf(key.type)}`), sql`${page.boundary.id}::uuid`],
      sql`, `,
    );
    conditions.push(sql`(${left}) ${comparator} (${right})`);
  }
  const keyColumns = sql.join(keys.map((key, index) => sql`(${key.expression})::text as ${sql.raw(`"__k${index}"`)}`), sql`, `);
  const orderBy = sql.join([...keys.map((key) => key.expression), query.idExpression].map((e) => sql`${e} ${sql.raw(sqlDirection)}`), sql`, `);
  const inner = sql`select ${query.select}, ${keyColumns} from ${query.from} ${whereClause(conditions)} order by ${orderBy} limit ${page.size + (probe ? 1 : 0)}`;
  const order = sql.raw(
    keys.length
      ? `order by ${keys.map((key, index) => `${key.type === 'text' ? `p."__k${index}"` : `p."__k${index}"::${key.type}`} ${sqlDirection}`).join(', ')}, p.id ${sqlDirection}`
      : `order by p.id ${sqlDirection}`,
  );
  return { inner, order };
}

/**
 * One keyset page in one statement (keysetStatement, probing one row further to learn whether more follow). Backward
 * pages are flipped back. The count is a separate thunk.
 */
export async function keysetPage<T>(db: Executor, query: KeysetQuery<T>): Promise<Page<T>> {
  const { page, keys } = query;
  const forward = page.direction === 'forward';
  const { inner, order } = keysetStatement(query, true);
  const statement = query.extra ? sql`select p.*, ${query.extra} from (${inner}) p ${order}` : inner;
  const rows = await queryRows<Record<string, unknown>>(db, statement);
  const more = rows.length > page.size;
  if (more) rows.pop();
  if (!forward) rows.reverse();
  const items = rows.map((row) => {
    const position = { keys: keys.map((_, index) => String(row[`__k${index}`])), id: String(row.id) };
    const record = query.map(row);
    // Last-added properties first (`map` drops the look-ahead columns after them): deleting the newest property keeps
    // the row in V8's fast mode, where graphql-js's property reads stay cheap.
    for (let index = keys.length - 1; index >= 0; index--) delete row[`__k${index}`];
    return { record, position };
  });
  return {
    items,
    hasNextPage: forward ? more : page.boundary !== undefined,
    hasPreviousPage: forward ? page.boundary !== undefined : more,
    totalCount: () => rowCount(db, query.from, query.where),
  };
}
