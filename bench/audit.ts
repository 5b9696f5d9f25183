/**
 * Audit chain benchmark (issue 17). Generates a hash-chained audit log of AUDIT_BENCH_EVENTS events (default
 * 1 000 000) inside PostgreSQL (one PL/pgSQL loop: sha256 of the previous hash and the event's RFC 8785 form, so
 * nothing crosses the wire), signs a checkpoint every 1 000 events as the hub's default cadence would, then runs
 * verifyAuditChain over all of it: every hash recomputed in Node, streamed in keyset batches, every checkpoint
 * compared. Prints events/s and the verifying process's peak RSS, which must stay under 200 MB however long the chain.
 * Verification runs in a child process compiled by tsc (tsconfig.bench.json), as the hub runs in production: the swc
 * loader the TypeScript benches use costs ~135 MB of native memory by itself.
 *
 *   node --import @swc-node/register/esm-register bench/audit.ts
 *
 * DATABASE_URL: use that (migrated, empty audit log) database instead of creating and dropping `hub_bench_<random>`.
 * AUDIT_BENCH_EVENTS: chain length (default 1 000 000).
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditChainReport } from '../src/audit/chain-problems.js';
import { sql } from 'drizzle-orm';
import { CheckpointSigner } from '../src/audit/checkpoint-signature.js';
import { gatherCheckpoints, verifyAuditChain } from '../src/audit/chain-verification.js';
import { insertCheckpoint } from '../src/audit/checkpoints.js';
import { openDatabase, type Db } from '../src/db/client.js';
import { applyMemoryPolicy } from '../src/main/memory-policy.js';
import { queryRows } from '../src/db/sql.js';
import { emitBenchResult, printFigures, timed } from './lib/report.js';
import { benchDatabase } from './lib/scratch-database.js';
import { compiledBench } from './lib/compiled-bench.js';

const EVENTS = Number(process.env.AUDIT_BENCH_EVENTS ?? 1_000_000);
const CHECKPOINT_EVERY = 1_000;
const RSS_LIMIT_MB = 200;

/**
 * The chain, generated where it is stored. Each event's canonical JSON is spelled out with its keys in RFC 8785
 * order (action, actorId, actorRoles, after, at, before, entityId, entityKind, requestId, seq; nested keys sorted
 * too); the verification then proves the spelling right by recomputing every hash with the hub's own code.
 */
function generateChain(events: number) {
  if (!Number.isSafeInteger(events) || events < 1) throw new Error('AUDIT_BENCH_EVENTS must be a positive integer');
  return sql.raw(`
DO $$
DECLARE
  prev text := repeat('0', 64);
  h text;
  ts timestamptz;
  actor text;
  after_json text;
  canon text;
  base timestamptz := '2026-01-01T00:00:00Z';
BEGIN
  FOR i IN 1..${events} LOOP
    ts := base + i * interval '1 millisecond';
    actor := 'person:' || (i % 97);
    after_json := '{"approverId":"' || actor || '","comment":"approved \\"release\\" ' || i || '","slot":{"index":' || (i % 3) || ',"role":"VALIDATOR"},"tags":["risk","' || (i % 7) || '"]}';
    canon := '{"action":"change_request.approved","actorId":"' || actor || '","actorRoles":["VALIDATOR"],"after":' || after_json
      || ',"at":"' || to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '","before":null,"entityId":"cr-' || (i / 5)
      || '","entityKind":"change_request","requestId":null,"seq":' || i || '}';
    h := encode(sha256(convert_to(prev || canon, 'UTF8')), 'hex');
    INSERT INTO audit_events (seq, at, actor_id, actor_roles, action, entity_kind, entity_id, before, after, request_id, prev_hash, hash)
      VALUES (i, ts, actor, ARRAY['VALIDATOR'], 'change_request.approved', 'change_request', 'cr-' || (i / 5), NULL, after_json::jsonb, NULL, prev, h);
    prev := h;
  END LOOP;
  PERFORM setval(pg_get_serial_sequence('audit_events', 'seq'), ${events});
END $$;`);
}

/** Signs the head of every CHECKPOINT_EVERY events, as the maintenance job would have. */
async function signCheckpoints(db: Db, signer: CheckpointSigner): Promise<number> {
  const heads = await queryRows<{ seq: string | number; hash: string }>(db, sql`select seq, hash from audit_events where seq % ${CHECKPOINT_EVERY} = 0 or seq = ${EVENTS} order by seq`);
  for (const head of heads) await insertCheckpoint(db, signer.sign(Number(head.seq), head.hash));
  return heads.length;
}

/** What the verifying child reports. */
interface VerifyRun {
  ms: number;
  peakRssMb: number;
  baselineRssMb: number;
  report: AuditChainReport;
}

/** The child: verifies the chain at DATABASE_URL against its checkpoints with the public key in the given file. */
async function verifyInChild(publicKeyFile: string): Promise<void> {
  applyMemoryPolicy(); // as the hub command does
  const handle = await openDatabase({ kind: 'postgres', url: process.env.DATABASE_URL!, poolSize: 1 });
  try {
    const baselineRssMb = process.memoryUsage.rss() / 2 ** 20;
    const verified = await timed(async () => {
      const { checkpoints, unreadable } = await gatherCheckpoints(handle.db, []);
      return verifyAuditChain(handle.db, { checkpoints, unreadable, publicKeys: [readFileSync(publicKeyFile, 'utf8')] });
    });
    const run: VerifyRun = { ms: verified.ms, peakRssMb: process.resourceUsage().maxRSS / 1024, baselineRssMb, report: { ...verified.result, problems: verified.result.problems.slice(0, 5) } };
    process.stdout.write(`AUDIT_VERIFY ${JSON.stringify(run)}\n`);
  } finally {
    await handle.close();
  }
}

function runChild(script: string, url: string, publicKeyFile: string): Promise<VerifyRun> {
  const child = spawn(process.execPath, [script, '--verify', publicKeyFile], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DATABASE_URL: url } });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('AUDIT_VERIFY '));
      if (code !== 0 || !line) return reject(new Error(`the verifying child exited with ${code}:\n${out.slice(-2000)}`));
      resolve(JSON.parse(line.slice('AUDIT_VERIFY '.length)) as VerifyRun);
    });
  });
}

async function main(): Promise<void> {
  const database = await benchDatabase();
  // One connection: verification reads one batch after another.
  const handle = await database.open(1);
  try {
    const { db } = handle;
    const [{ n: existing }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_events`);
    if (existing > 0) throw new Error(`the bench database already holds ${existing} audit events; point DATABASE_URL at an empty one`);
    console.log(`audit bench: ${EVENTS.toLocaleString('en-US')} events, a signed checkpoint every ${CHECKPOINT_EVERY}`);

    const generated = await timed(() => db.execute(generateChain(EVENTS)));
    await db.execute(sql`VACUUM ANALYZE audit_events`);
    console.log(`generated in PostgreSQL: ${(generated.ms / 1000).toFixed(1)} s (${Math.round(EVENTS / (generated.ms / 1000)).toLocaleString('en-US')} events/s)`);
    const signer = CheckpointSigner.fromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const checkpointCount = await signCheckpoints(db, signer);

    const keyDir = mkdtempSync(join(tmpdir(), 'audit-bench-'));
    const publicKeyFile = join(keyDir, 'audit.pub.pem');
    writeFileSync(publicKeyFile, signer.publicKeyPem);
    let run: VerifyRun;
    try {
      run = await runChild(compiledBench('audit'), database.url, publicKeyFile);
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
    const { report } = run;
    console.log(`verified: valid=${report.valid} events=${report.eventsRead} checkpoints=${report.checkpointsChecked} anchored through ${report.lastAnchoredSeq} in ${(run.ms / 1000).toFixed(1)} s`);
    if (!report.valid) console.log(report.problems);

    const verdicts = printFigures('audit chain', [
      { name: 'events generated (PostgreSQL)', value: EVENTS / (generated.ms / 1000), unit: 'events/s' },
      { name: 'verifyAuditChain', value: EVENTS / (run.ms / 1000), unit: 'events/s' },
      { name: 'verifyAuditChain time', value: run.ms / 1000, unit: 's' },
      { name: 'peak RSS of the verifying process', value: run.peakRssMb, unit: 'MB', target: { op: '<=', value: RSS_LIMIT_MB } },
      { name: 'RSS before verifying', value: run.baselineRssMb, unit: 'MB' },
      { name: 'events verified', value: report.eventsRead, target: { op: '==', value: EVENTS } },
      { name: 'checkpoints checked', value: report.checkpointsChecked, target: { op: '==', value: checkpointCount } },
      { name: 'chain valid', value: report.valid ? 1 : 0, target: { op: '==', value: 1 } },
    ]);
    emitBenchResult('audit', verdicts, { events: EVENTS, generateMs: Math.round(generated.ms), verifyMs: Math.round(run.ms) });
    if (verdicts.some((v) => v.pass === false)) process.exitCode = 1;
  } finally {
    await handle.close();
    await database.dispose();
  }
}

if (process.argv[2] === '--verify') await verifyInChild(process.argv[3]);
else await main();
