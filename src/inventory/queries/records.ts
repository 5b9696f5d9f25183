import type { DeploymentEnvironment, DeploymentStatus, LifecycleState, ObservedStage, Vendor, VersionStatus } from '../../../connectors/contract.js';
import type { DeploymentRow, InventoryChangeRow, ModelRow, ModelVersionRow } from '../../db/schema/inventory.js';
import type { SyncRunRow } from '../../db/schema/sync.js';
import type { RiskTier } from '../risk-tiers.js';
import type { DEPLOYMENT_UNREAD, MODEL_UNREAD, SYNC_RUN_UNREAD, VERSION_UNREAD } from './columns.js';

/**
 * Read models of the inventory, as the API serves them: the tables' rows (drizzle's inferred types) less the columns
 * columns.ts does not read, with text columns narrowed to their vocabularies. Ids are database uuids; the GraphQL
 * layer makes them global. Timestamps are Dates; JSON columns are plain values. Source secrets never appear here:
 * only whether one is set.
 */
export { RISK_TIERS, type RiskTier } from '../risk-tiers.js';
export type { StoredMetric } from '../../db/schema/inventory.js';
export { SYNC_RUN_STATUSES, type SyncRunStatus } from '../../db/schema/sync.js';

/** Owned by the sources module; re-exported for the inventory's read queries. */
export type { SourceRecord } from '../../sources/source-record.js';

/** What every vendor-sourced read model adds to its row: the source's vendor, and attributes a page may leave out. */
interface VendorRecordFields {
  vendor: Vendor;
  /** Absent when a look-ahead query did not select it; the resolver then loads it. */
  vendorAttributes?: Record<string, unknown>;
}

export interface ModelRecord extends Omit<ModelRow, (typeof MODEL_UNREAD)[number] | 'vendorAttributes' | 'riskTier'>, VendorRecordFields {
  riskTier: RiskTier | null;
}

/** Metrics' timestamps are ISO text, as stored. */
export interface ModelVersionRecord
  extends Omit<ModelVersionRow, (typeof VERSION_UNREAD)[number] | 'vendorAttributes' | 'observedStage' | 'status' | 'lifecycleState'>,
    VendorRecordFields {
  observedStage: ObservedStage;
  status: VersionStatus;
  lifecycleState: LifecycleState;
}

/** Metrics' timestamps are ISO text, as stored. */
export interface DeploymentRecord extends Omit<DeploymentRow, (typeof DEPLOYMENT_UNREAD)[number] | 'vendorAttributes' | 'environment' | 'status'>, VendorRecordFields {
  environment: DeploymentEnvironment;
  status: DeploymentStatus;
}

export type SyncRunRecord = Omit<SyncRunRow, (typeof SYNC_RUN_UNREAD)[number]>;

export type InventoryChangeRecord = InventoryChangeRow;

/** Hand-kept rather than FindingRow: the API serves `sourceId` as always set, where the table allows hub-wide findings without one. */
export interface FindingRecord {
  id: string;
  kind: string;
  sourceId: string;
  entityKind: string;
  entityId: string;
  message: string;
  details: Record<string, unknown>;
  openedAt: Date;
  resolvedAt: Date | null;
}
