import {
  AuthenticationError,
  ConnectorError,
  MalformedResponseError,
  RateLimitError,
  VendorNotFoundError,
  type ConnectorDeps,
  type NormalisedBatch,
  type Vendor,
} from '../../connectors/contract.js';

/**
 * The messages between the hub and a listing thread (listing-thread.ts). Everything crosses as a structured clone:
 * batches keep their Dates, errors are flattened here and rebuilt with their connector class, because the job layer
 * decides on retries by class (authentication failures are never retried, throttling slows the vendor's queue).
 */

/** What the thread needs to build the connector itself: plain data only (functions cannot cross threads). */
export interface ListingSpec {
  vendor: Vendor;
  settings: Record<string, unknown>;
  secret: Record<string, unknown> | null;
  deps: Pick<ConnectorDeps, 'retry' | 'timeoutMs' | 'pageSize' | 'blockPrivateAddresses'>;
}

export type ToThread =
  | { op: 'start'; id: number; spec: ListingSpec }
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
  /** Set for connector errors: their class and fields. */
  connector?: { className: string; vendor: Vendor; status: number | null; retryable: boolean; retryAfterMs: number | null };
}

export function serialiseError(error: unknown): SerialisedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const flat: SerialisedError = { name: error.name, message: error.message, stack: error.stack };
  if (error instanceof ConnectorError) {
    flat.connector = {
      className: error.constructor.name,
      vendor: error.vendor,
      status: error.status,
      retryable: error.retryable,
      retryAfterMs: error instanceof RateLimitError ? error.retryAfterMs : null,
    };
  }
  return flat;
}

/** The error as the connector threw it, as far as the hub's decisions go (class, vendor, status, retry hints). */
export function reviveError(flat: SerialisedError): Error {
  const c = flat.connector;
  let error: Error;
  if (!c) {
    error = new Error(flat.message);
    error.name = flat.name;
  } else if (c.className === AuthenticationError.name) error = new AuthenticationError(flat.message, c.vendor, c.status);
  else if (c.className === RateLimitError.name) error = new RateLimitError(flat.message, c.vendor, c.status, c.retryAfterMs);
  else if (c.className === MalformedResponseError.name) error = new MalformedResponseError(flat.message, c.vendor, c.status);
  else if (c.className === VendorNotFoundError.name) error = new VendorNotFoundError(flat.message, c.vendor);
  else error = new ConnectorError(flat.message, c.vendor, c.status, c.retryable);
  // The thread's stack says where the failure happened; the rebuilt one would only point here.
  if (flat.stack) error.stack = flat.stack;
  return error;
}
