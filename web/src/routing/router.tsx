import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/**
 * A small history-API router: the console's routes are a handful of patterns, so a library would add weight and
 * nothing else. Paths are the URL the server falls back to index.html for (e.g. /change-requests/<id>).
 */
const NAVIGATED = 'modelops-hub:navigate';

/**
 * Whether the console has moved between screens since the page loaded. A fresh page load leaves focus at the top
 * (so the first Tab reaches "Skip to content"); after an in-app move, focus goes to the new screen's heading.
 */
let movedSinceLoad = false;
export const hasMovedSinceLoad = () => movedSinceLoad;
window.addEventListener('popstate', () => (movedSinceLoad = true));

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATED, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATED, listener);
  };
}

const snapshot = () => location.pathname + location.search;

/** The current path and query, re-rendering on navigation. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const current = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(current, location.origin);
  return { path: url.pathname, search: url.searchParams };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) history.replaceState(null, '', to);
  else {
    history.pushState(null, '', to);
    movedSinceLoad = true;
  }
  window.dispatchEvent(new Event(NAVIGATED));
}

/** Replaces the query string (filters, paging) without adding a history entry per keystroke. */
export function setSearch(params: Record<string, string | null | undefined>, options: { replace?: boolean } = { replace: true }): void {
  const search = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') search.delete(key);
    else search.set(key, value);
  }
  const query = search.toString();
  navigate(`${location.pathname}${query ? `?${query}` : ''}`, options);
}

/** `/versions/:id` against a path: the named segments, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a {...rest} href={to} onClick={onClick}>
      {children}
    </a>
  );
}
