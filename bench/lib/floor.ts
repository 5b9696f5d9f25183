import { sql, type SQL } from 'drizzle-orm';
import type { NormalisedBatch, NormalisedRecordBase } from '../../connectors/contract.js';
import type { Db } from '../../src/db/client.js';
import { contentHash } from '../../src/inventory/content-hash.js';
import { ENTITY_SPECS, type EntitySpec } from '../../src/inventory/entity-specs.js';
import { timed } from './report.js';

/**
 * The raw upsert floor: what writing a page of normalised records costs PostgreSQL with nothing but one
 * `INSERT … SELECT FROM unnest … ON CONFLICT DO UPDATE` per table — no parent lookup, no change log, no seen set —
 * into scratch copies of the inventory tables (same columns and indexes). A sync is judged against it.
 */
const ARRAY_TYPE = { text: 'text[]', jsonb: 'text[]', timestamptz: 'text[]', int: 'int4[]', real: 'float4[]', boolean: 'bool[]' } as const;

function floorUpsert<R extends NormalisedRecordBase>(spec: EntitySpec<R>, sourceId: string, records: readonly R[], hashes: readonly string[]): SQL {
  const table = sql.raw(`bench_floor_${spec.table}`);
  const names = spec.columns.map((c) => `"${c.column}"`);
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
  const typed = spec.columns.map((c) => (c.type === 'jsonb' ? `t."${c.column}"::jsonb` : c.type === 'timestamptz' ? `t."${c.column}"::timestamptz` : `t."${c.column}"`));
  return sql`INSERT INTO ${table} (source_id, external_id, content_hash, ${sql.raw(names.join(', '))})
    SELECT ${sourceId}::uuid, t.external_id, t.content_hash, ${sql.raw(typed.join(', '))}
    FROM unnest(${sql.param(records.map((r) => r.externalId))}::text[], ${sql.param(hashes)}::text[], ${sql.join(arrays, sql`, `)})
      AS t(external_id, content_hash, ${sql.raw(names.join(', '))})
    ON CONFLICT (source_id, external_id) DO UPDATE SET content_hash = excluded.content_hash,
      ${sql.raw(names.map((n) => `${n} = excluded.${n}`).join(', '))}
    WHERE ${table}.content_hash IS DISTINCT FROM excluded.content_hash`;
}

function recordsOf(batch: NormalisedBatch, spec: (typeof ENTITY_SPECS)[number]): NormalisedRecordBase[] {
  return spec.kind === 'model' ? batch.models : spec.kind === 'version' ? batch.versions : batch.deployments;
}

/** Scratch tables for the floor; `measure` times one page, `drop` removes them. */
export async function floorTables(db: Db): Promise<{ measure(sourceId: string, batch: NormalisedBatch): Promise<number>; drop(): Promise<void> }> {
  for (const spec of ENTITY_SPECS) await db.execute(sql.raw(`CREATE TABLE bench_floor_${spec.table} (LIKE "${spec.table}" INCLUDING ALL)`));
  return {
    /** Milliseconds the floor takes for one page, in one transaction; content hashes are computed outside the timing. */
    async measure(sourceId, batch) {
      const pages = ENTITY_SPECS.map((spec) => {
        const records = recordsOf(batch, spec);
        return { spec, records, hashes: records.map((record) => contentHash(spec.kind, record)) };
      });
      const { ms } = await timed(() =>
        db.transaction(async (tx) => {
          for (const page of pages) if (page.records.length > 0) await tx.execute(floorUpsert(page.spec as EntitySpec<NormalisedRecordBase>, sourceId, page.records, page.hashes));
        }),
      );
      return ms;
    },
    async drop() {
      for (const spec of ENTITY_SPECS) await db.execute(sql.raw(`DROP TABLE IF EXISTS bench_floor_${spec.table}`));
    },
  };
}
