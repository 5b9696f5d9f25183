import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleSignIn } from './console-sign-in.js';
import { securityHeaders } from './security-headers.js';
import { sendStaticFile, type StaticFiles } from './static-files.js';
import { prefersHtml } from './accept.js';

export interface ConsoleRouteOptions {
  /** The built console; null when it has not been built (pages then say how to build it). */
  files: StaticFiles | null;
  /** The IdP endpoints for SSO sign-in, or null (API keys only). */
  signIn: () => Promise<ConsoleSignIn | null>;
}

export interface ConsoleRoute {
  /** Serves `path` when it is the console's; false leaves the request to the caller (its 404). */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
}

const CONFIG_PATH = '/console-config.json';

/**
 * The console at `/`: its built files, and index.html for every other path a browser navigates to, so the
 * console's own routes (`/change-requests/<id>` in a write-back link, say) open directly. Requests that are not
 * browser navigations (API clients, scripts) are left alone and keep getting the hub's JSON 404.
 */
export function createConsoleRoute(options: ConsoleRouteOptions): ConsoleRoute {
  const pagePolicy = async () => {
    const signIn = await options.signIn();
    return securityHeaders({ connectOrigins: signIn ? [new URL(signIn.tokenUrl).origin] : [] });
  };

  return {
    async handle(req, res, path) {
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD') return false;
      if (path === CONFIG_PATH) {
        const signIn = await options.signIn();
        const body = JSON.stringify({ oidc: signIn });
        res.writeHead(200, { ...securityHeaders(), 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' }).end(method === 'HEAD' ? undefined : body);
        return true;
      }
      const file = options.files?.get(path);
      if (file && path !== '/index.html' && path !== '/graphiql.html') {
        sendStaticFile(req, res, file, securityHeaders());
        return true;
      }
      if (path !== '/' && path !== '/index.html' && !isClientRoute(path, req)) return false;
      const index = options.files?.get('/index.html');
      if (!index) {
        notBuilt(res);
        return true;
      }
      sendStaticFile(req, res, index, await pagePolicy());
      return true;
    },
  };
}

/**
 * A browser navigating to one of the console's own paths. A path naming a file (a missing hashed asset from an old
 * build, the build's manifest) is a plain 404, never the page: a script tag must not get HTML back.
 */
function isClientRoute(path: string, req: IncomingMessage): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !path.startsWith('/assets/') && !last.includes('.') && prefersHtml(req);
}

/** Without a build the hub still serves its API; the page says how to get the console. */
export function notBuilt(res: ServerResponse): void {
  res
    .writeHead(503, { ...securityHeaders(), 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    .end(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ModelOps hub</title></head><body>' +
        '<h1>The console is not built</h1><p>Run <code>npm run build:web</code> (or <code>npm run build</code>) and reload. ' +
        'The GraphQL API is at <code>/graphql</code>.</p></body></html>',
    );
}
