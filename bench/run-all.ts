/**
 * `npm run bench`: runs every benchmark as a child process, one after another, streams its output (prefixed with
 * its name), collects its `BENCH_RESULT {json}` line and prints one summary table of every figure with its target
 * and verdict. Exits non-zero when a benchmark failed a target, exited non-zero, or printed no result.
 *
 *   npm run bench -- [--only ingest,graphql] [--quick] [--timeout-minutes 60]
 *
 * --quick passes each bench the smaller sizes it accepts, so the whole suite smoke-runs in minutes; its figures are
 * not the targets (memory-growth and floor ratios are noisy at small sizes).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { passed, summaryTable, type BenchOutcome } from './lib/run-all-summary.js';

interface BenchSpec {
  name: string;
  script: string;
  /** Arguments and environment for a --quick run (each bench's own size flags). */
  quick: { args: string[]; env: Record<string, string> };
}

const BENCHES: readonly BenchSpec[] = [
  // A fresh clone's install, first and second start (the same in a quick run: it has no sizes).
  { name: 'start', script: 'start.ts', quick: { args: [], env: {} } },
  { name: 'ingest', script: 'ingest.ts', quick: { args: [], env: { BENCH_MODELS: '1000' } } },
  { name: 'connectors', script: 'connectors.ts', quick: { args: ['--small', '200', '--large', '1000'], env: {} } },
  { name: 'sync', script: 'sync.ts', quick: { args: ['--models', '1000', '--compare-models', '100'], env: {} } },
  // The quick GraphQL run stops at 100 000 versions (no 1M seeding) and shortens the load.
  { name: 'graphql', script: 'graphql.ts', quick: { args: [], env: { BENCH_DURATION_S: '3', BENCH_GQL_SMALL: '1' } } },
  { name: 'export', script: 'export.ts', quick: { args: [], env: { EXPORT_BENCH_ROWS: '100000' } } },
  { name: 'audit', script: 'audit.ts', quick: { args: [], env: { AUDIT_BENCH_EVENTS: '100000' } } },
  // A version with 200 approved requests; the quick run seeds 50 (no target then).
  { name: 'evidence-pack', script: 'evidence-pack.ts', quick: { args: ['--requests', '50', '--runs', '5'], env: {} } },
  { name: 'audit-replay', script: 'audit-replay.ts', quick: { args: ['--events', '100000'], env: {} } },
  { name: 'load', script: 'load.ts', quick: { args: ['--seconds', '20', '--models', '500', '--requests', '20', '--clients', '5'], env: {} } },
];

/** Runs one bench in its own process group (so a timeout also ends the simulators and hubs it started). */
function runBench(spec: BenchSpec, quick: boolean, timeoutMs: number): Promise<BenchOutcome> {
  const script = fileURLToPath(new URL(`./${spec.script}`, import.meta.url));
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', script, ...(quick ? spec.quick.args : [])], {
    env: { ...process.env, ...(quick ? spec.quick.env : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let result: Record<string, unknown> | null = null;
  const pipe = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream, parse: boolean) => {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (parse && line.startsWith('BENCH_RESULT ')) {
          try {
            result = JSON.parse(line.slice('BENCH_RESULT '.length)) as Record<string, unknown>;
          } catch {
            out.write(`[${spec.name}] (unparseable BENCH_RESULT line)\n`);
          }
          continue;
        }
        out.write(`[${spec.name}] ${line}\n`);
      }
    });
    stream.on('end', () => pending && out.write(`[${spec.name}] ${pending}\n`));
  };
  pipe(child.stdout!, process.stdout, true);
  pipe(child.stderr!, process.stderr, false);
  const timer = setTimeout(() => {
    process.stderr.write(`[${spec.name}] timed out after ${timeoutMs / 60_000} min; stopping it\n`);
    process.kill(-child.pid!, 'SIGTERM');
    setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), 30_000).unref();
  }, timeoutMs);
  const interrupt = () => process.kill(-child.pid!, 'SIGTERM');
  process.once('SIGINT', interrupt);
  return new Promise((resolve) => {
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      process.off('SIGINT', interrupt);
      resolve({ name: spec.name, exitCode, result, seconds: (performance.now() - started) / 1000 });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, 'timeout-minutes': { type: 'string', default: '60' } } });
  const wanted = values.only ? values.only.split(',').map((s) => s.trim()) : null;
  const unknown = wanted?.filter((name) => !BENCHES.some((b) => b.name === name)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected = BENCHES.filter((b) => !wanted || wanted.includes(b.name));
  const outcomes: BenchOutcome[] = [];
  for (const spec of selected) {
    console.log(`\n=== ${spec.name}${values.quick ? ' (quick)' : ''} ===`);
    outcomes.push(await runBench(spec, values.quick, Number(values['timeout-minutes']) * 60_000));
  }
  for (const line of summaryTable(outcomes)) console.log(line);
  if (!outcomes.every(passed)) process.exitCode = 1;
}

await main();
