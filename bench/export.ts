/**
 * Export bench (issue 18): the model-versions CSV export over HTTP against PostgreSQL's own COPY of the same rows.
 *
 * Seeds its own database (generate_series: EXPORT_BENCH_ROWS versions, default 1 000 000, ten per model, one
 * deployment per fifth version), starts the export route in a child process (the hub's route, real cursor, a fixed
 * VIEWER principal) and times, twice each, alternating:
 *  (a) `psql -c "\copy (<the export's own SELECT>) to '/dev/null' with csv"`: the server's COPY TO STDOUT of the very
 *      statement the export runs (same columns, joins, text rendering and order), read by psql (C) and discarded;
 *  (b) `GET /export/model-versions.csv` (identity encoding), read by this process, rows counted.
 * Prints rows/s of both (best of two), the ratio b/a (target >= 0.5) and the export server's peak RSS over the
 * run (target < 150 MB), sampled every 20 ms inside the child.
 *
 * Run: node --import @swc-node/register/esm-register bench/export.ts
 * Env: EXPORT_BENCH_ROWS (default 1000000), BENCH_PG_ADMIN_URL or DATABASE_URL (see bench/lib/scratch-database.ts).
 */
import 'reflect-metadata';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { AuditRecorder } from '../src/audit/audit-recorder.js';
import type { Principal } from '../src/auth/principal.js';
import { openDatabase } from '../src/db/client.js';
import { compile, streamedStatement } from '../src/db/row-stream.js';
import { selectItem } from '../src/exports/export-column.js';
import { exportNamed } from '../src/exports/export-definitions.js';
import { createExportRoute } from '../src/exports/export.route.js';
import { createLogger } from '../src/logger.js';
import { benchDatabase } from './lib/scratch-database.js';
import { compiledBench } from './lib/compiled-bench.js';

const ROWS = Number(process.env.EXPORT_BENCH_ROWS ?? 1_000_000);
const VERSIONS_PER_MODEL = 10;
const RATIO_TARGET = 0.5;
const RSS_TARGET_MB = 150;

/** Child mode: the export route on an ephemeral port; /rss answers the peak RSS seen so far (MB). */
async function serve(url: string): Promise<void> {
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
  const principal: Principal = { id: 'bench:export', personId: null, displayName: 'export bench', roles: ['VIEWER'], kind: 'api-key' };
  const route = createExportRoute({ database, authenticate: async () => principal, audit: new AuditRecorder(), logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
  let peak = process.memoryUsage().rss;
  setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20).unref();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/rss') return void res.end(JSON.stringify({ peakMb: Math.round(peak / 1024 / 1024), nowMb: Math.round(process.memoryUsage().rss / 1024 / 1024) }));
    void route.handle(req, res, path).then((handled) => handled || res.writeHead(404).end());
  });
  server.listen(0, '127.0.0.1', () => console.log(`LISTENING http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  process.once('SIGTERM', () => {
    server.close();
    void database.close().then(() => process.exit(0));
  });
}

async function seed(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const models = Math.ceil(ROWS / VERSIONS_PER_MODEL);
    const { rows } = await client.query<{ id: string }>(`insert into sources (vendor, name, settings) values ('mlflow', 'bench', '{}') returning id`);
    const sourceId = rows[0].id;
    await client.query(
      `insert into models (source_id, external_id, name, description, owner, risk_tier, business_unit, accountable_owner, tags, content_hash)
       select $1, 'model-' || g, 'model-' || lpad(g::text, 7, '0'), 'Scores ' || g || ', "quoted", for BI', 'owner-' || (g % 50),
              (array['LOW','MEDIUM','HIGH','CRITICAL'])[1 + g % 4], 'unit-' || (g % 12), 'person' || (g % 80) || '@bank.example',
              jsonb_build_object('team', 'team-' || (g % 9)), 'h'
       from generate_series(1, $2::int) g`,
      [sourceId, models],
    );
    await client.query(
      `insert into model_versions (source_id, model_id, model_external_id, external_id, version, version_number, description, observed_stage,
              status, created_by, artifact_uri, metrics, params, tags, lifecycle_state, content_hash, vendor_created_at)
       select m.source_id, m.id, m.external_id, m.external_id || '/' || g, g::text, g, 'version ' || g || ' of ' || m.name,
              (array['NONE','STAGING','PRODUCTION','ARCHIVED'])[1 + g % 4], 'READY', 'ds-' || (g % 30),
              's3://models/' || m.external_id || '/' || g, jsonb_build_object('auc', round((0.7 + g / 100.0)::numeric, 4), 'f1', 0.8),
              jsonb_build_object('lr', '0.01'), jsonb_build_object('stage', 'v' || g), 'DEVELOPMENT', 'h', now() - (g || ' days')::interval
       from models m cross join generate_series(1, $1::int) g where m.source_id = $2 and g <= $1`,
      [VERSIONS_PER_MODEL, sourceId],
    );
    await client.query(
      `insert into deployments (source_id, version_id, version_external_id, external_id, name, environment, serving_production, status, content_hash)
       select v.source_id, v.id, v.external_id, 'dep-' || v.external_id, 'endpoint-' || v.version_number, 'PRODUCTION', true, 'InService', 'h'
       from model_versions v where v.version_number % 5 = 0`,
    );
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
}

function timePsqlCopy(url: string, statement: string): number {
  const started = performance.now();
  const result = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy (${statement}) to '/dev/null' with csv`], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`psql \\copy failed: ${result.stderr}`);
  return seconds;
}

function timeExport(base: string): Promise<{ seconds: number; rows: number; bytes: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${base}/export/model-versions.csv`, { agent: false, headers: { 'accept-encoding': 'identity' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`export answered ${res.statusCode}`));
      let lines = 0;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      });
      res.on('end', () => resolve({ seconds: (performance.now() - started) / 1000, rows: lines - 1, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function startServerChild(url: string): Promise<{ child: ChildProcess; base: string }> {
  // Compiled, as the hub runs when deployed: the swc loader alone would add more than the RSS target.
  const child = spawn(process.execPath, [compiledBench('export'), '--serve', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[export server] ${chunk.toString()}`));
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /LISTENING (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`export server exited ${code}`)));
  });
  return { child, base };
}

async function rssOf(base: string): Promise<{ peakMb: number; nowMb: number }> {
  const response = await fetch(`${base}/rss`);
  return (await response.json()) as { peakMb: number; nowMb: number };
}

async function main(): Promise<void> {
  const database = await benchDatabase();
  let child: ChildProcess | null = null;
  try {
    const seedStarted = performance.now();
    await seed(database.url);
    const seedSeconds = ((performance.now() - seedStarted) / 1000).toFixed(1);
    const definition = exportNamed('model-versions')!;
    const { text, params } = compile(
      streamedStatement({ columns: definition.columns.map(selectItem), from: definition.from, where: definition.conditions(new URLSearchParams(), { id: 'bench', personId: null, displayName: 'bench', roles: ['VIEWER'], kind: 'api-key' }), key: definition.key, label: 'export:model-versions' }),
    );
    if (params.length > 0) throw new Error('the unfiltered export should have no parameters');
    const statement = text.replace(/\s+/g, ' ');

    const server = await startServerChild(database.url);
    child = server.child;
    const idleRss = await rssOf(server.base);
    const copies: number[] = [];
    const exports: Array<{ seconds: number; rows: number; bytes: number }> = [];
    for (let round = 0; round < 2; round++) {
      copies.push(timePsqlCopy(database.url, statement));
      const run = await timeExport(server.base);
      if (run.rows !== ROWS) throw new Error(`the export gave ${run.rows} rows, expected ${ROWS}`);
      exports.push(run);
    }
    const rss = await rssOf(server.base);
    const copySeconds = Math.min(...copies);
    const exportRun = exports.reduce((best, run) => (run.seconds < best.seconds ? run : best));
    const copyRate = Math.round(ROWS / copySeconds);
    const exportRate = Math.round(ROWS / exportRun.seconds);
    const ratio = Math.round((exportRate / copyRate) * 100) / 100;

    console.log(`\nExport bench — ${ROWS.toLocaleString('en-US')} model versions (seeded in ${seedSeconds}s), CSV ${(exportRun.bytes / 1024 / 1024).toFixed(0)} MB`);
    console.log(`  (a) psql \\copy (same SELECT) to /dev/null csv   ${copyRate.toLocaleString('en-US').padStart(10)} rows/s   runs ${copies.map((s) => s.toFixed(2)).join(' / ')} s`);
    console.log(`  (b) GET /export/model-versions.csv              ${exportRate.toLocaleString('en-US').padStart(10)} rows/s   runs ${exports.map((r) => r.seconds.toFixed(2)).join(' / ')} s`);
    console.log(`  ratio b/a ${ratio} (target >= ${RATIO_TARGET}); export server RSS idle ${idleRss.nowMb} MB, peak ${rss.peakMb} MB (target < ${RSS_TARGET_MB} MB)`);
    const figures = {
      'copy rows/s': { value: copyRate, unit: 'rows/s', target: null, pass: null },
      'export rows/s': { value: exportRate, unit: 'rows/s', target: null, pass: null },
      'export / COPY': { value: ratio, unit: null, target: { op: '>=', value: RATIO_TARGET }, pass: ratio >= RATIO_TARGET },
      'server peak RSS': { value: rss.peakMb, unit: 'MB', target: { op: '<', value: RSS_TARGET_MB }, pass: rss.peakMb < RSS_TARGET_MB },
    };
    console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'export', rows: ROWS, figures, pass: ratio >= RATIO_TARGET && rss.peakMb < RSS_TARGET_MB })}`);
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await database.dispose();
  }
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt !== -1) await serve(process.argv[serveAt + 1]);
else await main();
