import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { DeploymentRecord, FindingRecord, InventoryChangeRecord, ModelRecord, ModelVersionRecord, SourceRecord } from '../../inventory/queries/records.js';
import { READ_ROLES } from '../auth-checker.js';
import type { GraphQLContext } from '../context.js';
import { RECENT_CHILDREN_LIMIT } from './inventory-loaders.js';
import { toConnection, toPageRequest, type ConnectionResult } from '../relay/connection.js';
import type { HubServices } from '../services.js';
import { ModelVersionConnection } from './connections.js';
import { Deployment } from './deployment.type.js';
import { Finding } from './finding.type.js';
import { InventoryChange } from './inventory-change.type.js';
import { ModelVersionsArgs } from './inventory.args.js';
import { toInventoryFilter } from './inventory-filter.input.js';
import { Model } from './model.type.js';
import { ModelVersion } from './model-version.type.js';
import { cursorScope } from './ordering.input.js';
import { Source } from './source.type.js';
import { JSONObject } from '../scalars.js';

@Resolver(() => ModelVersion)
export class ModelVersionResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...READ_ROLES)
  @Query(() => ModelVersionConnection, { description: 'Model versions across every source, filtered, ordered and keyset-paginated.' })
  async modelVersions(@Args() args: ModelVersionsArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionResult<ModelVersionRecord>> {
    const order = args.orderBy ?? { field: 'NAME', direction: 'ASC' };
    const scope = cursorScope('modelVersions', order);
    return toConnection(await this.services.inventory.listModelVersions(toInventoryFilter(args.filter), order, toPageRequest(args, scope, ctx.maxPageSize)), scope);
  }

  @FieldResolver(() => Model, { nullable: true, description: 'The model this version belongs to; null while the vendor has not listed it yet.' })
  model(@Root() version: ModelVersionRecord, @Ctx() ctx: GraphQLContext): Promise<ModelRecord | null> | null {
    return version.modelId ? ctx.loaders.model.load(version.modelId) : null;
  }

  @FieldResolver(() => [Deployment], { description: 'Live deployments serving this version.' })
  deployments(@Root() version: ModelVersionRecord, @Ctx() ctx: GraphQLContext): DeploymentRecord[] | Promise<DeploymentRecord[]> {
    return ctx.loaders.deploymentsByVersion.read(version.id);
  }

  @FieldResolver(() => [Finding], { description: 'Findings about this version, newest first (open and resolved).' })
  findings(@Root() version: ModelVersionRecord, @Ctx() ctx: GraphQLContext): Promise<FindingRecord[]> {
    return ctx.loaders.findingsByEntity.load(version.id);
  }

  @FieldResolver(() => [InventoryChange], {
    description: `The latest ${RECENT_CHILDREN_LIMIT} inventory changes of this version, newest first (full history: \`inventoryChanges(filter: { entityIds })\`).`,
  })
  changes(@Root() version: ModelVersionRecord, @Ctx() ctx: GraphQLContext): Promise<InventoryChangeRecord[]> {
    return ctx.loaders.recentChangesByEntity.load(version.id);
  }

  @FieldResolver(() => Source, { description: 'The source the version was read from.' })
  async source(@Root() version: ModelVersionRecord, @Ctx() ctx: GraphQLContext): Promise<SourceRecord> {
    return (await ctx.loaders.source.load(version.sourceId))!;
  }

  @FieldResolver(() => JSONObject, { description: 'The raw vendor record, for BI and audit.' })
  async vendorAttributes(@Root() version: ModelVersionRecord, @Ctx() ctx: GraphQLContext): Promise<Record<string, unknown>> {
    return version.vendorAttributes ?? (await ctx.loaders.version.load(version.id))?.vendorAttributes ?? {};
  }
}
