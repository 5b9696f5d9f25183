import { sql, type Name, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { inventoryChanges, syncRunSeen } from '../db/schema/inventory.js';

/**
 * Column names for the writer's hand-built statements, taken from the drizzle schema. A table alias reads better as
 * `aliasedTable(table, 'o')`; these cover what is not a table: INSERT and ON CONFLICT column lists, SET targets and
 * the columns of a row alias (`t` of an unnest, `excluded`).
 */

/** A column by its bare name: `"deep_link"`. */
export function bare(column: PgColumn): Name {
  return sql.identifier(column.name);
}

/** `"a", "b", …`: a column list for INSERT, ON CONFLICT or a row alias. */
export function columnList(columns: readonly PgColumn[]): SQL {
  return sql.join(columns.map(bare), sql`, `);
}

/** A column of a row alias that is not a table alias: `t."deep_link"`, `excluded."deep_link"`. */
export function ofRow(alias: 't' | 'excluded', column: PgColumn): SQL {
  return sql`${sql.raw(alias)}.${bare(column)}`;
}

/** The columns the writer fills in sync_run_seen. */
export const SEEN_COLUMNS = columnList([syncRunSeen.runId, syncRunSeen.entityKind, syncRunSeen.externalId]);

/** The columns of an inventory_changes row the writer always fills (changed_fields only for updates). */
export const CHANGE_COLUMNS = columnList([
  inventoryChanges.runId,
  inventoryChanges.sourceId,
  inventoryChanges.entityKind,
  inventoryChanges.entityId,
  inventoryChanges.externalId,
  inventoryChanges.change,
]);
