import { describe, expect, it } from 'vitest';
import { backoffDelay, type Backoff } from '../../../connectors/shared/backoff.js';

describe('backoffDelay', () => {
  const exact: Backoff = { baseDelayMs: 100, maxDelayMs: 1_000, jitter: 'none' };

  it('should double from the base with each retry and stop at the ceiling', () => {
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, exact))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('should treat retry 0 like the first retry and stay finite for very late retries without a ceiling', () => {
    expect(backoffDelay(0, exact)).toBe(100);
    const late = backoffDelay(10_000, { baseDelayMs: 1, maxDelayMs: Infinity, jitter: 'none' });
    expect(Number.isFinite(late)).toBe(true);
    expect(late).toBe(2 ** 30);
  });

  it('should keep full jitter within [0, delay) and equal jitter within [delay/2, delay]', () => {
    for (const random of [0, 0.25, 0.5, 0.999_999]) {
      const full = backoffDelay(4, { ...exact, jitter: 'full' }, () => random);
      expect(full).toBeGreaterThanOrEqual(0);
      expect(full).toBeLessThan(800);
      const equal = backoffDelay(4, { ...exact, jitter: 'equal' }, () => random);
      expect(equal).toBeGreaterThanOrEqual(400);
      expect(equal).toBeLessThanOrEqual(800);
    }
    expect(backoffDelay(4, { ...exact, jitter: 'full' }, () => 0.5)).toBe(400);
    expect(backoffDelay(4, { ...exact, jitter: 'equal' }, () => 0.5)).toBe(600);
  });

  it('should apply jitter under the ceiling, never above it', () => {
    expect(backoffDelay(20, { ...exact, jitter: 'equal' }, () => 0.999_999)).toBeLessThanOrEqual(1_000);
    expect(backoffDelay(20, { ...exact, jitter: 'full' }, () => 0.999_999)).toBeLessThan(1_000);
  });
});
