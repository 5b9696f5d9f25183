import type { Logger } from '../logger.js';

/** What the console needs to run the authorization code flow with PKCE against the IdP. */
export interface ConsoleSignIn {
  clientId: string;
  scopes: string;
  authorizationUrl: string;
  tokenUrl: string;
}

export interface ConsoleSignInSettings {
  clientId: string;
  scopes: string;
  issuer: string | null;
  endpoints: { authorizationUrl: string; tokenUrl: string } | null;
}

const DISCOVERY_TIMEOUT_MS = 5_000;
/** After a failed discovery the console offers API keys only, and asks the IdP again after this long. */
const RETRY_AFTER_MS = 60_000;

/**
 * Resolves the IdP's endpoints for the console: as configured, or from the issuer's OpenID discovery document
 * (fetched when a browser first asks, then kept). An IdP that cannot be reached never stops the hub: the console
 * falls back to API keys and discovery is retried a minute later.
 */
export function createConsoleSignIn(settings: ConsoleSignInSettings | null, logger: Logger, fetchImpl: typeof fetch = fetch): () => Promise<ConsoleSignIn | null> {
  if (!settings) return async () => null;
  const { clientId, scopes } = settings;
  if (settings.endpoints) {
    const resolved = { clientId, scopes, ...settings.endpoints };
    return async () => resolved;
  }
  const issuer = settings.issuer!;
  let known: ConsoleSignIn | null = null;
  let failedAt = 0;
  let pending: Promise<ConsoleSignIn | null> | null = null;

  const discover = async (): Promise<ConsoleSignIn | null> => {
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    try {
      const response = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const document = (await response.json()) as { issuer?: unknown; authorization_endpoint?: unknown; token_endpoint?: unknown };
      // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
      if (document.issuer !== issuer) throw new Error(`the document names issuer ${JSON.stringify(document.issuer)}`);
      if (typeof document.authorization_endpoint !== 'string' || typeof document.token_endpoint !== 'string') throw new Error('no authorization_endpoint or token_endpoint');
      known = { clientId, scopes, authorizationUrl: new URL(document.authorization_endpoint).href, tokenUrl: new URL(document.token_endpoint).href };
      return known;
    } catch (error) {
      failedAt = Date.now();
      logger.warn({ url, reason: (error as Error).message }, 'OIDC discovery failed; the console offers API-key sign-in only until it succeeds');
      return null;
    } finally {
      pending = null;
    }
  };

  return async () => {
    if (known) return known;
    if (Date.now() - failedAt < RETRY_AFTER_MS) return null;
    pending ??= discover();
    return pending;
  };
}
