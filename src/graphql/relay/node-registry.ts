import type { Role } from '../../auth/principal.js';
import type { GraphQLContext } from '../context.js';

/**
 * Loads records of one type by database id, in the order asked, null where missing.
 * Implementations should batch (one statement for all ids) and may use the request's loaders.
 */
export type NodeBatchResolver = (ids: string[], ctx: GraphQLContext) => Promise<Array<object | null>>;

interface Registration {
  resolve: NodeBatchResolver;
  /** Roles that may read this type through `node`/`nodes`; undefined = the inventory read roles. */
  roles?: readonly Role[];
}

const registry = new Map<string, Registration>();

/**
 * Makes a Node type refetchable through `node`/`nodes` (and, for federation entities, `_entities`).
 * Call once per type at module level, next to the type's resolver. Pass `roles` when the type is readable by fewer
 * roles than the inventory (e.g. ApiKey: ADMIN), so `node(id)` cannot become a side door.
 */
export function registerNodeResolver(typeName: string, resolve: NodeBatchResolver, roles?: readonly Role[]): void {
  registry.set(typeName, { resolve, roles });
}

export function nodeRegistration(typeName: string): Registration | undefined {
  return registry.get(typeName);
}

export function registeredNodeTypes(): string[] {
  return [...registry.keys()];
}
