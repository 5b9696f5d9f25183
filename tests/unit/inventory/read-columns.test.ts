import { describe, expect, it } from 'vitest';
import { columnSet, deploymentColumns, modelColumns, sourceColumns, versionColumns } from '../../../src/inventory/queries/columns.js';

/** The read columns are derived from the drizzle tables; the column type decides how raw values are normalised. */
const keys = (columns: ReturnType<typeof modelColumns>) => columns.map(([key]) => key);
const kindOf = (columns: ReturnType<typeof modelColumns>, key: string) => columns.find(([name]) => name === key)?.[2];

describe('read columns', () => {
  it('should read every model column but the content hash and the accountable person, plus the vendor', () => {
    const columns = modelColumns();
    expect(keys(columns)).toContain('deepLink');
    expect(keys(columns)).toContain('vendor');
    expect(keys(columns)).not.toContain('contentHash');
    expect(keys(columns)).not.toContain('accountableOwnerPersonId');
  });

  it('should never read a source secret, only whether there is one', () => {
    expect(keys(sourceColumns)).not.toContain('secretCiphertext');
    expect(keys(sourceColumns)).toContain('hasSecret');
  });

  it('should normalise timestamps to dates and numeric columns to numbers', () => {
    expect(kindOf(versionColumns(), 'lifecycleChangedAt')).toBe('date');
    expect(kindOf(versionColumns(), 'versionNumber')).toBe('number');
    expect(kindOf(deploymentColumns(), 'trafficShare')).toBe('number');
    expect(kindOf(deploymentColumns(), 'name')).toBeUndefined();
    const row = columnSet<Record<string, unknown>>(deploymentColumns()).map({ trafficShare: '0.5', firstSeenAt: '2024-05-01T12:00:00.000Z', name: 'x' });
    expect(row).toMatchObject({ trafficShare: 0.5, firstSeenAt: new Date('2024-05-01T12:00:00.000Z'), name: 'x', deletedAt: null });
  });
});
