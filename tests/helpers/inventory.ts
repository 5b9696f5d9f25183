import { sql } from 'drizzle-orm';
import type { Executor } from '../../src/db/client.js';
import { queryRows } from '../../src/db/sql.js';

/**
 * The inventory of one source as comparable lines (kind, external id, content hash, tombstoned?, resolved parent):
 * two syncs of the same vendor estate must give identical snapshots, whatever faults happened on the way.
 */
export async function inventorySnapshot(db: Executor, sourceId: string): Promise<string[]> {
  const rows = await queryRows<{ line: string }>(
    db,
    sql`select 'model|' || external_id || '|' || content_hash || '|' || (deleted_at is not null) as line from models where source_id = ${sourceId}
        union all
        select 'version|' || v.external_id || '|' || v.content_hash || '|' || (v.deleted_at is not null) || '|' || coalesce(m.external_id, '-')
          from model_versions v left join models m on m.id = v.model_id where v.source_id = ${sourceId}
        union all
        select 'deployment|' || d.external_id || '|' || d.content_hash || '|' || (d.deleted_at is not null) || '|' || coalesce(v.external_id, '-')
          from deployments d left join model_versions v on v.id = d.version_id where d.source_id = ${sourceId}`,
  );
  return rows.map((r) => r.line).sort();
}

export async function liveCounts(db: Executor, sourceId: string): Promise<{ models: number; versions: number; deployments: number }> {
  const [row] = await queryRows<{ models: number; versions: number; deployments: number }>(
    db,
    sql`select (select count(*)::int from models where source_id = ${sourceId} and deleted_at is null) as models,
               (select count(*)::int from model_versions where source_id = ${sourceId} and deleted_at is null) as versions,
               (select count(*)::int from deployments where source_id = ${sourceId} and deleted_at is null) as deployments`,
  );
  return { models: Number(row.models), versions: Number(row.versions), deployments: Number(row.deployments) };
}
