import { describe, expect, it } from 'vitest';
import type { NormalisedModel, NormalisedVersion } from '../../../connectors/contract.js';
import { MODEL_SPEC, VERSION_SPEC } from '../../../src/inventory/entity-specs.js';
import { prepareRecords } from '../../../src/inventory/prepare-records.js';

function model(externalId: string, overrides: Partial<NormalisedModel> = {}): NormalisedModel {
  return { externalId, name: externalId, description: null, owner: null, tags: {}, deepLink: null, createdAt: null, updatedAt: null, vendorAttributes: {}, ...overrides };
}

describe('prepareRecords', () => {
  it('should keep the last of repeated external ids', () => {
    const { rows } = prepareRecords(MODEL_SPEC, [model('a', { name: 'first' }), model('b'), model('a', { name: 'second' })]);
    expect(rows.map((row) => [row.externalId, row.record.name])).toEqual([
      ['b', 'b'],
      ['a', 'second'],
    ]);
  });

  it('should count a rejected record with a usable id as seen, and one without as not', () => {
    const { rows, errors, seen } = prepareRecords(MODEL_SPEC, [model('ok'), model('bad-date', { createdAt: new Date('nope') }), model('  ')]);
    expect(rows.map((row) => row.externalId)).toEqual(['ok']);
    expect(errors).toEqual([
      { kind: 'model', externalId: 'bad-date', reason: 'createdAt must be a valid date' },
      { kind: 'model', externalId: '  ', reason: 'externalId is missing or blank' },
    ]);
    expect(seen).toEqual(['ok', 'bad-date']);
  });

  it('should reject values PostgreSQL or the vocabulary cannot hold', () => {
    const version = (overrides: Partial<NormalisedVersion>): NormalisedVersion => ({
      externalId: 'v',
      modelExternalId: 'm',
      version: '1',
      versionNumber: 1,
      description: null,
      observedStage: 'NONE',
      observedStageRaw: null,
      status: null,
      createdBy: null,
      artifactUri: null,
      lineage: {},
      metrics: {},
      tags: {},
      deepLink: null,
      createdAt: null,
      updatedAt: null,
      vendorAttributes: {},
      ...overrides,
    });
    const reasons = (overrides: Partial<NormalisedVersion>) => prepareRecords(VERSION_SPEC, [version(overrides)]).errors.map((e) => e.reason);
    expect(reasons({})).toEqual([]);
    expect(reasons({ versionNumber: 2 ** 40 })).toEqual(['versionNumber must be a 32-bit integer']);
    expect(reasons({ observedStage: 'LIVE' as never })).toEqual(['observedStage must be one of NONE, STAGING, PRODUCTION, ARCHIVED, UNKNOWN']);
    expect(reasons({ metrics: { rmse: Number.POSITIVE_INFINITY } })).toEqual(['metric "rmse" must be a finite number']);
    expect(reasons({ vendorAttributes: { big: 10n } as never })).toEqual([expect.stringMatching(/cannot be serialised as JSON/)]);
    expect(reasons({ vendorAttributes: { note: 'ok\\u0000 as text' } })).toEqual([]);
  });
});
