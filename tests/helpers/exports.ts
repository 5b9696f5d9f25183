import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuditRecorder } from '../../src/audit/audit-recorder.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { createExportRoute } from '../../src/exports/export.route.js';
import { createLogger } from '../../src/logger.js';
import { testAuthenticate } from './graphql.js';

/**
 * The export route on a real HTTP server over `database` (PostgreSQL or PGlite), with the roles-header stand-in
 * for authentication (`x-test-roles: VIEWER`; see helpers/graphql.ts). Full hubs with real keys are tested too.
 */
export async function startExportTestServer(database: DatabaseHandle, options: { batchSize?: number; maxConcurrent?: number } = {}): Promise<{ url: string; close(): Promise<void> }> {
  const route = createExportRoute({ database, authenticate: testAuthenticate, audit: new AuditRecorder(), logger: createLogger('silent'), ...options });
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    void route.handle(req, res, path).then((handled) => handled || res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** RFC 4180 parsing, strict enough to catch a malformed export: quoted fields, doubled quotes, CRLF records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (c === '\n' || c === '\r' || c === '"') {
      throw new Error(`bare ${JSON.stringify(c)} at offset ${i}: not RFC 4180`);
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length) throw new Error('last record not terminated by CRLF');
  return records;
}

/** CSV records as objects keyed by the header. */
export function csvObjects(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
}
