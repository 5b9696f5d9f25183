import { asc, desc, gte } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { auditCheckpoints, auditEvents, type AuditCheckpointRow } from '../db/schema/index.js';
import type { SignedCheckpoint } from './checkpoint-signature.js';

export { verifyCheckpointSignature, type SignedCheckpoint } from './checkpoint-signature.js';

/** The checkpoints table: signed "event seq had hash H" statements, one per seq, never rewritten. */

export function toSignedCheckpoint(row: AuditCheckpointRow): SignedCheckpoint {
  return { seq: row.seq, headHash: row.headHash, signedAt: row.signedAt.toISOString(), keyId: row.keyId, signature: row.signature };
}

/** The earliest checkpoint that covers event `seq` (its seq ≥ the given one): the proof that event is anchored. */
export async function findCheckpointCovering(db: Executor, seq: number): Promise<SignedCheckpoint | null> {
  const [row] = await db.select().from(auditCheckpoints).where(gte(auditCheckpoints.seq, seq)).orderBy(asc(auditCheckpoints.seq)).limit(1);
  return row ? toSignedCheckpoint(row) : null;
}

/** The newest checkpoint, if any. */
export async function latestCheckpoint(db: Executor): Promise<SignedCheckpoint | null> {
  const [row] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.seq)).limit(1);
  return row ? toSignedCheckpoint(row) : null;
}

/** Every checkpoint in the table, oldest first (one row per checkpoint; a few thousand a year at the defaults). */
export async function listCheckpoints(db: Executor): Promise<SignedCheckpoint[]> {
  const rows = await db.select().from(auditCheckpoints).orderBy(asc(auditCheckpoints.seq));
  return rows.map(toSignedCheckpoint);
}

/** Stores a checkpoint; a second one for the same seq (another process was first) is ignored. */
export async function insertCheckpoint(db: Executor, checkpoint: SignedCheckpoint): Promise<boolean> {
  const inserted = await db
    .insert(auditCheckpoints)
    .values({ ...checkpoint, signedAt: new Date(checkpoint.signedAt) })
    .onConflictDoNothing({ target: auditCheckpoints.seq })
    .returning({ seq: auditCheckpoints.seq });
  return inserted.length > 0;
}

/** The newest audit event (the head a new checkpoint would cover), if any. */
export async function chainHead(db: Executor): Promise<{ seq: number; hash: string } | null> {
  const [row] = await db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
  return row ?? null;
}
