import { describe, expect, it } from 'vitest';
import type { NormalisedDeployment } from '../../../connectors/contract.js';
import { changedFields, valuesDiffer } from '../../../src/inventory/diff.js';
import { DEPLOYMENT_SPEC } from '../../../src/inventory/entity-specs.js';

const deployment: NormalisedDeployment = {
  externalId: 'ep-1',
  versionExternalId: 'pkg/3',
  name: 'churn-prod',
  environment: 'PRODUCTION',
  environmentRaw: 'production',
  tags: { environment: 'production' },
  status: 'ACTIVE',
  statusRaw: 'InService',
  metrics: [{ name: 'latency_ms', value: 12.5, step: null, timestamp: new Date('2024-03-03T09:00:00.000Z'), kind: 'PRODUCTION' }],
  servingProduction: true,
  endpointUrl: null,
  trafficShare: 0.3,
  deepLink: null,
  createdAt: new Date('2024-03-03T09:00:00.000Z'),
  updatedAt: null,
  vendorAttributes: { variants: [{ name: 'AllTraffic', weight: 1 }], config: 'cfg-1' },
};

/** The same deployment as PostgreSQL renders the stored row in jsonb_build_object. */
const stored = {
  versionExternalId: 'pkg/3',
  name: 'churn-prod',
  environment: 'PRODUCTION',
  environmentRaw: 'production',
  tags: { environment: 'production' },
  status: 'ACTIVE',
  statusRaw: 'InService',
  metrics: [{ kind: 'PRODUCTION', name: 'latency_ms', step: null, timestamp: '2024-03-03T09:00:00.000Z', value: 12.5 }],
  servingProduction: true,
  endpointUrl: null,
  trafficShare: 0.3,
  deepLink: null,
  createdAt: '2024-03-03T10:00:00+01:00',
  updatedAt: null,
  vendorAttributes: { config: 'cfg-1', variants: [{ weight: 1, name: 'AllTraffic' }] },
};

describe('changedFields', () => {
  it('should find no change when the stored row means the same as the record', () => {
    expect(changedFields(DEPLOYMENT_SPEC.columns, stored, deployment)).toEqual([]);
  });

  it('should name every changed field, in column order', () => {
    const changed = { ...deployment, status: 'UPDATING' as const, statusRaw: 'Updating', trafficShare: 0.5, updatedAt: new Date('2024-04-01T00:00:00Z'), vendorAttributes: { config: 'cfg-2' } };
    expect(changedFields(DEPLOYMENT_SPEC.columns, stored, changed)).toEqual(['status', 'statusRaw', 'trafficShare', 'vendorAttributes', 'updatedAt']);
  });

  it('should treat a field missing from the stored row as empty', () => {
    const { endpointUrl: _dropped, ...withoutUrl } = stored;
    expect(changedFields(DEPLOYMENT_SPEC.columns, withoutUrl, deployment)).toEqual([]);
    expect(changedFields(DEPLOYMENT_SPEC.columns, withoutUrl, { ...deployment, endpointUrl: 'https://x' })).toEqual(['endpointUrl']);
  });
});

describe('valuesDiffer', () => {
  it('should compare instants, not their spelling', () => {
    expect(valuesDiffer('timestamptz', '2024-03-03T09:00:00+00:00', new Date('2024-03-03T09:00:00Z'))).toBe(false);
    expect(valuesDiffer('timestamptz', '2024-03-03T09:00:00+00:00', new Date('2024-03-03T09:00:01Z'))).toBe(true);
  });

  it('should compare real columns at the precision they store', () => {
    expect(valuesDiffer('real', 0.30000001192092896, 0.3)).toBe(false);
    expect(valuesDiffer('real', 0.3, 0.31)).toBe(true);
  });

  it('should see null against a value as a change, and null against null as none', () => {
    expect(valuesDiffer('text', null, 'x')).toBe(true);
    expect(valuesDiffer('jsonb', null, undefined)).toBe(false);
  });
});
