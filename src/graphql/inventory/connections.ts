import { ConnectionType } from '../relay/connection.js';
import { Deployment } from './deployment.type.js';
import { Finding } from './finding.type.js';
import { InventoryChange } from './inventory-change.type.js';
import { Model } from './model.type.js';
import { ModelVersion } from './model-version.type.js';
import { Source } from './source.type.js';
import { SyncRun } from './sync-run.type.js';

export const ModelConnection = ConnectionType(Model, 'Model', 'model');
export const ModelVersionConnection = ConnectionType(ModelVersion, 'ModelVersion', 'model version');
export const DeploymentConnection = ConnectionType(Deployment, 'Deployment', 'deployment');
export const SourceConnection = ConnectionType(Source, 'Source', 'source');
export const SyncRunConnection = ConnectionType(SyncRun, 'SyncRun', 'sync run');
export const InventoryChangeConnection = ConnectionType(InventoryChange, 'InventoryChange', 'inventory change');
export const FindingConnection = ConnectionType(Finding, 'Finding', 'finding');
