import type { Vendor } from '../../connectors/contract.js';
import type { SourceRow } from '../db/schema/index.js';

/** A source as readers see it: the row less its secret (only whether one is set) and its deletion guard setting. */
export interface SourceRecord extends Omit<SourceRow, 'secretCiphertext' | 'maxDeleteShare' | 'vendor'> {
  vendor: Vendor;
  hasSecret: boolean;
}

/** A stored source as readers see it. */
export function toSourceRecord(row: SourceRow): SourceRecord {
  const { secretCiphertext, maxDeleteShare: _guard, ...readable } = row;
  return { ...readable, vendor: row.vendor as Vendor, hasSecret: secretCiphertext !== null };
}
