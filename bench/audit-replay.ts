/**
 * State replay benchmark (issue 17, "Scale"): replays N audit events into governed state and compares it with the
 * tables, printing events/s and the process's peak RSS (target < 200 MB: the replay streams, it never loads the trail).
 *
 * The estate is generated in SQL (INSERT … SELECT), as governance would have left it: per unit of five events, a
 * version promoted DEVELOPMENT → VALIDATION by a change request (opened, approved, applied, lifecycle_changed) and a
 * governance update of its model (ten versions per model). The rows agree with the events, so the replay must report
 * no divergence. The chain hash is not needed for the replay: `hash` is filler of the right length.
 *
 *   node --import @swc-node/register/esm-register bench/audit-replay.ts [--events 1000000]
 *
 * The replay runs in a child process compiled as the hub is deployed (like bench/sync.ts): the swc loader the
 * TypeScript benches run under costs ~180 MB of native memory by itself, which no hub process carries.
 *
 * DATABASE_URL: use that (migrated, empty) database instead of creating and dropping `hub_bench_<random>`.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { openDatabase, type Db } from '../src/db/client.js';
import { StateReplayService, type StateVerification } from '../src/audit/state-replay.service.js';
import { applyMemoryPolicy } from '../src/main/memory-policy.js';
import { rssSampler } from './lib/child-simulator.js';
import { emitBenchResult, printFigures, timed } from './lib/report.js';
import { benchDatabase } from './lib/scratch-database.js';
import { compiledBench } from './lib/compiled-bench.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, replay: { type: 'string' } } });
const EVENTS_PER_UNIT = 5;
const UNITS = Math.max(1, Math.floor(Number(values.events) / EVENTS_PER_UNIT));
const EVENTS = UNITS * EVENTS_PER_UNIT;
const MAX_RSS_MB = 200;

/** The governed rows and their audit events, in set-based statements. */
async function generate(db: Db): Promise<void> {
  await db.execute(sql`insert into sources (vendor, name) values ('mlflow', 'bench-audit-replay')`);
  await db.execute(sql`create unlogged table bench_units as
    select i, gen_random_uuid() as version_id, gen_random_uuid() as request_id, i / 10 as model_no from generate_series(0, ${UNITS - 1}) as i`);
  await db.execute(sql`create unlogged table bench_models as select model_no, gen_random_uuid() as model_id from (select distinct model_no from bench_units) m`);
  await db.execute(sql`insert into models (id, source_id, external_id, name, content_hash, risk_tier, accountable_owner)
    select m.model_id, s.id, 'model-' || m.model_no, 'model-' || m.model_no, 'h', 'LOW', 'owner-' || m.model_no
    from bench_models m cross join (select id from sources limit 1) s`);
  await db.execute(sql`insert into model_versions (id, source_id, model_id, external_id, model_external_id, version, content_hash, lifecycle_state)
    select u.version_id, s.id, m.model_id, 'v-' || u.i, 'model-' || u.model_no, '1', 'h', 'VALIDATION'
    from bench_units u join bench_models m using (model_no) cross join (select id from sources limit 1) s`);
  await db.execute(sql`insert into change_requests (id, model_version_id, from_state, to_state, requester_id, requester_roles, justification, policy_snapshot, status, expires_at, decided_at)
    select u.request_id, u.version_id, 'DEVELOPMENT', 'VALIDATION', 'dana', '{DATA_SCIENTIST}', 'ready', '{}'::jsonb, 'APPLIED', now() + interval '14 days', now()
    from bench_units u`);
  await db.execute(sql`insert into approvals (change_request_id, decision, slot_role, slot_index, approver_id, approver_roles, requester_id, comment)
    select u.request_id, 'APPROVE', 'VALIDATOR', 0, 'vic', '{VALIDATOR}', 'dana', 'fine' from bench_units u`);
  await db.execute(sql`insert into audit_events (seq, at, actor_id, actor_roles, action, entity_kind, entity_id, before, after, prev_hash, hash)
    select u.i * 5 + k + 1, now(),
      case k when 0 then 'dana' when 1 then 'vic' when 4 then 'rita' else 'vic' end, '{}',
      case k when 0 then 'change_request.opened' when 1 then 'change_request.approved' when 2 then 'change_request.applied'
             when 3 then 'model_version.lifecycle_changed' else 'model.governance_updated' end,
      case k when 3 then 'model_version' when 4 then 'model' else 'change_request' end,
      case k when 3 then u.version_id::text when 4 then m.model_id::text else u.request_id::text end,
      null,
      case k
        when 0 then jsonb_build_object('modelVersionId', u.version_id, 'fromState', 'DEVELOPMENT', 'toState', 'VALIDATION', 'justification', 'ready', 'evidence', '[]'::jsonb)
        when 1 then jsonb_build_object('decision', 'APPROVE', 'slotRole', 'VALIDATOR', 'slotIndex', 0, 'approverId', 'vic', 'comment', 'fine')
        when 2 then jsonb_build_object('status', 'APPLIED', 'modelVersionId', u.version_id, 'fromState', 'DEVELOPMENT', 'toState', 'VALIDATION', 'writeBackStatus', 'PENDING')
        when 3 then jsonb_build_object('lifecycleState', 'VALIDATION', 'changeRequestId', u.request_id)
        else jsonb_build_object('riskTier', 'LOW', 'accountableOwner', 'owner-' || u.model_no)
      end,
      repeat('0', 64), md5(u.i::text || k::text) || md5(k::text || u.i::text)
    from bench_units u join bench_models m using (model_no) cross join generate_series(0, 4) as k`);
  await db.execute(sql`drop table bench_units`);
  await db.execute(sql`drop table bench_models`);
  await db.execute(sql`analyze`);
}

interface ReplayRun {
  ms: number;
  baselineRssMb: number;
  peakRssMb: number;
  result: Omit<StateVerification, 'divergences'> & { firstDivergences: string[] };
}

/** The child: replays the database at `url` with the hub's heap policy, measuring its own RSS. */
async function replayChild(url: string): Promise<void> {
  applyMemoryPolicy();
  const handle = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
  try {
    const baselineRssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
    const rss = rssSampler();
    const replay = await timed(() => new StateReplayService({ db: handle.db }).verify({ onProgress: (n) => n % 100_000 < 2_000 && process.stderr.write(`\r  replayed ${n}   `) }));
    const peakRssMb = rss.stop();
    process.stderr.write('\n');
    const { divergences, ...result } = replay.result;
    const run: ReplayRun = { ms: replay.ms, baselineRssMb, peakRssMb, result: { ...result, firstDivergences: divergences.slice(0, 5).map((d) => d.message) } };
    process.stdout.write(`REPLAY_RUN ${JSON.stringify(run)}\n`);
  } finally {
    await handle.close();
  }
}

function runChild(script: string, url: string): Promise<ReplayRun> {
  const child = spawn(process.execPath, [script, '--replay', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('REPLAY_RUN '));
      if (code !== 0 || !line) return reject(new Error(`the replay exited with ${code}:\n${out.slice(-2000)}`));
      resolve(JSON.parse(line.slice('REPLAY_RUN '.length)) as ReplayRun);
    });
  });
}

async function main(): Promise<void> {
  const database = await benchDatabase();
  const handle = await database.open(2);
  try {
    console.log(`audit replay bench: ${EVENTS} audit events (${UNITS} applied requests, ${Math.ceil(UNITS / 10)} models)`);
    const generated = await timed(() => generate(handle.db));
    console.log(`generated in ${(generated.ms / 1000).toFixed(1)} s; compiling the replay child (tsc -p tsconfig.bench.json)`);
    const run = await runChild(compiledBench('audit-replay'), database.url);
    const { result } = run;
    const verdicts = printFigures('state replay', [
      { name: 'events replayed', value: result.eventsReplayed, target: { op: '==', value: EVENTS } },
      { name: 'replay + comparison rate', value: Math.round(EVENTS / (run.ms / 1000)), unit: 'events/s' },
      { name: 'replay + comparison time', value: run.ms / 1000, unit: 's' },
      { name: 'baseline RSS (before the replay)', value: run.baselineRssMb, unit: 'MB' },
      { name: 'peak RSS', value: run.peakRssMb, unit: 'MB', target: { op: '<=', value: MAX_RSS_MB } },
      { name: 'divergences (the estate agrees)', value: result.divergenceCount, target: { op: '==', value: 0 } },
    ]);
    if (result.firstDivergences.length) console.log(result.firstDivergences.join('\n'));
    emitBenchResult('audit-replay', verdicts, { events: EVENTS, replayMs: Math.round(run.ms), generateMs: Math.round(generated.ms) });
    if (verdicts.some((v) => v.pass === false)) process.exitCode = 1;
  } finally {
    await handle.close();
    await database.dispose();
  }
}

if (values.replay) await replayChild(values.replay);
else await main();
