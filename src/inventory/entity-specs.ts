import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { NormalisedDeployment, NormalisedModel, NormalisedRecordBase, NormalisedVersion } from '../../connectors/contract.js';
import { deployments, models, modelVersions, vendorRecord } from '../db/schema/inventory.js';

/** The three kinds of vendor-sourced record, as named in inventory_changes.entity_kind and sync_run_seen. */
export type EntityKind = 'model' | 'version' | 'deployment';

/** SQL type of a vendor-owned column; decides how values travel in unnest arrays and how they are compared. */
export type ColumnType = 'text' | 'jsonb' | 'timestamptz' | 'int' | 'real' | 'boolean';

/** A table the writer fills: every one carries the schema's `vendorRecord` columns. */
export type InventoryTable = typeof models | typeof modelVersions | typeof deployments;

/** One vendor-owned column and the normalised field it stores, derived from the drizzle column. */
export interface ColumnSpec<R> {
  /** The drizzle column. */
  column: PgColumn;
  /** SQL column name, as the schema declares it. */
  name: string;
  /** The normalised field name; inventory_changes.changed_fields uses this vocabulary. */
  field: keyof R & string;
  type: ColumnType;
  /** The column is NOT NULL and, for text, must not be blank: a record without it is rejected. */
  required?: true;
  /** A jsonb column holding a JSON array (metrics) rather than an object. */
  jsonArray?: true;
  read: (record: R) => unknown;
}

/** A child's link to its parent, resolved by the parent's natural key within the same source. */
export interface ParentLink {
  /** Column holding the resolved parent id (null until the parent is known). */
  link: PgColumn;
  parentTable: InventoryTable;
  /** Column (among the spec's columns) holding the parent's external id. */
  externalId: PgColumn;
}

/**
 * How one kind of record maps onto its table. Only vendor-owned columns are listed: the writer never names the
 * governance-owned ones, so a sync cannot overwrite them.
 */
export interface EntitySpec<R> {
  kind: EntityKind;
  table: InventoryTable;
  /** SQL table name, as the schema declares it. */
  tableName: string;
  columns: ColumnSpec<R>[];
  parent: ParentLink | null;
}

/** Columns the writer fills itself (natural key, content hash) or the hub keeps (first seen, last changed, tombstone). */
const HUB_KEPT = ['id', 'sourceId', 'externalId', 'contentHash', 'firstSeenAt', 'lastChangedAt', 'deletedAt'] as const satisfies readonly (keyof typeof vendorRecord)[];

/** Contract fields stored under another column name: the vendor's timestamps, kept apart from the hub's own. */
const FIELD_OF_COLUMN = { vendorCreatedAt: 'createdAt', vendorUpdatedAt: 'updatedAt' } as const satisfies Partial<Record<keyof typeof vendorRecord, keyof NormalisedRecordBase>>;

type ColumnKey<T extends InventoryTable> = keyof T['_']['columns'] & string;
type FieldOf<K extends string> = K extends keyof typeof FIELD_OF_COLUMN ? (typeof FIELD_OF_COLUMN)[K] : K;
/** Vendor-owned columns whose contract field the record `R` lacks: `never` when every column is fed. */
type UnfedColumns<R, T extends InventoryTable, Excluded extends string> = Exclude<
  FieldOf<Exclude<ColumnKey<T>, (typeof HUB_KEPT)[number] | Excluded>>,
  keyof R
>;
/** Passes when every vendor-owned column has its contract field; otherwise asks for a member that names the missing ones. */
type FedCheck<R, T extends InventoryTable, Excluded extends string> = [UnfedColumns<R, T, Excluded>] extends [never]
  ? unknown
  : { contractFieldsMissing: UnfedColumns<R, T, Excluded> };

/** What a table cannot say about itself: which columns governance owns, and how a child links to its parent. */
interface Ownership<T extends InventoryTable, G extends ColumnKey<T>, L extends ColumnKey<T>> {
  /** Written only by src/governance: a sync never names them. */
  governanceOwned: readonly G[];
  parent: { link: L; parentTable: InventoryTable; externalId: ColumnKey<T> } | null;
}

const SQL_TYPES: Readonly<Record<string, ColumnType>> = {
  text: 'text',
  jsonb: 'jsonb',
  'timestamp with time zone': 'timestamptz',
  integer: 'int',
  real: 'real',
  boolean: 'boolean',
};

function columnType(column: PgColumn): ColumnType {
  const type = SQL_TYPES[column.getSQLType()];
  if (!type) throw new Error(`The writer cannot carry ${column.name} (${column.getSQLType()}): column-encoding.ts knows no such type`);
  return type;
}

function columnSpec<R>(key: string, column: PgColumn): ColumnSpec<R> {
  const field = ((FIELD_OF_COLUMN as Record<string, string>)[key] ?? key) as keyof R & string;
  const type = columnType(column);
  return {
    column,
    name: column.name,
    field,
    type,
    ...(column.notNull ? { required: true as const } : {}),
    // A jsonb column's default says what it holds: `[]` for a list (metrics), `{}` for an object.
    ...(type === 'jsonb' && Array.isArray(column.default) ? { jsonArray: true as const } : {}),
    read: (record) => (record as Record<string, unknown>)[field],
  };
}

/**
 * A kind's spec, derived from its drizzle table: every column that is neither kept by the hub, nor governance-owned,
 * nor the parent link is vendor-owned and stores the contract field of its name. A column whose contract field `R`
 * lacks fails to compile where the spec is declared (`contractFieldsMissing` names it).
 */
function entitySpec<R>() {
  return <T extends InventoryTable, G extends ColumnKey<T> = never, L extends ColumnKey<T> = never>(
    kind: EntityKind,
    table: T,
    ownership: Ownership<T, G, L> & FedCheck<R, T, G | L>,
  ): EntitySpec<R> => {
    const columns: Record<string, PgColumn> = getTableColumns(table);
    const parent = ownership.parent;
    const excluded = new Set<string>([...HUB_KEPT, ...ownership.governanceOwned, ...(parent ? [parent.link] : [])]);
    const shared = new Set(Object.keys(vendorRecord));
    const owned = Object.entries(columns).filter(([key]) => !excluded.has(key));
    // The kind's own columns first, then those every vendor record has: changed_fields lists fields in this order.
    const ordered = [...owned.filter(([key]) => !shared.has(key)), ...owned.filter(([key]) => shared.has(key))];
    return {
      kind,
      table,
      tableName: getTableName(table),
      columns: ordered.map(([key, column]) => columnSpec<R>(key, column)),
      parent: parent ? { link: columns[parent.link], parentTable: parent.parentTable, externalId: columns[parent.externalId] } : null,
    };
  };
}

export const MODEL_SPEC = entitySpec<NormalisedModel>()('model', models, {
  governanceOwned: ['riskTier', 'businessUnit', 'accountableOwner', 'accountableOwnerPersonId'],
  parent: null,
});

export const VERSION_SPEC = entitySpec<NormalisedVersion>()('version', modelVersions, {
  governanceOwned: ['lifecycleState', 'lifecycleChangedAt'],
  parent: { link: 'modelId', parentTable: models, externalId: 'modelExternalId' },
});

export const DEPLOYMENT_SPEC = entitySpec<NormalisedDeployment>()('deployment', deployments, {
  governanceOwned: [],
  parent: { link: 'versionId', parentTable: modelVersions, externalId: 'versionExternalId' },
});

/** Tables in parent-before-child order: the order batches are written and tombstones are counted in. */
export const ENTITY_SPECS = [MODEL_SPEC, VERSION_SPEC, DEPLOYMENT_SPEC] as const;

/** The kind whose records link to records of `spec` (versions for models, deployments for versions), if any. */
export function childSpecOf(spec: EntitySpec<never>): EntitySpec<never> | undefined {
  return (ENTITY_SPECS as readonly EntitySpec<never>[]).find((candidate) => candidate.parent?.parentTable === spec.table);
}
