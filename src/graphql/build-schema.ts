import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLObjectType, isAbstractType, parse, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type ContainerType } from 'type-graphql';
import { InputError } from '../errors.js';
import { READ_ROLES, authChecker } from './auth-checker.js';
import type { GraphQLContext } from './context.js';
import { directFieldResolvers } from './direct-field-resolvers.js';
import { fromGlobalId, toGlobalId } from '../global-id.js';
import { nodeRegistration } from './relay/node-registry.js';
import { resolvers } from './resolvers.js';
import { DateTime } from './scalars.js';
import { secretDirective } from './secret-directive.js';
import type { HubServices } from './services.js';
import { validateInput } from './validate-input.js';

export interface BuildHubSchemaOptions {
  /** Also write the SDL (without federation plumbing) to this path. */
  emitSchemaFile?: string;
}

/** Resolver classes get the services through their constructor; one instance per class per schema. */
function servicesContainer(services: HubServices): ContainerType & { get: (cls: Function) => object } {
  const instances = new Map<unknown, object>();
  return {
    get: (cls: new (services: HubServices) => object) => {
      if (!instances.has(cls)) instances.set(cls, new cls(services));
      return instances.get(cls)!;
    },
  } as unknown as ContainerType & { get: (cls: Function) => object };
}

/** The type-graphql schema (before federation): the source of the emitted SDL. */
export async function buildTypeGraphQLSchema(services: HubServices, options: BuildHubSchemaOptions = {}, container = servicesContainer(services)): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: resolvers as unknown as [Function, ...Function[]],
    container,
    authChecker,
    // class-validator imported once (type-graphql's own path imports it per argument per request); args classes
    // without rules (e.g. plain connection args) are valid, not "unknown values".
    validateFn: validateInput,
    scalarsMap: [{ type: Date, scalar: DateTime }],
    directives: [secretDirective],
    emitSchemaFile: options.emitSchemaFile ? { path: options.emitSchemaFile, sortedSchema: false } : false,
  });
}

const countOf: GraphQLFieldResolver<{ totalCount: number | (() => Promise<number>) }, GraphQLContext> = (connection) =>
  typeof connection.totalCount === 'function' ? connection.totalCount() : connection.totalCount;

/**
 * The served schema: type-graphql's schema turned into an Apollo Federation v2 subgraph (`_service`, `_entities`),
 * with two hub-wide rules applied in one place (and type-graphql's wrapper left out of simple field resolvers):
 * - every type implementing Node exposes its row uuid as an opaque global id;
 * - every `@key(fields: "id")` entity resolves references through the node registry (batched per request).
 */
export async function buildHubSchema(services: HubServices, options: BuildHubSchemaOptions = {}): Promise<GraphQLSchema> {
  const container = servicesContainer(services);
  const schema = await buildTypeGraphQLSchema(services, options, container);
  const typeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
    ${printSchemaWithDirectives(schema)}
  `);
  const resolverMap = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, fields] of Object.entries(directFieldResolvers(resolvers, container.get))) {
    for (const [fieldName, resolve] of Object.entries(fields)) if (resolverMap[typeName] && fieldName in resolverMap[typeName]) resolverMap[typeName][fieldName] = resolve;
  }
  for (const type of Object.values(schema.getTypeMap())) {
    // A connection's totalCount is a thunk (the COUNT runs only when selected): called here, not by a default resolver.
    if (type instanceof GraphQLObjectType && type.name.endsWith('Connection') && type.getFields().totalCount) {
      resolverMap[type.name] = { ...resolverMap[type.name], totalCount: countOf };
    }
    if (!(type instanceof GraphQLObjectType) || !type.getInterfaces().some((i) => i.name === 'Node')) continue;
    const typeName = type.name;
    const globalId: GraphQLFieldResolver<{ id: string }, GraphQLContext> = (root) => toGlobalId(typeName, root.id);
    resolverMap[typeName] = { ...resolverMap[typeName], id: globalId };
    if (type.astNode?.directives?.some((d) => d.name.value === 'key')) {
      resolverMap[typeName].__resolveReference = async (reference: { id: string }, ctx: GraphQLContext) => {
        const registration = nodeRegistration(typeName);
        if (!registration) return null;
        // The same roles as node(id) and the root fields: _entities must not be a side door.
        authChecker({ context: ctx } as never, [...(registration.roles ?? READ_ROLES)]);
        const [record] = await registration.resolve([fromGlobalId(reference.id, typeName).id], ctx);
        return record;
      };
    }
  }
  const subgraph = buildSubgraphSchema({ typeDefs, resolvers: resolverMap as never });
  resolveAbstractTypesByTypename(subgraph);
  requireHubRoleForFederation(subgraph);
  guardEntityRepresentations(subgraph, new Set(Object.keys(resolverMap).filter((name) => resolverMap[name].__resolveReference)));
  return subgraph;
}

/**
 * Every value of an abstract type (Node, _Entity) carries its `__typename`: resolve it synchronously from there.
 * type-graphql's resolveType is async, and compiled queries (compiled-execution.ts) need a synchronous answer.
 */
function resolveAbstractTypesByTypename(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(type)) continue;
    const fallback = type.resolveType;
    type.resolveType = (value, context, info, abstractType) => {
      const typename = (value as { __typename?: unknown } | null)?.__typename;
      return typeof typename === 'string' ? typename : fallback?.(value, context, info, abstractType);
    };
  }
}

/**
 * `_entities` comes from @apollo/subgraph, not from a resolver with `@Authorized`: a caller without any hub role (e.g.
 * an SSO token whose groups map to none) gets FORBIDDEN there as everywhere else, and each entity type's own roles
 * are checked again in its __resolveReference. (`_service` returns the SDL only, what introspection shows.)
 */
function requireHubRoleForFederation(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const resolve = field?.resolve;
  if (!field || !resolve) return;
  field.resolve = (source, args, context: GraphQLContext, info) => {
    authChecker({ context } as never, [...READ_ROLES]);
    return resolve(source, args, context, info);
  };
}

/**
 * @apollo/subgraph answers a representation without a known entity `__typename` (a string, `{}`, `{__typename:
 * "Nope"}`) with a plain Error, which the hub would report as an internal failure. A router never sends those; a
 * client that does made an input mistake, refused here as BAD_USER_INPUT before the subgraph's resolver runs.
 */
function guardEntityRepresentations(schema: GraphQLSchema, entityTypes: Set<string>): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const resolve = field?.resolve;
  if (!field || !resolve) return;
  field.resolve = (source, args: { representations?: unknown[] }, context, info) => {
    (args.representations ?? []).forEach((representation, index) => {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      if (typeof representation !== 'object' || representation === null || typeof typename !== 'string' || !entityTypes.has(typename)) {
        throw new InputError(`representations[${index}] must be an object whose __typename is an entity type (${[...entityTypes].sort().join(', ')})`);
      }
    });
    return resolve(source, args, context, info);
  };
}
