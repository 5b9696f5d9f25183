/**
 * End-to-end sync benchmark (issue 4). The MLflow and SageMaker simulators, each in a child process, serve together
 * `--models` models × 10 versions + 2 × `--models` deployments (half the models and deployments each). A hub built with
 * createHub from the environment (parseConfig) syncs both sources through SyncService.runJob, exactly as a job worker
 * does, into a PostgreSQL database of its own; then an unchanged re-sync. Measured: records/s of the full sync, the
 * re-sync's time and the rows it wrote to the inventory tables (rows whose xmin is newer than the re-sync's start),
 * the process's peak RSS, and the raw unnest upsert floor of the same rows (a third listing, timed on the writes only).
 *
 * Each estate size runs in a fresh child process, compiled by tsc (tsconfig.bench.json) as a deployed worker is, so its
 * RSS is its own: the `--compare-models` size (default 1 000,
 * i.e. 10 000 versions) and then `--models` (default 10 000, i.e. 100 000 versions); peak RSS must not grow between them.
 *
 *   node --import @swc-node/register/esm-register bench/sync.ts [--models 10000] [--compare-models 1000]
 *
 * DATABASE_URL is ignored on purpose: every run creates and drops `hub_bench_<random>` on BENCH_PG_ADMIN_URL.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import type { Vendor } from '../connectors/contract.js';
import { vendorSimulator } from '../connectors/registry/simulators.js';
import { systemPrincipal } from '../src/auth/principal.js';
import { parseConfig } from '../src/config.js';
import { queryRows } from '../src/db/sql.js';
import { createLogger } from '../src/logger.js';
import { createHub, type Hub } from '../src/main/app.js';
import { applyMemoryPolicy } from '../src/main/memory-policy.js';
import { rssSampler, startChildSimulator } from './lib/child-simulator.js';
import { floorTables } from './lib/floor.js';
import { emitBenchResult, printFigures, timed } from './lib/report.js';
import { benchDatabase } from './lib/scratch-database.js';
import type { SyncTrigger } from '../src/sync/sync-trigger.js';
import { compiledBench } from './lib/compiled-bench.js';

const VENDORS: Vendor[] = ['mlflow', 'sagemaker'];
const VERSIONS_PER_MODEL = 10;
const CREDENTIAL = 'bench-credential';
const INVENTORY_TABLES = ['models', 'model_versions', 'deployments'] as const;

/** What one estate size measured (printed by the child as `SYNC_RUN {json}`). */
interface RunFigures {
  models: number;
  versions: number;
  records: number;
  fullMs: number;
  resyncMs: number;
  resyncRowsWritten: number;
  resyncChangesLogged: number;
  resyncUnchanged: number;
  floorMs: number;
  peakRssMb: number;
  /** RSS once the hub is built, before the first page: the process's floor (runtime, AWS SDK, pools). */
  baselineRssMb: number;
  statuses: string[];
}

const { values: args } = parseArgs({
  options: { models: { type: 'string', default: '10000' }, 'compare-models': { type: 'string', default: '1000' }, run: { type: 'string' } },
});

/** Rows of the inventory tables last written by a transaction at or after `xid` (inserted or updated). */
async function rowsWrittenSince(hub: Hub, xid: bigint): Promise<number> {
  let total = 0;
  for (const table of INVENTORY_TABLES) {
    // A fresh bench database is far from xid wraparound, so the 32-bit xmin compares directly with the epoch-free xid.
    const [row] = await queryRows<{ n: number }>(hub.database.db, sql`select count(*)::int as n from ${sql.identifier(table)} where xmin::text::bigint >= ${String(xid % 2n ** 32n)}::bigint`);
    total += Number(row.n);
  }
  return total;
}

async function currentXid(hub: Hub): Promise<bigint> {
  const [row] = await queryRows<{ xid: string }>(hub.database.db, sql`select pg_current_xact_id()::text as xid`);
  return BigInt(row.xid);
}

async function changesLogged(hub: Hub): Promise<number> {
  const [row] = await queryRows<{ n: number }>(hub.database.db, sql`select count(*)::int as n from inventory_changes`);
  return Number(row.n);
}

/** Both sources synced at once, as a worker with concurrency ≥ 2 runs them. */
async function syncAll(hub: Hub, sourceIds: string[], trigger: Exclude<SyncTrigger, 'retry'>) {
  const results = await Promise.all(sourceIds.map((sourceId) => hub.services.sync.runJob({ sourceId, trigger, jobId: null })));
  return results.map((result) => {
    if (result.status !== 'ran') throw new Error('a bench sync was skipped: the source already had a run');
    if (result.run.status !== 'SUCCEEDED') throw new Error(`a bench sync ended ${result.run.status}: ${result.run.error ?? ''}`);
    return result.run;
  });
}

/** One estate size, in this process. */
async function runSize(models: number): Promise<RunFigures> {
  const perVendor = Math.round(models / VENDORS.length);
  const database = await benchDatabase();
  const simulators: Array<{ url: string; close(): Promise<void> }> = [];
  let hub: Hub | null = null;
  try {
    for (const [i, vendor] of VENDORS.entries()) {
      simulators.push(await startChildSimulator(vendor, { seed: 100 + i, models: perVendor, versionsPerModel: VERSIONS_PER_MODEL, deployments: perVendor * 2, credential: CREDENTIAL }));
    }
    const config = parseConfig({
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '6',
      HUB_SECRET_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      // Passed through so the bench can compare listing on the main thread (0) with listing threads.
      ...(process.env.SYNC_LISTING_THREADS ? { SYNC_LISTING_THREADS: process.env.SYNC_LISTING_THREADS } : {}),
    });
    hub = await createHub(config, createLogger(config.log.level));
    // Started as a job worker starts (listing threads loaded, job runner running); the bench's sources are disabled,
    // so no schedule fires and only the bench's own runJob calls sync.
    await hub.startWorkers();
    const sourceIds: string[] = [];
    for (const [i, vendor] of VENDORS.entries()) {
      const { settings, secret } = vendorSimulator(vendor).sourceFor(simulators[i], CREDENTIAL);
      const source = await hub.services.sources.createSource({ vendor, name: `bench-${vendor}`, settings, secret, enabled: false }, { actor: systemPrincipal('bench') });
      sourceIds.push(source.id);
    }

    const baselineRssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
    const rss = rssSampler();
    const full = await timed(() => syncAll(hub!, sourceIds, 'schedule'));
    const records = full.result.reduce((n, run) => n + run.seen, 0);
    console.error(`  ${models} models: full sync ${(full.ms / 1000).toFixed(1)} s, ${records} records`);

    const xid = await currentXid(hub);
    const changesBefore = await changesLogged(hub);
    const resync = await timed(() => syncAll(hub!, sourceIds, 'schedule'));
    const peakRssMb = rss.stop();
    const resyncRowsWritten = await rowsWrittenSince(hub, xid);
    console.error(`  ${models} models: re-sync ${(resync.ms / 1000).toFixed(1)} s, ${resyncRowsWritten} inventory rows written, peak RSS ${peakRssMb} MB`);

    // The floor of the same rows: a third listing through the same connectors, timing only the upserts. Each source's
    // listing is drained before its upserts are timed (peak RSS is no longer sampled here): a listing still running
    // (its look-ahead requests, or a listing thread on another core) would take CPU from the database while the floor
    // is timed, and a slowed floor flatters the ratio.
    const floor = await floorTables(hub.database.db);
    let floorMs = 0;
    try {
      for (const sourceId of sourceIds) {
        const { connector } = await hub.services.sources.loadConnector(sourceId, {});
        const batches = [];
        for await (const batch of connector.list(new AbortController().signal)) batches.push(batch);
        for (const batch of batches.splice(0)) floorMs += await floor.measure(sourceId, batch);
      }
    } finally {
      await floor.drop();
    }
    console.error(`  ${models} models: floor ${(floorMs / 1000).toFixed(1)} s`);

    return {
      models: perVendor * VENDORS.length,
      versions: perVendor * VENDORS.length * VERSIONS_PER_MODEL,
      records,
      fullMs: full.ms,
      resyncMs: resync.ms,
      resyncRowsWritten,
      resyncChangesLogged: (await changesLogged(hub)) - changesBefore,
      resyncUnchanged: resync.result.reduce((n, run) => n + run.unchanged, 0),
      floorMs,
      peakRssMb,
      baselineRssMb,
      statuses: [...full.result, ...resync.result].map((run) => run.status),
    };
  } finally {
    await hub?.close();
    await Promise.all(simulators.map((s) => s.close()));
    await database.dispose();
  }
}

/** Runs one size in a child process (clean RSS, compiled code) and returns its figures. */
function runChild(script: string, models: number): Promise<RunFigures> {
  const child = spawn(process.execPath, [script, '--run', String(models)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('SYNC_RUN '));
      if (code !== 0 || !line) return reject(new Error(`the ${models}-model run exited with ${code}:\n${out.slice(-2000)}`));
      resolve(JSON.parse(line.slice('SYNC_RUN '.length)) as RunFigures);
    });
  });
}

async function main(): Promise<void> {
  if (args.run) {
    applyMemoryPolicy(); // as the hub command does for a worker
    process.stdout.write(`SYNC_RUN ${JSON.stringify(await runSize(Number(args.run)))}\n`);
    return;
  }
  const models = Number(args.models);
  const compareModels = Number(args['compare-models']);
  console.log(`sync bench: ${models} models × ${VERSIONS_PER_MODEL} versions + ${models * 2} deployments from ${VENDORS.join(' + ')} (simulators in child processes); RSS compared with ${compareModels} models`);
  const script = compiledBench('sync');
  const small = compareModels > 0 ? await runChild(script, compareModels) : null;
  const large = await runChild(script, models);

  const rate = large.records / (large.fullMs / 1000);
  const floorRate = large.records / (large.floorMs / 1000);
  const verdicts = printFigures(`sync (${large.models} models, ${large.versions} versions, ${large.records} records)`, [
    { name: 'full sync', value: rate, unit: 'records/s' },
    { name: 'raw unnest upsert floor', value: floorRate, unit: 'records/s' },
    { name: 'full sync / floor', value: rate / floorRate, target: { op: '>=', value: 0.5 } },
    { name: 'full sync time', value: large.fullMs / 1000, unit: 's' },
    { name: 'unchanged re-sync time', value: large.resyncMs / 1000, unit: 's' },
    { name: 'unchanged re-sync records unchanged', value: large.resyncUnchanged, target: { op: '==', value: large.records } },
    { name: 're-sync inventory rows written', value: large.resyncRowsWritten, target: { op: '==', value: 0 } },
    { name: 're-sync changes logged', value: large.resyncChangesLogged, target: { op: '==', value: 0 } },
    { name: `peak RSS (${large.versions} versions)`, value: large.peakRssMb, unit: 'MB', target: { op: '<=', value: 300 } },
    { name: `RSS before the sync (${large.versions} versions)`, value: large.baselineRssMb, unit: 'MB' },
    ...(small
      ? [
          { name: `peak RSS (${small.versions} versions)`, value: small.peakRssMb, unit: 'MB' },
          // "Not growing": a tenth of the estate may cost at most 10% less memory than the whole (allocator noise).
          { name: 'peak RSS growth ×10 versions', value: large.peakRssMb / small.peakRssMb, target: { op: '<=' as const, value: 1.1 } },
        ]
      : []),
  ]);
  emitBenchResult('sync', verdicts, { sizes: small ? [small, large] : [large] });
  if (verdicts.some((v) => v.pass === false)) process.exitCode = 1;
}

await main();
