import type { Vendor } from '../../connectors/contract.js';
import type { SourceRow } from '../db/schema/index.js';
import type { SyncRunStatus } from '../db/schema/sync.js';

/** A source as readers see it: the secret reduced to whether one is set. */
export interface SourceRecord {
  id: string;
  vendor: Vendor;
  name: string;
  settings: Record<string, unknown>;
  hasSecret: boolean;
  secretUpdatedAt: Date | null;
  scheduleSeconds: number;
  enabled: boolean;
  lastRunId: string | null;
  lastRunStatus: SyncRunStatus | null;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A stored source as readers see it. */
export function toSourceRecord(row: SourceRow): SourceRecord {
  return {
    id: row.id,
    vendor: row.vendor as Vendor,
    name: row.name,
    settings: row.settings,
    hasSecret: row.secretCiphertext !== null,
    secretUpdatedAt: row.secretUpdatedAt,
    scheduleSeconds: row.scheduleSeconds,
    enabled: row.enabled,
    lastRunId: row.lastRunId,
    lastRunStatus: row.lastRunStatus,
    lastRunAt: row.lastRunAt,
    lastSuccessAt: row.lastSuccessAt,
    deletedAt: row.deletedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
