import { describe, expect, it } from 'vitest';
import type { NormalisedModel } from '../../../connectors/contract.js';
import { kindForRoute, prepareBatch } from '../../../src/inventory/batch-preparation.js';
import { encodePayload } from '../../../src/inventory/column-encoding.js';
import { MODEL_SPEC } from '../../../src/inventory/entity-specs.js';
import { prepareRecords } from '../../../src/inventory/prepare-records.js';
import { WriteRoutes } from '../../../src/inventory/write-routes.js';

function model(externalId: string, overrides: Partial<NormalisedModel> = {}): NormalisedModel {
  return { externalId, name: `model ${externalId}`, description: null, owner: null, tags: { n: externalId }, deepLink: null, createdAt: null, updatedAt: null, vendorAttributes: {}, ...overrides };
}

/** A run's route forecast expecting `route` for every kind. */
function forecasting(route: 'insert' | 'probe'): WriteRoutes {
  const routes = new WriteRoutes();
  routes.start({ model: route === 'probe', version: route === 'probe', deployment: route === 'probe' });
  return routes;
}

/** 1 200 models (three slices) where ids repeat across slice boundaries, once with a bad later value. */
function awkwardPage(): NormalisedModel[] {
  const models = Array.from({ length: 1200 }, (_, i) => model(`m${i}`));
  models[700] = model('m10', { name: 'renamed later' });
  models[1100] = model('m20', { createdAt: new Date('not a date') });
  models[1150] = model('');
  return models;
}

describe('prepareBatch', () => {
  it('should prepare a page in slices exactly as preparing it at once, repeated ids across slices included', async () => {
    const page = awkwardPage();

    const ahead = await prepareBatch({ models: page, versions: [], deployments: [], errors: [] }, forecasting('insert'));
    const atOnce = prepareRecords(MODEL_SPEC, page);

    expect(ahead.models.records).toEqual(atOnce);
    expect(ahead.models.records.rows.find((row) => row.externalId === 'm10')?.record.name).toBe('renamed later');
    expect(ahead.models.records.rows.some((row) => row.externalId === 'm20')).toBe(false);
    expect(ahead.models.payload).toEqual(encodePayload(MODEL_SPEC, atOnce.rows));
  });

  it('should encode rows only for kinds expected to take the insert route, and encode at write time when the guess was wrong', async () => {
    const page = awkwardPage().slice(0, 50);

    const ahead = await prepareBatch({ models: page, versions: [], deployments: [], errors: [] }, forecasting('probe'));
    expect(ahead.models.payload).toBeNull();

    const forInsert = kindForRoute(MODEL_SPEC, ahead.models, 'insert');
    expect(forInsert.records).toBe(ahead.models.records);
    expect(forInsert.payload).toEqual(encodePayload(MODEL_SPEC, ahead.models.records.rows));
    expect(kindForRoute(MODEL_SPEC, ahead.models, 'probe').payload).toBeNull();
  });
});
