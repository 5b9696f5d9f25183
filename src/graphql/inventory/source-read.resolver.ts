import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { SourceRecord, SyncRunRecord } from '../../inventory/queries/records.js';
import { READ_ROLES } from '../auth-checker.js';
import type { GraphQLContext } from '../context.js';
import { RECENT_CHILDREN_LIMIT } from './inventory-loaders.js';
import { toConnection, toPageRequest, type ConnectionResult } from '../relay/connection.js';
import type { HubServices } from '../services.js';
import { SourceConnection } from './connections.js';
import { SourcesArgs } from './inventory.args.js';
import { cursorScope } from './ordering.input.js';
import { toSourceFilter } from './read-filters.input.js';
import { Source } from './source.type.js';
import { SyncRun } from './sync-run.type.js';

/** The read side of sources; their mutations live in src/graphql/source/. */
@Resolver(() => Source)
export class SourceReadResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...READ_ROLES)
  @Query(() => SourceConnection, { description: 'Configured sources (connector instances), without their secrets.' })
  async sources(@Args() args: SourcesArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionResult<SourceRecord>> {
    const order = args.orderBy ?? { field: 'NAME', direction: 'ASC' };
    const scope = cursorScope('sources', order);
    return toConnection(await this.services.inventory.listSources(toSourceFilter(args.filter), order, toPageRequest(args, scope, ctx.maxPageSize)), scope);
  }

  @FieldResolver(() => SyncRun, { nullable: true, description: 'The latest run, if any.' })
  lastRun(@Root() source: SourceRecord, @Ctx() ctx: GraphQLContext): Promise<SyncRunRecord | null> | null {
    return source.lastRunId ? ctx.loaders.syncRun.load(source.lastRunId) : null;
  }

  @FieldResolver(() => [SyncRun], {
    description: `The latest ${RECENT_CHILDREN_LIMIT} runs of this source, newest first (full history: \`syncRuns(filter: { sourceIds })\`).`,
  })
  runs(@Root() source: SourceRecord, @Ctx() ctx: GraphQLContext): Promise<SyncRunRecord[]> {
    return ctx.loaders.recentRunsBySource.load(source.id);
  }
}
