import type { ApiError } from '../api/client.ts';
import { explainRefusal } from '../refusals.ts';

/**
 * A refusal as the server gave it (its text and code) with the rule behind it in words. Announced to screen
 * readers as an alert, since it answers something the user just did.
 */
export function ErrorPanel({ error, title = 'The hub refused this' }: { error: ApiError | null; title?: string }) {
  if (!error) return null;
  const explanation = explainRefusal(error.code);
  return (
    <div className="error-panel" role="alert" data-code={error.code}>
      <p className="error-title">
        <strong>{title}</strong> <code className="code-chip">{error.code}</code>
      </p>
      <p className="error-message">{error.message}</p>
      {explanation ? <p className="error-explanation">{explanation}</p> : null}
    </div>
  );
}
