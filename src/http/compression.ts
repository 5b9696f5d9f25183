import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, createBrotliCompress, createGzip, gzip, type BrotliOptions, type ZlibOptions } from 'node:zlib';
import type { Transform } from 'node:stream';

/**
 * Response compression for the API and the exports: gzip or Brotli as the client's Accept-Encoding asks (RFC 9110
 * §12.5.3, q-values honoured), nothing below a small size (the headers would outweigh the saving). Compression runs on
 * libuv's thread pool (async zlib), never on the event loop.
 */
export type ContentCoding = 'br' | 'gzip';

/** Bodies smaller than this go out as they are. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * Brotli at quality 4 and gzip at level 6: for dynamic responses, quality 11 (Brotli's default) costs ~50× the CPU
 * for a few percent, and would make the API slower than the bytes it saves.
 */
const BROTLI_OPTIONS: BrotliOptions = { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };
const GZIP_OPTIONS: ZlibOptions = { level: 6 };

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * The coding to answer with, or null for none. Brotli wins ties (smaller at equal cost); `*` covers codings not named;
 * `q=0` refuses one. Unparseable parts are ignored rather than failing the request.
 */
export function negotiateEncoding(acceptEncoding: string | string[] | undefined): ContentCoding | null {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  if (!header) return null;
  const quality = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(param);
      if (match) q = Math.min(1, Math.max(0, Number(match[1]) || 0));
    }
    // x-gzip is gzip's old alias (RFC 9110 §8.4.1.3).
    quality.set(name === 'x-gzip' ? 'gzip' : name, q);
  }
  const wildcard = quality.get('*');
  const q = (coding: ContentCoding) => quality.get(coding) ?? wildcard ?? 0;
  const br = q('br');
  const gz = q('gzip');
  if (br <= 0 && gz <= 0) return null;
  return br >= gz ? 'br' : 'gzip';
}

/** A streaming compressor for the coding (exports: rows are compressed as they are produced). */
export function compressionStream(coding: ContentCoding): Transform {
  return coding === 'br' ? createBrotliCompress(BROTLI_OPTIONS) : createGzip(GZIP_OPTIONS);
}

/** Compresses a complete body. */
export function compressBody(coding: ContentCoding, body: Buffer): Promise<Buffer> {
  return coding === 'br' ? brotliAsync(body, BROTLI_OPTIONS) : gzipAsync(body, GZIP_OPTIONS);
}

/** Adds a coding to the response's Vary header without dropping what is there. */
export function varyOnAcceptEncoding(res: ServerResponse): void {
  const current = res.getHeader('vary');
  const values = (Array.isArray(current) ? current.join(',') : String(current ?? '')).split(',').map((v) => v.trim()).filter(Boolean);
  if (!values.some((v) => v.toLowerCase() === 'accept-encoding' || v === '*')) values.push('Accept-Encoding');
  res.setHeader('vary', values.join(', '));
}

/**
 * Ends the response with `body`, compressed when the client accepts a coding and the body is large enough. Always
 * says `Vary: Accept-Encoding`, since the same URL may answer either way. Status and other headers are the caller's.
 */
export async function endCompressed(req: IncomingMessage, res: ServerResponse, body: string | Buffer): Promise<void> {
  varyOnAcceptEncoding(res);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const coding = bytes.length >= COMPRESSION_THRESHOLD_BYTES ? negotiateEncoding(req.headers['accept-encoding']) : null;
  if (!coding) {
    res.setHeader('content-length', bytes.length);
    res.end(bytes);
    return;
  }
  const compressed = await compressBody(coding, bytes);
  res.setHeader('content-encoding', coding);
  res.setHeader('content-length', compressed.length);
  res.end(compressed);
}
