import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import { ROLES, hasAnyRole, type Principal } from '../auth/principal.js';
import type { DatabaseHandle } from '../db/client.js';
import { streamRows, type RowBatch } from '../db/row-stream.js';
import { isConnectionFailure } from '../db/sql.js';
import { UnauthenticatedError } from '../errors.js';
import { compressionStream, negotiateEncoding, varyOnAcceptEncoding } from '../http/compression.js';
import type { Logger } from '../logger.js';
import { selectItem } from './export-column.js';
import { EXPORTS, exportNamed, type ExportDefinition } from './export-definitions.js';
import { ExportParameterError } from './export-params.js';
import { rowFormatter, type ExportFormat } from './row-format.js';

/**
 * GET /export/<entity>.<csv|jsonl>: a flat export, streamed from the database as it is read (constant memory,
 * the socket's backpressure pacing the cursor), compressed when the client asks, authenticated like /graphql (any
 * role reads: VIEWER and up) and audited (`export.downloaded`, with the entity, format and filters) before the first
 * row leaves. A client that goes away ends the query. A failure after the first byte cannot change the status any
 * more: the response is cut off (no chunked terminator), so a client sees a broken transfer, never a short file.
 */
export interface ExportRouteOptions {
  database: DatabaseHandle;
  authenticate(req: IncomingMessage): Promise<Principal | null>;
  audit: AuditRecorder;
  logger: Logger;
  /** Exports streaming at once; more are refused with 503 (each holds a database connection). */
  maxConcurrent?: number;
  /** Rows per cursor fetch / keyset batch. */
  batchSize?: number;
}

export interface ExportRoute {
  /** Serves the request when its path is an export's; false otherwise (the caller routes on). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
}

const EXPORT_PATH = /^\/export\/([a-z-]+)\.(csv|jsonl)$/;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

class ExportRefusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field: string | null = null) {
    super(message);
  }
}

const CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8; header=present', jsonl: 'application/x-ndjson; charset=utf-8' };

export function createExportRoute(options: ExportRouteOptions): ExportRoute {
  const { database, logger } = options;
  const maxConcurrent = options.maxConcurrent ?? 4;
  const batchSize = options.batchSize ?? 500;
  let running = 0;

  async function principalOf(req: IncomingMessage): Promise<Principal> {
    let principal: Principal | null;
    try {
      principal = await options.authenticate(req);
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw new ExportRefusal(401, 'UNAUTHENTICATED', error.message);
      throw error;
    }
    if (!principal) throw new ExportRefusal(401, 'UNAUTHENTICATED', 'Authentication required: send an API key (X-API-Key or Authorization: Bearer) or a bearer token');
    if (!hasAnyRole(principal, ROLES)) throw new ExportRefusal(403, 'FORBIDDEN', `Requires one of the roles: ${ROLES.join(', ')}`);
    return principal;
  }

  function parseBom(url: URL, format: ExportFormat): boolean {
    const values = url.searchParams.getAll('bom');
    if (values.length === 0) return false;
    if (values.length > 1 || !['true', 'false'].includes(values[0])) throw new ExportRefusal(400, 'INVALID_PARAMETER', 'bom: expected true or false (once)', 'bom');
    if (format !== 'csv' && values[0] === 'true') throw new ExportRefusal(400, 'INVALID_PARAMETER', 'bom: only CSV exports take a byte-order mark', 'bom');
    return values[0] === 'true';
  }

  async function serve(req: IncomingMessage, res: ServerResponse, definition: ExportDefinition, format: ExportFormat, requestId: string): Promise<{ actor: string; rows: number }> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET') throw new ExportRefusal(405, 'METHOD_NOT_ALLOWED', 'Exports are read with GET');
    const principal = await principalOf(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const bom = parseBom(url, format);
    let where;
    try {
      where = definition.conditions(url.searchParams, principal);
    } catch (error) {
      if (error instanceof ExportParameterError) throw new ExportRefusal(400, error.code, error.message, error.field);
      throw error;
    }
    if (running >= maxConcurrent) throw new ExportRefusal(503, 'EXPORTS_BUSY', `${maxConcurrent} exports are already streaming; retry shortly`);
    running++;
    let batches: AsyncGenerator<RowBatch> | null = null;
    try {
      const filters = Object.fromEntries([...new Set(url.searchParams.keys())].map((key) => [key, url.searchParams.getAll(key)]));
      await database.db.transaction((tx) =>
        options.audit.record(tx, {
          actor: principal,
          action: 'export.downloaded',
          entityKind: 'export',
          entityId: definition.name,
          after: { format, filters },
          requestId,
        }),
      );
      batches = streamRows(
        database,
        { columns: definition.columns.map(selectItem), from: definition.from, where, key: definition.key, label: `export:${definition.name}` },
        { batchSize },
      );
      // The first batch is read before answering, so a database that is down is a 503, not a cut-off 200.
      const first = await batches.next();
      const formatter = rowFormatter(format, definition.columns, { bom });
      let rows = 0;
      const rowBatches = batches;
      const chunks = async function* (): AsyncGenerator<string> {
        yield formatter.head;
        let next: IteratorResult<RowBatch> = first;
        while (!next.done) {
          rows += next.value.length;
          yield formatter.batch(next.value);
          next = await rowBatches.next();
        }
      };
      const coding = negotiateEncoding(req.headers['accept-encoding']);
      res.statusCode = 200;
      res.setHeader('content-type', CONTENT_TYPES[format]);
      res.setHeader('content-disposition', `attachment; filename="${definition.name}.${format}"`);
      res.setHeader('cache-control', 'no-store');
      res.setHeader('x-request-id', requestId);
      varyOnAcceptEncoding(res);
      if (coding) res.setHeader('content-encoding', coding);
      // One chunk in flight at a time: memory holds a batch or two, whatever the export's size.
      const source = Readable.from(chunks(), { objectMode: true, highWaterMark: 1 });
      if (coding) await pipeline(source, compressionStream(coding), res);
      else await pipeline(source, res);
      return { actor: principal.id, rows };
    } finally {
      // Ends the cursor (cancelling the query) when the response closed early; a no-op once it has run out.
      await batches?.return(undefined);
      running--;
    }
  }

  return {
    async handle(req, res, path) {
      const match = EXPORT_PATH.exec(path);
      if (!path.startsWith('/export/') && path !== '/export') return false;
      const header = req.headers['x-request-id'];
      const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
      const started = performance.now();
      const definition = match ? exportNamed(match[1]) : undefined;
      let actor: string | null = null;
      let rows: number | null = null;
      try {
        if (!match || !definition) {
          throw new ExportRefusal(404, 'NOT_FOUND', `No export at ${path.slice(0, 100)}; exports: ${EXPORTS.map((d) => `/export/${d.name}.{csv,jsonl}`).join(', ')}`);
        }
        ({ actor, rows } = await serve(req, res, definition, match[2] as ExportFormat, requestId));
      } catch (error) {
        if (res.headersSent) {
          // Mid-stream: the client went away (nothing to answer) or the database failed (cut the response off).
          if (!res.destroyed && !res.writableFinished) {
            logger.error({ err: error, requestId, export: definition?.name }, 'export failed mid-stream; response cut off');
            res.destroy();
          }
        } else if (error instanceof ExportRefusal) {
          refuse(res, requestId, error.status, error.code, error.message, error.field);
        } else if (isConnectionFailure(error)) {
          logger.warn({ requestId, reason: (error as Error).message?.split('\n')[0] }, 'export refused: database unavailable');
          refuse(res, requestId, 503, 'SERVICE_UNAVAILABLE', 'The database is unavailable; retry shortly', null);
        } else {
          logger.error({ err: error, requestId, export: definition?.name }, 'export failed');
          refuse(res, requestId, 500, 'INTERNAL_SERVER_ERROR', 'Internal error', null);
        }
      } finally {
        logger.info({ requestId, export: definition?.name ?? null, status: res.statusCode, rows, aborted: !res.writableFinished, durationMs: Math.round(performance.now() - started), actor }, 'export request');
      }
      return true;
    },
  };
}

function refuse(res: ServerResponse, requestId: string, status: number, code: string, message: string, field: string | null): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('x-request-id', requestId);
  if (status === 401) res.setHeader('www-authenticate', 'Bearer');
  if (status === 503) res.setHeader('retry-after', '5');
  res.end(JSON.stringify({ error: { code, message, field } }));
}
