import { useState } from 'react';
import { setSearch, useLocation } from '../routing/router.tsx';

interface PageInfo {
  hasNextPage: boolean;
  startCursor?: string | null;
  endCursor: string | null;
}

/** A page of a Relay connection, as the pager needs it. */
export interface ConnectionPage {
  pageInfo: PageInfo;
  totalCount: number;
  nodes: readonly unknown[];
}

/** What both kinds of paging give the pager: where we are, and how to move from the page on screen. */
interface Paging {
  page: number;
  pageSize: number;
  next(pageInfo: PageInfo): void;
  previous(pageInfo: PageInfo): void;
}

/**
 * Keyset paging kept in the URL (`after` / `before` cursors and the page number), so the server only ever reads
 * one page, however large the inventory, and a page can be linked to.
 */
export function usePaging(pageSize: number) {
  const { search } = useLocation();
  const after = search.get('after');
  const before = search.get('before');
  const page = Math.max(1, Number(search.get('page') ?? 1) || 1);
  const variables = before ? { last: pageSize, before, first: null, after: null } : { first: pageSize, after, last: null, before: null };
  const paging: Paging = {
    page,
    pageSize,
    next: (pageInfo) => setSearch({ after: pageInfo.endCursor, before: null, page: String(page + 1) }, { replace: false }),
    previous: (pageInfo) =>
      page <= 2 ? setSearch({ after: null, before: null, page: null }, { replace: false }) : setSearch({ before: pageInfo.startCursor, after: null, page: String(page - 1) }, { replace: false }),
  };
  return { ...paging, variables };
}

/** The query-string keys paging owns; filters clear them so a new filter starts at page 1. */
export const PAGING_RESET = { after: null, before: null, page: null } as const;

/**
 * Paging for connections that only page forward (`first`/`after`: change requests, audit events): the cursors of
 * the pages seen so far are kept, so "Previous" goes back through them. A new `resetKey` (another filter) starts over.
 */
export function useForwardPaging(pageSize: number, resetKey: string) {
  const [state, setState] = useState<{ key: string; cursors: Array<string | null> }>({ key: resetKey, cursors: [null] });
  const cursors = state.key === resetKey ? state.cursors : [null];
  const paging: Paging = {
    page: cursors.length,
    pageSize,
    next: (pageInfo) => setState({ key: resetKey, cursors: [...cursors, pageInfo.endCursor] }),
    previous: () => setState({ key: resetKey, cursors: cursors.length > 1 ? cursors.slice(0, -1) : cursors }),
  };
  return { ...paging, variables: { first: pageSize, after: cursors[cursors.length - 1] } };
}

/** `loading`: the page on screen is not yet the one asked for; its cursors must not be used to move on. */
export function Pager({ paging, connection, label, loading }: { paging: Paging; connection: ConnectionPage; label: string; loading: boolean }) {
  const { pageInfo, totalCount } = connection;
  const shown = connection.nodes.length;
  const first = shown === 0 ? 0 : (paging.page - 1) * paging.pageSize + 1;
  const last = first === 0 ? 0 : first + shown - 1;
  const hasPrevious = paging.page > 1;
  const hasNext = pageInfo.hasNextPage || (paging.page * paging.pageSize < totalCount && pageInfo.endCursor !== null);
  return (
    <nav className="pager" aria-busy={loading} aria-label={`${label} pages`}>
      <p className="pager-status" role="status">
        {totalCount === 0 ? `No ${label}` : `${first.toLocaleString()}–${last.toLocaleString()} of ${totalCount.toLocaleString()} ${label}`}
      </p>
      <div className="pager-buttons">
        <button type="button" onClick={() => paging.previous(pageInfo)} disabled={loading || !hasPrevious}>
          Previous page
        </button>
        <button type="button" onClick={() => paging.next(pageInfo)} disabled={loading || !hasNext}>
          Next page
        </button>
      </div>
    </nav>
  );
}
