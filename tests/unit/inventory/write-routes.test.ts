import { describe, expect, it } from 'vitest';
import { WriteRoutes } from '../../../src/inventory/write-routes.js';

describe('WriteRoutes', () => {
  describe('next', () => {
    it('should have no route for a run not started, and start each kind by what its source has stored', () => {
      const routes = new WriteRoutes();
      expect(routes.next('model')).toBeUndefined();
      expect(routes.started).toBe(false);

      routes.start({ model: true, version: false, deployment: true });

      expect(routes.started).toBe(true);
      expect(routes.next('model')).toBe('probe');
      expect(routes.next('version')).toBe('insert');
      expect(routes.next('deployment')).toBe('probe');
      expect(new WriteRoutes().next('model')).toBeUndefined();
    });

    it('should insert first after a batch of mostly new records and probe first after a batch of mostly stored ones', () => {
      const routes = new WriteRoutes();

      routes.record('version', { records: 500, stored: 3 });
      expect(routes.next('version')).toBe('insert');
      routes.record('version', { records: 500, stored: 480 });
      expect(routes.next('version')).toBe('probe');
      routes.record('version', { records: 10, stored: 5 });
      expect(routes.next('version')).toBe('probe');
    });
  });
});
