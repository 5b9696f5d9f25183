import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/canonical-json.js';
import type { NormalisedVersion } from '../../../connectors/contract.js';
import { contentHash } from '../../../src/inventory/content-hash.js';
import { VERSION_SPEC } from '../../../src/inventory/entity-specs.js';
import { prepareRecords } from '../../../src/inventory/prepare-records.js';

const version = {
  externalId: 'churn/3',
  modelExternalId: 'churn',
  version: '3',
  metrics: { auc: 0.91, f1: 0.8 },
  lineage: { runId: 'r1', datasets: [{ name: 'customers', digest: 'abc' }] },
  createdAt: new Date('2024-03-01T10:00:00.000Z'),
  vendorAttributes: { run: { id: 'r1', params: { depth: 4, lr: 0.1 } }, stage: 'Staging' },
};

describe('contentHash', () => {
  it('should give the same hash whatever the key order, at every depth', () => {
    const reordered = {
      vendorAttributes: { stage: 'Staging', run: { params: { lr: 0.1, depth: 4 }, id: 'r1' } },
      createdAt: new Date('2024-03-01T10:00:00.000Z'),
      lineage: { datasets: [{ digest: 'abc', name: 'customers' }], runId: 'r1' },
      metrics: { f1: 0.8, auc: 0.91 },
      version: '3',
      modelExternalId: 'churn',
      externalId: 'churn/3',
    };
    expect(contentHash('version', reordered)).toBe(contentHash('version', version));
    expect(contentHash('version', version)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should change when a nested vendor attribute, a parent id or a date changes', () => {
    const base = contentHash('version', version);
    expect(contentHash('version', { ...version, vendorAttributes: { ...version.vendorAttributes, run: { id: 'r1', params: { depth: 5, lr: 0.1 } } } })).not.toBe(base);
    expect(contentHash('version', { ...version, modelExternalId: 'churn-v2' })).not.toBe(base);
    expect(contentHash('version', { ...version, createdAt: new Date('2024-03-01T10:00:00.001Z') })).not.toBe(base);
  });

  it('should keep array order significant and treat an absent member like undefined', () => {
    const base = contentHash('version', version);
    const swapped = { ...version, lineage: { ...version.lineage, datasets: [{ name: 'b' }, { name: 'a' }] } };
    const straight = { ...version, lineage: { ...version.lineage, datasets: [{ name: 'a' }, { name: 'b' }] } };
    expect(contentHash('version', swapped)).not.toBe(contentHash('version', straight));
    expect(contentHash('version', { ...version, description: undefined })).toBe(base);
  });

  it('should tell kinds apart even for identical fields', () => {
    expect(contentHash('model', { externalId: 'x' })).not.toBe(contentHash('deployment', { externalId: 'x' }));
  });
});

describe('canonicalJson', () => {
  it('should sort keys and render dates as ISO strings', () => {
    expect(canonicalJson({ b: 1, a: { d: new Date('2024-01-01T00:00:00Z'), c: [2, 1] } })).toBe('{"a":{"c":[2,1],"d":"2024-01-01T00:00:00.000Z"},"b":1}');
  });
});

describe('prepareRecords hashing', () => {
  it('should give every record the content hash of its canonical JSON, extra members and absent fields included', () => {
    const records = [
      aVersion({}),
      aVersion({ description: undefined, vendorAttributes: { when: new Date('2024-01-01T00:00:00Z'), list: [{ b: 2, a: 1 }, null] } }),
      { ...aVersion({ statusRaw: 'say "hi" \\ ✓' }), connectorExtra: { z: 1, a: [3, 2] }, dropped: undefined },
    ];

    const { rows, errors } = prepareRecords(VERSION_SPEC, records);

    expect(errors).toEqual([]);
    expect(rows.map((row) => row.hash)).toEqual(records.map((record) => contentHash('version', record)));
  });
});

function aVersion(overrides: Partial<NormalisedVersion>): NormalisedVersion {
  return {
    externalId: `v-${Object.keys(overrides).join('-')}`,
    modelExternalId: 'm',
    version: '1',
    versionNumber: 1,
    description: 'first',
    observedStage: 'STAGING',
    observedStageRaw: 'Staging',
    status: 'READY',
    statusRaw: 'READY',
    createdBy: null,
    artifactUri: 's3://a/b',
    lineage: { runId: 'r1', datasets: [{ name: 'customers', digest: 'abc' }] },
    metrics: [
      { name: 'auc', value: 0.91, step: 3, timestamp: new Date('2024-03-01T09:00:00.000Z'), kind: 'TRAINING' },
      { name: 'val_auc', value: 0.88, step: null, timestamp: null, kind: 'VALIDATION' },
    ],
    params: { depth: '6' },
    tags: { b: 'x', a: 'y' },
    deepLink: null,
    createdAt: new Date('2024-03-01T10:00:00.000Z'),
    updatedAt: null,
    vendorAttributes: { stage: 'Staging', run: { id: 'r1' } },
    ...overrides,
  };
}
