import type { Connector } from '../../connectors/contract.js';
import type { ConnectorHooks, ConnectorRecipe } from '../sources/source-connector.js';
import type { ListingThreadPool } from './listing-pool.js';

/**
 * The connector with its `list()` run in one of the pool's threads, where the connector is built again from its recipe;
 * the connection check, write-backs and presence checks (single, light requests) stay with the given instance. The
 * connector itself when the pool is off, or when the caller injects its own `fetch` (a function cannot cross into a
 * thread).
 */
export function withListingInThreads(pool: ListingThreadPool, connector: Connector, recipe: ConnectorRecipe, hooks: ConnectorHooks): Connector {
  if (pool.size === 0 || hooks.fetch) return connector;
  return {
    vendor: connector.vendor,
    list: (signal) => pool.list(recipe, hooks, signal),
    check: (signal) => connector.check(signal),
    ...(connector.applyLifecycle ? { applyLifecycle: connector.applyLifecycle.bind(connector) } : {}),
    ...(connector.presentModels ? { presentModels: connector.presentModels.bind(connector) } : {}),
  };
}
