import { Worker } from 'node:worker_threads';
import type { ConnectorDeps, ConnectorLogger, NormalisedBatch } from '../../connectors/contract.js';
import type { Logger } from '../logger.js';
import type { ConnectorRecipe } from '../sources/source-connector.js';
import { fromWireError, type FromThread, type ToThread, type VendorCall } from './listing-protocol.js';

/** The thread's entry: compiled JavaScript next to this file, or TypeScript through the swc loader in development. */
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './listing-thread.ts' : './listing-thread.js', import.meta.url);
const ENTRY_EXEC_ARGV = import.meta.url.endsWith('.ts') ? ['--import', '@swc-node/register/esm-register'] : [];

/**
 * The thread's young generation. V8's default (two 16 MB semi-spaces) was half of the thread's 70 MB heap on bench/sync;
 * a listing keeps little alive between pages, so small semi-spaces cost only cheap, frequent scavenges.
 */
const THREAD_YOUNG_GENERATION_MB = 16;

type Step = { kind: 'batch'; batch: NormalisedBatch } | { kind: 'done' } | { kind: 'error'; error: Error };

/** One listing as the hub sees it: the answer it waits for, and where the thread's logs and vendor calls go. */
interface ListingChannel {
  waiting: ((step: Step) => void) | null;
  logger?: ConnectorLogger;
  onVendorCall?: ConnectorDeps['onVendorCall'];
}

/** One thread and the listings it runs. */
class ListingThread {
  readonly channels = new Map<number, ListingChannel>();
  /** Settles when the thread has loaded the connectors (or failed before it could). */
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private failure: Error | null = null;
  private markReady!: () => void;
  private failStart!: (error: Error) => void;

  constructor(private readonly logger: Logger) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failStart = reject;
    });
    this.ready.catch(() => {}); // awaited only by ListingThreadPool.start(); a later failure is reported per listing
    this.worker = new Worker(ENTRY, { execArgv: ENTRY_EXEC_ARGV, resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } });
    // Held only while it runs a listing the hub waits on (`hub sync` may have nothing else keeping it alive).
    this.worker.unref();
    this.worker.on('message', (message: FromThread) => this.receive(message));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the listing thread exited (code ${code})`)));
  }

  get broken(): boolean {
    return this.failure !== null;
  }

  open(id: number, channel: ListingChannel): void {
    this.channels.set(id, channel);
    this.worker.ref();
  }

  close(id: number): void {
    this.channels.delete(id);
    if (this.channels.size === 0) this.worker.unref();
  }

  send(message: ToThread): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(message);
  }

  /** Ends one listing with `step` (the hub stopped it, or its pool closed). */
  settle(id: number, step: Step): void {
    const channel = this.channels.get(id);
    const waiting = channel?.waiting;
    if (channel) channel.waiting = null;
    waiting?.(step);
  }

  private receive(message: FromThread): void {
    if (message.kind === 'ready') return this.markReady();
    const channel = this.channels.get(message.id);
    if (!channel) return; // a listing the hub stopped; its last answers are of no use
    if (message.kind === 'log') {
      channel.logger?.[message.level](message.obj, message.msg);
      return;
    }
    deliverCalls(channel, message.calls);
    if (message.kind === 'calls') return;
    this.settle(message.id, message.kind === 'error' ? { kind: 'error', error: fromWireError(message.error) } : message.kind === 'batch' ? { kind: 'batch', batch: message.batch } : { kind: 'done' });
  }

  /** A crashed thread fails every listing it ran (each sync run fails and is retried); the next listing gets a new one. */
  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.failStart(error);
    this.logger.error({ err: error.message }, 'a listing thread failed; the syncs it was running fail and are retried');
    for (const id of [...this.channels.keys()]) this.settle(id, { kind: 'error', error: new Error(`The vendor listing stopped: ${error.message}`) });
    this.channels.clear();
  }
}

function deliverCalls(channel: ListingChannel, calls: VendorCall[]): void {
  if (!channel.onVendorCall) return;
  for (const call of calls) channel.onVendorCall(call);
}

/**
 * Listing threads are a process resource, like the libuv pool: started on first use, shared by every hub in the
 * process, and never stopped (an idle one does not keep the process alive). Starting them per hub would cost a
 * module load each time, and under the swc loader (development, tests) a thread started after another one exited
 * takes the process down with it (Node 20).
 */
const threads: ListingThread[] = [];
let nextListingId = 1;

/** The first `size` threads, started now where missing (a broken thread is replaced). */
function threadsUpTo(size: number, logger: Logger): ListingThread[] {
  for (let i = threads.length - 1; i >= 0; i--) if (threads[i].broken) threads.splice(i, 1);
  while (threads.length < size) threads.push(new ListingThread(logger));
  return threads.slice(0, size);
}

function leastBusyThread(size: number, logger: Logger): ListingThread {
  return threadsUpTo(size, logger).reduce((least, thread) => (thread.channels.size < least.channels.size ? thread : least));
}

/**
 * Runs connectors' listings in threads for the sync engine, so a worker process lists on one core while it hashes
 * and writes on another (and several sources' listings share the extra cores). A listing goes to the least busy of
 * the first `size` threads. With size 0 the pool is off and listings run on the main thread.
 */
export class ListingThreadPool {
  private readonly active = new Map<number, ListingThread>();
  private closed = false;

  constructor(
    readonly size: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts the pool's threads now rather than at the first listing, and resolves once each has loaded the
   * connectors: a job worker calls it before it takes jobs, so its first sync does not wait for a thread to start
   * and load the AWS SDK (about a second on a loaded 2-core machine), and a thread that cannot start fails the
   * worker's start instead of its first sync. Idempotent: started threads are shared by the process.
   */
  async start(): Promise<void> {
    if (this.closed) throw poolClosed();
    await Promise.all(threadsUpTo(this.size, this.logger).map((thread) => thread.ready));
  }

  /** The listing of the recipe's connector as batches, run in a thread; lazy like the connector's own (one pull, one page). */
  async *list(recipe: ConnectorRecipe, hooks: Pick<ConnectorDeps, 'logger' | 'onVendorCall'>, signal: AbortSignal): AsyncGenerator<NormalisedBatch> {
    signal.throwIfAborted();
    if (this.closed) throw poolClosed();
    const thread = leastBusyThread(this.size, this.logger);
    const id = nextListingId++;
    thread.open(id, { waiting: null, logger: hooks.logger, onVendorCall: hooks.onVendorCall });
    this.active.set(id, thread);
    let finished = false;
    try {
      thread.send({ op: 'start', id, recipe });
      for (;;) {
        const step = await this.pull(thread, id, signal);
        if (step.kind === 'done') {
          finished = true;
          return;
        }
        if (step.kind === 'error') {
          finished = true;
          throw step.error;
        }
        yield step.batch;
      }
    } finally {
      this.active.delete(id);
      thread.close(id);
      // Stopped early (the run failed or was aborted, or the consumer stopped pulling): end the thread's requests.
      if (!finished && !thread.broken) thread.send({ op: 'stop', id, reason: signal.aborted ? String((signal.reason as Error)?.message ?? signal.reason) : 'listing stopped by the hub' });
    }
  }

  /** Fails this pool's listings that are still running and refuses new ones (the threads stay for the process). */
  close(): void {
    this.closed = true;
    for (const [id, thread] of this.active) thread.settle(id, { kind: 'error', error: poolClosed() });
  }

  private pull(thread: ListingThread, id: number, signal: AbortSignal): Promise<Step> {
    const channel = thread.channels.get(id);
    if (this.closed) return Promise.resolve({ kind: 'error', error: poolClosed() });
    if (!channel) return Promise.resolve({ kind: 'error', error: new Error('The vendor listing stopped: its listing thread failed') });
    return new Promise<Step>((resolve, reject) => {
      const onAbort = () => {
        channel.waiting = null;
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      channel.waiting = (step) => {
        signal.removeEventListener('abort', onAbort);
        resolve(step);
      };
      try {
        thread.send({ op: 'next', id });
      } catch (error) {
        signal.removeEventListener('abort', onAbort);
        channel.waiting = null;
        reject(error);
      }
    });
  }
}

function poolClosed(): Error {
  return new Error('The vendor listing stopped: the listing threads were closed');
}
