import type { GraphQLFieldResolver } from 'graphql';
import type { DeploymentRecord, ModelRecord, ModelVersionRecord } from '../../inventory/queries/records.js';
import type { GraphQLContext } from '../context.js';

/** A model's live versions: prefetched by a look-ahead page, else batched per request. */
export function modelVersions(model: ModelRecord, ctx: GraphQLContext): ModelVersionRecord[] | Promise<ModelVersionRecord[]> {
  return model.versions ?? ctx.loaders.versionsByModel.load(model.id);
}

/** A version's live deployments: prefetched by a look-ahead page, else batched per request. */
export function versionDeployments(version: ModelVersionRecord, ctx: GraphQLContext): DeploymentRecord[] | Promise<DeploymentRecord[]> {
  return version.deployments ?? ctx.loaders.deploymentsByVersion.load(version.id);
}

/**
 * The relation fields look-ahead pages prefetch, as plain graphql-js resolvers. They run once per row of a page (550
 * times for the dashboard page of 50 models), where type-graphql's generic wrapper (instance lookup, parameter
 * decoding, middleware dispatch) costs more than the read itself. The type-graphql `@FieldResolver`s still declare
 * these fields (type, description) and call the same functions; build-schema.ts installs these over them.
 */
export const prefetchedRelationResolvers: Record<string, Record<string, GraphQLFieldResolver<never, GraphQLContext>>> = {
  Model: { versions: (model: ModelRecord, _args, ctx) => modelVersions(model, ctx) },
  ModelVersion: { deployments: (version: ModelVersionRecord, _args, ctx) => versionDeployments(version, ctx) },
};
