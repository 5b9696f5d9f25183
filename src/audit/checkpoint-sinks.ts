import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pRetry from 'p-retry';
import type { Logger } from '../logger.js';
import type { SignedCheckpoint } from './checkpoint-signature.js';

/**
 * Copies of every signed checkpoint outside the database: whoever can rewrite the database cannot reach these, so a
 * truncated or re-hashed chain is caught against them. Ship the file sink's directory to WORM storage (README).
 */
export interface CheckpointSink {
  readonly name: string;
  /** Resolves once the copy is written (or has failed for good and been logged); never rejects. */
  publish(checkpoint: SignedCheckpoint): Promise<void>;
}

/** File names of the file sink: one JSON-lines file per UTC day, so a finished day can be shipped and locked. */
const FILE_PATTERN = /^checkpoints-\d{4}-\d{2}-\d{2}\.jsonl$/;

/**
 * Appends each checkpoint as one JSON line to `<dir>/checkpoints-YYYY-MM-DD.jsonl`. Append-only by construction
 * (O_APPEND, never rewritten), so log shippers (fluent-bit tail, `aws s3 cp`) can follow it.
 */
export class FileCheckpointSink implements CheckpointSink {
  readonly name = 'file';
  private ready: Promise<unknown> | null = null;

  constructor(
    private readonly dir: string,
    private readonly logger: Pick<Logger, 'error'>,
  ) {}

  async publish(checkpoint: SignedCheckpoint): Promise<void> {
    const file = join(this.dir, `checkpoints-${checkpoint.signedAt.slice(0, 10)}.jsonl`);
    try {
      this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o750 });
      await this.ready;
      await appendFile(file, `${checkpointLine(checkpoint)}\n`, { flag: 'a', mode: 0o640 });
    } catch (error) {
      this.ready = null;
      this.logger.error({ err: error, file, seq: checkpoint.seq }, 'audit checkpoint could not be written to the checkpoint file');
    }
  }
}

/** The info line `audit checkpoint`: with JSON logs shipped off the host, the log is another copy. */
export class LogCheckpointSink implements CheckpointSink {
  readonly name = 'log';

  constructor(private readonly logger: Pick<Logger, 'info'>) {}

  async publish(checkpoint: SignedCheckpoint): Promise<void> {
    const { seq, headHash, signedAt, keyId, signature } = checkpoint;
    this.logger.info({ seq, headHash, signedAt, keyId, signature }, 'audit checkpoint');
  }
}

/** POSTs each checkpoint as JSON to a webhook (a WORM store's ingest, a SIEM), retried with backoff. */
export class WebhookCheckpointSink implements CheckpointSink {
  readonly name = 'webhook';

  constructor(
    private readonly url: string,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly options: { retries?: number; minTimeoutMs?: number; timeoutMs?: number } = {},
  ) {}

  async publish(checkpoint: SignedCheckpoint): Promise<void> {
    const body = checkpointLine(checkpoint);
    try {
      await pRetry(
        async () => {
          const response = await fetch(this.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
          });
          await response.body?.cancel();
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
        },
        { retries: this.options.retries ?? 5, minTimeout: this.options.minTimeoutMs ?? 1_000, factor: 2 },
      );
    } catch (error) {
      // The URL is configuration, not a secret, but it may carry a token in its query: log the origin only.
      this.logger.warn({ err: error instanceof Error ? error.message : String(error), webhook: new URL(this.url).origin, seq: checkpoint.seq }, 'audit checkpoint webhook failed; the checkpoint is in the database and the file sink');
    }
  }
}

/** One checkpoint as its line in the file sink and the webhook's body. */
export function checkpointLine(checkpoint: SignedCheckpoint): string {
  const { seq, headHash, signedAt, keyId, signature } = checkpoint;
  return JSON.stringify({ seq, headHash, signedAt, keyId, signature });
}

/** A line of a checkpoint file that is not a checkpoint: reported by verification, not skipped silently. */
export interface UnreadableCheckpoint {
  file: string;
  line: number;
  reason: string;
}

/**
 * Every checkpoint in a directory of checkpoint files (the file sink's, or a copy fetched back from WORM storage),
 * with the lines that are not checkpoints. Files are read whole: a checkpoint line is ~250 bytes, a year of them at
 * the defaults a few MB.
 */
export async function readCheckpointDir(dir: string): Promise<{ checkpoints: SignedCheckpoint[]; unreadable: UnreadableCheckpoint[] }> {
  const names = (await readdir(dir)).filter((name) => FILE_PATTERN.test(name) || name.endsWith('.jsonl')).sort();
  const checkpoints: SignedCheckpoint[] = [];
  const unreadable: UnreadableCheckpoint[] = [];
  for (const name of names) {
    const lines = (await readFile(join(dir, name), 'utf8')).split('\n');
    lines.forEach((text, index) => {
      if (text.trim() === '') return;
      const parsed = parseCheckpoint(text);
      if (typeof parsed === 'string') unreadable.push({ file: name, line: index + 1, reason: parsed });
      else checkpoints.push(parsed);
    });
  }
  return { checkpoints, unreadable };
}

function parseCheckpoint(text: string): SignedCheckpoint | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const c = value as Partial<SignedCheckpoint> | null;
  if (!c || typeof c !== 'object') return 'not an object';
  if (!Number.isSafeInteger(c.seq) || (c.seq as number) < 1) return 'seq is not a positive integer';
  if (typeof c.headHash !== 'string' || !/^[0-9a-f]{64}$/.test(c.headHash)) return 'headHash is not 64 hex characters';
  if (typeof c.signedAt !== 'string' || Number.isNaN(Date.parse(c.signedAt))) return 'signedAt is not a time';
  if (typeof c.keyId !== 'string' || typeof c.signature !== 'string') return 'keyId or signature missing';
  return { seq: c.seq as number, headHash: c.headHash, signedAt: c.signedAt, keyId: c.keyId, signature: c.signature };
}
