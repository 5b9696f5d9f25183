import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { NormalisedBatch, NormalisedRecordBase } from '../../connectors/contract.js';
import type { Db } from '../../src/db/client.js';
import { contentHash } from '../../src/inventory/content-hash.js';
import { ENTITY_SPECS, type EntitySpec } from '../../src/inventory/entity-specs.js';
import { timed } from './report.js';

/**
 * The raw upsert floor the writer and the sync are judged against: the same rows, columns and arrays as the writer
 * (ids and resolved parent ids included, so rows land in the same indexes: a child with a link is not in the partial
 * `*_unresolved_idx`), into scratch copies of the inventory tables with the same indexes (unique natural key
 * included), by one `INSERT … SELECT FROM unnest … ON CONFLICT DO UPDATE` per table and page, and nothing else: no
 * parent lookup, no change log, no seen set, no foreign keys.
 */
export const FLOOR_DEFINITION =
  'the same rows and columns (ids and parent links included) into copies of the tables with the same indexes ' +
  '(unique natural key included) but no foreign keys; the writer also pays foreign-key checks, parent lookups, ' +
  'content hashing and one inventory_changes row per record';

const ARRAY_TYPE = { text: 'text[]', jsonb: 'text[]', timestamptz: 'text[]', int: 'int4[]', real: 'float4[]', boolean: 'bool[]' } as const;

/** One page of the floor: the records of one kind, with the ids, parent ids and hashes computed outside its timing. */
interface FloorPage<R> {
  spec: EntitySpec<R>;
  records: readonly R[];
  ids: readonly string[];
  /** The parent's floor id per record (null for models and unknown parents), so rows carry the same links. */
  links: readonly (string | null)[];
  hashes: readonly string[];
}

function floorUpsert<R extends NormalisedRecordBase>(sourceId: string, page: FloorPage<R>): SQL {
  const { spec, records, hashes } = page;
  const table = sql.raw(`bench_floor_${spec.tableName}`);
  const names = [...spec.columns.map((c) => `"${c.name}"`), ...(spec.parent ? [`"${spec.parent.link.name}"`] : [])];
  const arrays = spec.columns.map((column) => {
    const values = records.map((record) => {
      const value = column.read(record);
      if (value === null || value === undefined) return null;
      if (column.type === 'jsonb') return JSON.stringify(value);
      if (column.type === 'timestamptz') return (value as Date).toISOString();
      return value as string | number | boolean;
    });
    return sql`${sql.param(values)}::${sql.raw(ARRAY_TYPE[column.type])}`;
  });
  if (spec.parent) arrays.push(sql`${sql.param(page.links)}::uuid[]`);
  const typed = [
    ...spec.columns.map((c) => (c.type === 'jsonb' ? `t."${c.name}"::jsonb` : c.type === 'timestamptz' ? `t."${c.name}"::timestamptz` : `t."${c.name}"`)),
    ...(spec.parent ? [`t."${spec.parent.link.name}"`] : []),
  ];
  return sql`INSERT INTO ${table} (id, source_id, external_id, content_hash, ${sql.raw(names.join(', '))})
    SELECT t.id, ${sourceId}::uuid, t.external_id, t.content_hash, ${sql.raw(typed.join(', '))}
    FROM unnest(${sql.param(page.ids)}::uuid[], ${sql.param(records.map((r) => r.externalId))}::text[], ${sql.param(hashes)}::text[], ${sql.join(arrays, sql`, `)})
      AS t(id, external_id, content_hash, ${sql.raw(names.join(', '))})
    ON CONFLICT (source_id, external_id) DO UPDATE SET content_hash = excluded.content_hash,
      ${sql.raw(names.map((n) => `${n} = excluded.${n}`).join(', '))}
    WHERE ${table}.content_hash IS DISTINCT FROM excluded.content_hash`;
}

function recordsOf(batch: NormalisedBatch, spec: EntitySpec<never>): NormalisedRecordBase[] {
  return spec.kind === 'model' ? batch.models : spec.kind === 'version' ? batch.versions : batch.deployments;
}

/** The external id of the parent a record names (null for models). */
function parentExternalId(spec: EntitySpec<never>, record: NormalisedRecordBase): string | null {
  const column = spec.parent && spec.columns.find((c) => c.column === spec.parent!.externalId);
  return column ? ((column.read(record as never) as string | null) ?? null) : null;
}

export interface FloorTables {
  /** Milliseconds the floor takes for one page, in one transaction; ids, links and hashes are computed outside it. */
  measure(sourceId: string, batch: NormalisedBatch): Promise<number>;
  drop(): Promise<void>;
}

/** Creates the floor's scratch tables (`bench_floor_<table>`). */
export async function floorTables(db: Db): Promise<FloorTables> {
  for (const spec of ENTITY_SPECS) await db.execute(sql.raw(`CREATE TABLE bench_floor_${spec.tableName} (LIKE "${spec.tableName}" INCLUDING ALL)`));
  const floorIds = new Map<string, string>(); // `${kind}:${externalId}` -> id
  return {
    async measure(sourceId, batch) {
      const pages = ENTITY_SPECS.map((spec): FloorPage<NormalisedRecordBase> => {
        const records = recordsOf(batch, spec as EntitySpec<never>);
        const ids = records.map((record) => {
          const key = `${spec.kind}:${record.externalId}`;
          const id = floorIds.get(key) ?? randomUUID();
          floorIds.set(key, id);
          return id;
        });
        const parentKind = spec.kind === 'version' ? 'model' : 'version';
        const links = records.map((record) => {
          const parent = parentExternalId(spec as EntitySpec<never>, record);
          return parent === null ? null : (floorIds.get(`${parentKind}:${parent}`) ?? null);
        });
        return { spec: spec as EntitySpec<NormalisedRecordBase>, records, ids, links, hashes: records.map((record) => contentHash(spec.kind, record)) };
      });
      const { ms } = await timed(() =>
        db.transaction(async (tx) => {
          for (const page of pages) if (page.records.length > 0) await tx.execute(floorUpsert(sourceId, page));
        }),
      );
      return ms;
    },
    async drop() {
      for (const spec of ENTITY_SPECS) await db.execute(sql.raw(`DROP TABLE IF EXISTS bench_floor_${spec.tableName}`));
    },
  };
}
