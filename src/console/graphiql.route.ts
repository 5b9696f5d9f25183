import type { IncomingMessage, ServerResponse } from 'node:http';
import { prefersHtml } from './accept.js';
import { notBuilt } from './console.route.js';
import { securityHeaders } from './security-headers.js';
import { sendStaticFile, type StaticFiles } from './static-files.js';

export interface GraphiQLRoute {
  /** A browser opening /graphql (GET, HTML preferred): the IDE page instead of the API. */
  wants(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * GraphiQL, bundled from npm by the console build and served by the hub: no CDN, no telemetry, and no credential
 * needed to load the page (the page itself holds no data; its queries carry the console's credential).
 * GraphQL clients (POST, or GET asking for JSON) are untouched.
 */
export function createGraphiQLRoute(files: StaticFiles | null): GraphiQLRoute {
  return {
    wants(req) {
      const method = req.method ?? 'GET';
      return (method === 'GET' || method === 'HEAD') && prefersHtml(req);
    },
    handle(req, res) {
      const page = files?.get('/graphiql.html');
      if (!page) return notBuilt(res);
      sendStaticFile(req, res, page, securityHeaders({ fontsFromData: true }));
    },
  };
}
