import { lazy, Suspense, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { useQuery } from './api/use-query.ts';
import { CALLBACK_PATH } from './auth/oidc.ts';
import { currentCredential, onSessionChange } from './auth/session.ts';
import { MeQuery, ViewerProvider, useViewer } from './auth/viewer.tsx';
import type { Action } from './auth/permissions.ts';
import { ErrorPanel } from './components/error-panel.tsx';
import { Layout, ScreenTitle } from './components/layout.tsx';
import { Loading } from './components/ui.tsx';
import { match, navigate, useLocation } from './routing/router.tsx';
import { Inventory } from './screens/inventory.tsx';
import { SignIn, SsoCallback } from './screens/sign-in.tsx';

// Screens beyond the landing page load on first visit, keeping the console's first download small.
const VersionScreen = lazy(() => import('./screens/version.tsx').then((m) => ({ default: m.VersionScreen })));
const Approvals = lazy(() => import('./screens/approvals.tsx').then((m) => ({ default: m.Approvals })));
const ChangeRequestScreen = lazy(() => import('./screens/change-request.tsx').then((m) => ({ default: m.ChangeRequestScreen })));
const MyRequests = lazy(() => import('./screens/my-requests.tsx').then((m) => ({ default: m.MyRequests })));
const Sources = lazy(() => import('./screens/sources.tsx').then((m) => ({ default: m.Sources })));
const SourceScreen = lazy(() => import('./screens/source.tsx').then((m) => ({ default: m.SourceScreen })));
const Findings = lazy(() => import('./screens/findings.tsx').then((m) => ({ default: m.Findings })));
const Audit = lazy(() => import('./screens/audit.tsx').then((m) => ({ default: m.Audit })));
const People = lazy(() => import('./screens/people.tsx').then((m) => ({ default: m.People })));
const PersonScreen = lazy(() => import('./screens/person.tsx').then((m) => ({ default: m.PersonScreen })));
const ControlRequestScreen = lazy(() => import('./screens/control-request.tsx').then((m) => ({ default: m.ControlRequestScreen })));

interface Route {
  pattern: string;
  render: (params: Record<string, string>) => ReactNode;
  /** Hidden from roles that may not use it (the server would refuse them anyway). */
  needs?: Action;
}

const ROUTES: Route[] = [
  { pattern: '/inventory', render: () => <Inventory /> },
  { pattern: '/versions/:id', render: ({ id }) => <VersionScreen id={id} /> },
  { pattern: '/approvals', render: () => <Approvals /> },
  { pattern: '/change-requests/:id', render: ({ id }) => <ChangeRequestScreen id={id} /> },
  { pattern: '/my-requests', render: () => <MyRequests />, needs: 'requestTransition' },
  { pattern: '/sources', render: () => <Sources /> },
  { pattern: '/sources/new', render: () => <SourceScreen id={null} />, needs: 'manageSources' },
  { pattern: '/sources/:id', render: ({ id }) => <SourceScreen id={id} /> },
  { pattern: '/findings', render: () => <Findings /> },
  { pattern: '/audit', render: () => <Audit /> },
  { pattern: '/control-requests/:id', render: ({ id }) => <ControlRequestScreen id={id} /> },
  { pattern: '/admin/people', render: () => <People />, needs: 'readPeople' },
  { pattern: '/admin/people/:id', render: ({ id }) => <PersonScreen id={id} />, needs: 'readPeople' },
  // Keys belong to people now: the old keys screen is the people screen.
  { pattern: '/admin/keys', render: () => <Redirect to="/admin/people" />, needs: 'readPeople' },
];

function useCredential() {
  return useSyncExternalStore(onSessionChange, () => currentCredential()?.token ?? null);
}

export function App() {
  const token = useCredential();
  const { path, search } = useLocation();
  if (path === CALLBACK_PATH) return <SsoCallback search={search} />;
  if (!token) return <SignIn />;
  // A new credential is a new person: nothing of the previous one's screens survives.
  return <SignedIn key={token} />;
}

function SignedIn() {
  const me = useQuery(MeQuery, {});
  if (me.error) {
    return (
      <main id="main" className="sign-in">
        <h1>ModelOps hub</h1>
        <ErrorPanel error={me.error} title="Signing in failed" />
      </main>
    );
  }
  if (!me.data) return <Loading what="Signing in" />;
  return (
    <ViewerProvider me={me.data.me}>
      <Layout>
        <Screens />
      </Layout>
    </ViewerProvider>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Screens() {
  const { path } = useLocation();
  const { may } = useViewer();
  if (path === '/' || path === '/index.html') return <Redirect to="/inventory" />;
  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (!params) continue;
    if (route.needs && !may(route.needs)) {
      return (
        <>
          <ScreenTitle>Not available to your roles</ScreenTitle>
          <p>This part of the console needs a role you do not hold.</p>
        </>
      );
    }
    return <Suspense fallback={<Loading />}>{route.render(params)}</Suspense>;
  }
  return (
    <>
      <ScreenTitle>Page not found</ScreenTitle>
      <p>
        The console has no page at <code>{path}</code>.
      </p>
    </>
  );
}
