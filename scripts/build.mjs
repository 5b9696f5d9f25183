#!/usr/bin/env node
/**
 * `npm run build`, also run by `npm install`/`npm ci` (prepare) and before `npm start` and `npm run demo`.
 *
 * The server step compiles src/ and connectors/ to dist/ with swc, file by file (tsconfig's isolatedModules
 * guarantees each file compiles alone), and only the files whose content changed since the last build: a manifest
 * of content hashes in dist/ makes an unchanged tree a no-op of a few milliseconds. Types are checked by
 * `npm run typecheck` (part of `npm test`), not here: a full tsc build took a minute on a two-core machine.
 * The swc options are shared with vitest (scripts/swc-options.json), so tests run the code the build emits.
 *
 * Plain JavaScript, so it runs before anything is compiled. Each step reports what it did, or null when it had
 * nothing to do; a step that builds another output (a web bundle) is one more entry in STEPS.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isWebBuildCurrent } from './web-fingerprint.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist');
const SOURCE_FOLDERS = ['src', 'connectors'];
const MANIFEST = join(OUT, '.build-manifest.json');

const STEPS = [
  { name: 'server', run: buildServer },
  { name: 'web', run: buildWeb },
];

/** The console and GraphiQL: built by scripts/build-web.ts (which prints sizes) only when an input changed. */
function buildWeb() {
  if (isWebBuildCurrent()) return null;
  const result = spawnSync(process.execPath, ['--import', '@swc-node/register/esm-register', 'scripts/build-web.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  return null;
}

/** Compiles the TypeScript sources whose content changed; removes the output of sources that are gone. */
async function buildServer() {
  const options = JSON.parse(readFileSync(join(ROOT, 'scripts/swc-options.json'), 'utf8'));
  const swcVersion = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@swc/core/package.json'), 'utf8')).version;
  // A change of compiler or options invalidates every output.
  const stamp = hash(JSON.stringify({ options, swcVersion }));
  const previous = readManifest();
  const known = previous.stamp === stamp ? previous.files : {};

  const files = {};
  const changed = [];
  for (const path of SOURCE_FOLDERS.flatMap((folder) => typeScriptFiles(folder))) {
    const code = readFileSync(join(ROOT, path), 'utf8');
    files[path] = hash(code);
    if (known[path] !== files[path] || !existsSync(outputOf(path))) changed.push({ path, code });
  }
  const gone = Object.keys(previous.files).filter((path) => !(path in files));
  if (changed.length === 0 && gone.length === 0) return null;

  const { transform } = await import('@swc/core');
  await Promise.all(
    changed.map(async ({ path, code }) => {
      const output = outputOf(path);
      const result = await transform(code, {
        ...options,
        filename: join(ROOT, path),
        sourceFileName: relative(dirname(output), join(ROOT, path)),
        sourceMaps: true,
        swcrc: false,
        configFile: false,
      });
      mkdirSync(dirname(output), { recursive: true });
      writeFileSync(output, `${result.code}\n//# sourceMappingURL=${basename(output)}.map\n`);
      writeFileSync(`${output}.map`, result.map);
    }),
  );
  for (const path of gone) {
    rmSync(outputOf(path), { force: true });
    rmSync(`${outputOf(path)}.map`, { force: true });
  }
  // Written last: an interrupted build leaves the old manifest, so its files are compiled again next time.
  writeFileSync(MANIFEST, JSON.stringify({ stamp, files }));
  return `compiled ${changed.length} of ${Object.keys(files).length} files${gone.length > 0 ? `, removed ${gone.length}` : ''}`;
}

function typeScriptFiles(folder) {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

function outputOf(path) {
  return join(OUT, path.replace(/\.ts$/, '.js'));
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return { stamp: null, files: {} };
  }
}

function hash(text) {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

for (const step of STEPS) {
  const started = performance.now();
  const did = await step.run();
  if (did) process.stdout.write(`build ${step.name}: ${did} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
