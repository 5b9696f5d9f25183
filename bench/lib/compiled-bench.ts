import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Compiles the benches with tsc (tsconfig.bench.json) and returns the compiled script of `name` (e.g. 'sync'), for a
 * child process that runs as the hub runs when deployed: the swc loader the TypeScript benches use costs 130–200 MB
 * of native memory that no deployed process carries, which would swamp any RSS figure.
 */
export function compiledBench(name: string): string {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.bench.json'], { cwd: root, stdio: 'inherit' });
  return fileURLToPath(new URL(`../../dist/bench/${name}.js`, import.meta.url));
}
