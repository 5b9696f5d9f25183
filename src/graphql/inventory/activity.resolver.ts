import { Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { FindingRecord, InventoryChangeRecord, SourceRecord, SyncRunRecord } from '../../inventory/queries/records.js';
import { READ_ROLES } from '../auth-checker.js';
import type { GraphQLContext } from '../context.js';
import { toConnection, toPageRequest, type ConnectionResult } from '../relay/connection.js';
import { toGlobalId } from '../../global-id.js';
import type { HubServices } from '../services.js';
import { FindingConnection, InventoryChangeConnection, SyncRunConnection } from './connections.js';
import { typeOfEntityKind } from './entity-kind.js';
import { Finding } from './finding.type.js';
import { InventoryChange } from './inventory-change.type.js';
import { FindingsArgs, InventoryChangesArgs, SyncRunsArgs } from './inventory.args.js';
import { cursorScope } from './ordering.input.js';
import { toFindingFilter, toInventoryChangeFilter, toSyncRunFilter } from './read-filters.input.js';
import { Source } from './source.type.js';
import { SyncRun } from './sync-run.type.js';

const entityGlobalId = (kind: string, id: string) => {
  const type = typeOfEntityKind(kind);
  return type ? toGlobalId(type, id) : null;
};

@Resolver(() => SyncRun)
export class SyncRunResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...READ_ROLES)
  @Query(() => SyncRunConnection, { description: 'Sync runs of every source, newest first by default.' })
  async syncRuns(@Args() args: SyncRunsArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionResult<SyncRunRecord>> {
    const order = args.orderBy ?? { field: 'STARTED', direction: 'DESC' };
    const scope = cursorScope('syncRuns', order);
    return toConnection(await this.services.inventory.listSyncRuns(toSyncRunFilter(args.filter), order, toPageRequest(args, scope, ctx.maxPageSize)), scope);
  }

  @FieldResolver(() => Source, { description: 'The source that was synced.' })
  async source(@Root() run: SyncRunRecord, @Ctx() ctx: GraphQLContext): Promise<SourceRecord> {
    return (await ctx.loaders.source.load(run.sourceId))!;
  }
}

@Resolver(() => InventoryChange)
export class InventoryChangeResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...READ_ROLES)
  @Query(() => InventoryChangeConnection, { description: 'What syncs changed in the inventory, newest first by default.' })
  async inventoryChanges(@Args() args: InventoryChangesArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionResult<InventoryChangeRecord>> {
    const order = args.orderBy ?? { field: 'AT', direction: 'DESC' };
    const scope = cursorScope('inventoryChanges', order);
    return toConnection(await this.services.inventory.listInventoryChanges(toInventoryChangeFilter(args.filter), order, toPageRequest(args, scope, ctx.maxPageSize)), scope);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Global id of the changed record (refetch with `node`).' })
  entityId(@Root() change: InventoryChangeRecord): string | null {
    return entityGlobalId(change.entityKind, change.entityId);
  }

  @FieldResolver(() => SyncRun, { nullable: true, description: 'The run that recorded the change.' })
  run(@Root() change: InventoryChangeRecord, @Ctx() ctx: GraphQLContext): Promise<SyncRunRecord | null> | null {
    return change.runId ? ctx.loaders.syncRun.load(change.runId) : null;
  }

  @FieldResolver(() => Source, { description: 'The source the changed record belongs to.' })
  async source(@Root() change: InventoryChangeRecord, @Ctx() ctx: GraphQLContext): Promise<SourceRecord> {
    return (await ctx.loaders.source.load(change.sourceId))!;
  }
}

@Resolver(() => Finding)
export class FindingResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...READ_ROLES)
  @Query(() => FindingConnection, { description: 'Governance findings, newest first by default.' })
  async findings(@Args() args: FindingsArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionResult<FindingRecord>> {
    const order = args.orderBy ?? { field: 'OPENED', direction: 'DESC' };
    const scope = cursorScope('findings', order);
    return toConnection(await this.services.inventory.listFindings(toFindingFilter(args.filter), order, toPageRequest(args, scope, ctx.maxPageSize)), scope);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Global id of the record the finding is about (refetch with `node`).' })
  entityId(@Root() finding: FindingRecord): string | null {
    return entityGlobalId(finding.entityKind, finding.entityId);
  }

  @FieldResolver(() => Source, { description: 'The source of the record the finding is about.' })
  async source(@Root() finding: FindingRecord, @Ctx() ctx: GraphQLContext): Promise<SourceRecord> {
    return (await ctx.loaders.source.load(finding.sourceId))!;
  }
}
