/**
 * Start-up figures of a fresh clone, as a new user meets them (issue 14). Printed with their targets, not asserted by
 * a test: they depend on the machine, its load and npm's cache.
 *
 *   node --import @swc-node/register/esm-register bench/start.ts [--keep]
 *
 * 1. `git clone` of this repository's HEAD into a temporary folder (uncommitted changes are not measured).
 * 2. `npm install` there, timed on its own (the build runs inside it, as `prepare`); its EBADENGINE warnings counted.
 * 3. `npm run demo` on a new data folder, to the line "demo is running"; the longest stretch without a line of output.
 *    First start = 2 + 3.
 * 4. `npm run build` after removing dist/ (a clean build), and again (nothing changed).
 * 5. `npm start` and `npm run demo` again on the demo's data folder: time to ready (the HTTP listener's log line, the
 *    demo's banner), and the CPU time `npm start` took to get there. Each started command is stopped with SIGINT once
 *    ready. Wall times on a shared machine follow its load, printed beside them; CPU time much less.
 *
 * The clone is removed at the end unless --keep.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { emitBenchResult, printFigures, type Figure } from './lib/report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGETS = { firstStartSeconds: 90, secondStartSeconds: 5 };

interface Timed {
  seconds: number;
  output: string;
  /** The longest stretch without a line of output, from the command's start. */
  longestSilenceSeconds: number;
  /** CPU time of the command's processes until ready (null without /proc): the figure the machine's load moves least. */
  cpuSeconds: number | null;
  /** The machine's 1-minute load average when the command started. */
  load: number;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system time of a process group's live processes, their reaped children included (Linux /proc). */
function groupCpuSeconds(group: number): number | null {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      // Fields after the command name: state ppid pgrp … utime(14) stime(15) cutime(16) cstime(17).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== group) continue;
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    }
    return ticks / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/**
 * Runs a command in the clone (its own process group); resolves when `ready` matches a line (then stops the command
 * with SIGINT and waits for it to exit) or, without `ready`, when it exits 0.
 */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, ready?: RegExp, timeoutMs = 600_000): Promise<Timed> {
  const started = performance.now();
  let lastLine = started;
  let longestSilence = 0;
  let output = '';
  let readyAt: number | null = null;
  let cpuSeconds: number | null = null;
  const load = loadavg()[0];
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs / 1000} s; output:\n${output.slice(-3000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      const now = performance.now();
      longestSilence = Math.max(longestSilence, now - lastLine);
      lastLine = now;
      output += chunk.toString();
      if (ready && readyAt === null && ready.test(output)) {
        readyAt = now;
        cpuSeconds = groupCpuSeconds(child.pid!);
        process.kill(-child.pid!, 'SIGINT');
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      const end = readyAt ?? performance.now();
      if (ready ? readyAt === null : code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}${ready ? ' before it was ready' : ''}; output:\n${output.slice(-3000)}`));
        return;
      }
      resolve({ seconds: (end - started) / 1000, output, longestSilenceSeconds: longestSilence / 1000, cpuSeconds, load });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
  const work = mkdtempSync(join(tmpdir(), 'hub-start-bench-'));
  const clone = join(work, 'clone');
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  // A user's shell: nothing of this hub's own configuration (the demo must use its embedded default).
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|REDIS_URL|HUB_|PORT$|HOST$|LOG_)/.test(name)),
  );
  const hubEnv = { ...env, HUB_DATA_DIR: join(work, 'data'), PORT: '0', DEMO_SIMULATOR_BASE_PORT: '0' };
  try {
    execFileSync('git', ['clone', '--quiet', ROOT, clone]);
    console.log(`fresh clone of ${commit} in ${clone}`);

    const install = await run('npm', ['install'], clone, env);
    const ebadengine = install.output.match(/EBADENGINE/g)?.length ?? 0;
    console.log(`npm install: ${install.seconds.toFixed(1)} s, ${ebadengine} EBADENGINE warning line(s)`);
    const demo = await run('npm', ['run', 'demo'], clone, hubEnv, /demo is running/);
    console.log(`npm run demo (first): ${demo.seconds.toFixed(1)} s, longest silence ${demo.longestSilenceSeconds.toFixed(1)} s (load ${demo.load.toFixed(1)})`);

    rmSync(join(clone, 'dist'), { recursive: true, force: true });
    const cleanBuild = await run('npm', ['run', 'build'], clone, env);
    const noopBuild = await run('npm', ['run', 'build'], clone, env);
    console.log(`npm run build: clean ${cleanBuild.seconds.toFixed(1)} s, nothing changed ${noopBuild.seconds.toFixed(1)} s`);

    const secondStart = await run('npm', ['start'], clone, hubEnv, /"msg":"HTTP server listening"/);
    const secondDemo = await run('npm', ['run', 'demo'], clone, hubEnv, /demo is running/);
    console.log(`second start: npm start ${secondStart.seconds.toFixed(1)} s (load ${secondStart.load.toFixed(1)}), npm run demo ${secondDemo.seconds.toFixed(1)} s (load ${secondDemo.load.toFixed(1)})`);

    const figures: Figure[] = [
      { name: 'npm install (npm, build included), s', value: round(install.seconds), unit: 's' },
      { name: 'EBADENGINE warnings of npm install', value: ebadengine, target: { op: '==', value: 0 } },
      { name: 'first npm run demo to ready, s', value: round(demo.seconds), unit: 's' },
      { name: 'first npm install && npm run demo, s', value: round(install.seconds + demo.seconds), unit: 's', target: { op: '<=', value: TARGETS.firstStartSeconds } },
      { name: 'longest silence of the first demo start, s', value: round(demo.longestSilenceSeconds), unit: 's' },
      { name: 'npm run build, clean, s', value: round(cleanBuild.seconds), unit: 's' },
      { name: 'npm run build, nothing changed, s', value: round(noopBuild.seconds), unit: 's' },
      { name: 'second npm start to ready, s', value: round(secondStart.seconds), unit: 's', target: { op: '<=', value: TARGETS.secondStartSeconds } },
      ...(secondStart.cpuSeconds === null ? [] : [{ name: 'second npm start, CPU seconds to ready', value: round(secondStart.cpuSeconds), unit: 's' }]),
      { name: 'second npm run demo to ready, s', value: round(secondDemo.seconds), unit: 's', target: { op: '<=', value: TARGETS.secondStartSeconds } },
    ];
    const verdicts = printFigures(`Start-up of a fresh clone (${commit}; npm cache as this machine has it; ${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)})`, figures);
    emitBenchResult('start', verdicts, { commit, load: loadavg()[0] });
  } finally {
    if (values.keep) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

await main();
