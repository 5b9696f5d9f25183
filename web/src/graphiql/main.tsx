import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { currentCredential } from '../auth/session.ts';
import './graphiql.css';

/**
 * GraphiQL from npm, served by the hub itself for a browser's GET of /graphql: no CDN, no telemetry. It starts with
 * the console's credential in its headers (for this tab only: headers are never persisted to localStorage).
 */
interface FetcherParams {
  query: string;
  operationName?: string | null;
  variables?: unknown;
}

/**
 * Sends what the editors hold; a request whose headers carry no credential of their own (GraphiQL's first
 * introspection runs before the headers editor is read) gets the console's, so the schema loads at once.
 */
async function fetcher(params: FetcherParams, options?: { headers?: Record<string, unknown> }) {
  const headers = Object.fromEntries(Object.entries(options?.headers ?? {}).map(([name, value]) => [name, String(value)]));
  const ownCredential = Object.keys(headers).some((name) => ['authorization', 'x-api-key'].includes(name.toLowerCase()));
  const credential = currentCredential();
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(!ownCredential && credential ? { authorization: `Bearer ${credential.token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(params),
  });
  return response.json();
}

const DEFAULT_QUERY = `# The hub's GraphQL API. The Docs button lists every type and field; ⌘/Ctrl+Enter runs.
query Inventory {
  models(first: 10) {
    totalCount
    nodes { name vendor riskTier versions { version lifecycleState observedStage } }
  }
}
`;

function SignInFirst() {
  return (
    <main className="graphiql-sign-in">
      <h1>GraphiQL · ModelOps hub</h1>
      <p>Every request to the hub needs a credential. Sign in to the console first; GraphiQL then uses the same sign-in.</p>
      <p>
        <a href="/?next=/graphql">Sign in</a>
      </p>
    </main>
  );
}

const credential = currentCredential();
const root = createRoot(document.getElementById('graphiql')!);
if (!credential) {
  root.render(<SignInFirst />);
} else {
  const headers = JSON.stringify({ Authorization: `Bearer ${credential.token}` }, null, 2);
  const query = new URLSearchParams(location.search).get('query') ?? undefined;
  root.render(
    <GraphiQL fetcher={fetcher} headers={headers} defaultHeaders={headers} shouldPersistHeaders={false} defaultQuery={DEFAULT_QUERY} query={query}>
      <GraphiQL.Logo>
        <a href="/" className="graphiql-home">
          ModelOps hub
        </a>
      </GraphiQL.Logo>
    </GraphiQL>,
  );
}
