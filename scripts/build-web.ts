/**
 * Builds the console and GraphiQL (web/ → dist/web) with their GraphQL documents checked against
 * schema/schema.graphql, then prints what a browser downloads. Skips everything when nothing it reads has changed
 * since the last build (scripts/web-fingerprint.mjs), so starts after the first are free.
 *
 *   build-web.ts              build when stale
 *   build-web.ts --force      build anyway
 *   build-web.ts --check      check the documents against the schema and web/'s types (no bundle)
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CONSOLE_INITIAL_JS_BUDGET_BYTES, formatKiB, pageWeights } from './web-bundle-sizes.js';
import { FINGERPRINT_FILE, WEB_DIST, filesUnder, isWebBuildCurrent, sourceFingerprint } from './web-fingerprint.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const TSCONFIG = join(WEB, 'tsconfig.json');
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [command, ...args], { cwd: WEB, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function tool(...path: string[]): string {
  return join(ROOT, 'node_modules', ...path);
}

/** gql.tada's introspection types, from schema/schema.graphql: what every typed document is checked against. */
async function generateSchemaTypes(): Promise<void> {
  const { generateOutput } = await import('@gql.tada/cli-utils');
  await generateOutput({ tsconfig: TSCONFIG, output: undefined, silent: true });
}

/** Every GraphQL document in web/ validated against the schema: a removed or renamed field fails here. */
async function checkDocuments(): Promise<void> {
  const result = await run(tool('gql.tada', 'bin', 'cli.js'), ['check', '--tsconfig', TSCONFIG, '--fail-on-warn']);
  if (result.code !== 0) throw new Error(`GraphQL documents in web/ do not fit schema/schema.graphql:\n${result.output}`);
}

/** The console's code against its documents' result types (a changed type or nullability fails here). */
async function checkTypes(): Promise<void> {
  const result = await run(tool('typescript', 'bin', 'tsc'), ['-p', TSCONFIG]);
  if (result.code !== 0) throw new Error(`Type errors in web/:\n${result.output}`);
}

async function bundle(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  // Served as-is with Content-Encoding: gzip; compressing once here spares every request.
  for (const path of filesUnder(WEB_DIST)) {
    if (COMPRESSIBLE.test(path) && !path.includes(`${join(WEB_DIST, '.vite')}`)) writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
  }
}

function report(): void {
  const weights = pageWeights(WEB_DIST);
  const over = weights.console.gzipBytes > CONSOLE_INITIAL_JS_BUDGET_BYTES;
  process.stdout.write(
    [
      `  console, first load:  ${formatKiB(weights.console.gzipBytes)} of JavaScript gzip (${weights.console.files.length} files; budget ${formatKiB(CONSOLE_INITIAL_JS_BUDGET_BYTES)})${over ? '  OVER BUDGET' : ''}`,
      `  console, every screen: ${formatKiB(weights.consoleAll.gzipBytes)} gzip`,
      `  GraphiQL page:         ${formatKiB(weights.graphiql.gzipBytes)} of JavaScript gzip (${weights.graphiql.files.length} files, loaded only on /graphql)`,
      '',
    ].join('\n'),
  );
}

/**
 * `build` checks the documents against the schema while Vite bundles (the bundle is kept only when both succeed);
 * `check` adds the full type check of web/ (about 15 s of CPU: gql.tada's types are computed by the compiler),
 * which `npm run typecheck` runs and the start of a demo does not pay for.
 */
export async function buildWeb(options: { force?: boolean; checkOnly?: boolean } = {}): Promise<'built' | 'current' | 'checked'> {
  if (options.checkOnly) {
    await generateSchemaTypes();
    await Promise.all([checkDocuments(), checkTypes()]);
    return 'checked';
  }
  if (!options.force && isWebBuildCurrent()) return 'current';
  const fingerprint = sourceFingerprint();
  rmSync(FINGERPRINT_FILE, { force: true });
  await generateSchemaTypes();
  await Promise.all([checkDocuments(), bundle()]);
  writeFileSync(FINGERPRINT_FILE, fingerprint);
  return 'built';
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  const started = performance.now();
  const args = new Set(process.argv.slice(2));
  try {
    const outcome = await buildWeb({ force: args.has('--force'), checkOnly: args.has('--check') });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (outcome === 'checked') process.stdout.write(`web: GraphQL documents and types check (${seconds} s)\n`);
    else if (outcome === 'current') process.stdout.write('web: console up to date\n');
    else {
      process.stdout.write(`web: console built into dist/web (${seconds} s)\n`);
      report();
    }
  } catch (error) {
    process.stderr.write(`web: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
