import type { DeploymentEnvironment, DeploymentStatus, LifecycleState, ObservedStage, Vendor, VersionStatus } from '../../../connectors/contract.js';
import type { StoredMetric } from '../../db/schema/inventory.js';
import type { SyncRunStatus } from '../../db/schema/sync.js';
import type { RiskTier } from '../risk-tiers.js';

/**
 * Read models of the inventory, as the API serves them. Ids are database uuids; the GraphQL layer makes them global.
 * Timestamps are Dates; JSON columns are plain values. Source secrets never appear here: only whether one is set.
 */
export { RISK_TIERS, type RiskTier } from '../risk-tiers.js';
export type { StoredMetric } from '../../db/schema/inventory.js';
export { SYNC_RUN_STATUSES, type SyncRunStatus } from '../../db/schema/sync.js';

/** Owned by the sources module; re-exported for the inventory's read queries. */
export type { SourceRecord } from '../../sources/source-record.js';

/** Columns every vendor-sourced record shares. */
export interface VendorRecordFields {
  id: string;
  sourceId: string;
  vendor: Vendor;
  externalId: string;
  /** Absent when a look-ahead query did not select it; the resolver then loads it. */
  vendorAttributes?: Record<string, unknown>;
  vendorCreatedAt: Date | null;
  vendorUpdatedAt: Date | null;
  firstSeenAt: Date;
  lastChangedAt: Date;
  deletedAt: Date | null;
}

export interface ModelRecord extends VendorRecordFields {
  name: string;
  description: string | null;
  owner: string | null;
  tags: Record<string, string>;
  deepLink: string | null;
  riskTier: RiskTier | null;
  businessUnit: string | null;
  accountableOwner: string | null;
}

export interface ModelVersionRecord extends VendorRecordFields {
  modelId: string | null;
  modelExternalId: string | null;
  version: string;
  versionNumber: number | null;
  description: string | null;
  observedStage: ObservedStage;
  observedStageRaw: string | null;
  status: VersionStatus;
  statusRaw: string | null;
  createdBy: string | null;
  artifactUri: string | null;
  lineage: Record<string, unknown>;
  /** Timestamps as ISO text, as stored. */
  metrics: StoredMetric[];
  params: Record<string, string>;
  tags: Record<string, string>;
  deepLink: string | null;
  lifecycleState: LifecycleState;
  lifecycleChangedAt: Date | null;
}

export interface DeploymentRecord extends VendorRecordFields {
  versionId: string | null;
  versionExternalId: string | null;
  name: string;
  environment: DeploymentEnvironment;
  environmentRaw: string | null;
  tags: Record<string, string>;
  status: DeploymentStatus;
  statusRaw: string | null;
  /** Timestamps as ISO text, as stored. */
  metrics: StoredMetric[];
  servingProduction: boolean;
  endpointUrl: string | null;
  trafficShare: number | null;
  deepLink: string | null;
}

export interface SyncRunRecord {
  id: string;
  sourceId: string;
  trigger: string;
  status: SyncRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatAt: Date;
  seen: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
  pages: number;
  deletionGuard: Record<string, unknown> | null;
  error: string | null;
  recordErrors: Array<Record<string, string>>;
}

export interface InventoryChangeRecord {
  id: string;
  runId: string | null;
  sourceId: string;
  entityKind: string;
  entityId: string;
  externalId: string;
  change: string;
  changedFields: string[];
  at: Date;
}

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
