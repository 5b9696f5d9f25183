import type { IncomingMessage } from 'node:http';
import { UnauthenticatedError } from '../errors.js';
import type { ApiKeyService } from './api-key.service.js';
import { createJwtVerifier, type JwtVerifier, type OidcConfig } from './jwt.js';
import type { Principal } from './principal.js';
import type { SsoResolver } from './sso-identity.js';

export interface AuthenticatorOptions {
  apiKeys: Pick<ApiKeyService, 'verify'>;
  /** null: JWT bearer tokens are refused (API keys only). */
  oidc: OidcConfig | null;
  /** Replaces the verifier built from `oidc` (tests). */
  jwtVerifier?: JwtVerifier;
  /** Turns a verified token into its person's principal (required with `oidc`). */
  sso?: SsoResolver;
}

/** Resolves a request's principal: null without any credential; throws UnauthenticatedError for a bad one. */
export type Authenticator = (req: Pick<IncomingMessage, 'headers'>) => Promise<Principal | null>;

/** A compact JWS: three base64url segments. API keys never contain dots. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

function header(req: Pick<IncomingMessage, 'headers'>, name: string): string | null {
  const value = req.headers[name];
  if (Array.isArray(value)) throw new UnauthenticatedError(`Send one ${name} header`);
  return value?.trim() || null;
}

/**
 * Reads `Authorization: Bearer <api key | JWT>` or `X-API-Key: <api key>`. A request carrying both is refused, so
 * which credential decided is never ambiguous.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const verifyJwt = options.jwtVerifier ?? (options.oidc ? createJwtVerifier(options.oidc) : null);
  return async (req) => {
    const authorization = header(req, 'authorization');
    const apiKey = header(req, 'x-api-key');
    if (authorization && apiKey) throw new UnauthenticatedError('Send either an Authorization or an X-API-Key header, not both');
    if (apiKey) return options.apiKeys.verify(apiKey);
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
    const credential = match[1];
    if (JWT_SHAPE.test(credential)) {
      if (!verifyJwt || !options.sso) throw new UnauthenticatedError('Bearer JWTs are not enabled on this hub (OIDC is not configured)');
      return options.sso(await verifyJwt(credential));
    }
    return options.apiKeys.verify(credential);
  };
}
