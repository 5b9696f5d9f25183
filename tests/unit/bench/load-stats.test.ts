import { describe, expect, it } from 'vitest';
import { LoadStats, percentile } from '../../../bench/lib/load-stats.js';

describe('LoadStats', () => {
  describe('percentile', () => {
    it('should pick the nearest-rank sample', () => {
      const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
      expect(percentile(sorted, 0.5)).toBe(50);
      expect(percentile(sorted, 0.99)).toBe(99);
      expect(percentile([7], 0.99)).toBe(7);
      expect(percentile([], 0.5)).toBe(0);
    });
  });

  describe('summarise', () => {
    it('should report throughput over the window, p50, p99 and both error kinds per operation', () => {
      const stats = new LoadStats();
      for (let i = 1; i <= 200; i++) stats.record('bi: models', i);
      stats.record('approve', 40);
      stats.clientError('approve', 'HTTP 200 CONFLICT request is not pending');
      stats.serverError('bi: models', 'HTTP 500');
      const [approve, models] = stats.summarise(10);
      expect(approve).toEqual({ operation: 'approve', count: 1, throughput: 0.1, p50: 40, p99: 40, serverErrors: 0, clientErrors: 1 });
      expect(models).toMatchObject({ operation: 'bi: models', count: 200, throughput: 20, p50: 100, p99: 198, serverErrors: 1 });
      expect(stats.totalServerErrors()).toBe(1);
      expect(stats.totalClientErrors(['approve', 'bi: models'])).toBe(1);
      expect(stats.serverErrorSamples).toEqual(['bi: models: HTTP 500']);
    });
  });
});
