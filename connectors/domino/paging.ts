import type { ListPage } from './unconfirmed.js';

/**
 * Offset/limit paging that survives a live estate.
 *
 * Plain offset paging skips an item whenever one before the cursor is deleted between two requests (everything
 * shifts left), and that skipped item would then be tombstoned by the sync. So each request re-reads the last
 * `overlap` items of the previous page and drops the ones already seen: up to `overlap` deletions per page are
 * absorbed. Memory stays one page of keys.
 *
 * The listing ends when the server's `totalCount` is reached, when a page is empty or brings nothing new (which also
 * stops a server that ignores `offset`), or after the first page of a list whose envelope carries no pagination
 * and is not known to take `offset`/`limit`.
 */
export interface OffsetPagingOptions {
  limit: number;
  /** Items re-read from the previous page; clamped below the page length so paging always moves forward. */
  overlap: number;
  /** True when the route is documented to take `offset`/`limit` even if its envelope shows no pagination. */
  pagedRoute: boolean;
  /** A stable key for de-duplication; null keys are never treated as duplicates. */
  key: (item: unknown) => string | null;
}

/**
 * Yields each page's new items. Pages are fetched only when the consumer pulls. `fetchPage` returning null means the
 * list itself vanished (404 of its parent): the generator just ends.
 */
export async function* offsetPages(
  fetchPage: (offset: number, limit: number) => Promise<ListPage | null>,
  options: OffsetPagingOptions,
): AsyncGenerator<unknown[]> {
  let offset = 0;
  let previousKeys = new Set<string>();
  for (;;) {
    const page = await fetchPage(offset, options.limit);
    if (page === null) return;
    const fresh = page.items.filter((item) => {
      const key = options.key(item);
      return key === null || !previousKeys.has(key);
    });
    if (fresh.length > 0) yield fresh;
    if (page.items.length === 0 || fresh.length === 0) return;
    if (page.totalCount !== null && offset + page.items.length >= page.totalCount) return;
    if (!page.paginated && !options.pagedRoute) return;
    previousKeys = new Set(page.items.map(options.key).filter((key): key is string => key !== null));
    offset += page.items.length > options.overlap ? page.items.length - options.overlap : page.items.length;
  }
}
