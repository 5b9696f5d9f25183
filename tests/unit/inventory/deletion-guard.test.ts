import { describe, expect, it } from 'vitest';
import { judgeDeletion } from '../../../src/inventory/deletion-guard.js';

describe('judgeDeletion', () => {
  it('should refuse when the listing saw nothing, whatever the share allowed', () => {
    const verdict = judgeDeletion({ seen: 0, liveBefore: 40, wouldDelete: 40 }, 1);
    expect(verdict).toMatchObject({ decision: 'REFUSED_EMPTY', share: 1 });
    expect(verdict.reason).toContain('40 live records');
  });

  it('should apply an empty listing of a source that has nothing stored: there is nothing to guard', () => {
    const verdict = judgeDeletion({ seen: 0, liveBefore: 0, wouldDelete: 0 }, 0.5);
    expect(verdict).toMatchObject({ decision: 'APPLIED', share: 0 });
    expect(verdict.reason).toBe('The listing was empty and the source had no records stored: nothing to tombstone.');
  });

  it('should refuse a removal above the share allowed and say by how much', () => {
    const verdict = judgeDeletion({ seen: 4, liveBefore: 10, wouldDelete: 6 }, 0.5);
    expect(verdict).toMatchObject({ decision: 'REFUSED_SHARE', share: 0.6 });
    expect(verdict.reason).toBe('Nothing was tombstoned: 6 of 10 live records (60%) are missing from the listing, more than the 50% allowed.');
  });

  it('should apply a removal at exactly the share allowed', () => {
    expect(judgeDeletion({ seen: 5, liveBefore: 10, wouldDelete: 5 }, 0.5).decision).toBe('APPLIED');
  });

  it('should apply when nothing was live before (a first sync)', () => {
    expect(judgeDeletion({ seen: 12, liveBefore: 0, wouldDelete: 0 }, 0.5)).toMatchObject({ decision: 'APPLIED', share: 0 });
  });

  it('should reject a share outside 0..1', () => {
    expect(() => judgeDeletion({ seen: 1, liveBefore: 1, wouldDelete: 0 }, 1.5)).toThrow(/maxDeleteShare/);
    expect(() => judgeDeletion({ seen: 1, liveBefore: 1, wouldDelete: 0 }, Number.NaN)).toThrow(/maxDeleteShare/);
  });
});
