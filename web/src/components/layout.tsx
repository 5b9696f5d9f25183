import { useEffect, useRef, type ReactNode } from 'react';
import { endSession } from '../auth/session.ts';
import { useViewer } from '../auth/viewer.tsx';
import { Link, hasMovedSinceLoad, useLocation } from '../routing/router.tsx';

interface NavItem {
  to: string;
  label: string;
  visible: boolean;
}

export function Layout({ children }: { children: ReactNode }) {
  const { me, may } = useViewer();
  const { path } = useLocation();
  const items: NavItem[] = [
    { to: '/inventory', label: 'Inventory', visible: true },
    { to: '/approvals', label: 'Approvals', visible: may('decideOnRequests') || may('decideOnControls') },
    { to: '/my-requests', label: 'My requests', visible: may('requestTransition') },
    { to: '/sources', label: 'Sources', visible: true },
    { to: '/findings', label: 'Findings', visible: true },
    { to: '/audit', label: 'Audit', visible: true },
    { to: '/admin/people', label: 'People and keys', visible: may('readPeople') },
  ];
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/inventory" className="brand">
          ModelOps hub
        </Link>
        <nav aria-label="Console">
          <ul className="nav">
            {items
              .filter((item) => item.visible)
              .map((item) => (
                <li key={item.to}>
                  <Link to={item.to} aria-current={path === item.to || path.startsWith(`${item.to}/`) ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              ))}
            <li>
              {/* A full page load: GraphiQL is its own page with its own bundle. */}
              <a href="/graphql">GraphQL IDE</a>
            </li>
          </ul>
        </nav>
        <div className="identity" aria-label="Signed in">
          {/* The person behind the credential: independence counts people, so this is who the hub thinks you are. */}
          <span className="identity-name" data-testid="identity-name">
            {me.person?.displayName ?? me.displayName}
          </span>
          {me.person ? (
            <span className="identity-email" data-testid="identity-email">
              {me.person.email}
            </span>
          ) : null}
          <span className="identity-roles" data-testid="identity-roles" title="The roles this sign-in holds: the credential’s roles that the person also holds">
            {me.roles.length ? me.roles.join(', ') : 'no roles'}
          </span>
          <button type="button" className="link-button" onClick={() => endSession('You signed out.')}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** The screen's heading; takes focus on navigation so keyboard and screen-reader users land on the new content. */
export function ScreenTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { path } = useLocation();
  useEffect(() => {
    if (hasMovedSinceLoad()) heading.current?.focus({ preventScroll: true });
  }, [path]);
  useEffect(() => {
    if (typeof children === 'string') document.title = `${children} · ModelOps hub`;
  }, [children]);
  return (
    <div className="screen-title">
      <h1 ref={heading} tabIndex={-1}>
        {children}
      </h1>
      {actions ? <div className="screen-actions">{actions}</div> : null}
    </div>
  );
}
