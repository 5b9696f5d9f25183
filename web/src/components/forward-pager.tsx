import { useState } from 'react';

/**
 * Paging for connections that only page forward (`first`/`after`: change requests, audit events): the cursors of
 * the pages seen so far are kept, so "Previous" goes back through them.
 */
export function useForwardPaging(pageSize: number, resetKey: string) {
  const [state, setState] = useState<{ key: string; cursors: Array<string | null> }>({ key: resetKey, cursors: [null] });
  const cursors = state.key === resetKey ? state.cursors : [null];
  const page = cursors.length;
  return {
    variables: { first: pageSize, after: cursors[cursors.length - 1] },
    page,
    pageSize,
    next: (endCursor: string | null) => setState({ key: resetKey, cursors: [...cursors, endCursor] }),
    previous: () => setState({ key: resetKey, cursors: cursors.length > 1 ? cursors.slice(0, -1) : cursors }),
  };
}

export function ForwardPager({
  paging,
  pageInfo,
  totalCount,
  shown,
  label,
  loading,
}: {
  paging: ReturnType<typeof useForwardPaging>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
  shown: number;
  label: string;
  /** The page on screen is not yet the one asked for: its cursor must not be used to move on. */
  loading: boolean;
}) {
  const first = shown === 0 ? 0 : (paging.page - 1) * paging.pageSize + 1;
  const last = first === 0 ? 0 : first + shown - 1;
  return (
    <nav className="pager" aria-busy={loading} aria-label={`${label} pages`}>
      <p className="pager-status" role="status">
        {totalCount === 0 ? `No ${label}` : `${first.toLocaleString()}–${last.toLocaleString()} of ${totalCount.toLocaleString()} ${label}`}
      </p>
      <div className="pager-buttons">
        <button type="button" onClick={paging.previous} disabled={loading || paging.page <= 1}>
          Previous page
        </button>
        <button type="button" onClick={() => paging.next(pageInfo.endCursor)} disabled={loading || !pageInfo.hasNextPage}>
          Next page
        </button>
      </div>
    </nav>
  );
}
