import { aliasedTable, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { deployments, inventoryChanges, models, modelVersions } from '../../db/schema/inventory.js';
import { sources } from '../../db/schema/sources.js';
import { findings, syncRuns } from '../../db/schema/sync.js';

/**
 * Column lists of the read models, derived from the drizzle tables and rendered two ways: as a SELECT list (top-level
 * rows) and as a json_build_object (rows nested by look-ahead queries). Both come out keyed by the table's property
 * names (camelCase), so one mapper reads either. A column added to a table is read without further declaration; the
 * read models (records.ts) leave out the same columns as the lists below.
 */
type Kind = 'date' | 'number';
/** A read column: its record key, its expression, how to fix its raw value, and whether it can never be null. */
export type Column = readonly [key: string, expression: SQL, kind?: Kind, notNull?: boolean];

const toDate = (value: unknown): Date | null => (value == null ? null : value instanceof Date ? value : new Date(value as string));

/** Raw rows disagree between drivers on timestamps and int8, and JSON has only strings and numbers: the column type says which to fix. */
function kindOf(column: PgColumn): Kind | undefined {
  if (column.dataType === 'date') return 'date';
  if (column.dataType === 'number') return 'number';
  return undefined;
}

/** Every column of `table` (an alias) except `unread`, keyed by its property name. */
function tableColumns<T extends PgTable>(table: T, unread: readonly (keyof T['_']['columns'])[]): Column[] {
  const skipped = new Set<PropertyKey>(unread);
  return Object.entries(getTableColumns(table) as Record<string, PgColumn>)
    .filter(([key]) => !skipped.has(key))
    .map(([key, column]) => [key, sql`${column}`, kindOf(column), column.notNull] as const);
}

const dialect = new PgDialect();

/** Renders a column list once: it is static (column references only), so a query pays nothing to render it again. */
function rendered(list: SQL): SQL {
  const query = dialect.sqlToQuery(list);
  if (query.params.length > 0) throw new Error('A read column list must not carry parameters');
  return sql.raw(query.sql);
}

export interface ColumnSet<T> {
  /** `expr as "key", …` */
  select: SQL;
  /** `json_build_object('key', expr, …)` */
  json: SQL;
  /** The `'key', expr, …` arguments alone, for objects that add nested keys of their own. */
  jsonFields: SQL;
  /** Normalises a raw row (pg and PGlite disagree on timestamps and int8; JSON has only strings and numbers). */
  map: (row: Record<string, unknown>) => T;
}

export function columnSet<T>(columns: readonly Column[]): ColumnSet<T> {
  const dates = columns.filter(([, , kind]) => kind === 'date').map(([key]) => key);
  const numbers = columns.filter(([, , kind]) => kind === 'number').map(([key]) => key);
  // Record keys are property names of our own tables, safe as SQL string literals.
  const jsonFields = rendered(sql.join(columns.map(([key, expression]) => sql`${sql.raw(`'${key}'`)}, ${expression}`), sql`, `));
  return {
    select: rendered(sql.join(columns.map(([key, expression]) => sql`${expression} as ${sql.identifier(key)}`), sql`, `)),
    json: sql`json_build_object(${jsonFields})`,
    jsonFields,
    map: (row) => {
      for (const key of dates) row[key] = toDate(row[key]);
      for (const key of numbers) if (row[key] != null) row[key] = Number(row[key]);
      return row as T;
    },
  };
}

/** Columns the read models leave out: the content hash is the writer's; the accountable person is governance's to resolve. */
export const MODEL_UNREAD = ['contentHash', 'accountableOwnerPersonId'] as const;
export const VERSION_UNREAD = ['contentHash'] as const;
export const DEPLOYMENT_UNREAD = ['contentHash'] as const;
/** Never the ciphertext (only whether there is one); the deletion share is read where the guard needs it. */
export const SOURCE_UNREAD = ['secretCiphertext', 'maxDeleteShare'] as const;
/** Which job and worker ran it are for operators' logs, not the API. */
export const SYNC_RUN_UNREAD = ['jobId', 'workerId'] as const;

/** Model columns; expects `m` (models) and `s` (sources) in scope. */
export const modelColumns = (): Column[] => [
  ...tableColumns(aliasedTable(models, 'm'), MODEL_UNREAD),
  ['vendor', sql`${aliasedTable(sources, 's').vendor}`, undefined, true],
];

/** Version columns; expects `v` (model_versions) and `vs` (its source) in scope. */
export const versionColumns = (): Column[] => [
  ...tableColumns(aliasedTable(modelVersions, 'v'), VERSION_UNREAD),
  ['vendor', sql`${aliasedTable(sources, 'vs').vendor}`, undefined, true],
];

/** Deployment columns; expects `d` (deployments) and `ds` (its source) in scope. */
export const deploymentColumns = (): Column[] => [
  ...tableColumns(aliasedTable(deployments, 'd'), DEPLOYMENT_UNREAD),
  ['vendor', sql`${aliasedTable(sources, 'ds').vendor}`, undefined, true],
];

const src = aliasedTable(sources, 'src');

/** Source columns; expects `src`. */
export const sourceColumns: Column[] = [...tableColumns(src, SOURCE_UNREAD), ['hasSecret', sql`${src.secretCiphertext} is not null`]];

/** Sync run columns; expects `r`. */
export const syncRunColumns: Column[] = tableColumns(aliasedTable(syncRuns, 'r'), SYNC_RUN_UNREAD);

/** Inventory change columns; expects `c`. */
export const changeColumns: Column[] = tableColumns(aliasedTable(inventoryChanges, 'c'), []);

/** Finding columns; expects `f`. */
export const findingColumns: Column[] = tableColumns(aliasedTable(findings, 'f'), []);
