import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type Resolver = GraphQLFieldResolver<unknown, unknown>;
type Pick = (source: unknown, context: unknown, info: GraphQLResolveInfo) => unknown;

/**
 * type-graphql calls each field resolver through a generic wrapper (instance lookup, the parameter list sorted and
 * rebuilt, promise checks), which costs more than a relation read from a primed loader; a look-ahead page runs its
 * relation resolvers hundreds of times. A field resolver method without roles or middlewares whose parameters are only
 * `@Root()`, `@Ctx()` and `@Info()` is called here directly, on the same instance with the same arguments. Anything
 * else keeps type-graphql's wrapper. Call after the schema is built (type-graphql attaches parameters then); assumes
 * no global middlewares, as build-schema.ts registers none.
 */
export function directFieldResolvers(resolverClasses: readonly Function[], instanceOf: (cls: Function) => object): Record<string, Record<string, Resolver>> {
  const storage = getMetadataStorage();
  const typeNames = new Map<Function, string>(storage.objectTypes.map((type) => [type.target, type.name]));
  const byType: Record<string, Record<string, Resolver>> = {};
  for (const metadata of storage.fieldResolvers) {
    if (metadata.kind !== 'external' || !resolverClasses.includes(metadata.target)) continue;
    if (metadata.roles !== undefined || (metadata.middlewares?.length ?? 0) > 0) continue;
    const typeName = metadata.getObjectType ? typeNames.get(metadata.getObjectType() as Function) : undefined;
    const picks = parameterPicks(metadata.params ?? []);
    if (!typeName || !picks) continue;
    const instance = instanceOf(metadata.target) as Record<string, (...args: unknown[]) => unknown>;
    const method = instance[metadata.methodName];
    if (typeof method !== 'function') continue;
    (byType[typeName] ??= {})[metadata.schemaName] = directCall(instance, method, picks);
  }
  return byType;
}

function parameterPicks(params: ReadonlyArray<{ kind: string; index: number; propertyName?: string; getType?: unknown }>): Pick[] | null {
  const picks: Pick[] = [];
  for (const param of [...params].sort((a, b) => a.index - b.index)) {
    const property = param.propertyName;
    if (param.kind === 'root' && !param.getType) picks.push(property ? (source) => (source as Record<string, unknown>)[property] : (source) => source);
    else if (param.kind === 'context') picks.push(property ? (_s, context) => (context as Record<string, unknown>)[property] : (_s, context) => context);
    else if (param.kind === 'info') picks.push((_s, _c, info) => info);
    else return null;
  }
  return picks;
}

function directCall(instance: object, method: (...args: unknown[]) => unknown, picks: Pick[]): Resolver {
  if (picks.length === 2) {
    const [first, second] = picks;
    return (source, _args, context, info) => method.call(instance, first(source, context, info), second(source, context, info));
  }
  return (source, _args, context, info) => method.apply(instance, picks.map((pick) => pick(source, context, info)));
}
