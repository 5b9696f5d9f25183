import DataLoader from 'dataloader';
import type { ApprovalRecord, ChangeRequestRecord } from '../../governance/records.js';
import type { WriteBackSummary } from '../../governance/write-back-status.js';
import type { HubServices } from '../services.js';

/** Governance's part of the request loaders. */
export interface GovernanceLoaders {
  changeRequest: DataLoader<string, ChangeRequestRecord | null>;
  approvalsByRequest: DataLoader<string, ApprovalRecord[]>;
  requestsByVersion: DataLoader<string, ChangeRequestRecord[]>;
  /** A request's write-back fields, derived from its outbox rows: one statement for every request of a response. */
  writeBackByRequest: DataLoader<string, WriteBackSummary>;
  /** A model's accountable owner as a person id (null when none, or only a text owner). */
  ownerPersonOfModel: DataLoader<string, string | null>;
}

export function createGovernanceLoaders(services: HubServices): GovernanceLoaders {
  // Read when a batch runs: a hub built without governance (tests, benches) still gets the other loaders.
  const reads = () => services.governance.reads;
  return {
    changeRequest: new DataLoader((ids) => reads().changeRequestsByIds(ids)),
    approvalsByRequest: new DataLoader(async (ids) => {
      const byRequest = await reads().approvalsOf(ids);
      return ids.map((id) => byRequest.get(id) ?? []);
    }),
    requestsByVersion: new DataLoader(async (ids) => {
      const byVersion = await reads().changeRequestsOfVersions(ids);
      return ids.map((id) => byVersion.get(id) ?? []);
    }),
    writeBackByRequest: new DataLoader((ids) => services.writeBackStatus.summariesOf(ids)),
    ownerPersonOfModel: new DataLoader(async (ids) => {
      const byModel = await reads().accountableOwnerPersonIds(ids);
      return ids.map((id) => byModel.get(id) ?? null);
    }),
  };
}
