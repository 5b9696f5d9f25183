/**
 * Whether dist/web is current: a fingerprint of everything the console's bundle is built from. Plain JavaScript so
 * that scripts/build.mjs can skip the web step without loading a TypeScript toolchain (that load alone cost a second
 * of every start); scripts/build-web.ts writes the same fingerprint after a build.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
export const WEB_DIST = join(ROOT, 'dist', 'web');
export const FINGERPRINT_FILE = join(WEB_DIST, '.build-fingerprint');
/** Generated from the schema by the build itself, so not an input. */
export const GENERATED_TYPES = join(WEB, 'src', 'graphql-env.d.ts');

export function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** What the bundle depends on: web/ (but the generated types), the schema, the lockfile and the build scripts. */
export function sourceFingerprint() {
  const hash = createHash('sha256');
  const inputs = [
    ...filesUnder(WEB).filter((path) => path !== GENERATED_TYPES),
    join(ROOT, 'schema', 'schema.graphql'),
    join(ROOT, 'package-lock.json'),
    join(ROOT, 'scripts', 'build-web.ts'),
    join(ROOT, 'scripts', 'web-bundle-sizes.ts'),
    fileURLToPath(import.meta.url),
  ].sort();
  for (const path of inputs) hash.update(relative(ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
  return hash.digest('hex');
}

export function isWebBuildCurrent() {
  return existsSync(FINGERPRINT_FILE) && readFileSync(FINGERPRINT_FILE, 'utf8') === sourceFingerprint();
}
