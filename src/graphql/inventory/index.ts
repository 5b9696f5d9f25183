import './inventory-nodes.js';
import { DeploymentResolver } from './deployment.resolver.js';
import { FindingResolver, InventoryChangeResolver, SyncRunResolver } from './activity.resolver.js';
import { InventoryStatsResolver } from './inventory-stats.resolver.js';
import { ModelResolver } from './model.resolver.js';
import { ModelVersionResolver } from './model-version.resolver.js';
import { SourceReadResolver } from './source-read.resolver.js';

/** The inventory read API's resolvers (issue 5). Importing this module also registers the inventory Node types. */
export const inventoryResolvers = [
  ModelResolver,
  ModelVersionResolver,
  DeploymentResolver,
  SourceReadResolver,
  SyncRunResolver,
  InventoryChangeResolver,
  FindingResolver,
  InventoryStatsResolver,
] as const;
