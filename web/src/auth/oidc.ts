import { startSession } from './session.ts';

/** What /console-config.json says about sign-in: the IdP endpoints for the console's public client, if any. */
export interface ConsoleConfig {
  oidc: { clientId: string; authorizationUrl: string; tokenUrl: string; scopes: string } | null;
}

const PENDING_KEY = 'modelops-hub.pkce';
export const CALLBACK_PATH = '/auth/callback';

interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
  clientId: string;
  tokenUrl: string;
  redirectUri: string;
}

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/console-config.json', { headers: { accept: 'application/json' } });
  if (!response.ok) return { oidc: null };
  return (await response.json()) as ConsoleConfig;
}

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * Starts the authorization code flow with PKCE (RFC 7636, S256): the verifier stays in this tab's sessionStorage,
 * only its hash travels to the IdP, so an intercepted code is useless without it.
 */
export async function beginSsoSignIn(oidc: NonNullable<ConsoleConfig['oidc']>, returnTo: string): Promise<void> {
  const verifier = randomString();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = randomString();
  const redirectUri = `${location.origin}${CALLBACK_PATH}`;
  const pending: PendingSignIn = { state, verifier, returnTo, clientId: oidc.clientId, tokenUrl: oidc.tokenUrl, redirectUri };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(oidc.authorizationUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', oidc.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', oidc.scopes);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  location.assign(url.toString());
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function expiryOf(token: string): number | undefined {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finishes the flow on the callback page: checks `state`, trades the code and the verifier for tokens at the IdP's
 * token endpoint, and keeps the JWT the hub verifies (the access token when it is a JWT, else the ID token).
 * Returns where the user was going.
 */
export async function completeSsoSignIn(search: URLSearchParams): Promise<string> {
  const stored = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const idpError = search.get('error');
  if (idpError) throw new Error(`The identity provider refused the sign-in: ${search.get('error_description') ?? idpError}`);
  if (!stored) throw new Error('No sign-in was in progress in this tab. Start again from the sign-in page.');
  const pending = JSON.parse(stored) as PendingSignIn;
  const code = search.get('code');
  if (!code) throw new Error('The identity provider sent no authorization code.');
  if (search.get('state') !== pending.state) throw new Error('The sign-in answer does not belong to this tab (state mismatch). Start again.');

  const response = await fetch(pending.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: pending.redirectUri, client_id: pending.clientId, code_verifier: pending.verifier }),
  }).catch(() => {
    throw new Error('The identity provider’s token endpoint could not be reached.');
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; id_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (!response.ok) throw new Error(`The identity provider did not issue a token: ${body.error_description ?? body.error ?? response.status}`);
  const token = body.access_token && JWT_SHAPE.test(body.access_token) ? body.access_token : body.id_token;
  if (!token) throw new Error('The identity provider issued no JWT (neither a JWT access token nor an ID token).');
  const expiresAt = expiryOf(token) ?? (body.expires_in ? Date.now() + body.expires_in * 1000 : undefined);
  startSession({ token, kind: 'sso', expiresAt });
  return pending.returnTo;
}
