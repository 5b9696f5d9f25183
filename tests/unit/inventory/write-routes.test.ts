import { describe, expect, it } from 'vitest';
import { WriteRoutes } from '../../../src/inventory/write-routes.js';

describe('WriteRoutes', () => {
  describe('next', () => {
    it('should start every run and kind on the probe route', () => {
      const routes = new WriteRoutes();
      routes.record('run-a', 'model', { records: 10, stored: 0 });

      expect(routes.next('run-a', 'version')).toBe('probe');
      expect(routes.next('run-b', 'model')).toBe('probe');
    });

    it('should insert first after a batch of mostly new records and probe first after a batch of mostly stored ones', () => {
      const routes = new WriteRoutes();

      routes.record('run', 'version', { records: 500, stored: 3 });
      expect(routes.next('run', 'version')).toBe('insert');
      routes.record('run', 'version', { records: 500, stored: 480 });
      expect(routes.next('run', 'version')).toBe('probe');
      routes.record('run', 'version', { records: 10, stored: 5 });
      expect(routes.next('run', 'version')).toBe('probe');
    });
  });

  describe('forget', () => {
    it('should send a forgotten run back to the probe route', () => {
      const routes = new WriteRoutes();
      routes.record('run', 'deployment', { records: 100, stored: 0 });

      routes.forget('run');

      expect(routes.next('run', 'deployment')).toBe('probe');
    });
  });
});
