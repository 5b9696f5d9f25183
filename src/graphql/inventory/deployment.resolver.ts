import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { DeploymentRecord, FindingRecord, ModelVersionRecord, SourceRecord } from '../../inventory/queries/records.js';
import { READ_ROLES } from '../auth-checker.js';
import type { GraphQLContext } from '../context.js';
import { toConnection, toPageRequest, type ConnectionResult } from '../relay/connection.js';
import type { HubServices } from '../services.js';
import { DeploymentConnection } from './connections.js';
import { Deployment } from './deployment.type.js';
import { Finding } from './finding.type.js';
import { DeploymentsArgs } from './inventory.args.js';
import { toInventoryFilter } from './inventory-filter.input.js';
import { ModelVersion } from './model-version.type.js';
import { cursorScope } from './ordering.input.js';
import { Source } from './source.type.js';
import { JSONObject } from '../scalars.js';

@Resolver(() => Deployment)
export class DeploymentResolver {
  constructor(private readonly services: HubServices) {}

  @Authorized(...READ_ROLES)
  @Query(() => DeploymentConnection, { description: 'Deployments across every source, filtered, ordered and keyset-paginated.' })
  async deployments(@Args() args: DeploymentsArgs, @Ctx() ctx: GraphQLContext): Promise<ConnectionResult<DeploymentRecord>> {
    const order = args.orderBy ?? { field: 'NAME', direction: 'ASC' };
    const scope = cursorScope('deployments', order);
    return toConnection(await this.services.inventory.listDeployments(toInventoryFilter(args.filter), order, toPageRequest(args, scope, ctx.maxPageSize)), scope);
  }

  @FieldResolver(() => ModelVersion, { nullable: true, description: 'The version this deployment serves; null when the vendor reference is unresolved.' })
  version(@Root() deployment: DeploymentRecord, @Ctx() ctx: GraphQLContext): Promise<ModelVersionRecord | null> | null {
    return deployment.versionId ? ctx.loaders.version.load(deployment.versionId) : null;
  }

  @FieldResolver(() => [Finding], { description: 'Findings about this deployment, newest first.' })
  findings(@Root() deployment: DeploymentRecord, @Ctx() ctx: GraphQLContext): Promise<FindingRecord[]> {
    return ctx.loaders.findingsByEntity.load(deployment.id);
  }

  @FieldResolver(() => Source, { description: 'The source the deployment was read from.' })
  async source(@Root() deployment: DeploymentRecord, @Ctx() ctx: GraphQLContext): Promise<SourceRecord> {
    return (await ctx.loaders.source.load(deployment.sourceId))!;
  }

  @FieldResolver(() => JSONObject, { description: 'The raw vendor record, for BI and audit.' })
  async vendorAttributes(@Root() deployment: DeploymentRecord, @Ctx() ctx: GraphQLContext): Promise<Record<string, unknown>> {
    return deployment.vendorAttributes ?? (await ctx.loaders.deployment.load(deployment.id))?.vendorAttributes ?? {};
  }
}
