import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** How the hub runs TypeScript outside vitest (`npm run hub`), then the recorder (its hooks run first). */
const EXEC_ARGV = ['--import', '@swc-node/register/esm-register', '--import', new URL('./loaded-modules/record.mjs', import.meta.url).href];

/** Paths (relative to the repository) of the modules of this repository that were loaded, from a record file. */
function readRecord(dir: string): string[] {
  const file = join(dir, 'loaded.txt');
  const urls = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  rmSync(dir, { recursive: true, force: true });
  return [...new Set(urls.filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url)).filter((path) => path.startsWith(ROOT) && !path.includes('/node_modules/')).map((path) => path.slice(ROOT.length)))];
}

function recordFile(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'loaded-modules-'));
  const file = join(dir, 'loaded.txt');
  writeFileSync(file, '');
  return { dir, file };
}

/** The repository's modules a fresh Node process loads to import `modulePath` (relative to the repository). */
export function modulesLoadedByImport(modulePath: string): string[] {
  const { dir, file } = recordFile();
  execFileSync(process.execPath, [...EXEC_ARGV, '--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(join(ROOT, modulePath)).href)});`], {
    cwd: ROOT,
    env: { ...process.env, LOADED_MODULES_FILE: file },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return readRecord(dir);
}

/**
 * The repository's modules a worker thread loads when it runs `entryPath` (relative to the repository), up to the
 * first message it posts (a listing thread posts `ready` once it has loaded everything it lists with).
 */
export async function modulesLoadedByThread(entryPath: string): Promise<string[]> {
  const { dir, file } = recordFile();
  const worker = new Worker(join(ROOT, entryPath), { execArgv: EXEC_ARGV, env: { ...process.env, LOADED_MODULES_FILE: file } });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the thread exited (code ${code}) before its first message`)));
    });
  } finally {
    await worker.terminate();
  }
  return readRecord(dir);
}
