import DataLoader from 'dataloader';
import type {
  DeploymentRecord,
  FindingRecord,
  InventoryChangeRecord,
  ModelRecord,
  ModelVersionRecord,
  SourceRecord,
  SyncRunRecord,
} from '../../inventory/queries/records.js';
import type { ModelPage } from '../../inventory/inventory-read.service.js';
import { PrimableLoader } from '../primable-loader.js';
import type { HubServices } from '../services.js';

/** Changes listed on a version, and runs on a source: the most recent N (full history via the root connections). */
export const RECENT_CHILDREN_LIMIT = 20;

/** The inventory's part of the request loaders: records by id, and each relation by its parent's id. */
export interface InventoryLoaders {
  model: DataLoader<string, ModelRecord | null>;
  version: DataLoader<string, ModelVersionRecord | null>;
  deployment: DataLoader<string, DeploymentRecord | null>;
  source: DataLoader<string, SourceRecord | null>;
  syncRun: DataLoader<string, SyncRunRecord | null>;
  inventoryChange: DataLoader<string, InventoryChangeRecord | null>;
  finding: DataLoader<string, FindingRecord | null>;
  /** Primed by look-ahead pages, which fetch a page's versions with it. */
  versionsByModel: PrimableLoader<string, ModelVersionRecord[]>;
  /** Primed by look-ahead pages, which fetch a page's deployments with it. */
  deploymentsByVersion: PrimableLoader<string, DeploymentRecord[]>;
  findingsByEntity: DataLoader<string, FindingRecord[]>;
  recentChangesByEntity: DataLoader<string, InventoryChangeRecord[]>;
  recentRunsBySource: DataLoader<string, SyncRunRecord[]>;
}

export function createInventoryLoaders(services: HubServices): InventoryLoaders {
  const inventory = services.inventory;
  return {
    model: new DataLoader((ids) => inventory.modelsByIds(ids)),
    version: new DataLoader((ids) => inventory.versionsByIds(ids)),
    deployment: new DataLoader((ids) => inventory.deploymentsByIds(ids)),
    source: new DataLoader((ids) => inventory.sourcesByIds(ids)),
    syncRun: new DataLoader((ids) => inventory.syncRunsByIds(ids)),
    inventoryChange: new DataLoader((ids) => inventory.inventoryChangesByIds(ids)),
    finding: new DataLoader((ids) => inventory.findingsByIds(ids)),
    versionsByModel: new PrimableLoader((ids) => inventory.versionsByModelIds(ids)),
    deploymentsByVersion: new PrimableLoader((ids) => inventory.deploymentsByVersionIds(ids)),
    findingsByEntity: new DataLoader((ids) => inventory.findingsByEntityIds(ids)),
    recentChangesByEntity: new DataLoader((ids) => inventory.changesByEntityIds(ids, RECENT_CHILDREN_LIMIT)),
    recentRunsBySource: new DataLoader((ids) => inventory.syncRunsBySourceIds(ids, RECENT_CHILDREN_LIMIT)),
  };
}

/** Hands what a look-ahead page fetched along to the relation loaders, so its relation fields read it without a query. */
export function primeModelPage(loaders: InventoryLoaders, page: ModelPage): void {
  if (page.versionsByModel) for (const [modelId, versions] of page.versionsByModel) loaders.versionsByModel.prime(modelId, versions);
  if (page.deploymentsByVersion) for (const [versionId, deployments] of page.deploymentsByVersion) loaders.deploymentsByVersion.prime(versionId, deployments);
}
