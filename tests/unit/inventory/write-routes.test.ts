import { describe, expect, it } from 'vitest';
import { WriteRoutes } from '../../../src/inventory/write-routes.js';

describe('WriteRoutes', () => {
  describe('next', () => {
    it('should have no route for a run not started, and start each kind by what its source has stored', () => {
      const routes = new WriteRoutes();
      expect(routes.next('run', 'model')).toBeUndefined();

      routes.start('run', { model: true, version: false, deployment: true });

      expect(routes.next('run', 'model')).toBe('probe');
      expect(routes.next('run', 'version')).toBe('insert');
      expect(routes.next('run', 'deployment')).toBe('probe');
      expect(routes.next('other-run', 'model')).toBeUndefined();
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
    it('should forget a run, so its routes must be started again', () => {
      const routes = new WriteRoutes();
      routes.record('run', 'deployment', { records: 100, stored: 0 });

      routes.forget('run');

      expect(routes.next('run', 'deployment')).toBeUndefined();
    });
  });
});
