import { createPeopleLoaders, type PeopleLoaders } from './access/people-loaders.js';
import { createGovernanceLoaders, type GovernanceLoaders } from './governance/governance-loaders.js';
import { createInventoryLoaders, type InventoryLoaders } from './inventory/inventory-loaders.js';
import type { HubServices } from './services.js';

/**
 * Request-scoped DataLoaders, one flat object composed from each module's part: every relation field batches through
 * these, so resolving N parents costs one statement per relation, not N. Created per request (the cache must never
 * outlive the caller's authorisation).
 */
export type RequestLoaders = InventoryLoaders & GovernanceLoaders & PeopleLoaders;

/** Parts must not share a loader name: a later part would silently replace an earlier one's loader. */
type Disjoint<A, B> = keyof A & keyof B extends never ? B : never;

export function createRequestLoaders(services: HubServices): RequestLoaders {
  const inventory = createInventoryLoaders(services);
  const governance: Disjoint<InventoryLoaders, GovernanceLoaders> = createGovernanceLoaders(services);
  const people: Disjoint<InventoryLoaders & GovernanceLoaders, PeopleLoaders> = createPeopleLoaders(services);
  return { ...inventory, ...governance, ...people };
}
