import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ServiceUnavailableError, UnauthenticatedError } from '../errors.js';
import { ROLES, type Role } from './principal.js';

/** OIDC settings, as `config.auth.oidc` gives them. */
export interface OidcConfig {
  /** The IdP's JWKS (e.g. `https://idp.example.com/.well-known/jwks.json`). */
  jwksUrl: string;
  /** Expected `iss` (required: the identity is the pair issuer + subject). */
  issuer: string;
  /** Expected `aud` (required: a token minted for another application must not open this hub). */
  audience: string;
  /** Claim holding roles or groups: a string or an array of strings. A dotted path reaches nested claims (`realm_access.roles`). */
  rolesClaim: string;
  /**
   * IdP value → hub roles (e.g. `{"ml-validators": ["VALIDATOR"]}`). When set, only mapped values grant roles; when null,
   * only claim values spelled exactly as a hub role (case-sensitive: `VALIDATOR`, not `validator`) grant it. Unknown
   * values are ignored either way. A token never holds more than its person's granted roles.
   */
  roleMap: Record<string, Role[]> | null;
  /** Allowed clock difference for `exp`/`nbf`/`iat`, in seconds. */
  clockSkewSeconds: number;
  /** OIDC_LINK_BY_EMAIL: a first login links to the person with the token's verified email. */
  linkByEmail?: boolean;
}

/** What a verified token says: who issued it about whom, and the roles its groups map to (before the person's). */
export interface VerifiedToken {
  issuer: string;
  subject: string;
  /** The `email` claim, and whether the IdP says it verified it (`email_verified: true`). */
  email: string | null;
  emailVerified: boolean;
  /** The token's own name for the subject (name, preferred_username, email), for messages only. */
  name: string;
  roles: Role[];
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
    } else if ((ROLES as readonly string[]).includes(value)) {
      // Exact names only: `admin` or `Admin` in some unrelated IdP group must not grant ADMIN.
      roles.add(value as Role);
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

export type JwtVerifier = (token: string) => Promise<VerifiedToken>;

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
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: config.clockSkewSeconds,
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ['sub', 'exp', 'iss'],
      }));
    } catch (error) {
      throw unauthenticated(error);
    }
    const subject = payload.sub!;
    if (typeof subject !== 'string' || subject.trim() === '') throw new UnauthenticatedError('Token claim "sub" is empty: the token does not say who it is about');
    if (RESERVED_SUBJECT.test(subject)) throw new UnauthenticatedError('Token subject uses a reserved prefix');
    // jose checks iat only against a maximum age; a token "issued" in the future is forged or from a broken clock.
    if (typeof payload.iat === 'number' && payload.iat > Math.floor(Date.now() / 1000) + config.clockSkewSeconds) {
      throw new UnauthenticatedError('Token claim "iat" is in the future, beyond the allowed clock skew');
    }
    const email = typeof payload.email === 'string' && payload.email.trim() ? payload.email.trim() : null;
    const name = [payload.name, payload.preferred_username, email].find((v): v is string => typeof v === 'string' && v.length > 0) ?? subject;
    return { issuer: payload.iss!, subject, email, emailVerified: payload.email_verified === true, name, roles: rolesFromClaims(payload, config.rolesClaim, config.roleMap) };
  };
}
