/**
 * The read service gives identical answers on PostgreSQL and embedded PGlite (raw rows differ between the drivers
 * for timestamps, int8 and json; the queries cast and the mappers normalise).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryReadService } from '../../../src/inventory/inventory-read.service.js';
import { DRIVERS, type TestDatabase } from '../../helpers/db.js';
import { seedDeployment, seedModel, seedSource, seedVersion } from '../../helpers/seed.js';

describe.each(DRIVERS)('InventoryReadService on %s', (_driver, createDatabase) => {
  let database: TestDatabase;
  let service: InventoryReadService;
  const seenAt = new Date('2026-01-02T03:04:05.678Z');

  beforeAll(async () => {
    database = await createDatabase();
    const db = database.handle.db;
    const source = await seedSource(db, { vendor: 'domino', name: 'domino-eu' });
    for (const [index, name] of ['alpha', 'beta', 'gamma'].entries()) {
      const firstSeenAt = new Date(seenAt.getTime() + index);
      const model = await seedModel(db, source, { name, firstSeenAt, riskTier: name === 'beta' ? 'HIGH' : null });
      const version = await seedVersion(db, model, { versionNumber: 1, metrics: [{ name: 'auc', value: 0.91, step: null, timestamp: null, kind: 'TRAINING' }] });
      await seedDeployment(db, version, { name: `${name}-api`, trafficShare: 0.5, servingProduction: name !== 'gamma' });
    }
    service = new InventoryReadService(db);
  });

  afterAll(async () => {
    await database?.drop();
  });

  describe('listModels', () => {
    it('should return typed, nested records with look-ahead and page by keyset', async () => {
      const order = { field: 'CREATED', direction: 'ASC' } as const;
      const first = await service.listModels({}, order, { size: 2, direction: 'forward' }, { versions: { deployments: {} } });
      expect(first.items.map((i) => i.record.name)).toEqual(['alpha', 'beta']);
      const [alpha] = first.items.map((i) => i.record);
      expect(alpha.firstSeenAt).toEqual(seenAt);
      expect(alpha.vendor).toBe('domino');
      const [alphaVersion] = first.versionsByModel!.get(alpha.id)!;
      expect(alphaVersion.metrics).toEqual([{ name: 'auc', value: 0.91, step: null, timestamp: null, kind: 'TRAINING' }]);
      expect(alphaVersion.firstSeenAt).toBeInstanceOf(Date);
      expect(first.deploymentsByVersion!.get(alphaVersion.id)![0]).toMatchObject({ name: 'alpha-api', trafficShare: 0.5, servingProduction: true, vendor: 'domino' });
      expect(await first.totalCount()).toBe(3);
      const second = await service.listModels({}, order, { size: 2, direction: 'forward', boundary: first.items[1].position });
      expect(second.items.map((i) => i.record.name)).toEqual(['gamma']);
      expect(second.hasNextPage).toBe(false);
    });
  });

  describe('stats', () => {
    it('should count with plain numbers', async () => {
      const groups = await service.stats(['IN_PRODUCTION', 'RISK_TIER'], {});
      expect(groups).toEqual([
        { inProduction: false, riskTier: null, versionCount: 1, modelCount: 1 },
        { inProduction: true, riskTier: 'HIGH', versionCount: 1, modelCount: 1 },
        { inProduction: true, riskTier: null, versionCount: 1, modelCount: 1 },
      ]);
    });
  });
});
