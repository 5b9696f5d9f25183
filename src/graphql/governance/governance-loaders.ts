import DataLoader from 'dataloader';
import type { ApprovalRecord, ChangeRequestRecord } from '../../governance/records.js';
import type { WriteBackSummary } from '../../governance/write-back-status.js';
import type { GraphQLContext } from '../context.js';

/** Governance's request-scoped DataLoaders, kept beside the context (one set per request, gone with it). */
export interface GovernanceLoaders {
  changeRequest: DataLoader<string, ChangeRequestRecord | null>;
  approvalsByRequest: DataLoader<string, ApprovalRecord[]>;
  requestsByVersion: DataLoader<string, ChangeRequestRecord[]>;
  /** A request's write-back fields, derived from its outbox rows: one statement for every request of a response. */
  writeBackByRequest: DataLoader<string, WriteBackSummary>;
  /** A model's accountable owner as a person id (null when none, or only a text owner). */
  ownerPersonOfModel: DataLoader<string, string | null>;
}

const perRequest = new WeakMap<GraphQLContext, GovernanceLoaders>();

export function governanceLoaders(ctx: GraphQLContext): GovernanceLoaders {
  let loaders = perRequest.get(ctx);
  if (!loaders) {
    const governance = ctx.services.governance.reads;
    loaders = {
      changeRequest: new DataLoader((ids) => governance.changeRequestsByIds(ids)),
      approvalsByRequest: new DataLoader(async (ids) => {
        const byRequest = await governance.approvalsOf(ids);
        return ids.map((id) => byRequest.get(id) ?? []);
      }),
      requestsByVersion: new DataLoader(async (ids) => {
        const byVersion = await governance.changeRequestsOfVersions(ids);
        return ids.map((id) => byVersion.get(id) ?? []);
      }),
      writeBackByRequest: new DataLoader((ids) => ctx.services.writeBackStatus.summariesOf(ids)),
      ownerPersonOfModel: new DataLoader(async (ids) => {
        const byModel = await governance.accountableOwnerPersonIds(ids);
        return ids.map((id) => byModel.get(id) ?? null);
      }),
    };
    perRequest.set(ctx, loaders);
  }
  return loaders;
}
