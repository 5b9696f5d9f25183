/**
 * Signed checkpoints against an insider who owns the database: each tampering below leaves the chain's own hashes
 * intact or is invisible to them (verifyAuditChain said valid before checkpoints), and each is now reported with
 * what and where. Tampering runs as the table owner with the append-only triggers disabled, as such an insider would.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, gte, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventHash } from '../../../src/audit/audit-chain.js';
import { AuditRecorder, type AuditEntry } from '../../../src/audit/audit-recorder.js';
import { AuditService } from '../../../src/audit/audit.service.js';
import { CheckpointSigner } from '../../../src/audit/checkpoint-signature.js';
import { FileCheckpointSink, LogCheckpointSink, WebhookCheckpointSink } from '../../../src/audit/checkpoint-sinks.js';
import { AuditCheckpointer } from '../../../src/audit/checkpointer.js';
import { findCheckpointCovering, insertCheckpoint } from '../../../src/audit/checkpoints.js';
import type { Db } from '../../../src/db/client.js';
import { auditEvents } from '../../../src/db/schema/index.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { runHubCommand } from '../../helpers/processes.js';

const newKeyPem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const validator = { id: 'person:val-1', roles: ['VALIDATOR'] };
const ds = { id: 'person:ds-1', roles: ['DATA_SCIENTIST'] };

function recordingLogger() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }> = [];
  const at = (level: string) => (fields: unknown, msg?: string) => void lines.push({ level, fields: typeof fields === 'object' && fields ? (fields as Record<string, unknown>) : {}, msg: msg ?? String(fields) });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

/** Runs statements as the owning insider: the append-only triggers off for the duration. */
async function asInsider(db: Db, change: () => Promise<unknown>): Promise<void> {
  await db.execute(sql`alter table audit_events disable trigger user`);
  await db.execute(sql`alter table audit_checkpoints disable trigger user`);
  try {
    await change();
  } finally {
    await db.execute(sql`alter table audit_events enable trigger user`);
    await db.execute(sql`alter table audit_checkpoints enable trigger user`);
  }
}

describe('signed audit checkpoints', () => {
  let tdb: TestDatabase;
  let db: Db;
  let dir: string;
  let signer: CheckpointSigner;
  let checkpointer: AuditCheckpointer;
  let log: ReturnType<typeof recordingLogger>;
  const recorder = new AuditRecorder();

  beforeEach(async () => {
    tdb = await createPostgresTestDatabase();
    db = tdb.handle.db;
    dir = mkdtempSync(join(tmpdir(), 'hub-checkpoints-'));
    signer = CheckpointSigner.fromPem(newKeyPem());
    log = recordingLogger();
    checkpointer = new AuditCheckpointer({
      db,
      signer,
      sinks: [{ sink: new FileCheckpointSink(dir, log.logger) }, { sink: new LogCheckpointSink(log.logger) }],
      logger: log.logger,
      everyEvents: 5,
      everyMinutes: 15,
    });
  });
  afterEach(async () => {
    await tdb.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const service = () => new AuditService({ db, publicKeys: [signer.publicKeyPem], checkpointDirs: [dir] });
  const record = (entries: AuditEntry[]) => db.transaction((tx) => recorder.record(tx, entries));
  /** A request opened, approved and applied: five events, as governance writes them. */
  const approvalStory = (n: number): AuditEntry[] => [
    { actor: ds, action: 'change_request.opened', entityKind: 'change_request', entityId: `cr-${n}`, after: { toState: 'PRODUCTION', justification: `release ${n}` } },
    { actor: validator, action: 'change_request.approved', entityKind: 'change_request', entityId: `cr-${n}`, after: { approverId: 'person:val-1', comment: 'metrics fine', at: '2026-03-01T12:00:00.000Z' } },
    { actor: validator, action: 'change_request.applied', entityKind: 'change_request', entityId: `cr-${n}`, after: { status: 'APPLIED' } },
    { actor: validator, action: 'model_version.state_changed', entityKind: 'model_version', entityId: `v-${n}`, before: { lifecycleState: 'APPROVED' }, after: { lifecycleState: 'PRODUCTION' } },
    { actor: { id: 'system:writeback', roles: [] }, action: 'write_back.queued', entityKind: 'change_request', entityId: `cr-${n}`, after: { score: 0.93, attempts: 0 } },
  ];

  describe('AuditCheckpointer', () => {
    it('should sign the head into the table, a JSON-lines file and the log, once per head', async () => {
      await record(approvalStory(1));
      const checkpoint = await checkpointer.checkpoint('test');
      const [head] = await db.select().from(auditEvents).orderBy(sql`seq desc`).limit(1);
      expect(checkpoint).toMatchObject({ seq: 5, headHash: head.hash, keyId: signer.keyId });
      expect(await checkpointer.checkpoint('again')).toBeNull();

      expect(await findCheckpointCovering(db, 3)).toEqual(checkpoint);
      expect(await findCheckpointCovering(db, 6)).toBeNull();
      const files = readdirSync(dir);
      expect(files).toEqual([`checkpoints-${checkpoint!.signedAt.slice(0, 10)}.jsonl`]);
      expect(readFileSync(join(dir, files[0]), 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([checkpoint]);
      expect(log.lines.filter((l) => l.msg === 'audit checkpoint').map((l) => l.fields)).toEqual([{ seq: 5, headHash: head.hash, signedAt: checkpoint!.signedAt, keyId: signer.keyId, signature: checkpoint!.signature }]);
    });

    it('should be due after N events or M minutes, not before', async () => {
      let now = new Date('2026-03-01T12:00:00Z');
      const timed = new AuditCheckpointer({ db, signer, sinks: [], logger: log.logger, everyEvents: 5, everyMinutes: 15, now: () => now });
      await record(approvalStory(1).slice(0, 4));
      const first = await timed.checkpointIfDue();
      expect(first?.seq).toBe(4); // no checkpoint yet at all: due at once
      await record(approvalStory(2).slice(0, 4));
      expect(await timed.checkpointIfDue()).toBeNull();
      await record(approvalStory(3).slice(0, 1));
      expect((await timed.checkpointIfDue())?.seq).toBe(9);
      await record(approvalStory(4).slice(0, 1));
      now = new Date('2026-03-01T12:14:00Z');
      expect(await timed.checkpointIfDue()).toBeNull();
      now = new Date('2026-03-01T12:15:00Z');
      expect((await timed.checkpointIfDue())?.seq).toBe(10);
      now = new Date('2026-03-01T13:00:00Z');
      expect(await timed.checkpointIfDue()).toBeNull(); // nothing new to anchor
    });

    it('should deliver to the webhook with retries, and only log when it never answers', async () => {
      const bodies: unknown[] = [];
      let calls = 0;
      const server: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          calls++;
          if (calls === 1) return void res.writeHead(503).end();
          bodies.push(JSON.parse(body));
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      try {
        const hooked = new AuditCheckpointer({
          db,
          signer,
          sinks: [
            { sink: new WebhookCheckpointSink(`http://127.0.0.1:${port}/checkpoints`, log.logger, { retries: 3, minTimeoutMs: 10 }), background: true },
            { sink: new WebhookCheckpointSink('http://127.0.0.1:9/unreachable?token=x', log.logger, { retries: 1, minTimeoutMs: 10 }), background: true },
          ],
          logger: log.logger,
          everyEvents: 5,
          everyMinutes: 15,
        });
        await record(approvalStory(1));
        const checkpoint = await hooked.checkpoint('test');
        await hooked.flush();
        expect(bodies).toEqual([checkpoint]);
        expect(calls).toBe(2);
        const failure = log.lines.find((l) => l.msg.startsWith('audit checkpoint webhook failed'));
        expect(failure?.fields).toMatchObject({ webhook: 'http://127.0.0.1:9', seq: 5 });
        expect(JSON.stringify(failure)).not.toContain('token=x');
      } finally {
        server.close();
      }
    });
  });

  describe('verifyAuditChain against the checkpoints', () => {
    it('should verify an untouched chain and say how far it is anchored', async () => {
      await record(approvalStory(1));
      await checkpointer.checkpoint('test');
      await record(approvalStory(2).slice(0, 2));
      const report = await service().verify();
      expect(report).toMatchObject({ valid: true, firstBrokenSeq: null, checked: 7, headSeq: 7, lastVerifiedSeq: 7, lastAnchoredSeq: 5, checkpointsChecked: 1, signaturesChecked: true, problems: [] });
    });

    it('should report the newest events deleted after a checkpoint covered them as TRUNCATED with the missing range', async () => {
      await record(approvalStory(1));
      await checkpointer.checkpoint('test');
      await record(approvalStory(2));
      await checkpointer.checkpoint('test');
      expect(await recorder.verify(db)).toMatchObject({ valid: true });

      await asInsider(db, () => db.execute(sql`delete from audit_events where seq > 7`));
      expect(await recorder.verify(db)).toMatchObject({ valid: true }); // the chain alone cannot tell
      const report = await service().verify();
      expect(report).toMatchObject({ valid: false, firstBrokenSeq: 8, headSeq: 7, lastVerifiedSeq: 7, lastAnchoredSeq: 5 });
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'TRUNCATED', sequence: 8, fromSequence: 8, toSequence: 10 })]);
      expect(report.problems[0].message).toMatch(/events 8–10 are missing/);
    });

    it('should still report the truncation when the insider also deletes the checkpoint rows (the file copy remains)', async () => {
      await record(approvalStory(1));
      await checkpointer.checkpoint('test');
      await record(approvalStory(2));
      await checkpointer.checkpoint('test');
      await asInsider(db, async () => {
        await db.execute(sql`delete from audit_events where seq > 5`);
        await db.execute(sql`delete from audit_checkpoints where seq > 5`);
      });
      const report = await service().verify();
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'TRUNCATED', fromSequence: 6, toSequence: 10 })]);
      // Without the copy outside the database, the deletion would be undetectable: that is why the sinks exist.
      expect((await new AuditService({ db, publicKeys: [signer.publicKeyPem] }).verify()).valid).toBe(true);
    });

    it('should report an approver rewritten with every later hash recomputed as REHASHED, from the last good checkpoint', async () => {
      await record(approvalStory(1));
      await checkpointer.checkpoint('test');
      await record(approvalStory(2));
      await checkpointer.checkpoint('test');
      await record(approvalStory(3));
      await checkpointer.checkpoint('test');

      // Event 7 is request cr-2's approval: make someone else the approver, then re-hash the chain from there.
      await asInsider(db, async () => {
        const rows = await db.select().from(auditEvents).where(gte(auditEvents.seq, 7)).orderBy(asc(auditEvents.seq));
        expect(rows[0].action).toBe('change_request.approved');
        let prevHash = (await db.select().from(auditEvents).where(sql`seq = 6`))[0].hash;
        for (const row of rows) {
          const after = row.seq === 7 ? { ...row.after, approverId: 'person:mallory' } : row.after;
          const hash = eventHash(prevHash, { ...row, after });
          await db.update(auditEvents).set({ after, prevHash, hash }).where(sql`seq = ${row.seq}`);
          prevHash = hash;
        }
      });
      expect(await recorder.verify(db)).toMatchObject({ valid: true }); // self-consistent: the chain alone is fooled
      const report = await service().verify();
      expect(report).toMatchObject({ valid: false, firstBrokenSeq: 6, lastAnchoredSeq: 5, lastVerifiedSeq: 5 });
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'REHASHED', sequence: 6, fromSequence: 6, toSequence: 15 })]);
    });

    it('should report one edited row as EDITED at its sequence and keep checking after it', async () => {
      await record([...approvalStory(1), ...approvalStory(2)]);
      await checkpointer.checkpoint('test');
      await asInsider(db, () => db.execute(sql`update audit_events set after = '{"approverId":"person:mallory"}'::jsonb where seq = 7`));
      const report = await service().verify();
      expect(report).toMatchObject({ valid: false, firstBrokenSeq: 7, checked: 6, lastVerifiedSeq: 6, lastAnchoredSeq: 10, eventsRead: 10 });
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'EDITED', sequence: 7 })]);
      expect(report.problems[0].message).toMatch(/event 7 \(change_request\.approved on change_request cr-2\) does not match its stored hash/);
    });

    it('should report events deleted inside the chain as MISSING with the range', async () => {
      await record([...approvalStory(1), ...approvalStory(2)]);
      await asInsider(db, () => db.execute(sql`delete from audit_events where seq between 3 and 4`));
      const report = await service().verify();
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'MISSING', sequence: 3, fromSequence: 3, toSequence: 4 })]);
    });

    it('should report a forged checkpoint, and one signed with another key, as BAD_SIGNATURE', async () => {
      await record(approvalStory(1));
      const genuine = (await checkpointer.checkpoint('test'))!;
      await record(approvalStory(2));
      const [head] = await db.select().from(auditEvents).orderBy(sql`seq desc`).limit(1);
      // A checkpoint row needs no disabled trigger to insert: the database cannot tell a forgery, the key can.
      await insertCheckpoint(db, { ...genuine, seq: 10, headHash: head.hash });
      await insertCheckpoint(db, CheckpointSigner.fromPem(newKeyPem()).sign(9, 'f'.repeat(64)));
      const report = await service().verify();
      expect(report.valid).toBe(false);
      expect(report.firstBrokenSeq).toBeNull();
      expect(report.problems.map((p) => [p.kind, p.sequence])).toEqual([
        ['BAD_SIGNATURE', 9],
        ['BAD_SIGNATURE', 10],
      ]);
      expect(report.problems[0].message).toMatch(/not a trusted key/);
      expect(report.problems[1].message).toMatch(/forged or altered/);
      expect(report.checkpointsChecked).toBe(1);
    });

    it('should report a line of a checkpoint file that is not a checkpoint', async () => {
      await record(approvalStory(1));
      await checkpointer.checkpoint('test');
      writeFileSync(join(dir, 'checkpoints-2020-01-01.jsonl'), '{"seq":"x"}\n');
      const report = await service().verify();
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'UNREADABLE_CHECKPOINT', message: expect.stringMatching(/checkpoints-2020-01-01\.jsonl:1 .*seq/) })]);
    });

    it('should stream in small batches with the same result', async () => {
      await record([...approvalStory(1), ...approvalStory(2), ...approvalStory(3)]);
      await checkpointer.checkpoint('test');
      await asInsider(db, () => db.execute(sql`delete from audit_events where seq > 12`));
      const { verifyAuditChain, gatherCheckpoints } = await import('../../../src/audit/chain-verification.js');
      const { checkpoints } = await gatherCheckpoints(db, [dir]);
      const small = await verifyAuditChain(db, { checkpoints, publicKeys: [signer.publicKeyPem], batchSize: 2 });
      expect(small).toEqual(await service().verify());
      expect(small.problems).toEqual([expect.objectContaining({ kind: 'TRUNCATED', fromSequence: 13, toSequence: 15 })]);
    });
  });

  describe('hub audit verify', () => {
    it('should check a database it is pointed at against a checkpoint directory and a public key', async () => {
      await record([...approvalStory(1), ...approvalStory(2)]);
      await checkpointer.checkpoint('test');
      const keyFile = join(dir, '..', `${dir.split('/').pop()}-audit.pub.pem`);
      writeFileSync(keyFile, signer.publicKeyPem);
      const env = { DATABASE_URL: tdb.url!, HUB_DATA_DIR: dir };
      try {
        const ok = await runHubCommand(['audit', 'verify', '--checkpoints', dir, '--public-key', keyFile], env);
        expect(ok.stdout).toMatch(/OK: the chain verifies through event 10, anchored by a signed checkpoint through event 10/);
        expect(ok.code).toBe(0);

        // The insider deletes the newest events and the checkpoint rows: the directory still knows.
        await asInsider(db, async () => {
          await db.execute(sql`delete from audit_events where seq > 8`);
          await db.execute(sql`delete from audit_checkpoints`);
        });
        const broken = await runHubCommand(['audit', 'verify', '--checkpoints', dir, '--public-key', keyFile], env);
        expect(broken.stdout).toMatch(/BROKEN at event 9:\n\s+TRUNCATED\s+events 9–10 are missing/);
        expect(broken.code).toBe(1);

        const json = await runHubCommand(['audit', 'verify', '--checkpoints', dir, '--public-key', keyFile, '--json'], env);
        expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, problems: [{ kind: 'TRUNCATED', fromSequence: 9, toSequence: 10 }] });

        const usage = await runHubCommand(['audit', 'verify', '--checkpoints', join(dir, 'nope')], env);
        expect(usage).toMatchObject({ code: 2 });
        expect(usage.stdout).toMatch(/no such directory/);
      } finally {
        rmSync(keyFile, { force: true });
      }
    }, 120_000);
  });
});
