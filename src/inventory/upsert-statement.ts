import { sql, type SQL } from 'drizzle-orm';
import { arrayLiteral, columnElements, encodePayload, jsonNullAsSql, type RowsPayload } from './column-encoding.js';
import type { FieldSnapshot } from './diff.js';
import { childSpecOf, type ColumnSpec, type EntitySpec } from './entity-specs.js';
import type { PreparedRecord } from './prepare-records.js';
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

function quote(identifier: string): string {
  return `"${identifier}"`;
}

function typedColumn<R>(column: ColumnSpec<R>): string {
  const name = quote(column.column);
  if (column.type === 'jsonb') return `${jsonNullAsSql(`t.${name}`)} AS ${name}`;
  if (column.type === 'timestamptz') return `t.${name}::timestamptz AS ${name}`;
  return `t.${name}`;
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
  const table = sql.raw(quote(spec.table));
  const parent = spec.parent;
  const parentColumn = parent ? spec.columns.find((c) => c.column === parent.externalIdColumn) : undefined;
  const parentIds = parentColumn ? sql`, ${arrayLiteral(rows.map((row) => (parentColumn.read(row.record) as string | null) ?? null))}::text[]` : sql``;
  const unresolved = parent
    ? sql` UNION ALL SELECT 'u', k.external_id FROM keys k
        LEFT JOIN LATERAL (
          SELECT true AS found FROM ${sql.raw(quote(parent.parentTable))} p
          WHERE p.source_id = ${ctx.sourceId}::uuid AND p.external_id = k.parent_external_id LIMIT 1
        ) p ON true
        WHERE k.parent_external_id IS NOT NULL AND p.found IS NULL`
    : sql``;
  return sql<ProbeResultRow>`WITH keys AS (
      SELECT * FROM unnest(${arrayLiteral(rows.map((row) => row.externalId))}::text[], ${arrayLiteral(rows.map((row) => row.hash))}::text[]${parentIds})
        AS k(external_id, content_hash${parent ? sql`, parent_external_id` : sql``})
    ),
    marked AS (
      INSERT INTO sync_run_seen (run_id, entity_kind, external_id)
      SELECT ${ctx.runId}::uuid, ${spec.kind}::text, k.external_id FROM keys k
      CROSS JOIN LATERAL (
        SELECT 1 FROM ${table} o WHERE o.source_id = ${ctx.sourceId}::uuid AND o.external_id = k.external_id
          AND o.content_hash = k.content_hash AND o.deleted_at IS NULL
        LIMIT 1
      ) o
      ON CONFLICT DO NOTHING
      RETURNING external_id
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
  const { columns, parent } = spec;
  const valueColumns = columns.map((column, i) => columnElements(column.type, payload.columns[i]));
  const aliases = sql.raw(['external_id', 'content_hash', ...columns.map((c) => c.column)].map(quote).join(', '));
  const parentLookup = parent
    ? sql`, (SELECT p.id FROM ${sql.raw(quote(parent.parentTable))} p WHERE p.source_id = ${sourceId}::uuid AND p.external_id = ${sql.raw(`t.${quote(parent.externalIdColumn)}`)})`
    : sql``;
  return {
    insertColumns: sql.raw(
      ['source_id', 'external_id', 'content_hash', ...columns.map((c) => c.column), ...(parent ? [parent.linkColumn] : [])].map(quote).join(', '),
    ),
    selectList: sql`${sourceId}::uuid, t.external_id, t.content_hash, ${sql.raw(columns.map(typedColumn).join(', '))}${parentLookup}`,
    // ROWS FROM zips the columns row by row, as a multi-argument unnest does, and also takes jsonb_array_elements.
    from: sql`ROWS FROM (unnest(${payload.externalIds}::text[]), unnest(${payload.hashes}::text[]), ${sql.join(valueColumns, sql`, `)}) AS t(${aliases})`,
  };
}

/** Logs a CREATED change for each row of `from` (a CTE with id and external_id), inside the statement that wrote them. */
function logCreated(kind: string, ctx: WriteContext, from: SQL): SQL {
  return sql`INSERT INTO inventory_changes (run_id, source_id, entity_kind, entity_id, external_id, change)
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
  const linkColumn = sql.raw(quote(child.parent.linkColumn));
  const externalIdColumn = sql.raw(quote(child.parent.externalIdColumn));
  return sql`,
    linked AS (
      UPDATE ${sql.raw(quote(child.table))} c SET ${linkColumn} = p.id
      FROM (SELECT n.id, n.external_id FROM ${created}) p
      WHERE c.source_id = ${sourceId}::uuid AND c.${linkColumn} IS NULL AND c.${externalIdColumn} = p.external_id
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
  const table = sql.raw(quote(spec.table));
  const values = valueSource(spec, ctx.sourceId, payload);
  const unresolved = spec.parent
    ? sql`UNION ALL SELECT 'u', external_id FROM ins WHERE unresolved`
    : sql``;
  const unresolvedColumn = spec.parent
    ? sql.raw(`x.${quote(spec.parent.linkColumn)} IS NULL AND x.${quote(spec.parent.externalIdColumn)} IS NOT NULL`)
    : sql`false`;
  return sql<InsertResultRow>`WITH ins AS (
      INSERT INTO ${table} AS x (${values.insertColumns})
      SELECT ${values.selectList} FROM ${values.from}
      ON CONFLICT (source_id, external_id) DO NOTHING
      RETURNING x.id, x.external_id, ${unresolvedColumn} AS unresolved
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
  const table = sql.raw(quote(spec.table));
  const { columns, parent } = spec;
  const payload = encodePayload(spec, rows);
  const values = valueSource(spec, ctx.sourceId, payload);
  const snapshot = sql.raw(`jsonb_build_object(${columns.map((c) => `'${c.field}', o.${quote(c.column)}`).join(', ')})`);
  const updates = sql.raw(
    ['content_hash', ...columns.map((c) => c.column), ...(parent ? [parent.linkColumn] : [])]
      .map((name) => `${quote(name)} = excluded.${quote(name)}`)
      .concat(['last_changed_at = now()', 'deleted_at = NULL'])
      .join(', '),
  );
  return sql<UpsertResultRow>`WITH keys AS (
      SELECT * FROM unnest(${payload.externalIds}::text[], ${payload.hashes}::text[]) AS k(external_id, content_hash)
    ),
    old AS (
      SELECT k.external_id, o.was_deleted, o.before
      FROM keys k CROSS JOIN LATERAL (
        SELECT o.deleted_at IS NOT NULL AS was_deleted, ${snapshot} AS before
        FROM ${table} o
        WHERE o.source_id = ${ctx.sourceId}::uuid AND o.external_id = k.external_id
          AND (o.content_hash IS DISTINCT FROM k.content_hash OR o.deleted_at IS NOT NULL)
        LIMIT 1
      ) o
    ),
    up AS (
      INSERT INTO ${table} AS x (${values.insertColumns})
      SELECT ${values.selectList} FROM ${values.from}
      ON CONFLICT (source_id, external_id) DO UPDATE SET ${updates}
      WHERE x.content_hash IS DISTINCT FROM excluded.content_hash OR x.deleted_at IS NOT NULL
      RETURNING x.id, x.external_id
    ),
    logged AS (${logCreated(spec.kind, ctx, sql`up c WHERE NOT EXISTS (SELECT 1 FROM old WHERE old.external_id = c.external_id)`)})${linkOrphans(
      spec,
      ctx.sourceId,
      sql`up n WHERE NOT EXISTS (SELECT 1 FROM old WHERE old.external_id = n.external_id)`,
    )}
    SELECT up.id, up.external_id, old.external_id IS NOT NULL AS existed, coalesce(old.was_deleted, false) AS was_deleted, old.before
    FROM up LEFT JOIN old ON old.external_id = up.external_id`;
}
