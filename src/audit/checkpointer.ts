import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { CheckpointSigner, SignedCheckpoint } from './checkpoint-signature.js';
import type { CheckpointSink } from './checkpoint-sinks.js';
import { chainHead, insertCheckpoint, latestCheckpoint } from './checkpoints.js';

/** What a domain module needs to anchor the chain after a decision (governance declares no more than this). */
export interface AuditAnchor {
  /** Signs the chain's head now, unless it is already covered. Never throws: a failure is logged. */
  checkpoint(reason: string): Promise<SignedCheckpoint | null>;
}

export interface AuditCheckpointerDeps {
  db: Db;
  signer: CheckpointSigner;
  /** Written in order after the row commits; sinks marked `background` are not waited for. */
  sinks: Array<{ sink: CheckpointSink; background?: boolean }>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** A checkpoint is due once this many events are past the newest one… */
  everyEvents: number;
  /** …or once the newest one is this old and events have arrived since. */
  everyMinutes: number;
  now?: () => Date;
}

/**
 * Writes signed checkpoints of the audit chain: into the database (audit_checkpoints) and out to the sinks. Called
 * after every applied change request and by the maintenance job (every minute) when enough events or time have
 * passed. Processes may race: one row per seq wins, and only the winner publishes it.
 */
export class AuditCheckpointer implements AuditAnchor {
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly deps: AuditCheckpointerDeps) {}

  get publicKeyPem(): string {
    return this.deps.signer.publicKeyPem;
  }

  async checkpoint(reason: string): Promise<SignedCheckpoint | null> {
    try {
      const uncovered = await this.uncoveredHead();
      return uncovered ? await this.write(uncovered.head) : null;
    } catch (error) {
      this.deps.logger.error({ err: error, reason }, 'audit checkpoint failed');
      return null;
    }
  }

  /** A checkpoint when one is due (see everyEvents, everyMinutes); null when none is. */
  async checkpointIfDue(): Promise<SignedCheckpoint | null> {
    try {
      const uncovered = await this.uncoveredHead();
      if (!uncovered) return null;
      const { head, latest } = uncovered;
      const now = (this.deps.now ?? (() => new Date()))();
      const eventsSince = head.seq - (latest?.seq ?? 0);
      const minutesSince = latest ? (now.getTime() - Date.parse(latest.signedAt)) / 60_000 : Infinity;
      if (eventsSince < this.deps.everyEvents && minutesSince < this.deps.everyMinutes) return null;
      return await this.write(head);
    } catch (error) {
      this.deps.logger.error({ err: error, reason: 'periodic' }, 'audit checkpoint failed');
      return null;
    }
  }

  /** Waits for background deliveries (webhook retries) still running: on shutdown, and in tests. */
  async flush(): Promise<void> {
    await Promise.all([...this.background]);
  }

  /** The chain's head when no checkpoint covers it yet, with the newest checkpoint; null when there is nothing new. */
  private async uncoveredHead(): Promise<{ head: { seq: number; hash: string }; latest: SignedCheckpoint | null } | null> {
    const head = await chainHead(this.deps.db);
    if (!head) return null;
    const latest = await latestCheckpoint(this.deps.db);
    return latest && latest.seq >= head.seq ? null : { head, latest };
  }

  private async write(head: { seq: number; hash: string }): Promise<SignedCheckpoint | null> {
    const checkpoint = this.deps.signer.sign(head.seq, head.hash, (this.deps.now ?? (() => new Date()))());
    if (!(await insertCheckpoint(this.deps.db, checkpoint))) return null;
    for (const { sink, background } of this.deps.sinks) {
      const delivery = sink.publish(checkpoint).catch((error: unknown) => this.deps.logger.error({ err: error, sink: sink.name }, 'audit checkpoint sink failed'));
      if (!background) {
        await delivery;
        continue;
      }
      this.background.add(delivery);
      void delivery.finally(() => this.background.delete(delivery));
    }
    return checkpoint;
  }
}
