import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal.js';
import { hasAnyRole, ROLES } from '../auth/principal.js';
import { prefersHtml } from '../console/accept.js';
import { securityHeaders } from '../console/security-headers.js';
import { isConnectionFailure } from '../db/sql.js';
import { InputError, UnauthenticatedError } from '../errors.js';
import { fromGlobalId } from '../global-id.js';
import type { Logger } from '../logger.js';
import type { EvidencePack } from './evidence-pack.js';
import { EVIDENCE_PACK_STYLESHEET_PATH, renderEvidencePack } from './evidence-pack.html.js';
import type { EvidencePackService } from './evidence-pack.service.js';
import { EVIDENCE_PACK_CSS } from './evidence-pack.styles.js';

/** VIEWER and up: every role reads the inventory, so every role reads its evidence. */
const READ_ROLES = ROLES;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** What a pack is about, as the route names it. */
export type PackSubject = 'model_version' | 'model';

/** A pack served to someone: the route records it in the audit trail like an export. */
export interface ReportView {
  principal: Principal;
  subject: PackSubject;
  id: string;
  format: 'html' | 'json';
  requestId: string;
}

export interface ReportsRouteOptions {
  packs: Pick<EvidencePackService, 'modelVersionPack' | 'modelPack'>;
  /** The API's authenticator (same headers as /graphql): null without a credential, throws for a bad one. */
  authenticate(req: IncomingMessage): Promise<Principal | null>;
  /** Records the view (audit); a failure fails the request, so no pack leaves unrecorded. */
  recordView(view: ReportView): Promise<void>;
  logger: Logger;
}

export interface ReportsRoute {
  /** Serves `path` when it is under /reports/; false leaves the request to the caller. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
}

class ReportRefusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const ROUTES: Array<{ prefix: string; subject: PackSubject; type: string }> = [
  { prefix: '/reports/model-versions/', subject: 'model_version', type: 'ModelVersion' },
  { prefix: '/reports/models/', subject: 'model', type: 'Model' },
];

/**
 * Evidence packs for auditors: `/reports/model-versions/{id}` and `/reports/models/{id}` (the API's global id, or the
 * raw uuid), as printable HTML (default, and for `Accept: text/html`) or JSON (`Accept: application/json` or
 * `?format=json`). Authenticated like the API, VIEWER and up; refusals are JSON with a code (400 bad id, 401 no or bad
 * credential, 403 no role, 404 unknown). The stylesheet is public: it holds no data, and a stylesheet request cannot
 * carry the API key.
 */
export function createReportsRoute(options: ReportsRouteOptions): ReportsRoute {
  const { packs, logger } = options;
  return {
    async handle(req, res, path) {
      if (!path.startsWith('/reports/')) return false;
      const started = performance.now();
      const header = req.headers['x-request-id'];
      const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
      let actor: string | null = null;
      try {
        const method = req.method ?? 'GET';
        if (method !== 'GET' && method !== 'HEAD') throw new ReportRefusal(405, 'METHOD_NOT_ALLOWED', 'Reports are read with GET');
        if (path === EVIDENCE_PACK_STYLESHEET_PATH) {
          res.writeHead(200, { ...securityHeaders(), 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' });
          res.end(method === 'HEAD' ? undefined : EVIDENCE_PACK_CSS);
          return true;
        }
        const route = ROUTES.find((r) => path.startsWith(r.prefix));
        const rawId = route ? decodeSegment(path.slice(route.prefix.length)) : null;
        if (!route || rawId === null || rawId.includes('/')) throw new ReportRefusal(404, 'NOT_FOUND', `No report at ${path.slice(0, 200)}: use /reports/model-versions/{id} or /reports/models/{id}`);

        const principal = await authenticated(options, req);
        actor = principal.id;
        if (!hasAnyRole(principal, READ_ROLES)) throw new ReportRefusal(403, 'FORBIDDEN', `Requires one of the roles: ${READ_ROLES.join(', ')}`);
        const format = formatOf(req);
        const id = idOf(rawId, route.type);
        const viewer = { id: principal.id, displayName: principal.displayName };
        const pack: EvidencePack | null = route.subject === 'model_version' ? await packs.modelVersionPack(id, viewer) : await packs.modelPack(id, viewer);
        if (!pack) throw new ReportRefusal(404, 'NOT_FOUND', `No ${route.type} with id ${rawId.slice(0, 80)}`);
        await options.recordView({ principal, subject: route.subject, id, format, requestId });

        const body = format === 'json' ? JSON.stringify(pack, null, 2) : renderEvidencePack(pack);
        res.writeHead(200, {
          ...securityHeaders(),
          'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
          // A pack is one person's view of governed records: never stored by a shared cache or kept on disk.
          'cache-control': 'no-store',
          vary: 'accept, authorization, x-api-key',
          'x-request-id': requestId,
        });
        res.end(method === 'HEAD' ? undefined : body);
      } catch (error) {
        const refusal = asRefusal(error);
        if (!refusal) logger.error({ err: error, requestId, path }, 'evidence pack failed');
        const { status, code, message } = refusal ?? { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'The evidence pack could not be produced' };
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          'x-request-id': requestId,
          ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
        });
        res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
      } finally {
        logger.info({ requestId, path: path.slice(0, 200), status: res.statusCode, durationMs: Math.round(performance.now() - started), actor }, 'report request');
      }
      return true;
    },
  };
}

async function authenticated(options: ReportsRouteOptions, req: IncomingMessage): Promise<Principal> {
  let principal: Principal | null;
  try {
    principal = await options.authenticate(req);
  } catch (error) {
    if (error instanceof UnauthenticatedError) throw new ReportRefusal(401, 'UNAUTHENTICATED', error.message);
    throw error;
  }
  if (!principal) throw new ReportRefusal(401, 'UNAUTHENTICATED', 'Authentication required: send an API key or a bearer token');
  return principal;
}

/** `?format=json|html` wins; otherwise JSON only for a client that asks for JSON and not for HTML first. */
function formatOf(req: IncomingMessage): 'html' | 'json' {
  const format = new URL(req.url ?? '/', 'http://localhost').searchParams.get('format');
  if (format === 'json' || format === 'html') return format;
  if (format !== null) throw new ReportRefusal(400, 'BAD_USER_INPUT', `Unknown format "${format.slice(0, 20)}": use format=html or format=json`);
  if (prefersHtml(req)) return 'html';
  return /\bapplication\/json\b/i.test(String(req.headers.accept ?? '')) ? 'json' : 'html';
}

/** The API's global id of the expected type, or a raw uuid. */
function idOf(raw: string, type: string): string {
  if (UUID.test(raw)) return raw.toLowerCase();
  return fromGlobalId(raw, type).id;
}

function decodeSegment(segment: string): string | null {
  if (segment === '') return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ReportRefusal(400, 'BAD_USER_INPUT', 'The id is not valid URL encoding');
  }
}

function asRefusal(error: unknown): ReportRefusal | null {
  if (error instanceof ReportRefusal) return error;
  if (error instanceof InputError) return new ReportRefusal(400, error.code, error.message);
  if (isConnectionFailure(error)) return new ReportRefusal(503, 'SERVICE_UNAVAILABLE', 'The database is unavailable; try again shortly');
  return null;
}
