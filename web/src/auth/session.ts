/**
 * The console's credential, kept in sessionStorage: it lives as long as the browser tab and is never written to
 * disk or a cookie. GraphiQL (graphiql.html, same origin, same tab) reads it from here too.
 */
export interface Credential {
  /** An API key, or the IdP's token after an SSO sign-in. */
  token: string;
  kind: 'api-key' | 'sso';
  /** Epoch milliseconds after which an SSO token is no longer accepted. */
  expiresAt?: number;
}

export const SESSION_KEY = 'modelops-hub.credential';
const ENDED_KEY = 'modelops-hub.session-ended';
const listeners = new Set<() => void>();

export function currentCredential(): Credential | null {
  const stored = sessionStorage.getItem(SESSION_KEY);
  if (!stored) return null;
  try {
    const credential = JSON.parse(stored) as Credential;
    if (credential.expiresAt !== undefined && credential.expiresAt <= Date.now()) {
      endSession('Your sign-in has expired. Sign in again.');
      return null;
    }
    return credential;
  } catch {
    sessionStorage.removeItem(SESSION_KEY);
    return null;
  }
}

export function startSession(credential: Credential): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(credential));
  sessionStorage.removeItem(ENDED_KEY);
  notify();
}

/** Forgets the credential; `reason` is shown on the sign-in screen (the server's refusal, or "signed out"). */
export function endSession(reason?: string): void {
  const had = sessionStorage.getItem(SESSION_KEY) !== null;
  sessionStorage.removeItem(SESSION_KEY);
  if (reason) sessionStorage.setItem(ENDED_KEY, reason);
  if (had) notify();
}

/**
 * Why the last session ended, until the next sign-in: a reload, or a poll that met the refusal before the person
 * looked, must not hide the reason.
 */
export function sessionEndReason(): string | null {
  return sessionStorage.getItem(ENDED_KEY);
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const listener of [...listeners]) listener();
}
