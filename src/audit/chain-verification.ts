import { existsSync } from 'node:fs';
import { asc, gt } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { auditEvents } from '../db/schema/index.js';
import { GENESIS_HASH, eventHash } from './audit-chain.js';
import { publicKeyId, verifyCheckpointSignature, type SignedCheckpoint } from './checkpoint-signature.js';
import { readCheckpointDir, type UnreadableCheckpoint } from './checkpoint-sinks.js';
import type { AuditChainProblem, AuditChainProblemKind, AuditChainReport } from './chain-problems.js';
import { listCheckpoints } from './checkpoints.js';

export * from './chain-problems.js';

/**
 * Verifies the audit chain against itself and against signed checkpoints. The chain alone catches an edited row; the
 * checkpoints (signed with a key the database never holds, copied outside it) catch what an insider with the
 * database can do to a chain: delete its newest events, or rewrite events and recompute every hash after them.
 */

export interface VerifyAuditChainOptions {
  /** Checkpoints from the database and from outside it (files, WORM copies); duplicates are fine. */
  checkpoints: SignedCheckpoint[];
  /** Trusted Ed25519 public keys (PEM); a checkpoint is trusted when one of them verifies it. */
  publicKeys: string[];
  unreadable?: UnreadableCheckpoint[];
  /** Events per keyset query: memory stays bounded by one batch, whatever the length of the chain. */
  batchSize?: number;
  maxProblems?: number;
}

/** Checkpoints from the database table and from checkpoint directories (missing directories are skipped). */
export async function gatherCheckpoints(db: Executor, dirs: readonly string[]): Promise<{ checkpoints: SignedCheckpoint[]; unreadable: UnreadableCheckpoint[] }> {
  const checkpoints = await listCheckpoints(db);
  const unreadable: UnreadableCheckpoint[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    const fromDir = await readCheckpointDir(dir);
    checkpoints.push(...fromDir.checkpoints);
    unreadable.push(...fromDir.unreadable.map((u) => ({ ...u, file: `${dir}/${u.file}` })));
  }
  return { checkpoints, unreadable };
}

export async function verifyAuditChain(db: Executor, options: VerifyAuditChainOptions): Promise<AuditChainReport> {
  const batchSize = options.batchSize ?? 5_000;
  const problems = new ProblemList(options.maxProblems ?? 100);
  for (const u of options.unreadable ?? []) {
    problems.add({ kind: 'UNREADABLE_CHECKPOINT', sequence: null, fromSequence: null, toSequence: null, message: `${u.file}:${u.line} is not a checkpoint (${u.reason})` });
  }
  const anchors = trustedCheckpoints(options.checkpoints, options.publicKeys, problems);

  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let eventsRead = 0;
  let lastVerifiedSeq: number | null = null;
  let lastAnchoredSeq: number | null = null;
  let next = 0;
  /** The open REHASHED problem: consecutive mismatching checkpoints extend it rather than add one each. */
  let rehashed: AuditChainProblem | null = null;
  const batchAfter = (seq: number) => db.select().from(auditEvents).where(gt(auditEvents.seq, seq)).orderBy(asc(auditEvents.seq)).limit(batchSize);
  // The next batch is read while this one is hashed: at most two batches in memory, the database and the CPU both busy.
  let pending = batchAfter(0);

  for (;;) {
    const rows = await pending;
    if (rows.length === 0) break;
    pending = batchAfter(rows[rows.length - 1].seq);
    for (const row of rows) {
      eventsRead++;
      if (row.seq > expectedSeq) {
        const lost = anchors.filter((c) => c.seq >= expectedSeq && c.seq < row.seq).length;
        problems.add({
          kind: 'MISSING',
          sequence: expectedSeq,
          fromSequence: expectedSeq,
          toSequence: row.seq - 1,
          message: `events ${range(expectedSeq, row.seq - 1)} are missing from the chain${lost ? ` (${lost} signed checkpoint(s) name them)` : ''}`,
        });
      } else if (row.prevHash !== prevHash) {
        problems.add(at('EDITED', row.seq, `event ${row.seq} does not link to event ${row.seq - 1}: its previous hash is not that event's hash`));
      }
      if (eventHash(row.prevHash, row) !== row.hash) {
        problems.add(at('EDITED', row.seq, `event ${row.seq} (${row.action} on ${row.entityKind} ${row.entityId}) does not match its stored hash: it was edited`));
      }
      // Checkpoints in a gap were counted in the MISSING problem; skip them.
      while (next < anchors.length && anchors[next].seq < row.seq) next++;
      for (; next < anchors.length && anchors[next].seq === row.seq; next++) {
        const checkpoint = anchors[next];
        if (checkpoint.headHash === row.hash) {
          lastAnchoredSeq = row.seq;
          rehashed = null;
          continue;
        }
        if (rehashed) {
          rehashed.toSequence = row.seq;
          rehashed.message = rehashedMessage(rehashed.fromSequence!, row.seq, checkpoint);
          continue;
        }
        const from = (lastAnchoredSeq ?? 0) + 1;
        rehashed = { kind: 'REHASHED', sequence: from, fromSequence: from, toSequence: row.seq, message: rehashedMessage(from, row.seq, checkpoint) };
        problems.add(rehashed);
      }
      if (problems.firstBrokenSeq === null) lastVerifiedSeq = row.seq;
      prevHash = row.hash;
      expectedSeq = row.seq + 1;
    }
  }

  const headSeq = eventsRead > 0 ? expectedSeq - 1 : null;
  const beyond = anchors.slice(next).filter((c) => c.seq >= expectedSeq);
  if (beyond.length > 0) {
    const newest = beyond[beyond.length - 1];
    problems.add({
      kind: 'TRUNCATED',
      sequence: expectedSeq,
      fromSequence: expectedSeq,
      toSequence: newest.seq,
      message: `events ${range(expectedSeq, newest.seq)} are missing: a checkpoint signed at ${newest.signedAt} covers the chain up to ${newest.seq}, but it ends at ${headSeq ?? 'nothing'}`,
    });
  }
  const firstBrokenSeq = problems.firstBrokenSeq;
  if (firstBrokenSeq !== null && lastVerifiedSeq !== null && lastVerifiedSeq >= firstBrokenSeq) lastVerifiedSeq = firstBrokenSeq > 1 ? firstBrokenSeq - 1 : null;
  return {
    valid: problems.count === 0,
    firstBrokenSeq,
    checked: firstBrokenSeq === null ? eventsRead : Math.min(eventsRead, lastVerifiedSeq ?? 0),
    eventsRead,
    headSeq,
    lastVerifiedSeq,
    lastAnchoredSeq,
    checkpointsChecked: anchors.length,
    signaturesChecked: options.publicKeys.length > 0,
    problems: problems.list,
    problemsOmitted: problems.count - problems.list.length,
  };
}

/** The checkpoints a trusted key signed, once each, by seq; a bad signature is a problem of its own. */
function trustedCheckpoints(all: readonly SignedCheckpoint[], publicKeys: readonly string[], problems: ProblemList): SignedCheckpoint[] {
  if (publicKeys.length === 0) return [];
  const keys = new Map(publicKeys.map((pem) => [publicKeyId(pem), pem]));
  const seen = new Set<string>();
  const trusted: SignedCheckpoint[] = [];
  for (const checkpoint of all) {
    const id = `${checkpoint.seq}:${checkpoint.headHash}:${checkpoint.signature}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const key = keys.get(checkpoint.keyId);
    if (key && verifyCheckpointSignature(checkpoint, key)) {
      trusted.push(checkpoint);
      continue;
    }
    problems.add({
      kind: 'BAD_SIGNATURE',
      sequence: checkpoint.seq,
      fromSequence: null,
      toSequence: null,
      message: key
        ? `the checkpoint for event ${checkpoint.seq} (signed at ${checkpoint.signedAt}) does not verify with key ${checkpoint.keyId.slice(0, 16)}…: forged or altered`
        : `the checkpoint for event ${checkpoint.seq} names key ${checkpoint.keyId.slice(0, 16)}…, which is not a trusted key`,
    });
  }
  return trusted.sort((a, b) => a.seq - b.seq);
}

/** Problems in the order found, capped; keeps the first broken sequence over all of them. */
class ProblemList {
  readonly list: AuditChainProblem[] = [];
  count = 0;
  firstBrokenSeq: number | null = null;

  constructor(private readonly max: number) {}

  add(problem: AuditChainProblem): void {
    this.count++;
    if (this.list.length < this.max) this.list.push(problem);
    const breaks = problem.kind !== 'BAD_SIGNATURE' && problem.kind !== 'UNREADABLE_CHECKPOINT';
    if (breaks && problem.sequence !== null && (this.firstBrokenSeq === null || problem.sequence < this.firstBrokenSeq)) this.firstBrokenSeq = problem.sequence;
  }
}

function at(kind: AuditChainProblemKind, seq: number, message: string): AuditChainProblem {
  return { kind, sequence: seq, fromSequence: null, toSequence: null, message };
}

function range(from: number, to: number): string {
  return from === to ? `${from}` : `${from}–${to}`;
}

function rehashedMessage(from: number, to: number, checkpoint: SignedCheckpoint): string {
  return `the chain's hash at event ${to} differs from the one signed at ${checkpoint.signedAt}, though every hash is self-consistent: events ${range(from, to)} were rewritten and re-hashed (the change is at or after ${from})`;
}
