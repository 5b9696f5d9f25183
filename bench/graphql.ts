/**
 * GraphQL read bench (issue 5). Seeds its own database (hub_bench_gql_<rand>), then:
 *  (a) a bare node:http server answering the page "50 models with versions and their deployments" with ONE SQL
 *      statement (json aggregation, text straight to the socket) — the floor any GraphQL layer is measured against;
 *  (b) the hub's GraphQL endpoint (real handler, real read service, a fixed principal) with the equivalent query;
 * each with autocannon (10 connections, 10 s); then the dashboard query (`inventoryStats` by vendor and lifecycle
 * state) against a bare server answering the same counts with one `GROUP BY`. Also the latency of the page as the
 * estate grows from 10 000 versions to 100 000 and to 1 000 000 (skipped only with BENCH_GQL_SMALL=1, as the quick
 * run does: seeding 1M rows takes minutes on 2 cores). Each load also prints the CPU per request of the servers'
 * process and of the machine's PostgreSQL (from /proc): on a few cores the ratio alone moves with which of the two is
 * the bottleneck.
 *
 * Run: node --import @swc-node/register/esm-register bench/graphql.ts
 * Env: BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_GQL_SMALL=1, BENCH_DURATION_S.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import pg from 'pg';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { buildHubSchema } from '../src/graphql/build-schema.js';
import { createGraphQLHttpHandler } from '../src/graphql/http-handler.js';
import type { HubServices } from '../src/graphql/services.js';
import { InventoryReadService } from '../src/inventory/inventory-read.service.js';
import { createLogger } from '../src/logger.js';

/** The slice of autocannon's API this bench uses (the package ships no types). */
type Autocannon = (options: { url: string; method: string; connections: number; duration: number; body?: string; headers: Record<string, string> }) => Promise<{
  requests: { average: number };
  latency: { p99: number };
  errors: number;
  non2xx: number;
}>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const LARGE = process.env.BENCH_GQL_SMALL !== '1';
const VERSIONS_PER_MODEL = 10;

const GRAPHQL_QUERY = `query Page { models(first: 50) { edges { node { id name vendor riskTier
  versions { id version lifecycleState observedStage deployments { id name servingProduction } } } } } }`;

/** The bare server's one statement: the same page, same fields, rendered to JSON text by PostgreSQL. */
const BARE_SQL = `
  select json_build_object('data', json_build_object('models', json_build_object('edges', coalesce(json_agg(json_build_object('node', json_build_object(
    'id', p.id, 'name', p.name, 'vendor', p.vendor, 'riskTier', p.risk_tier,
    'versions', (select coalesce(json_agg(json_build_object('id', v.id, 'version', v.version, 'lifecycleState', v.lifecycle_state,
        'observedStage', v.observed_stage,
        'deployments', (select coalesce(json_agg(json_build_object('id', d.id, 'name', d.name, 'servingProduction', d.serving_production) order by d.name, d.id), '[]'::json)
                        from deployments d where d.version_id = v.id and d.deleted_at is null)) order by v.version_number, v.id), '[]'::json)
      from model_versions v where v.model_id = p.id and v.deleted_at is null))) order by p.name, p.id), '[]'::json))))::text as body
  from (select m.id, m.name, m.risk_tier, s.vendor from models m join sources s on s.id = m.source_id
        where m.deleted_at is null order by m.name, m.id limit 50) p`;

const STATS_QUERY = `query Dashboard { inventoryStats(groupBy: [VENDOR, LIFECYCLE_STATE]) { vendor lifecycleState versionCount modelCount } }`;

/** The bare dashboard: the same counts as `inventoryStats(groupBy: [VENDOR, LIFECYCLE_STATE])`, one GROUP BY. */
const BARE_STATS_SQL = `
  select json_build_object('data', json_build_object('inventoryStats', coalesce(json_agg(json_build_object(
    'vendor', g.vendor, 'lifecycleState', g.lifecycle_state, 'versionCount', g.versions, 'modelCount', g.models)), '[]'::json)))::text as body
  from (select vs.vendor, v.lifecycle_state, count(*)::int as versions, count(distinct v.model_id)::int as models
        from model_versions v join sources vs on vs.id = v.source_id
        where v.deleted_at is null group by 1, 2 order by 1, 2) g`;

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Grows the estate to `toModel` models × 10 versions; the two newest versions of each new model get one deployment each. */
async function growEstate(url: string, sourceId: string, fromModel: number, toModel: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `insert into models (source_id, external_id, name, content_hash)
       select $1, 'model-' || i, 'model-' || lpad(i::text, 7, '0'), 'h' from generate_series($2::int, $3::int) i`,
      [sourceId, fromModel, toModel - 1],
    );
    await client.query(
      `insert into model_versions (source_id, model_id, external_id, version, version_number, content_hash, observed_stage)
       select m.source_id, m.id, m.external_id || '/' || n, n::text, n, 'h', case when n = $1 then 'PRODUCTION' else 'NONE' end
       from models m cross join generate_series(1, $1::int) n
       where not exists (select 1 from model_versions x where x.model_id = m.id)`,
      [VERSIONS_PER_MODEL],
    );
    await client.query(
      `insert into deployments (source_id, version_id, external_id, name, environment, serving_production, content_hash)
       select v.source_id, v.id, v.external_id || '@ep', 'endpoint-' || v.external_id,
              case when v.version_number = $1 then 'PRODUCTION' else 'STAGING' end, v.version_number = $1, 'h'
       from model_versions v
       where v.version_number >= $1 - 1 and not exists (select 1 from deployments x where x.version_id = v.id)`,
      [VERSIONS_PER_MODEL],
    );
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

interface LoadResult {
  rps: number;
  p99: number;
  errors: number;
  /** CPU time of the servers' process per answered request: the share of each answer that is Node's work, not the database's. */
  serverCpuMsPerRequest: number;
  /** CPU time of the machine's PostgreSQL per answered request (null where /proc cannot tell). */
  databaseCpuMsPerRequest: number | null;
}

/**
 * CPU time PostgreSQL's processes on this machine have used so far (ms), from /proc; null where it cannot be read
 * (another OS, a remote database). Clock ticks are 1/100 s on Linux.
 */
function databaseCpuMs(): number | null {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
        const fields = stat.slice(close + 2).split(' ');
        // utime + stime, and cutime + cstime: the postmaster inherits the time of backends and workers that exited.
        ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      } catch {
        // The process ended between listing and reading.
      }
    }
    return ticks * 10;
  } catch {
    return null;
  }
}

/** CPU time the servers' process has used so far (ms); the bare server answers `/cpu`. */
let cpuUrl = '';
async function serverCpuMs(): Promise<number> {
  return ((await (await fetch(cpuUrl)).json()) as { ms: number }).ms;
}

async function load(url: string, body: string | undefined, method: 'GET' | 'POST'): Promise<LoadResult> {
  const cpuBefore = await serverCpuMs();
  const databaseBefore = databaseCpuMs();
  const result = await autocannon({
    url,
    method,
    connections: 10,
    duration: DURATION_S,
    body,
    headers: { 'content-type': 'application/json' },
  });
  const cpuMs = (await serverCpuMs()) - cpuBefore;
  const databaseAfter = databaseCpuMs();
  const answered = Math.max(1, result.requests.average * DURATION_S);
  return {
    rps: Math.round(result.requests.average),
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    serverCpuMsPerRequest: Math.round((cpuMs / answered) * 100) / 100,
    databaseCpuMsPerRequest: databaseBefore === null || databaseAfter === null ? null : Math.round(((databaseAfter - databaseBefore) / answered) * 100) / 100,
  };
}

/** Median latency of the GraphQL page over sequential requests (after warm-up). */
async function pageLatency(url: string, body: string, samples = 60): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples + 10; i++) {
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    if (response.status !== 200 || text.includes('"errors"')) throw new Error(`page failed: ${response.status} ${text.slice(0, 300)}`);
    if (i >= 10) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 100) / 100;
}

const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

/**
 * Child mode: both servers in their own process (NODE_ENV=production, as the hub runs), so the load generator does
 * not share the event loop it is measuring. Prints `BENCH_URLS <bare> <hub>` when listening.
 */
async function serve(url: string): Promise<void> {
  const handle = await openDatabase({ kind: 'postgres', url, poolSize: 10 });
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const services = { inventory: new InventoryReadService(handle.db) } as unknown as HubServices;
  const handler = createGraphQLHttpHandler({
    schema: await buildHubSchema(services),
    services,
    authenticate: async () => ({ id: 'bench', displayName: 'bench', roles: ['VIEWER'], personId: null, kind: 'api-key' }),
    logger: createLogger('warn'),
    limits: { maxPageSize: 500, maxDepth: 12, maxCost: 100_000, maxBodyBytes: 64 * 1024 },
  });
  const hub = createServer((req, res) => void handler.handle(req, res));
  const bare = createServer((req, res) => {
    req.resume();
    if (req.url === '/cpu') {
      const { user, system } = process.cpuUsage();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ms: (user + system) / 1000 }));
      return;
    }
    pool.query<{ body: string }>(req.url === '/stats' ? BARE_STATS_SQL : BARE_SQL).then(
      (result) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(result.rows[0].body);
      },
      (error: Error) => res.writeHead(500).end(error.message),
    );
  });
  console.log(`BENCH_URLS ${await listen(bare)} ${await listen(hub)}/graphql`);
  process.once('SIGTERM', () => {
    bare.close();
    hub.close();
    void Promise.all([handler.stop(), pool.end(), handle.close()]).then(() => process.exit(0));
  });
}

function startServers(url: string): Promise<{ bareUrl: string; hubUrl: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', fileURLToPath(import.meta.url), '--serve', url], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /BENCH_URLS (\S+) (\S+)/.exec(buffered);
      if (match) resolve({ bareUrl: match[1], hubUrl: match[2], child });
    });
    child.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const name = `hub_bench_gql_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`create database "${name}"`));
  const url = databaseUrl(name);
  let child: ChildProcess | undefined;
  try {
    const handle = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
    await migrate(handle);
    await handle.close();
    const sourceId = await admin(async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ id: string }>(`insert into sources (vendor, name) values ('mlflow', 'bench') returning id`);
      await client.end();
      return rows[0].id;
    });
    const servers = await startServers(url);
    child = servers.child;
    const { bareUrl, hubUrl } = servers;
    cpuUrl = `${bareUrl}/cpu`;
    const graphqlBody = JSON.stringify({ query: GRAPHQL_QUERY, operationName: 'Page' });
    const started = performance.now();
    await growEstate(url, sourceId, 0, 1_000);
    const latency10k = await pageLatency(hubUrl, graphqlBody);
    await growEstate(url, sourceId, 1_000, 10_000);
    const seedSeconds = Math.round((performance.now() - started) / 100) / 10;
    const latency100k = await pageLatency(hubUrl, graphqlBody);

    const a = await load(bareUrl, undefined, 'GET');
    const b = await load(hubUrl, graphqlBody, 'POST');
    const ratio = Math.round((b.rps / a.rps) * 100) / 100;
    const statsBody = JSON.stringify({ query: STATS_QUERY, operationName: 'Dashboard' });
    const c = await load(`${bareUrl}/stats`, undefined, 'GET');
    const d = await load(hubUrl, statsBody, 'POST');
    const statsRatio = Math.round((d.rps / c.rps) * 100) / 100;

    let latency1m: number | null = null;
    if (LARGE) {
      await growEstate(url, sourceId, 10_000, 100_000);
      latency1m = await pageLatency(hubUrl, graphqlBody);
    }
    const growth = Math.round(((latency1m ?? latency100k) / latency10k) * 100) / 100;

    const rows10 = [
      ['(a) bare node:http, one SQL', a],
      ['(b) hub GraphQL', b],
      ['(c) bare dashboard GROUP BY', c],
      ['(d) hub inventoryStats', d],
    ] as const;
    console.log(`\nGraphQL read bench — 10 000 models × 10 versions + 20 000 deployments (seeded in ${seedSeconds}s), autocannon 10 connections × ${DURATION_S}s`);
    for (const [name, r] of rows10) {
      const cpu = `CPU/req: server ${r.serverCpuMsPerRequest} ms, database ${r.databaseCpuMsPerRequest ?? 'n/a'} ms`;
      console.log(`  ${name.padEnd(30)} ${`${r.rps} req/s`.padStart(12)}  ${`p99 ${r.p99} ms`.padStart(14)}  ${cpu.padStart(44)}  ${r.errors ? `${r.errors} errors` : ''}`);
    }
    console.log('');
    console.log(`  ${'metric'.padEnd(44)} ${'value'.padStart(10)}  ${'target'.padStart(10)}  result`);
    const table: Array<[string, string, string, boolean]> = [
      ['page throughput ratio b/a', String(ratio), '>= 0.9', ratio >= 0.9],
      ['hub page p99 latency (ms)', String(b.p99), '<= 150', b.p99 <= 150],
      ['dashboard throughput ratio d/c', String(statsRatio), '>= 0.8', statsRatio >= 0.8],
      ['page latency @ 10 000 versions (median ms)', String(latency10k), '', true],
      ['page latency @ 100 000 versions (median ms)', String(latency100k), '', true],
      [LARGE ? 'page latency @ 1 000 000 versions (median ms)' : '1 000 000 versions (skipped: BENCH_GQL_SMALL=1)', latency1m === null ? 'skipped' : String(latency1m), '', true],
      [`latency growth ${LARGE ? '1M' : '100k'} / 10k`, String(growth), '<= 1.5', growth <= 1.5],
      ['errors / non-2xx', String(a.errors + b.errors + c.errors + d.errors), '0', a.errors + b.errors + c.errors + d.errors === 0],
    ];
    for (const [metric, value, target, ok] of table) console.log(`  ${metric.padEnd(44)} ${value.padStart(10)}  ${target.padStart(10)}  ${target ? pass(ok) : ''}`);
    const result = {
      bench: 'graphql',
      bare: a,
      hub: b,
      ratio,
      dashboard: { bare: c, hub: d, ratio: statsRatio },
      latencyMs: { versions10k: latency10k, versions100k: latency100k, versions1m: latency1m },
      growth,
      pass: ratio >= 0.9 && b.p99 <= 150 && statsRatio >= 0.8 && growth <= 1.5 && a.errors + b.errors + c.errors + d.errors === 0,
    };
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await admin((client) => client.query(`drop database if exists "${name}" with (force)`));
  }
}

if (process.argv[2] === '--serve') await serve(process.argv[3]);
else await main();
