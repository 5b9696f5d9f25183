import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the build puts the console (scripts/build-web.ts): dist/web of the package, from src/ or from dist/src/. */
export const CONSOLE_DIST_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../web' : '../../dist/web', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** One built file, held in memory: the console is a few megabytes, and every request is then a lookup. */
export interface StaticFile {
  body: Buffer;
  /** The build's gzip of the file, served to clients that accept it. */
  gzip: Buffer | null;
  contentType: string;
  etag: string;
  /** Content-hashed (under /assets/): a new build gives a new name, so it can be cached for good. */
  immutable: boolean;
}

/**
 * The built console, keyed by URL path. Only files the build wrote are ever served: a path is a key lookup, so no
 * request can reach outside the folder. Dot-files (the build's manifest and fingerprint) are not served.
 */
export class StaticFiles {
  private constructor(private readonly files: ReadonlyMap<string, StaticFile>) {}

  /** null when the console has not been built (the hub still serves its API). */
  static load(dir: string): StaticFiles | null {
    if (!existsSync(join(dir, 'index.html'))) return null;
    const files = new Map<string, StaticFile>();
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        if (entry.name.startsWith('.')) continue;
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (!entry.name.endsWith('.gz')) {
          const urlPath = `/${relative(dir, path).split(sep).join('/')}`;
          files.set(urlPath, readFile(path, urlPath));
        }
      }
    };
    walk(dir);
    return new StaticFiles(files);
  }

  get(path: string): StaticFile | undefined {
    return this.files.get(path);
  }
}

function readFile(path: string, urlPath: string): StaticFile {
  const body = readFileSync(path);
  const extension = path.slice(path.lastIndexOf('.'));
  return {
    body,
    gzip: existsSync(`${path}.gz`) ? readFileSync(`${path}.gz`) : null,
    contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    immutable: urlPath.startsWith('/assets/'),
  };
}

/**
 * Sends a file with its caching rules: hashed assets are immutable for a year; pages (index.html) are revalidated
 * on every load (`no-cache` with an ETag), so a new build is picked up at once.
 */
export function sendStaticFile(req: IncomingMessage, res: ServerResponse, file: StaticFile, headers: Record<string, string>, status = 200): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', file.contentType);
  res.setHeader('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.setHeader('etag', file.etag);
  res.setHeader('vary', 'accept-encoding');
  if (status === 200 && req.headers['if-none-match'] === file.etag) {
    res.writeHead(304).end();
    return;
  }
  const gzip = file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? file.gzip : null;
  if (gzip) res.setHeader('content-encoding', 'gzip');
  const body = gzip ?? file.body;
  res.setHeader('content-length', body.length);
  res.writeHead(status);
  res.end(req.method === 'HEAD' ? undefined : body);
}
