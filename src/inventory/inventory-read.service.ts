import { sql, type SQL } from 'drizzle-orm';
import type { Vendor } from '../../connectors/contract.js';
import type { Executor } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import {
  changeColumns,
  columnSet,
  deploymentColumns,
  findingColumns,
  modelColumns,
  sourceColumns,
  syncRunColumns,
  versionColumns,
  type Column,
  type ColumnSet,
} from './queries/columns.js';
import { deploymentConditions, findingConditions, likePattern, modelConditions, syncRunConditions, versionConditions, type InventoryFilter } from './queries/filters.js';
import { keysetPage, keysetStatement, rowCount, whereClause } from './queries/keyset.js';
import { NotRenderable, pageRowKeys, renderedRowColumns, type RenderedObject } from './rendered-json.js';
import {
  CHANGE_ORDER,
  DEPLOYMENT_ORDER,
  FINDING_ORDER,
  MODEL_ORDER,
  SOURCE_ORDER,
  SYNC_RUN_ORDER,
  VERSION_ORDER,
  type ChangeOrderField,
  type DeploymentOrderField,
  type FindingOrderField,
  type ModelOrderField,
  type SourceOrderField,
  type SyncRunOrderField,
  type VersionOrderField,
} from './queries/orderings.js';
import type { KeysetPosition, Ordering, Page, PageRequest } from '../page.js';
import type {
  DeploymentRecord,
  FindingRecord,
  InventoryChangeRecord,
  ModelRecord,
  ModelVersionRecord,
  SourceRecord,
  SyncRunRecord,
  SyncRunStatus,
} from './queries/records.js';
import { inventoryStats, type StatsDimension, type StatsGroup } from './queries/stats.js';

export type { InventoryFilter } from './queries/filters.js';

/** A page row rendered by PostgreSQL: the JSON text of each requested object, and the row's keyset position. */
export interface RenderedRow {
  objects: string[];
  position: KeysetPosition;
}
export type { StatsDimension, StatsGroup } from './queries/stats.js';

export interface SourceFilter {
  vendors?: Vendor[] | null;
  enabled?: boolean | null;
  includeDeleted?: boolean | null;
  search?: string | null;
}

export interface SyncRunFilter {
  sourceIds?: string[] | null;
  statuses?: SyncRunStatus[] | null;
  startedSince?: Date | null;
  startedBefore?: Date | null;
}

export interface InventoryChangeFilter {
  sourceIds?: string[] | null;
  runIds?: string[] | null;
  entityIds?: string[] | null;
  entityKinds?: string[] | null;
  changes?: string[] | null;
  since?: Date | null;
  before?: Date | null;
}

export interface FindingFilter {
  kinds?: string[] | null;
  sourceIds?: string[] | null;
  entityIds?: string[] | null;
  /** true: open only; false: resolved only; unset: both. */
  open?: boolean | null;
  openedSince?: Date | null;
}

/**
 * What a models page should carry along (look-ahead from the GraphQL selection). Field lists name record keys; keys
 * that are not columns (relations, `__typename`) are ignored, and `id` always comes. Leaving a key out means the
 * record lacks it: callers list every key their consumers read.
 */
export interface ModelPageInclude {
  /** Model record keys wanted; undefined = all. */
  fields?: readonly string[];
  /** Fetch each model's live versions in the same statement. */
  versions?: {
    /** Version record keys wanted; undefined = all. */
    fields?: readonly string[];
    /** …and each version's live deployments. */
    deployments?: { fields?: readonly string[] } | null;
  } | null;
}

/** A models page, with what its look-ahead fetched along: each model's live versions and each version's live deployments. */
export interface ModelPage extends Page<ModelRecord> {
  /** Present when the include asked for versions: every model of the page has an entry. */
  versionsByModel?: ReadonlyMap<string, ModelVersionRecord[]>;
  /** Present when the include asked for deployments: every version of the page has an entry. */
  deploymentsByVersion?: ReadonlyMap<string, DeploymentRecord[]>;
}

const given = <T>(values: readonly T[] | null | undefined): values is readonly T[] => Array.isArray(values) && values.length > 0;
const texts = (values: readonly string[]) => sql`${sql.param(values)}::text[]`;
const uuids = (values: readonly string[]) => sql`${sql.param(values)}::uuid[]`;

const MODEL_FROM = sql`models m join sources s on s.id = m.source_id`;
const VERSION_FROM = sql`model_versions v join sources vs on vs.id = v.source_id left join models m on m.id = v.model_id`;
const DEPLOYMENT_FROM = sql`deployments d join sources ds on ds.id = d.source_id left join model_versions v on v.id = d.version_id left join models m on m.id = v.model_id`;

const models = columnSet<ModelRecord>(modelColumns());
const versions = columnSet<ModelVersionRecord>(versionColumns());
const deployments = columnSet<DeploymentRecord>(deploymentColumns());
const sources = columnSet<SourceRecord>(sourceColumns);
const syncRuns = columnSet<SyncRunRecord>(syncRunColumns);
const changes = columnSet<InventoryChangeRecord>(changeColumns);
const findings = columnSet<FindingRecord>(findingColumns);
/**
 * Column sets restricted to the keys a client selected (plus `required`), cached by key list: rows of a look-ahead
 * page carry only what the response will use. Parsing and holding unused columns (vendor_attributes above all) is
 * most of a page's cost in the API process.
 */
function prunedSets<T>(all: readonly Column[], required: readonly string[]): (fields: readonly string[] | undefined) => ColumnSet<T> {
  const cache = new Map<string, ColumnSet<T>>();
  const full = columnSet<T>(all);
  return (fields) => {
    if (!fields) return full;
    const key = [...fields].sort().join(',');
    let set = cache.get(key);
    if (!set) {
      const wanted = new Set([...required, ...fields]);
      set = columnSet<T>(all.filter(([name]) => wanted.has(name)));
      if (cache.size < 500) cache.set(key, set);
    }
    return set;
  };
}
// The page row's vendor feeds its nested versions' and deployments' `vendor` (same source), so it always comes.
const pageModels = prunedSets<ModelRecord>(modelColumns(), ['id', 'vendor']);
const nestedVersions = prunedSets<ModelVersionRecord>(versionColumns(), ['id']);
const nestedDeployments = prunedSets<DeploymentRecord>(deploymentColumns(), ['id']);

/** Groups rows by a key column, in the order of `keys`; each key gets an array (possibly empty). */
function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key)!);
}

function byIds<T extends { id: string }>(ids: readonly string[], rows: T[]): Array<T | null> {
  const map = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => map.get(id) ?? null);
}

/**
 * The inventory's read side: every query the API (and the bench) serves, as set-based SQL. Pages are keyset
 * paginated; `*ByIds`/`*By<Parent>Ids` answer a whole batch in one statement (for request-scoped DataLoaders).
 * Works identically on PostgreSQL and PGlite.
 */
export class InventoryReadService {
  constructor(private readonly db: Executor) {}

  /**
   * A page of models. With `include.versions` (and `.deployments`) the page's versions and their deployments come
   * back beside it, by model and by version, from the same single statement (json aggregation after LIMIT), so a
   * dashboard page costs one round trip.
   */
  async listModels(filter: InventoryFilter, order: Ordering<ModelOrderField>, page: PageRequest, include: ModelPageInclude = {}): Promise<ModelPage> {
    const withVersions = include.versions ?? null;
    const modelSet = pageModels(include.fields);
    const versionSet = nestedVersions(withVersions?.fields);
    const deploymentSet = nestedDeployments(withVersions?.deployments?.fields);
    let extra: SQL | undefined;
    if (withVersions) {
      const versionObject = withVersions.deployments
        ? sql`json_build_object(${versionSet.jsonFields}, 'deployments', (select coalesce(json_agg(${deploymentSet.json} order by d.name, d.id), '[]'::json)
              from deployments d, (values (vs.vendor)) ds(vendor) where d.version_id = v.id and d.deleted_at is null))`
        : versionSet.json;
      // A model's versions and their deployments come from the model's own source, so the page row's vendor serves.
      extra = sql`(select coalesce(json_agg(${versionObject} order by v.version_number nulls last, v.id), '[]'::json)
                   from model_versions v, (values (p.vendor)) vs(vendor)
                   where v.model_id = p.id and v.deleted_at is null) as "__versions"`;
    }
    const versionsByModel = withVersions ? new Map<string, ModelVersionRecord[]>() : undefined;
    const deploymentsByVersion = withVersions?.deployments ? new Map<string, DeploymentRecord[]>() : undefined;
    const modelsPage = await keysetPage(this.db, {
      select: modelSet.select,
      from: MODEL_FROM,
      where: modelConditions(filter),
      keys: MODEL_ORDER[order.field],
      idExpression: sql`m.id`,
      direction: order.direction,
      page,
      extra,
      map: (row) => {
        const nested = row.__versions as Array<Record<string, unknown> & { deployments?: Array<Record<string, unknown>> }> | undefined;
        // `__versions` is the row's last column: deleting the last-added property keeps the object in V8's fast mode.
        if (extra) delete row.__versions;
        const model = modelSet.map(row);
        if (nested) {
          versionsByModel!.set(
            model.id,
            nested.map((entry) => {
              const version = versionSet.map(entry);
              if (entry.deployments) deploymentsByVersion?.set(version.id, entry.deployments.map(deploymentSet.map));
              return version;
            }),
          );
        }
        return model;
      },
    });
    return { ...modelsPage, versionsByModel, deploymentsByVersion };
  }

  /**
   * A models page whose rows PostgreSQL renders as JSON text (rendered-json.ts), for answers that are pure projections
   * of the rows: the same rows, order and nested live versions and deployments as `listModels`. Each row carries the
   * text of every requested object and its position; `probe` fetches one row more to tell whether more follow.
   * Forward pages only; throws NotRenderable for a shape it cannot render exactly.
   */
  async renderModelRows(
    filter: InventoryFilter,
    order: Ordering<ModelOrderField>,
    page: PageRequest,
    request: { objects: readonly RenderedObject[]; probe: boolean },
  ): Promise<{ rows: RenderedRow[]; hasNextPage: boolean }> {
    if (page.direction !== 'forward') throw new NotRenderable('a backward page');
    const keys = MODEL_ORDER[order.field];
    const columns = renderedRowColumns(request.objects, keys.length);
    const { inner, order: pageOrder } = keysetStatement(
      { select: pageModels(pageRowKeys(request.objects)).select, from: MODEL_FROM, where: modelConditions(filter), keys, idExpression: sql`m.id`, direction: order.direction, page },
      request.probe,
    );
    const rows = await queryRows<Record<string, string>>(this.db, sql`select ${columns} from (${inner}) p ${pageOrder}`);
    return {
      rows: rows.slice(0, page.size).map((row) => ({
        objects: request.objects.map((_, index) => row[`__e${index}`]),
        position: { keys: keys.map((_, index) => String(row[`__k${index}`])), id: String(row.id) },
      })),
      hasNextPage: rows.length > page.size,
    };
  }

  /** How many models a filter selects (a connection's totalCount). */
  countModels(filter: InventoryFilter): Promise<number> {
    return rowCount(this.db, MODEL_FROM, modelConditions(filter));
  }

  async listModelVersions(filter: InventoryFilter, order: Ordering<VersionOrderField>, page: PageRequest): Promise<Page<ModelVersionRecord>> {
    return keysetPage(this.db, {
      select: versions.select,
      from: VERSION_FROM,
      where: versionConditions(filter),
      keys: VERSION_ORDER[order.field],
      idExpression: sql`v.id`,
      direction: order.direction,
      page,
      map: versions.map,
    });
  }

  async listDeployments(filter: InventoryFilter, order: Ordering<DeploymentOrderField>, page: PageRequest): Promise<Page<DeploymentRecord>> {
    return keysetPage(this.db, {
      select: deployments.select,
      from: DEPLOYMENT_FROM,
      where: deploymentConditions(filter),
      keys: DEPLOYMENT_ORDER[order.field],
      idExpression: sql`d.id`,
      direction: order.direction,
      page,
      map: deployments.map,
    });
  }

  async listSources(filter: SourceFilter, order: Ordering<SourceOrderField>, page: PageRequest): Promise<Page<SourceRecord>> {
    const where: SQL[] = [];
    if (!filter.includeDeleted) where.push(sql`src.deleted_at is null`);
    if (given(filter.vendors)) where.push(sql`src.vendor = any(${texts(filter.vendors)})`);
    if (filter.enabled != null) where.push(sql`src.enabled = ${filter.enabled}`);
    if (filter.search) where.push(sql`src.name ilike ${likePattern(filter.search)} escape '\\'`);
    return keysetPage(this.db, {
      select: sources.select,
      from: sql`sources src`,
      where,
      keys: SOURCE_ORDER[order.field],
      idExpression: sql`src.id`,
      direction: order.direction,
      page,
      map: sources.map,
    });
  }

  async listSyncRuns(filter: SyncRunFilter, order: Ordering<SyncRunOrderField>, page: PageRequest): Promise<Page<SyncRunRecord>> {
    const where = syncRunConditions(filter);
    return keysetPage(this.db, {
      select: syncRuns.select,
      from: sql`sync_runs r`,
      where,
      keys: SYNC_RUN_ORDER[order.field],
      idExpression: sql`r.id`,
      direction: order.direction,
      page,
      map: syncRuns.map,
    });
  }

  async listInventoryChanges(filter: InventoryChangeFilter, order: Ordering<ChangeOrderField>, page: PageRequest): Promise<Page<InventoryChangeRecord>> {
    const where: SQL[] = [];
    if (given(filter.sourceIds)) where.push(sql`c.source_id = any(${uuids(filter.sourceIds)})`);
    if (given(filter.runIds)) where.push(sql`c.run_id = any(${uuids(filter.runIds)})`);
    if (given(filter.entityIds)) where.push(sql`c.entity_id = any(${uuids(filter.entityIds)})`);
    if (given(filter.entityKinds)) where.push(sql`c.entity_kind = any(${texts(filter.entityKinds)})`);
    if (given(filter.changes)) where.push(sql`c.change = any(${texts(filter.changes)})`);
    if (filter.since) where.push(sql`c.at >= ${filter.since.toISOString()}::timestamptz`);
    if (filter.before) where.push(sql`c.at < ${filter.before.toISOString()}::timestamptz`);
    return keysetPage(this.db, {
      select: changes.select,
      from: sql`inventory_changes c`,
      where,
      keys: CHANGE_ORDER[order.field],
      idExpression: sql`c.id`,
      direction: order.direction,
      page,
      map: changes.map,
    });
  }

  async listFindings(filter: FindingFilter, order: Ordering<FindingOrderField>, page: PageRequest): Promise<Page<FindingRecord>> {
    const where = findingConditions(filter);
    return keysetPage(this.db, {
      select: findings.select,
      from: sql`findings f`,
      where,
      keys: FINDING_ORDER[order.field],
      idExpression: sql`f.id`,
      direction: order.direction,
      page,
      map: findings.map,
    });
  }

  /** Grouped counts for dashboards, one statement. */
  stats(groupBy: readonly StatsDimension[], filter: InventoryFilter): Promise<StatsGroup[]> {
    return inventoryStats(this.db, groupBy, filter);
  }

  // Batches by id (tombstoned rows included: an id names a record whatever its state).

  modelsByIds(ids: readonly string[]): Promise<Array<ModelRecord | null>> {
    return this.fetchByIds(ids, models, MODEL_FROM, sql`m.id`);
  }

  versionsByIds(ids: readonly string[]): Promise<Array<ModelVersionRecord | null>> {
    return this.fetchByIds(ids, versions, VERSION_FROM, sql`v.id`);
  }

  deploymentsByIds(ids: readonly string[]): Promise<Array<DeploymentRecord | null>> {
    return this.fetchByIds(ids, deployments, sql`deployments d join sources ds on ds.id = d.source_id`, sql`d.id`);
  }

  sourcesByIds(ids: readonly string[]): Promise<Array<SourceRecord | null>> {
    return this.fetchByIds(ids, sources, sql`sources src`, sql`src.id`);
  }

  syncRunsByIds(ids: readonly string[]): Promise<Array<SyncRunRecord | null>> {
    return this.fetchByIds(ids, syncRuns, sql`sync_runs r`, sql`r.id`);
  }

  inventoryChangesByIds(ids: readonly string[]): Promise<Array<InventoryChangeRecord | null>> {
    return this.fetchByIds(ids, changes, sql`inventory_changes c`, sql`c.id`);
  }

  findingsByIds(ids: readonly string[]): Promise<Array<FindingRecord | null>> {
    return this.fetchByIds(ids, findings, sql`findings f`, sql`f.id`);
  }

  // Batches by parent: one statement for all parents, children in a stable order.

  /** Live versions of each model, by version number. */
  async versionsByModelIds(modelIds: readonly string[]): Promise<ModelVersionRecord[][]> {
    const rows = await this.rows(versions, sql`select ${versions.select} from model_versions v join sources vs on vs.id = v.source_id
      where v.model_id = any(${uuids(modelIds)}) and v.deleted_at is null order by v.version_number nulls last, v.id`);
    return groupBy(modelIds, rows, (row) => row.modelId!);
  }

  /** Live deployments of each version, by name. */
  async deploymentsByVersionIds(versionIds: readonly string[]): Promise<DeploymentRecord[][]> {
    const rows = await this.rows(deployments, sql`select ${deployments.select} from deployments d join sources ds on ds.id = d.source_id
      where d.version_id = any(${uuids(versionIds)}) and d.deleted_at is null order by d.name, d.id`);
    return groupBy(versionIds, rows, (row) => row.versionId!);
  }

  /** Findings (open and resolved) about each entity, newest first. */
  async findingsByEntityIds(entityIds: readonly string[]): Promise<FindingRecord[][]> {
    const rows = await this.rows(findings, sql`select ${findings.select} from findings f where f.entity_id = any(${uuids(entityIds)}) order by f.opened_at desc, f.id desc`);
    return groupBy(entityIds, rows, (row) => row.entityId);
  }

  /** The latest `limit` changes of each entity, newest first. */
  async changesByEntityIds(entityIds: readonly string[], limit: number): Promise<InventoryChangeRecord[][]> {
    const rows = await this.rows(changes, sql`select ${changes.select} from (
        select ic.*, row_number() over (partition by ic.entity_id order by ic.at desc, ic.id desc) as rn
        from inventory_changes ic where ic.entity_id = any(${uuids(entityIds)})) c
      where c.rn <= ${limit} order by c.at desc, c.id desc`);
    return groupBy(entityIds, rows, (row) => row.entityId);
  }

  /** The latest `limit` runs of each source, newest first. */
  async syncRunsBySourceIds(sourceIds: readonly string[], limit: number): Promise<SyncRunRecord[][]> {
    const rows = await this.rows(syncRuns, sql`select ${syncRuns.select} from (
        select sr.*, row_number() over (partition by sr.source_id order by sr.started_at desc, sr.id desc) as rn
        from sync_runs sr where sr.source_id = any(${uuids(sourceIds)})) r
      where r.rn <= ${limit} order by r.started_at desc, r.id desc`);
    return groupBy(sourceIds, rows, (row) => row.sourceId);
  }

  private async fetchByIds<T extends { id: string }>(ids: readonly string[], set: ColumnSet<T>, from: SQL, idColumn: SQL): Promise<Array<T | null>> {
    if (ids.length === 0) return [];
    const rows = await this.rows(set, sql`select ${set.select} from ${from} ${whereClause([sql`${idColumn} = any(${uuids(ids)})`])}`);
    return byIds(ids, rows);
  }

  private async rows<T>(set: ColumnSet<T>, query: SQL): Promise<T[]> {
    const rows = await queryRows<Record<string, unknown>>(this.db, query);
    return rows.map(set.map);
  }
}
