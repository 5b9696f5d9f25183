import { describe, expect, it } from 'vitest';
import type { NormalisedDeployment, NormalisedModel, NormalisedVersion } from '../../../connectors/contract.js';
import { DEPLOYMENT_SPEC, MODEL_SPEC, VERSION_SPEC } from '../../../src/inventory/entity-specs.js';
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
      status: 'UNKNOWN',
      statusRaw: null,
      createdBy: null,
      artifactUri: null,
      lineage: {},
      metrics: [],
      params: {},
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
    const metric = { name: 'rmse', value: 0.2, step: null, timestamp: null, kind: 'VALIDATION' as const };
    expect(reasons({ metrics: [metric, { ...metric, name: 'mae', step: 4, timestamp: new Date('2024-01-01T00:00:00Z'), kind: 'TRAINING' }] })).toEqual([]);
    expect(reasons({ metrics: [{ ...metric, value: Number.POSITIVE_INFINITY }] })).toEqual(['metric "rmse" must be a finite number']);
    expect(reasons({ metrics: [{ ...metric, step: 1.5 }] })).toEqual(['metric "rmse" step must be an integer']);
    expect(reasons({ metrics: [{ ...metric, timestamp: new Date(Number.NaN) }] })).toEqual(['metric "rmse" timestamp must be a valid date']);
    expect(reasons({ metrics: [{ ...metric, kind: 'TEST' as never }] })).toEqual(['metric "rmse" kind must be one of TRAINING, VALIDATION, PRODUCTION']);
    expect(reasons({ metrics: [{ ...metric, name: ' ' }] })).toEqual(['each metric must have a name']);
    expect(reasons({ metrics: { rmse: 0.2 } as never })).toEqual(['metrics must be an array']);
    expect(reasons({ status: 'Completed' as never })).toEqual(['status must be one of READY, PENDING, FAILED, DELETING, UNKNOWN']);
    expect(reasons({ vendorAttributes: { big: 10n } as never })).toEqual([expect.stringMatching(/cannot be serialised as JSON/)]);
    expect(reasons({ vendorAttributes: { note: 'ok\\u0000 as text' } })).toEqual([]);
  });

  it("should reject a deployment whose environment is not the hub's vocabulary (a vendor's raw text belongs in environmentRaw)", () => {
    const deployment = (environment: string): NormalisedDeployment => ({
      externalId: 'd',
      versionExternalId: null,
      name: 'endpoint',
      environment: environment as NormalisedDeployment['environment'],
      environmentRaw: 'production',
      tags: {},
      status: 'UNKNOWN',
      statusRaw: null,
      metrics: [],
      servingProduction: false,
      endpointUrl: null,
      trafficShare: null,
      deepLink: null,
      createdAt: null,
      updatedAt: null,
      vendorAttributes: {},
    });
    expect(prepareRecords(DEPLOYMENT_SPEC, [deployment('PRODUCTION')]).errors).toEqual([]);
    expect(prepareRecords(DEPLOYMENT_SPEC, [{ ...deployment('PRODUCTION'), status: 'InService' as never }]).errors.map((e) => e.reason)).toEqual([
      'status must be one of ACTIVE, PENDING, UPDATING, INACTIVE, FAILED, DELETING, UNKNOWN',
    ]);
    expect(prepareRecords(DEPLOYMENT_SPEC, [deployment('production')]).errors.map((e) => e.reason)).toEqual(['environment must be one of PRODUCTION, STAGING, DEVELOPMENT, UNKNOWN']);
  });
});
