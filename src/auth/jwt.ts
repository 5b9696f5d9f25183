import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ServiceUnavailableError, UnauthenticatedError } from '../errors.js';
import { ROLES, type Principal, type Role } from './principal.js';

/** OIDC settings, as `config.auth.oidc` gives them. */
export interface OidcConfig {
  /** The IdP's JWKS (e.g. `https://idp.example.com/.well-known/jwks.json`). */
  jwksUrl: string;
  /** Expected `iss`; null accepts any issuer (not recommended). */
  issuer: string | null;
  /** Expected `aud`; null accepts any audience (not recommended). */
  audience: string | null;
  /** Claim holding roles or groups: a string or an array of strings. A dotted path reaches nested claims (`realm_access.roles`). */
  rolesClaim: string;
  /**
   * IdP value → hub roles (e.g. `{"ml-validators": ["VALIDATOR"]}`). When set, only mapped values grant roles; when null,
   * claim values that are hub role names (any case) grant those roles. Unknown values are ignored either way.
   */
  roleMap: Record<string, Role[]> | null;
  /** Allowed clock difference for `exp`/`nbf`/`iat`, in seconds. */
  clockSkewSeconds: number;
}

/** Signature algorithms accepted: asymmetric only, so neither `none` nor an HMAC keyed with a public key can pass. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Subjects that would impersonate the hub's own identities (API keys, system components) in audit and SoD. */
const RESERVED_SUBJECT = /^(key|system):/;

function claimAt(payload: JWTPayload, path: string): unknown {
  if (path in payload) return payload[path];
  return path.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), payload);
}

/** The hub roles a token's claims grant. */
export function rolesFromClaims(payload: JWTPayload, rolesClaim: string, roleMap: Record<string, Role[]> | null): Role[] {
  const raw = claimAt(payload, rolesClaim);
  const values = typeof raw === 'string' ? raw.split(/[\s,]+/) : Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : [];
  const roles = new Set<Role>();
  for (const value of values) {
    if (roleMap) {
      for (const role of roleMap[value] ?? []) if ((ROLES as readonly string[]).includes(role)) roles.add(role);
    } else {
      const upper = value.toUpperCase();
      if ((ROLES as readonly string[]).includes(upper)) roles.add(upper as Role);
    }
  }
  return ROLES.filter((role) => roles.has(role));
}

/** Maps jose's verdicts to messages a caller can act on, without echoing the token. */
function unauthenticated(error: unknown): Error {
  if (error instanceof joseErrors.JWTExpired) return new UnauthenticatedError('Token has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) return new UnauthenticatedError(`Token claim "${error.claim}" is not valid: ${error.reason}`);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new UnauthenticatedError('Token signature is not valid');
  if (error instanceof joseErrors.JWKSNoMatchingKey) return new UnauthenticatedError('No key of the identity provider matches the token');
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return new UnauthenticatedError('The token does not say which key signed it');
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) return new UnauthenticatedError('Token signature algorithm is not accepted');
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) return new ServiceUnavailableError('The identity provider keys could not be fetched');
  if (error instanceof joseErrors.JOSEError) return new UnauthenticatedError('Token is not valid');
  // fetch failures of the JWKS endpoint surface as plain errors.
  if (error instanceof TypeError) return new ServiceUnavailableError('The identity provider keys could not be fetched');
  return new UnauthenticatedError('Token is not valid');
}

export type JwtVerifier = (token: string) => Promise<Principal>;

/**
 * A verifier for bearer JWTs. The JWKS is fetched lazily, cached, and refetched by jose when a token names an
 * unknown key id (key rotation at the IdP). `keys` replaces the remote JWKS (tests).
 */
export function createJwtVerifier(config: OidcConfig, keys?: JWTVerifyGetKey): JwtVerifier {
  const getKey = keys ?? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        issuer: config.issuer ?? undefined,
        audience: config.audience ?? undefined,
        clockTolerance: config.clockSkewSeconds,
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw unauthenticated(error);
    }
    const subject = payload.sub!;
    if (RESERVED_SUBJECT.test(subject)) throw new UnauthenticatedError('Token subject uses a reserved prefix');
    const displayName = [payload.name, payload.preferred_username, payload.email].find((v): v is string => typeof v === 'string' && v.length > 0) ?? subject;
    return { id: subject, personId: null, displayName, roles: rolesFromClaims(payload, config.rolesClaim, config.roleMap), kind: 'jwt' };
  };
}
