import type { Connector, ConnectorDeps, Vendor } from '../../connectors/contract.js';
import { vendorModule } from '../../connectors/registry/index.js';
import { guardConnector, guardLogger, vendorTextGuard } from './guarded-connector.js';

/**
 * What a source's connector is built from, as plain data: checked settings, the secret in memory, and the
 * connector's options. Built again from it anywhere (another thread), it is the same connector, guard included.
 */
export interface ConnectorRecipe {
  vendor: Vendor;
  /** Settings as the vendor's schema parsed them. */
  settings: Record<string, unknown>;
  /** The secret as the vendor's schema parsed it. */
  secret: Record<string, unknown> | null;
  /** The secret as stored (an `env:` reference resolved), scrubbed from vendor text like the parsed one. */
  storedSecret?: unknown;
  options: ConnectorOptions;
}

/** The connector dependencies that are data. */
export type ConnectorOptions = Pick<ConnectorDeps, 'retry' | 'timeoutMs' | 'pageSize' | 'blockPrivateAddresses'>;
/** The connector dependencies that are functions: they stay with the thread that calls them. */
export type ConnectorHooks = Pick<ConnectorDeps, 'fetch' | 'logger' | 'onVendorCall'>;

/** Splits connector dependencies into a recipe's options and the caller's hooks. */
export function splitConnectorDeps(deps: ConnectorDeps): { options: ConnectorOptions; hooks: ConnectorHooks } {
  const { fetch, logger, onVendorCall, ...options } = deps;
  return { options, hooks: { fetch, logger, onVendorCall } };
}

/**
 * The vendor's connector for a recipe. Whatever the vendor writes (errors, check verdicts, record errors, its
 * connector's log lines) is cleaned of the source's credential and capped before anything in the hub keeps it.
 */
export function buildConnector(recipe: ConnectorRecipe, hooks: ConnectorHooks): Connector {
  const module = vendorModule(recipe.vendor);
  const guard = vendorTextGuard(module, recipe.storedSecret, recipe.secret);
  const deps: ConnectorDeps = { ...recipe.options, ...hooks, ...(hooks.logger ? { logger: guardLogger(hooks.logger, guard) } : {}) };
  return guardConnector(module.create(recipe.settings, recipe.secret, deps), guard);
}
