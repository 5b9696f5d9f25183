import { describe, expect, it } from 'vitest';
import { keysetPageOf, type ForwardPage } from '../../src/page.js';

describe('keysetPageOf', () => {
  const forward: ForwardPage<{ seq: number }> = { items: [{ seq: 9 }, { seq: 8 }], hasNextPage: true, totalCount: 9 };

  it('should position each row by its own columns and keep the page flags and count', async () => {
    const page = keysetPageOf(forward, true, (row) => ({ keys: [String(row.seq)], id: `id-${row.seq}` }));
    expect(page.items).toEqual([
      { record: { seq: 9 }, position: { keys: ['9'], id: 'id-9' } },
      { record: { seq: 8 }, position: { keys: ['8'], id: 'id-8' } },
    ]);
    expect(page).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    expect(await page.totalCount()).toBe(9);
  });

  it('should report no previous page for a first page', () => {
    expect(keysetPageOf({ items: [], hasNextPage: false, totalCount: 0 }, false, () => ({ keys: [], id: '' })).hasPreviousPage).toBe(false);
  });
});
