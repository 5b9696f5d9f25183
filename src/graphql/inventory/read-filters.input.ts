import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import type { Vendor as VendorId } from '../../../connectors/contract.js';
import type { FindingFilter, InventoryChangeFilter, SourceFilter, SyncRunFilter } from '../../inventory/inventory-read.service.js';
import type { SyncRunStatus as SyncRunStatusValue } from '../../inventory/queries/records.js';
import { SyncRunStatus, Vendor } from '../enums.js';
import { fromGlobalId, fromGlobalIds } from '../../global-id.js';
import { DateTime } from '../scalars.js';

const MAX_LIST = 100;

@InputType('SourceFilter', { description: 'Filters for sources; conditions combine with AND.' })
export class SourceFilterInput {
  @Field(() => [Vendor], { nullable: true, description: 'Only these platforms.' })
  @ArrayMaxSize(MAX_LIST)
  vendors?: VendorId[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Only enabled (true) or disabled (false) sources.' })
  enabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Include deleted sources (default false).' })
  includeDeleted?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive text in the name.' })
  @IsOptional()
  @MaxLength(200)
  search?: string | null;
}

@InputType('SyncRunFilter', { description: 'Filters for sync runs; conditions combine with AND.' })
export class SyncRunFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Runs of these sources (Source ids).' })
  @ArrayMaxSize(MAX_LIST)
  sourceIds?: string[] | null;

  @Field(() => [SyncRunStatus], { nullable: true, description: 'Only runs in one of these statuses.' })
  @ArrayMaxSize(MAX_LIST)
  statuses?: SyncRunStatusValue[] | null;

  @Field(() => DateTime, { nullable: true, description: 'Started at or after.' })
  startedSince?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Started before.' })
  startedBefore?: Date | null;
}

@InputType('InventoryChangeFilter', { description: 'Filters for inventory changes; conditions combine with AND.' })
export class InventoryChangeFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Changes found by these sources (Source ids).' })
  @ArrayMaxSize(MAX_LIST)
  sourceIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Changes found by these runs (SyncRun ids).' })
  @ArrayMaxSize(MAX_LIST)
  runIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Changes of these records (Model, ModelVersion or Deployment ids).' })
  @ArrayMaxSize(MAX_LIST)
  entityIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'model, version, deployment.' })
  @ArrayMaxSize(MAX_LIST)
  entityKinds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'CREATED, UPDATED, DELETED, RESTORED.' })
  @ArrayMaxSize(MAX_LIST)
  changes?: string[] | null;

  @Field(() => DateTime, { nullable: true, description: 'Recorded at or after.' })
  since?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Recorded before.' })
  before?: Date | null;
}

@InputType('FindingFilter', { description: 'Filters for findings; conditions combine with AND.' })
export class FindingFilterInput {
  @Field(() => [String], { nullable: true, description: 'Finding kinds (UNGOVERNED_PRODUCTION, …).' })
  @ArrayMaxSize(MAX_LIST)
  kinds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Findings about records of these sources (Source ids).' })
  @ArrayMaxSize(MAX_LIST)
  sourceIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Findings about these records (Model, ModelVersion, Deployment or Source ids).' })
  @ArrayMaxSize(MAX_LIST)
  entityIds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: open only; false: resolved only; omitted: both.' })
  open?: boolean | null;

  @Field(() => DateTime, { nullable: true, description: 'Opened at or after.' })
  openedSince?: Date | null;
}

const ENTITY_TYPES = ['Model', 'ModelVersion', 'Deployment', 'Source'] as const;
/** Decodes ids that may name any inventory record type. */
const fromAnyOf = (ids: string[]) => ids.map((id) => fromGlobalId(id, ENTITY_TYPES).id);

export const toSourceFilter = (input?: SourceFilterInput | null): SourceFilter => ({ ...input });
export const toSyncRunFilter = (input?: SyncRunFilterInput | null): SyncRunFilter => ({
  ...input,
  sourceIds: input?.sourceIds ? fromGlobalIds(input.sourceIds, 'Source') : null,
});
export const toInventoryChangeFilter = (input?: InventoryChangeFilterInput | null): InventoryChangeFilter => ({
  ...input,
  sourceIds: input?.sourceIds ? fromGlobalIds(input.sourceIds, 'Source') : null,
  runIds: input?.runIds ? fromGlobalIds(input.runIds, 'SyncRun') : null,
  entityIds: input?.entityIds ? fromAnyOf(input.entityIds) : null,
});
export const toFindingFilter = (input?: FindingFilterInput | null): FindingFilter => ({
  ...input,
  sourceIds: input?.sourceIds ? fromGlobalIds(input.sourceIds, 'Source') : null,
  entityIds: input?.entityIds ? fromAnyOf(input.entityIds) : null,
});
