import { ConnectorError, connectorErrorFromData, connectorErrorToData, type ConnectorDeps, type ConnectorErrorData, type NormalisedBatch } from '../../connectors/contract.js';
import type { ConnectorRecipe } from '../sources/source-connector.js';

/**
 * The messages between the hub and a listing thread (listing-thread.ts). Everything crosses as a structured clone:
 * batches keep their Dates; errors are flattened here, connector errors through the contract's codec so they arrive
 * as the class they left as.
 */

export type ToThread =
  /** Build the recipe's connector and start its listing (plain data only: functions cannot cross threads). */
  | { op: 'start'; id: number; recipe: ConnectorRecipe }
  /** Pull the next batch (the listing stays lazy: the thread asks the vendor only when the hub pulls). */
  | { op: 'next'; id: number }
  /** Stop the listing: abort its requests and forget it. */
  | { op: 'stop'; id: number; reason: string };

export type VendorCall = Parameters<NonNullable<ConnectorDeps['onVendorCall']>>[0];
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type FromThread =
  /** Sent once, when the thread has loaded the connectors (id 0: it belongs to no listing). */
  | { id: 0; kind: 'ready' }
  | { id: number; kind: 'batch'; batch: NormalisedBatch; calls: VendorCall[] }
  | { id: number; kind: 'done'; calls: VendorCall[] }
  | { id: number; kind: 'error'; error: SerialisedError; calls: VendorCall[] }
  | { id: number; kind: 'log'; level: LogLevel; obj: object; msg?: string }
  | { id: number; kind: 'calls'; calls: VendorCall[] };

export interface SerialisedError {
  name: string;
  message: string;
  stack?: string;
  /** Set for connector errors. */
  connector?: ConnectorErrorData;
}

export function serialiseError(error: unknown): SerialisedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return { name: error.name, message: error.message, stack: error.stack, ...(error instanceof ConnectorError ? { connector: connectorErrorToData(error) } : {}) };
}

/** The error as the connector threw it, as far as the hub's decisions go (class, vendor, status, retry hints). */
export function reviveError(flat: SerialisedError): Error {
  const error = flat.connector ? connectorErrorFromData(flat.connector) : Object.assign(new Error(flat.message), { name: flat.name });
  // The thread's stack says where the failure happened; the rebuilt one would only point here.
  if (flat.stack) error.stack = flat.stack;
  return error;
}
