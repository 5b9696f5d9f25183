import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { InputError } from '../../errors.js';
import { READ_ROLES, authChecker } from '../auth-checker.js';
import type { GraphQLContext } from '../context.js';
import { fromGlobalId } from '../../global-id.js';
import { MAX_PAGE_SIZE } from './connection.args.js';
import { Node, type TypedNode } from './node.type.js';
import { nodeRegistration, registeredNodeTypes } from './node-registry.js';

/** Fetches any records by global id, one batched load per type. Missing or unreadable records are null. */
export async function loadNodes(globalIds: readonly string[], ctx: GraphQLContext): Promise<Array<TypedNode | null>> {
  const known = registeredNodeTypes();
  const decoded = globalIds.map((globalId) => fromGlobalId(globalId, known));
  const byType = new Map<string, string[]>();
  for (const { type, id } of decoded) byType.set(type, [...(byType.get(type) ?? []), id]);
  const loaded = new Map<string, object | null>();
  await Promise.all(
    [...byType].map(async ([type, ids]) => {
      const registration = nodeRegistration(type)!;
      if (registration.roles) authChecker({ context: ctx } as never, [...registration.roles]);
      const unique = [...new Set(ids)];
      const records = await registration.resolve(unique, ctx);
      unique.forEach((id, index) => loaded.set(`${type}:${id}`, records[index] ?? null));
    }),
  );
  return decoded.map(({ type, id }) => {
    const record = loaded.get(`${type}:${id}`);
    return record ? ({ ...record, __typename: type } as TypedNode) : null;
  });
}

@Resolver()
export class NodeResolver {
  @Authorized(...READ_ROLES)
  @Query(() => Node, { nullable: true, description: 'Refetches any object by its global id; null when it does not exist.' })
  async node(@Arg('id', () => ID, { description: 'A global id from any object of this API.' }) id: string, @Ctx() ctx: GraphQLContext): Promise<TypedNode | null> {
    const [node] = await loadNodes([id], ctx);
    return node;
  }

  @Authorized(...READ_ROLES)
  @Query(() => [Node], { nullable: 'items', description: `Refetches up to ${MAX_PAGE_SIZE} objects by global id, in the order given; null for each missing one.` })
  async nodes(@Arg('ids', () => [ID], { description: 'Global ids, of any types.' }) ids: string[], @Ctx() ctx: GraphQLContext): Promise<Array<TypedNode | null>> {
    if (ids.length > MAX_PAGE_SIZE) throw new InputError(`At most ${MAX_PAGE_SIZE} ids per call (got ${ids.length})`);
    return loadNodes(ids, ctx);
  }
}
