import { inventoryResolvers } from './inventory/index.js';
import { sourceResolvers } from './source/index.js';
import { accessResolvers } from './access/index.js';
import { NodeResolver } from './relay/node.resolver.js';
import { governanceResolvers } from './governance/index.js';
import { operationsResolvers } from './operations/index.js';

/**
 * Every resolver class of the hub's schema. Each module adds one import and one spread line here.
 */
export const resolvers = [
  NodeResolver,
  ...inventoryResolvers,
  ...sourceResolvers,
  ...accessResolvers,
  ...governanceResolvers,
  ...operationsResolvers,
] as const;
