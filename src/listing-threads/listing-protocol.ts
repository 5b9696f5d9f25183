import { ConnectorError, connectorErrorFromData, connectorErrorToData, type ConnectorDeps, type ConnectorErrorData, type NormalisedBatch } from '../../connectors/contract.js';
import type { ConnectorRecipe } from '../sources/source-connector.js';

/**
 * The messages between the hub and a listing thread (listing-thread.ts). Everything crosses as a structured clone:
 * batches keep their Dates; errors cross as {@link WireError}, typed data the hub's decisions can be made on.
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
  | { id: number; kind: 'error'; error: WireError; calls: VendorCall[] }
  | { id: number; kind: 'log'; level: LogLevel; obj: object; msg?: string }
  | { id: number; kind: 'calls'; calls: VendorCall[] };

/**
 * An error as it crosses the thread boundary. What the hub decides on survives: a connector error's kind, vendor,
 * status and retry hints, and the cause chain with its codes (ECONNREFUSED, EPRIVATEADDRESS, …).
 */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** The error's `code`, when it had a string one. */
  code?: string;
  /** Set for connector errors. */
  connector?: ConnectorErrorData;
  cause?: WireError;
}

/** Causes followed at most; the vendor-text guard keeps fewer. */
const MAX_CAUSES = 8;

export function toWireError(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(typeof code === 'string' ? { code } : {}),
    ...(error instanceof ConnectorError ? { connector: connectorErrorToData(error) } : {}),
    ...(error.cause !== undefined && depth < MAX_CAUSES ? { cause: toWireError(error.cause, depth + 1) } : {}),
  };
}

/** The error as the connector threw it, as far as the hub's decisions go: a connector error as the class of its kind. */
export function fromWireError(wire: WireError): Error {
  const cause = wire.cause ? { cause: fromWireError(wire.cause) } : undefined;
  const error = wire.connector ? connectorErrorFromData(wire.connector, cause) : Object.assign(new Error(wire.message, cause), { name: wire.name });
  if (wire.code !== undefined) Object.assign(error, { code: wire.code });
  // The thread's stack says where the failure happened; the rebuilt one would only point here.
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}
