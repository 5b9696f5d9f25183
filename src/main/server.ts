import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConsoleSignIn } from '../console/console-sign-in.js';
import { createConsoleRoute } from '../console/console.route.js';
import { createGraphiQLRoute } from '../console/graphiql.route.js';
import { CONSOLE_DIST_DIR, StaticFiles } from '../console/static-files.js';
import { AuditRecorder } from '../audit/audit-recorder.js';
import { migrationsApplied } from '../db/migrate.js';
import { createExportRoute } from '../exports/export.route.js';
import { buildHubSchema } from '../graphql/build-schema.js';
import { createGraphQLHttpHandler } from '../graphql/http-handler.js';
import { findCheckpointCovering } from '../audit/checkpoints.js';
import { EvidencePackService } from '../reports/evidence-pack.service.js';
import { auditReportViews } from '../reports/report-view-audit.js';
import { createReportsRoute } from '../reports/reports.route.js';
import { loadTrustedDocuments } from '../graphql/trusted-documents.js';
import type { Hub } from './app.js';

/**
 * The HTTP surface: /graphql, /export/<entity>.<csv|jsonl> (flat exports for BI tools), /healthz (process up), /readyz (database reachable, migrations applied, Redis reachable
 * when configured) and /metrics. Everything but the probes requires authentication; /metrics too, unless it is served
 * on its own port (METRICS_PORT) or METRICS_PUBLIC is set. Browsers get the console at / (its pages hold no data:
 * everything they show comes through /graphql with the signed-in credential) and GraphiQL at /graphql. Evidence packs
 * for auditors are at /reports/... (HTML or JSON, authenticated like the API).
 */
export interface HttpServer {
  url: string;
  server: Server;
  metricsServer: Server | null;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;

export async function startHttpServer(hub: Hub): Promise<HttpServer> {
  const { config, logger, metrics } = hub;
  const schema = await buildHubSchema(hub.services);
  const graphql = createGraphQLHttpHandler({
    schema,
    services: hub.services,
    authenticate: hub.authenticate,
    logger,
    limits: { maxPageSize: config.http.maxPageSize, maxDepth: config.http.maxDepth, maxCost: config.http.maxCost, maxBodyBytes: MAX_BODY_BYTES },
    trustedDocuments: config.http.trustedDocumentsPath ? loadTrustedDocuments(config.http.trustedDocumentsPath) : null,
    databaseRendering: config.http.databaseRendering,
    onRequest: ({ operationName, status, durationMs }) => {
      const operation = metricLabel(operationName);
      metrics.graphqlRequests.inc({ operation, outcome: status < 400 ? 'ok' : 'error' });
      metrics.graphqlLatency.observe({ operation }, durationMs / 1000);
    },
  });

  const exports = createExportRoute({ database: hub.database, authenticate: hub.authenticate, audit: new AuditRecorder(), logger });

  const consoleFiles = StaticFiles.load(CONSOLE_DIST_DIR);
  if (!consoleFiles) logger.warn({ dir: CONSOLE_DIST_DIR }, 'the console is not built (npm run build:web); / and GraphiQL say so, the API is unaffected');
  const consoleRoute = createConsoleRoute({ files: consoleFiles, signIn: createConsoleSignIn(config.auth.consoleSignIn, logger) });
  const graphiql = createGraphiQLRoute(consoleFiles);
  const reports = createReportsRoute({
    packs: new EvidencePackService({ db: hub.database.db, inventory: hub.services.inventory, findCheckpointCovering: (seq) => findCheckpointCovering(hub.database.db, seq) }),
    authenticate: hub.authenticate,
    recordView: auditReportViews(hub.database.db, new AuditRecorder()),
    logger,
  });

  let migrationsKnownApplied = false;
  /** The last failure logged per check: a probe every few seconds logs a failure once, and again when it changes. */
  const logged = new Map<string, string>();
  /** The probe is anonymous: it names the failing check, and the driver's words (addresses, users) go to the log. */
  const probe = async (check: string, ping: () => Promise<void>): Promise<'ok' | 'unreachable'> => {
    try {
      await ping();
      logged.delete(check);
      return 'ok';
    } catch (error) {
      const reason = (error as Error)?.message ?? String(error);
      if (logged.get(check) !== reason) logger.warn({ check, reason }, 'readiness check failed');
      logged.set(check, reason);
      return 'unreachable';
    }
  };
  const readiness = async (): Promise<Record<string, string>> => {
    const checks: Record<string, string> = {};
    checks.database = await probe('database', () => hub.database.ping());
    if (checks.database === 'ok') {
      migrationsKnownApplied ||= await migrationsApplied(hub.database);
      checks.migrations = migrationsKnownApplied ? 'ok' : 'pending';
    }
    if (config.redis) checks.redis = await probe('redis', () => withTimeout(hub.pingQueue(), 2_000));
    return checks;
  };

  const serveMetrics = async (res: ServerResponse) => {
    const { contentType, body } = await metrics.render();
    res.writeHead(200, { 'content-type': contentType }).end(body);
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/healthz') return json(res, 200, { status: 'ok' });
      if (path === '/readyz') {
        const checks = await readiness();
        const ready = Object.values(checks).every((v) => v === 'ok');
        return json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
      }
      if (path === '/metrics' && config.metrics.port === null) {
        if (!config.metrics.public) {
          const principal = await hub.authenticate(req).catch(() => null);
          if (!principal) return json(res, 401, { error: 'authentication required for /metrics (or set METRICS_PUBLIC=true / METRICS_PORT)' });
        }
        return serveMetrics(res);
      }
      if (path === '/graphql') return graphiql.wants(req) ? graphiql.handle(req, res) : graphql.handle(req, res);
      // Before the console: a browser navigating to a report must get the pack (or its refusal), not the console page.
      if (await reports.handle(req, res, path)) return;
      if (await exports.handle(req, res, path)) return;
      if (await consoleRoute.handle(req, res, path)) return;
      return json(res, 404, { error: `no route ${path}; the API is at /graphql` });
    } catch (error) {
      logger.error({ err: error, path }, 'unhandled error in HTTP handler');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    }
  };

  const server = createServer((req, res) => void handler(req, res));
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  await listen(server, config.http.port, config.http.host);
  const address = server.address() as AddressInfo;

  let metricsServer: Server | null = null;
  if (config.metrics.port !== null) {
    metricsServer = createServer((req, res) => {
      if ((req.url ?? '').split('?')[0] !== '/metrics') return json(res, 404, { error: 'only /metrics is served here' });
      serveMetrics(res).catch(() => json(res, 500, { error: 'metrics unavailable' }));
    });
    await listen(metricsServer, config.metrics.port, config.http.host);
  }

  const url = `http://${address.address === '::' ? '127.0.0.1' : address.address}:${address.port}`;
  logger.info({ url: `${url}/graphql`, console: `${url}/` }, 'HTTP server listening');
  return {
    url,
    server,
    metricsServer,
    async close() {
      await graphql.stop();
      await Promise.all([closeServer(server), metricsServer ? closeServer(metricsServer) : undefined]);
    },
  };
}

/**
 * Operation names come from clients: bound the label set so a hostile client cannot blow up /metrics cardinality.
 */
const seenOperations = new Set<string>();
function metricLabel(operationName: string | null): string {
  if (!operationName) return 'anonymous';
  if (!/^[A-Za-z_]\w{0,63}$/.test(operationName)) return 'invalid';
  if (seenOperations.has(operationName)) return operationName;
  if (seenOperations.size >= 200) return 'other';
  seenOperations.add(operationName);
  return operationName;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref();
    }),
  ]);
}
