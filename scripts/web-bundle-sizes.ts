import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One page's JavaScript as the browser first downloads it: the entry and every chunk it imports statically. */
export interface PageWeight {
  files: string[];
  rawBytes: number;
  gzipBytes: number;
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

/** The console's first-load budget (issue 19): compressed JavaScript of index.html before any screen is opened. */
export const CONSOLE_INITIAL_JS_BUDGET_BYTES = 250 * 1024;

function gzipSize(path: string): { raw: number; gzip: number } {
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/**
 * Weighs the built pages from Vite's manifest. `initial` follows static imports only: lazily loaded screens are
 * fetched when first opened and are reported separately as `all`.
 */
export function pageWeights(distDir: string): Record<'console' | 'consoleAll' | 'graphiql', PageWeight> {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const collect = (entry: string, followDynamic: boolean): PageWeight => {
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key) || !manifest[key]) return;
      seen.add(key);
      for (const next of manifest[key].imports ?? []) visit(next);
      if (followDynamic) for (const next of manifest[key].dynamicImports ?? []) visit(next);
    };
    visit(entry);
    const files = [...seen].map((key) => manifest[key].file).filter((file) => file.endsWith('.js'));
    const sizes = files.map((file) => gzipSize(join(distDir, file)));
    return { files, rawBytes: sizes.reduce((sum, s) => sum + s.raw, 0), gzipBytes: sizes.reduce((sum, s) => sum + s.gzip, 0) };
  };
  return { console: collect('index.html', false), consoleAll: collect('index.html', true), graphiql: collect('graphiql.html', false) };
}

export function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
