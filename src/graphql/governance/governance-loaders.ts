import DataLoader from 'dataloader';
import type { ApprovalRow, ChangeRequestRow } from '../../db/schema/index.js';
import type { WriteBackSummary } from '../../governance/write-back-status.js';
import type { HubServices } from '../services.js';

/** Governance's part of the request loaders. */
export interface GovernanceLoaders {
  changeRequest: DataLoader<string, ChangeRequestRow | null>;
  approvalsByRequest: DataLoader<string, ApprovalRow[]>;
  requestsByVersion: DataLoader<string, ChangeRequestRow[]>;
  /** A request's write-back fields, derived from its outbox rows: one statement for every request of a response. */
  writeBackByRequest: DataLoader<string, WriteBackSummary>;
  /** A model's accountable owner as a person id (null when none, or only a text owner). */
  ownerPersonOfModel: DataLoader<string, string | null>;
}

export function createGovernanceLoaders(services: HubServices): GovernanceLoaders {
  return {
    changeRequest: new DataLoader((ids) => services.governance.changeRequestsByIds(ids)),
    approvalsByRequest: new DataLoader(async (ids) => {
      const byRequest = await services.governance.approvalsOf(ids);
      return ids.map((id) => byRequest.get(id) ?? []);
    }),
    requestsByVersion: new DataLoader(async (ids) => {
      const byVersion = await services.governance.changeRequestsOfVersions(ids);
      return ids.map((id) => byVersion.get(id) ?? []);
    }),
    writeBackByRequest: new DataLoader((ids) => services.writeBackStatus.summariesOf(ids)),
    ownerPersonOfModel: new DataLoader(async (ids) => {
      const byModel = await services.governance.accountableOwnerPersonIds(ids);
      return ids.map((id) => byModel.get(id) ?? null);
    }),
  };
}
