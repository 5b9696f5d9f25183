import { aliasedTable, aliasedTableColumn, sql, type SQL } from 'drizzle-orm';
import { inventoryChanges, syncRunSeen } from '../db/schema/inventory.js';
import { arrayLiteral, columnElements, encodePayload, jsonNullAsSql, type RowsPayload } from './column-encoding.js';
import type { FieldSnapshot } from './diff.js';
import { childSpecOf, type ColumnSpec, type EntitySpec, type InventoryTable } from './entity-specs.js';
import type { PreparedRecord } from './prepare-records.js';
import { CHANGE_COLUMNS, SEEN_COLUMNS, bare, columnList, ofRow } from './sql-names.js';
import type { WriteContext } from './types.js';

/** One row of an upsert's answer: a record written. */
export interface UpsertResultRow {
  id: string;
  external_id: string;
  /** The row existed before (UPDATED or RESTORED) rather than being inserted (CREATED). */
  existed: boolean | null;
  /** The row was a tombstone before this write (RESTORED). */
  was_deleted: boolean | null;
  /** The stored vendor-owned values before the write, for changed-field diffing; null for created rows. */
  before: FieldSnapshot | null;
}

/** A column's value in the select list, typed: the unnest row `t` carries jsonb elements and timestamps as text. */
function typedColumn<R>(column: ColumnSpec<R>): SQL {
  const value = ofRow('t', column.column);
  if (column.type === 'jsonb') return sql`${jsonNullAsSql(value)} AS ${bare(column.column)}`;
  if (column.type === 'timestamptz') return sql`${value}::timestamptz AS ${bare(column.column)}`;
  return value;
}

/** The natural key, as ON CONFLICT names it. */
function naturalKey(table: InventoryTable): SQL {
  return columnList([table.sourceId, table.externalId]);
}

/** One row of the probe's answer: a record found unchanged and marked seen (`s`), or one whose parent is unknown (`u`). */
export interface ProbeResultRow {
  tag: 's' | 'u';
  external_id: string;
}

/**
 * The cheap first pass over a batch, sending only natural keys and hashes: records stored with the same content hash
 * and not tombstoned are unchanged, so they are marked seen for the run (returned `s`) and never sent to the upsert,
 * which would otherwise lock and rewrite nothing for each of them. Children whose parent is not stored come back `u`,
 * changed or not. Both lookups are LATERAL … LIMIT 1, one index probe per key: as semi- and anti-joins the planner
 * hashes the source's whole table for every batch once statistics say it is large (a re-sync of 100k versions
 * spent most of its time there). A record already marked seen earlier in the run is not returned; the upsert's filter
 * skips it.
 */
export function buildMarkUnchanged<R>(spec: EntitySpec<R>, ctx: WriteContext, rows: readonly PreparedRecord<R>[]): SQL<ProbeResultRow> {
  const o = aliasedTable(spec.table, 'o');
  const parent = spec.parent;
  const parentColumn = parent ? spec.columns.find((c) => c.column === parent.externalId) : undefined;
  const parentIds = parentColumn ? sql`, ${arrayLiteral(rows.map((row) => (parentColumn.read(row.record) as string | null) ?? null))}::text[]` : sql``;
  let unresolved = sql``;
  if (parent) {
    const p = aliasedTable(parent.parentTable, 'p');
    unresolved = sql` UNION ALL SELECT 'u', k.external_id FROM keys k
        LEFT JOIN LATERAL (
          SELECT true AS found FROM ${parent.parentTable} ${p}
          WHERE ${p.sourceId} = ${ctx.sourceId}::uuid AND ${p.externalId} = k.parent_external_id LIMIT 1
        ) p ON true
        WHERE k.parent_external_id IS NOT NULL AND p.found IS NULL`;
  }
  return sql<ProbeResultRow>`WITH keys AS (
      SELECT * FROM unnest(${arrayLiteral(rows.map((row) => row.externalId))}::text[], ${arrayLiteral(rows.map((row) => row.hash))}::text[]${parentIds})
        AS k(external_id, content_hash${parent ? sql`, parent_external_id` : sql``})
    ),
    marked AS (
      INSERT INTO ${syncRunSeen} (${SEEN_COLUMNS})
      SELECT ${ctx.runId}::uuid, ${spec.kind}::text, k.external_id FROM keys k
      CROSS JOIN LATERAL (
        SELECT 1 FROM ${spec.table} ${o} WHERE ${o.sourceId} = ${ctx.sourceId}::uuid AND ${o.externalId} = k.external_id
          AND ${o.contentHash} = k.content_hash AND ${o.deletedAt} IS NULL
        LIMIT 1
      ) o
      ON CONFLICT DO NOTHING
      RETURNING ${bare(syncRunSeen.externalId)}
    )
    SELECT 's' AS tag, external_id FROM marked${unresolved}`;
}

/** The parts of an INSERT that carry a batch's values: column list, select list and the unnest they come from. */
interface ValueSource {
  insertColumns: SQL;
  selectList: SQL;
  from: SQL;
}

/**
 * The batch as one row set zipped from the payload's per-column parameters (array literals, and a JSON array for each
 * jsonb column), with values typed and the parent (if any) resolved by natural key against what is stored, including
 * parents written earlier in the same transaction.
 */
function valueSource<R>(spec: EntitySpec<R>, sourceId: string, payload: RowsPayload): ValueSource {
  const { table, columns, parent } = spec;
  const valueColumns = columns.map((column, i) => columnElements(column.type, payload.columns[i]));
  const vendorColumns = columns.map((c) => c.column);
  let parentLookup = sql``;
  if (parent) {
    const p = aliasedTable(parent.parentTable, 'p');
    parentLookup = sql`, (SELECT ${p.id} FROM ${parent.parentTable} ${p} WHERE ${p.sourceId} = ${sourceId}::uuid AND ${p.externalId} = ${ofRow('t', parent.externalId)})`;
  }
  return {
    insertColumns: columnList([table.sourceId, table.externalId, table.contentHash, ...vendorColumns, ...(parent ? [parent.link] : [])]),
    selectList: sql`${sourceId}::uuid, t.external_id, t.content_hash, ${sql.join(columns.map(typedColumn), sql`, `)}${parentLookup}`,
    // ROWS FROM zips the columns row by row, as a multi-argument unnest does, and also takes jsonb_array_elements.
    from: sql`ROWS FROM (unnest(${payload.externalIds}::text[]), unnest(${payload.hashes}::text[]), ${sql.join(valueColumns, sql`, `)}) AS t(external_id, content_hash, ${columnList(vendorColumns)})`,
  };
}

/** Logs a CREATED change for each row of `from` (a CTE with id and external_id), inside the statement that wrote them. */
function logCreated(kind: string, ctx: WriteContext, from: SQL): SQL {
  return sql`INSERT INTO ${inventoryChanges} (${CHANGE_COLUMNS})
      SELECT ${ctx.runId}::uuid, ${ctx.sourceId}::uuid, ${kind}::text, c.id, c.external_id, 'CREATED' FROM ${from}`;
}

/**
 * Links children stored earlier without their parent (the vendor listed them first) to the parents `created` (a
 * FROM item with id and external_id) holds, as one more part of the statement that created them, so a batch pays
 * no round trip for it. Touches only the link column, never content_hash, so the next re-sync still sees the
 * children as unchanged; the partial `*_unresolved_idx` index keeps the search to children that are actually waiting.
 */
function linkOrphans<R>(spec: EntitySpec<R>, sourceId: string, created: SQL): SQL {
  const child = childSpecOf(spec);
  if (!child?.parent) return sql``;
  const c = aliasedTable(child.table, 'c');
  return sql`,
    linked AS (
      UPDATE ${child.table} ${c} SET ${bare(child.parent.link)} = p.id
      FROM (SELECT n.id, n.external_id FROM ${created}) p
      WHERE ${c.sourceId} = ${sourceId}::uuid AND ${aliasedTableColumn(child.parent.link, 'c')} IS NULL
        AND ${aliasedTableColumn(child.parent.externalId, 'c')} = p.external_id
    )`;
}

/**
 * One row of {@link buildInsertNew}'s answer, for the few records that need telling apart: one that was stored
 * already and not inserted (`s`), or one inserted whose parent is not stored (`u`, kept with an empty link).
 * Every other record of the batch was inserted; a first sync's batches come back empty.
 */
export interface InsertResultRow {
  tag: 's' | 'u';
  external_id: string;
}

/**
 * Inserts the records of a batch that are not stored yet and logs their CREATED changes, in one statement; records
 * already stored are left alone (ON CONFLICT DO NOTHING) and come back tagged `s`, so the caller sends those through
 * {@link buildMarkUnchanged} and {@link buildUpsert}. For a batch of new records (a first sync) this is one index
 * probe per record, like a plain insert: no probe for unchanged rows, no read of old values, and neither the change
 * rows nor the inserted keys travel back to the client.
 */
export function buildInsertNew<R>(spec: EntitySpec<R>, ctx: WriteContext, payload: RowsPayload): SQL<InsertResultRow> {
  const { table, parent } = spec;
  const x = aliasedTable(table, 'x');
  const values = valueSource(spec, ctx.sourceId, payload);
  const unresolved = parent
    ? sql`UNION ALL SELECT 'u', external_id FROM ins WHERE unresolved`
    : sql``;
  const unresolvedColumn = parent
    ? sql`${aliasedTableColumn(parent.link, 'x')} IS NULL AND ${aliasedTableColumn(parent.externalId, 'x')} IS NOT NULL`
    : sql`false`;
  return sql<InsertResultRow>`WITH ins AS (
      INSERT INTO ${table} AS ${x} (${values.insertColumns})
      SELECT ${values.selectList} FROM ${values.from}
      ON CONFLICT (${naturalKey(table)}) DO NOTHING
      RETURNING ${x.id}, ${x.externalId}, ${unresolvedColumn} AS unresolved
    ),
    logged AS (${logCreated(spec.kind, ctx, sql`ins c`)})${linkOrphans(spec, ctx.sourceId, sql`ins n`)}
    SELECT 's' AS tag, k.external_id FROM unnest(${payload.externalIds}::text[]) AS k(external_id)
      WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.external_id = k.external_id)
    ${unresolved}`;
}

/**
 * One set-based upsert of one kind of record for one source, returning what it wrote; the CREATED
 * changes of rows it inserted are logged by the statement itself (only the few updates need a diff in TypeScript).
 *
 * Callers send only records {@link buildMarkUnchanged} did not find unchanged; the ON CONFLICT filter still guards
 * against a record that changed back in between.
 *
 * - `keys` holds the batch's natural keys and hashes only, so the CTE that several parts read stays small.
 * - `old` reads the stored rows the write will change, before it changes them (all parts of one statement share one
 *   snapshot), so changed fields can be named without a query per row. LATERAL … LIMIT 1 pins it to one index probe
 *   per batch row: a join the planner may turn into a scan of the source's whole table, which grows with the estate.
 * - `up` inserts, or updates vendor-owned columns only, and only where the content hash differs or the row is a
 *   tombstone (which restores it); an unchanged record is not written at all.
 */
export function buildUpsert<R>(spec: EntitySpec<R>, ctx: WriteContext, rows: readonly PreparedRecord<R>[]): SQL<UpsertResultRow> {
  const { table, columns, parent } = spec;
  const o = aliasedTable(table, 'o');
  const x = aliasedTable(table, 'x');
  const payload = encodePayload(spec, rows);
  const values = valueSource(spec, ctx.sourceId, payload);
  // Field names are identifiers of the contract (no quotes), so they go in as literals rather than parameters.
  const snapshot = sql`jsonb_build_object(${sql.join(
    columns.map((c) => sql`${sql.raw(`'${c.field}'`)}, ${aliasedTableColumn(c.column, 'o')}`),
    sql`, `,
  )})`;
  const copied = [table.contentHash, ...columns.map((c) => c.column), ...(parent ? [parent.link] : [])];
  const updates = sql.join(
    [...copied.map((column) => sql`${bare(column)} = ${ofRow('excluded', column)}`), sql`${bare(table.lastChangedAt)} = now()`, sql`${bare(table.deletedAt)} = NULL`],
    sql`, `,
  );
  return sql<UpsertResultRow>`WITH keys AS (
      SELECT * FROM unnest(${payload.externalIds}::text[], ${payload.hashes}::text[]) AS k(external_id, content_hash)
    ),
    old AS (
      SELECT k.external_id, o.was_deleted, o.before
      FROM keys k CROSS JOIN LATERAL (
        SELECT ${o.deletedAt} IS NOT NULL AS was_deleted, ${snapshot} AS before
        FROM ${table} ${o}
        WHERE ${o.sourceId} = ${ctx.sourceId}::uuid AND ${o.externalId} = k.external_id
          AND (${o.contentHash} IS DISTINCT FROM k.content_hash OR ${o.deletedAt} IS NOT NULL)
        LIMIT 1
      ) o
    ),
    up AS (
      INSERT INTO ${table} AS ${x} (${values.insertColumns})
      SELECT ${values.selectList} FROM ${values.from}
      ON CONFLICT (${naturalKey(table)}) DO UPDATE SET ${updates}
      WHERE ${x.contentHash} IS DISTINCT FROM ${ofRow('excluded', table.contentHash)} OR ${x.deletedAt} IS NOT NULL
      RETURNING ${x.id}, ${x.externalId}
    ),
    logged AS (${logCreated(spec.kind, ctx, sql`up c WHERE NOT EXISTS (SELECT 1 FROM old WHERE old.external_id = c.external_id)`)})${linkOrphans(
      spec,
      ctx.sourceId,
      sql`up n WHERE NOT EXISTS (SELECT 1 FROM old WHERE old.external_id = n.external_id)`,
    )}
    SELECT up.id, up.external_id, old.external_id IS NOT NULL AS existed, coalesce(old.was_deleted, false) AS was_deleted, old.before
    FROM up LEFT JOIN old ON old.external_id = up.external_id`;
}
