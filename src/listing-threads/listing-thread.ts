/**
 * A listing thread: runs connectors' `list()` off the hub's main thread (listing-pool.ts starts it). Vendor listings
 * are CPU-heavy per request (the AWS SDK's middleware, signing and parsing, JSON bodies, normalising), and a sync is
 * as fast as the slower of listing and writing: here the listing gets a core of its own while the main thread
 * hashes and writes. Several listings share a thread; each is lazy (one page per pull from the hub). The connector is
 * built from the source's recipe, guard included, so what the thread sends is already cleaned of the credential.
 */
import { parentPort } from 'node:worker_threads';
import type { ConnectorLogger, NormalisedBatch } from '../../connectors/contract.js';
import { buildConnector, type ConnectorRecipe } from '../sources/source-connector.js';
import { toWireError, type FromThread, type LogLevel, type ToThread, type VendorCall } from './listing-protocol.js';

/** Vendor-call observations are sent in bunches (one message per call would cost more than the metric is worth). */
const CALLS_PER_MESSAGE = 200;

interface Listing {
  pages: AsyncIterator<NormalisedBatch>;
  controller: AbortController;
  calls: VendorCall[];
}

const port = parentPort;
if (!port) throw new Error('listing-thread.ts runs as a worker thread (see listing-pool.ts)');
const listings = new Map<number, Listing>();

function post(message: FromThread): void {
  port!.postMessage(message);
}

function takeCalls(listing: Listing): VendorCall[] {
  return listing.calls.splice(0, listing.calls.length);
}

function threadLogger(id: number): ConnectorLogger {
  const log = (level: LogLevel) => (obj: object, msg?: string) => {
    try {
      post({ id, kind: 'log', level, obj, msg });
    } catch {
      // A log object that cannot be cloned (a function, a socket) still says what happened, as text.
      post({ id, kind: 'log', level, obj: { detail: String(obj) }, msg });
    }
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function start(id: number, recipe: ConnectorRecipe): void {
  const controller = new AbortController();
  const listing: Listing = { pages: undefined as never, controller, calls: [] };
  const connector = buildConnector(recipe, {
    logger: threadLogger(id),
    onVendorCall: (call) => {
      listing.calls.push(call);
      if (listing.calls.length >= CALLS_PER_MESSAGE) post({ id, kind: 'calls', calls: takeCalls(listing) });
    },
  });
  listing.pages = connector.list(controller.signal)[Symbol.asyncIterator]();
  listings.set(id, listing);
}

async function next(id: number): Promise<void> {
  const listing = listings.get(id);
  if (!listing) return; // stopped meanwhile
  try {
    const step = await listing.pages.next();
    if (step.done) {
      listings.delete(id);
      post({ id, kind: 'done', calls: takeCalls(listing) });
    } else {
      post({ id, kind: 'batch', batch: step.value, calls: takeCalls(listing) });
    }
  } catch (error) {
    listings.delete(id);
    post({ id, kind: 'error', error: toWireError(error), calls: takeCalls(listing) });
  }
}

function stop(id: number, reason: string): void {
  const listing = listings.get(id);
  if (!listing) return;
  listings.delete(id);
  listing.controller.abort(new Error(reason));
  // Lets the connector release what it holds (pooled sockets, look-ahead requests); its outcome no longer matters.
  void listing.pages.return?.().catch(() => undefined);
}

// Module evaluation is done, connectors included: the pool may count this thread as started.
post({ id: 0, kind: 'ready' });

port.on('message', (message: ToThread) => {
  if (message.op === 'start') {
    try {
      start(message.id, message.recipe);
    } catch (error) {
      post({ id: message.id, kind: 'error', error: toWireError(error), calls: [] });
    }
  } else if (message.op === 'next') void next(message.id);
  else stop(message.id, message.reason);
});
