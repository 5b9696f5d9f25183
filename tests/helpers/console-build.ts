import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processAlive } from './process-alive.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LOCK = join(ROOT, 'dist', '.web-build.lock');


/** One build at a time across the suite's parallel workers: a lock directory holding the builder's pid. */
async function withLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {
        // the holder is between mkdir and writing its pid
      }
      const age = Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs;
      if ((holder && !processAlive(holder)) || age > 10 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Builds the console (scripts/build-web.ts) unless the build in dist/web is current. The browser tests run against
 * exactly what `npm run build` produces and the hub serves.
 */
export function ensureConsoleBuilt(): Promise<void> {
  return withLock(
    () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', join(ROOT, 'scripts', 'build-web.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the console build failed:\n${output}`))));
      }),
  );
}
