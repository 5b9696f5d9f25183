import { Args, Authorized, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { ModelRecord, ModelVersionRecord, SourceRecord } from '../../inventory/queries/records.js';
import { READ_ROLES } from '../auth-checker.js';
import type { GraphQLContext } from '../context.js';
import { toConnection, toPageRequest, type ConnectionResult } from '../relay/connection.js';
import type { HubServices } from '../services.js';
import { ModelConnection } from './connections.js';
import { ModelsArgs } from './inventory.args.js';
import { toInventoryFilter } from './inventory-filter.input.js';
import { modelPageInclude } from './look-ahead.js';
import { Model } from './model.type.js';
import { ModelVersion } from './model-version.type.js';
import { primeModelPage } from './inventory-loaders.js';
import { cursorScope, type OrderValue } from './ordering.input.js';
import { Source } from './source.type.js';

@Resolver(() => Model)
export class ModelResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...READ_ROLES)
  @Query(() => ModelConnection, { description: 'Models across every source, filtered, ordered and keyset-paginated.' })
  async models(@Args() args: ModelsArgs, @Ctx() ctx: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<ConnectionResult<ModelRecord>> {
    const order: OrderValue<'NAME' | 'CREATED' | 'UPDATED' | 'RISK_TIER'> = args.orderBy ?? { field: 'NAME', direction: 'ASC' };
    const scope = cursorScope('models', order);
    const page = await this.services.inventory.listModels(toInventoryFilter(args.filter), order, toPageRequest(args, scope, ctx.maxPageSize), modelPageInclude(info));
    primeModelPage(ctx.loaders, page);
    return toConnection(page, scope);
  }

  @FieldResolver(() => [ModelVersion], { description: 'Live versions of the model, by version number.' })
  versions(@Root() model: ModelRecord, @Ctx() ctx: GraphQLContext): ModelVersionRecord[] | Promise<ModelVersionRecord[]> {
    return ctx.loaders.versionsByModel.read(model.id);
  }

  @FieldResolver(() => Source, { description: 'The source the model was read from.' })
  async source(@Root() model: ModelRecord, @Ctx() ctx: GraphQLContext): Promise<SourceRecord> {
    return (await ctx.loaders.source.load(model.sourceId))!;
  }
}
