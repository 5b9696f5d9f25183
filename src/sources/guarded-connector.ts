import type { Connector, ConnectorLogger, NormalisedBatch } from '../../connectors/contract.js';
import type { VendorModule } from '../../connectors/registry/index.js';
import { VendorTextGuard, createSecretScrubber } from './vendor-text.js';

/** The guard for one source's vendor text: its secret as stored and as validated, the vendor's headers and patterns. */
export function vendorTextGuard(module: VendorModule, stored: unknown, secret: Record<string, unknown> | null): VendorTextGuard {
  return new VendorTextGuard(
    createSecretScrubber({ secrets: [stored, secret], headerValues: Object.values(module.credentialHeaders(secret)), patterns: module.credentialPatterns }),
  );
}

/**
 * A connector whose every text passes the guard on its way into the hub: thrown errors (listing, check, write-back,
 * presence checks), check verdicts, write-back outcomes and record-error reasons. A listing thread builds the same
 * guarded connector (source-connector.ts), so what it sends across is already clean.
 */
export function guardConnector(connector: Connector, guard: VendorTextGuard): Connector {
  const guarded = <T>(call: Promise<T>): Promise<T> => call.catch((error: unknown) => Promise.reject(guard.error(error)));
  const applyLifecycle = connector.applyLifecycle?.bind(connector);
  const presentModels = connector.presentModels?.bind(connector);
  return {
    vendor: connector.vendor,
    list: (signal) => guardedListing(connector.list(signal), guard),
    check: async (signal) => {
      const check = await guarded(connector.check(signal));
      const details = check.details && Object.fromEntries(Object.entries(check.details).map(([key, value]) => [key, guard.text(value)]));
      return { ok: check.ok, message: guard.text(check.message), ...(details ? { details } : {}) };
    },
    ...(applyLifecycle
      ? {
          applyLifecycle: async (change, signal) => {
            const outcome = await guarded(applyLifecycle(change, signal));
            return { status: outcome.status, message: guard.text(outcome.message) };
          },
        }
      : {}),
    ...(presentModels ? { presentModels: (externalIds, signal) => guarded(presentModels(externalIds, signal)) } : {}),
  };
}

async function* guardedListing(batches: AsyncIterable<NormalisedBatch>, guard: VendorTextGuard): AsyncGenerator<NormalisedBatch> {
  try {
    for await (const batch of batches) {
      yield batch.errors.length === 0 ? batch : { ...batch, errors: batch.errors.map((error) => ({ ...error, externalId: guard.text(error.externalId), reason: guard.text(error.reason) })) };
    }
  } catch (error) {
    throw guard.error(error);
  }
}

/** The connector's logger: every string and error in a line is cleaned before the hub's logger sees it. */
export function guardLogger(logger: ConnectorLogger, guard: VendorTextGuard): ConnectorLogger {
  const line = (level: keyof ConnectorLogger) => (obj: object, msg?: string) => {
    if (msg === undefined) logger[level](guard.value(obj) as object);
    else logger[level](guard.value(obj) as object, guard.text(msg));
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
