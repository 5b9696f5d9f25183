import { useEffect, useRef, useState, type FormEvent } from 'react';
import { beginSsoSignIn, completeSsoSignIn, loadConsoleConfig, type ConsoleConfig } from '../auth/oidc.ts';
import { sessionEndReason, startSession } from '../auth/session.ts';
import { Field } from '../components/ui.tsx';
import { navigate } from '../routing/router.tsx';

/** Where to go after signing in: a `next` path on this hub (GraphiQL sends people here with ?next=/graphql). */
export function afterSignIn(next: string | null): void {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return;
  if (next === '/graphql' || next.startsWith('/graphql?')) location.assign(next);
  else navigate(next, { replace: true });
}

export function SignIn() {
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [ended] = useState(() => sessionEndReason());

  useEffect(() => {
    document.title = 'Sign in · ModelOps hub';
    loadConsoleConfig().then(setConfig, () => setConfig({ oidc: null }));
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = key.trim();
    if (!token) {
      setProblem('Paste an API key (it starts with mh_).');
      return;
    }
    const next = new URLSearchParams(location.search).get('next');
    // The key is tried by the first request; a refused key ends the session again with the server's reason.
    startSession({ token, kind: 'api-key' });
    afterSignIn(next);
  };

  const sso = config?.oidc;
  return (
    <main id="main" className="sign-in">
      <h1>ModelOps hub</h1>
      <p className="lead">Sign in to see the model inventory, decide on approvals and run the sources.</p>
      {ended ? (
        <p className="notice" role="status" data-testid="session-ended">
          {ended}
        </p>
      ) : null}
      {sso ? (
        <section aria-labelledby="sso-heading" className="card">
          <h2 id="sso-heading">Single sign-on</h2>
          <button type="button" className="primary" onClick={() => void beginSsoSignIn(sso, location.pathname + location.search)}>
            Sign in with your organisation’s account
          </button>
        </section>
      ) : null}
      <section aria-labelledby="key-heading" className="card">
        <h2 id="key-heading">API key</h2>
        <form onSubmit={submit} noValidate>
          <Field label="API key" hint="Kept in this browser tab only, until you sign out or close the tab." problem={problem}>
            {(props) => <input {...props} type="password" autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} />}
          </Field>
          <button type="submit" className="primary">
            Sign in
          </button>
        </form>
      </section>
    </main>
  );
}

/** The IdP sends the browser back here with a code; trade it for a token, then continue where the user was. */
export function SsoCallback({ search }: { search: URLSearchParams }) {
  const [failure, setFailure] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    // The code can be traded once: never twice, even if the effect runs again.
    if (started.current) return;
    started.current = true;
    completeSsoSignIn(search).then(
      (returnTo) => navigate(returnTo && returnTo !== '/auth/callback' ? returnTo : '/inventory', { replace: true }),
      (error: Error) => setFailure(error.message),
    );
  }, [search]);
  return (
    <main id="main" className="sign-in">
      <h1>Signing in</h1>
      {failure ? (
        <div className="error-panel" role="alert">
          <p className="error-message">{failure}</p>
          <p>
            <a href="/">Back to sign-in</a>
          </p>
        </div>
      ) : (
        <p role="status">Completing the sign-in with your identity provider…</p>
      )}
    </main>
  );
}
