/**
 * Load bench (issue 8). `hub start` runs as a child process (API and job workers in one process) on its own
 * PostgreSQL database (`hub_bench_load_<random>`, dropped at the end) and real Redis (a unique queue prefix whose keys
 * are deleted at the end); two MLflow simulators run in child processes. For `--seconds`:
 *  - `--clients` BI clients (one VIEWER key each) page through the inventory over HTTP with mixed filters, orderings
 *    and cursors;
 *  - a full sync of `--models` × 10 versions (+ 2 deployments per model) runs, triggered through the API;
 *  - `--requests` change requests (DEVELOPMENT → VALIDATION on LOW-tier models synced beforehand) are opened by
 *    `--requesters` DATA_SCIENTIST keys and approved by `--approvers` competing VALIDATOR keys.
 * Then it waits for the sync and the approvals to finish and checks: no 5xx, the inventory equals the simulator's
 * estate (no lost or duplicated record), every request applied exactly once (status, outbox row, audit event), and
 * the audit chain verifies.
 *
 *   node --import @swc-node/register/esm-register bench/load.ts [--seconds 60] [--models 10000] [--requests 100]
 *     [--clients 20] [--requesters 5] [--approvers 5] [--sync-timeout-seconds 1800]
 *
 * Env: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL (redis://127.0.0.1:6379).
 */
import { parseArgs } from 'node:util';
import { BI_OPERATIONS, runBiClient } from './lib/load-bi-clients.js';
import { startLoadEnvironment } from './lib/load-environment.js';
import { LoadClient } from './lib/load-graphql.js';
import { APPROVE_OPERATION, REQUEST_OPERATION, runGovernanceLoad } from './lib/load-governance.js';
import { classifyLowRisk, createSimulatorSource, runState, triggerSync, verifyAuditChain, versionsOf, waitForRun } from './lib/load-setup.js';
import { LoadStats } from './lib/load-stats.js';
import { checkGovernance, checkInventory } from './lib/load-verify.js';
import { emitBenchResult, printFigures, type Figure } from './lib/report.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    models: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '100' },
    clients: { type: 'string', default: '20' },
    requesters: { type: 'string', default: '5' },
    approvers: { type: 'string', default: '5' },
    'sync-timeout-seconds': { type: 'string', default: '1800' },
  },
});
const SECONDS = Number(args.seconds);
const MODELS = Number(args.models);
const REQUESTS = Number(args.requests);
const CLIENTS = Number(args.clients);
const SYNC_TIMEOUT_MS = Number(args['sync-timeout-seconds']) * 1000;
const ESTATE_SOURCE = 'bench-estate';
const GOVERNED_SOURCE = 'bench-governed';
/** Approvers keep approving this long after the window if requests are still pending. */
const APPROVAL_GRACE_MS = 60_000;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  console.log(
    `load bench: ${SECONDS}s, ${CLIENTS} BI clients, full sync of ${MODELS} models × 10 versions (${MODELS * 10} versions), ` +
      `${REQUESTS} change requests by ${args.requesters} requesters and ${args.approvers} approvers; hub as a \`hub start\` child process on PostgreSQL + Redis`,
  );
  const stats = new LoadStats();
  const env = await startLoadEnvironment({ models: MODELS, governedVersions: REQUESTS }, log);
  // Stopped early (Ctrl-C, or run-all's timeout): still drop the database and the queue keys.
  const stop = (signal: NodeJS.Signals) => {
    log(`  ${signal}: cleaning up`);
    void env.dispose().finally(() => process.exit(1));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    const admin = new LoadClient(env.hubUrl, env.adminKey, stats);
    const governedId = await createSimulatorSource(admin, GOVERNED_SOURCE, env.governed.url);
    const estateId = await createSimulatorSource(admin, ESTATE_SOURCE, env.estate.url);

    const governedRun = await waitForRun(admin, (await triggerSync(admin, governedId)).id, 300_000);
    if (governedRun.status !== 'SUCCEEDED') throw new Error(`the governed source's sync ended ${governedRun.status}: ${governedRun.error ?? ''}`);
    const versions = (await versionsOf(admin, governedId)).slice(0, REQUESTS);
    if (versions.length < REQUESTS) throw new Error(`the governed source has ${versions.length} versions, fewer than the ${REQUESTS} requests asked for`);
    await classifyLowRisk(admin, new Set(versions.map((v) => v.modelId)));
    const keys = async (count: number, role: string) => {
      const minted: string[] = [];
      // One at a time: each is a `hub keys create` process, and the machine is the bench's.
      for (let i = 1; i <= count; i++) minted.push(await env.personWithKey(`bench-${role.toLowerCase()}-${i}@example.com`, `Bench ${role.toLowerCase()} ${i}`, role));
      return minted;
    };
    const client = (key: string) => new LoadClient(env.hubUrl, key, stats);
    const viewers = (await keys(CLIENTS, 'VIEWER')).map(client);
    const requesters = (await keys(Number(args.requesters), 'DATA_SCIENTIST')).map(client);
    const approvers = (await keys(Number(args.approvers), 'VALIDATOR')).map(client);
    log(`  setup done: ${versions.length} governed versions on LOW-tier models, ${viewers.length + requesters.length + approvers.length} API keys`);

    const windowStart = Date.now();
    const deadline = windowStart + SECONDS * 1000;
    const estateRun = await triggerSync(admin, estateId);
    let lastRun = estateRun;
    const progress = setInterval(() => {
      runState(admin, estateRun.id).then(
        (run) => {
          lastRun = run;
          log(`  t+${Math.round((Date.now() - windowStart) / 1000)}s: sync ${run.status} ${run.seen} records; BI calls ${stats.calls(BI_OPERATIONS)}; requests ${stats.calls([REQUEST_OPERATION])}; approvals ${stats.calls([APPROVE_OPERATION])}; 5xx ${stats.totalServerErrors()}`);
        },
        // A failed progress poll is already counted by the client; the final checks decide the verdict.
        (error: Error) => log(`  progress poll failed: ${error.message}`),
      );
    }, 10_000);
    const governance = runGovernanceLoad({ requesters, approvers, versionIds: versions.map((v) => v.id), spreadMs: SECONDS * 700, deadline: deadline + APPROVAL_GRACE_MS });
    const pages = (await Promise.all(viewers.map((viewer) => runBiClient(viewer, deadline)))).reduce((a, b) => a + b, 0);
    const windowSeconds = (Date.now() - windowStart) / 1000;
    const runAtWindowEnd = await runState(admin, estateRun.id);
    const outcome = await governance;
    clearInterval(progress);
    log(`  load window over after ${windowSeconds.toFixed(1)}s; sync ${runAtWindowEnd.status} (${runAtWindowEnd.seen} records); waiting for it to finish`);
    let lastLogged = Date.now();
    const finalRun = await waitForRun(admin, estateRun.id, SYNC_TIMEOUT_MS, (run) => {
      lastRun = run;
      if (Date.now() - lastLogged < 30_000) return;
      lastLogged = Date.now();
      log(`  t+${Math.round((Date.now() - windowStart) / 1000)}s: sync ${run.status} ${run.seen} records`);
    });
    const syncSeconds = finalRun.finishedAt ? (Date.parse(finalRun.finishedAt) - Date.parse(finalRun.startedAt)) / 1000 : NaN;
    const syncDuringWindow = finalRun.finishedAt ? Math.min(windowSeconds, (Date.parse(finalRun.finishedAt) - windowStart) / 1000) : windowSeconds;

    const inventory = await checkInventory(env.databaseUrl, ESTATE_SOURCE, env.estate.url);
    const governed = await checkGovernance(env.databaseUrl);
    const audit = await verifyAuditChain(admin);
    const operations = stats.summarise(windowSeconds).filter((op) => op.operation !== 'admin');
    const duplicates = (['models', 'versions', 'deployments'] as const).reduce((n, kind) => n + inventory.rows[kind] - inventory.distinctLive[kind], 0);

    const figures: Figure[] = [
      ...operations.flatMap((op): Figure[] => [
        { name: `${op.operation}: throughput`, value: op.throughput, unit: 'req/s' },
        { name: `${op.operation}: p50`, value: op.p50, unit: 'ms' },
        { name: `${op.operation}: p99`, value: op.p99, unit: 'ms' },
      ]),
      { name: 'BI pages read', value: pages },
      { name: `sync of ${inventory.simulator.versions} versions: duration`, value: syncSeconds, unit: 's' },
      { name: 'sync running during the load window', value: syncDuringWindow, unit: 's' },
      { name: 'sync run succeeded', value: finalRun.status === 'SUCCEEDED' ? 1 : 0, target: { op: '==', value: 1 } },
      { name: '5xx / server-fault answers (all calls)', value: stats.totalServerErrors(), target: { op: '==', value: 0 } },
      { name: 'BI query errors', value: stats.totalClientErrors(BI_OPERATIONS), target: { op: '==', value: 0 } },
      { name: 'inventory models (distinct live ids)', value: inventory.distinctLive.models, target: { op: '==', value: inventory.simulator.models } },
      { name: 'inventory versions (distinct live ids)', value: inventory.distinctLive.versions, target: { op: '==', value: inventory.simulator.versions } },
      { name: 'inventory deployments (distinct live ids)', value: inventory.distinctLive.deployments },
      { name: 'records missing vs. a fresh listing (lost)', value: inventory.missing, target: { op: '==', value: 0 } },
      { name: 'records not in a fresh listing (invented)', value: inventory.extra, target: { op: '==', value: 0 } },
      { name: 'duplicated or tombstoned rows', value: duplicates, target: { op: '==', value: 0 } },
      { name: 'change requests opened', value: outcome.opened, target: { op: '==', value: REQUESTS } },
      { name: 'change requests APPLIED', value: governed.applied, target: { op: '==', value: REQUESTS } },
      { name: 'change requests in database', value: governed.requests, target: { op: '==', value: REQUESTS } },
      { name: 'write-back outbox rows', value: governed.outboxRows, target: { op: '==', value: REQUESTS } },
      { name: 'change_request.applied audit events', value: governed.appliedEvents, target: { op: '==', value: REQUESTS } },
      { name: 'requests with an applied event', value: governed.distinctAppliedEvents, target: { op: '==', value: REQUESTS } },
      { name: 'approvals refused (lost races)', value: outcome.conflicts },
      { name: 'audit events verified', value: audit.checked },
      { name: 'audit chain valid', value: audit.valid ? 1 : 0, target: { op: '==', value: 1 } },
    ];
    const verdicts = printFigures(`load (${windowSeconds.toFixed(0)}s window; hub: \`hub start\` child process)`, figures);
    if (outcome.refusalCodes.length > 0) console.log(`refusals: ${outcome.refusalCodes.join(', ')}`);
    if (inventory.examples.length > 0) console.log(`inventory differences (first ${inventory.examples.length}): ${inventory.examples.join('; ')}`);
    if (stats.clientErrorSamples.length > 0) console.log(`caller-side errors (first ${stats.clientErrorSamples.length}):\n  ${stats.clientErrorSamples.join('\n  ')}`);
    if (stats.serverErrorSamples.length > 0) console.log(`server faults (first ${stats.serverErrorSamples.length}):\n  ${stats.serverErrorSamples.join('\n  ')}`);
    if (finalRun.status !== 'SUCCEEDED') console.log(`sync run ${finalRun.status}: ${finalRun.error ?? `still running after ${SYNC_TIMEOUT_MS / 1000}s (${lastRun.seen} records)`}`);
    emitBenchResult('load', verdicts, { hubMode: 'hub start child process', models: MODELS, seconds: SECONDS, clients: CLIENTS, requests: REQUESTS });
    if (verdicts.some((v) => v.pass === false)) process.exitCode = 1;
  } finally {
    await env.dispose();
  }
}

await main();
