import { setSearch, useLocation } from '../routing/router.tsx';

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
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
  return {
    variables,
    page,
    pageSize,
    next: (pageInfo: PageInfo) => setSearch({ after: pageInfo.endCursor, before: null, page: String(page + 1) }, { replace: false }),
    previous: (pageInfo: PageInfo) =>
      page <= 2 ? setSearch({ after: null, before: null, page: null }, { replace: false }) : setSearch({ before: pageInfo.startCursor, after: null, page: String(page - 1) }, { replace: false }),
  };
}

/** The query-string keys paging owns; filters clear them so a new filter starts at page 1. */
export const PAGING_RESET = { after: null, before: null, page: null } as const;

/** `loading`: the page on screen is not yet the one asked for; its cursors must not be used to move on. */
export function Pager({ paging, pageInfo, totalCount, shown, label, loading }: { paging: ReturnType<typeof usePaging>; pageInfo: PageInfo; totalCount: number; shown: number; label: string; loading: boolean }) {
  const first = shown === 0 ? 0 : (paging.page - 1) * paging.pageSize + 1;
  const last = first === 0 ? 0 : first + shown - 1;
  const hasPrevious = paging.page > 1;
  const hasNext = paging.page * paging.pageSize < totalCount && pageInfo.endCursor !== null;
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
