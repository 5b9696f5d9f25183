import type { Db } from '../db/client.js';
import type { Principal } from '../auth/principal.js';
import type { ForwardPage } from '../page.js';
import { ChangeRequestRepository, type ChangeRequestFilter, type ChangeRequestKey } from './change-request.repository.js';
import { ModelAttributesRepository } from './model-attributes.repository.js';
import type { ApprovalRecord, ChangeRequestRecord } from './records.js';

/** Governance as the API reads it: change requests, their decisions, and models' owners, batched for loaders. */
export class GovernanceReadService {
  private readonly requests = new ChangeRequestRepository();
  private readonly models = new ModelAttributesRepository();

  constructor(private readonly deps: { db: Db }) {}

  async getChangeRequest(id: string): Promise<ChangeRequestRecord | null> {
    return (await this.requests.findById(this.deps.db, id)) ?? null;
  }

  /** For DataLoader / node resolution: requests in the order of `ids`, null where absent. */
  async changeRequestsByIds(ids: readonly string[]): Promise<Array<ChangeRequestRecord | null>> {
    const rows = await this.requests.findByIds(this.deps.db, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async listChangeRequests(filter: ChangeRequestFilter, page: { first: number; after?: ChangeRequestKey | null }, actor: Principal): Promise<ForwardPage<ChangeRequestRecord>> {
    return this.requests.list(this.deps.db, filter, page, actor);
  }

  /** Decisions per request id (for DataLoader), oldest first. */
  async approvalsOf(changeRequestIds: readonly string[]): Promise<Map<string, ApprovalRecord[]>> {
    const rows = await this.requests.approvalsOf(this.deps.db, changeRequestIds);
    const byRequest = new Map<string, ApprovalRecord[]>(changeRequestIds.map((id) => [id, []]));
    for (const row of rows) byRequest.get(row.changeRequestId)?.push(row);
    return byRequest;
  }

  /** Every request per version id (for DataLoader), newest first; the open one, if any, is the first PENDING. */
  async changeRequestsOfVersions(versionIds: readonly string[]): Promise<Map<string, ChangeRequestRecord[]>> {
    const rows = await this.requests.byVersions(this.deps.db, versionIds);
    const byVersion = new Map<string, ChangeRequestRecord[]>(versionIds.map((id) => [id, []]));
    for (const row of rows) byVersion.get(row.modelVersionId)?.push(row);
    return byVersion;
  }

  /** Accountable owners as person ids, per model id (for DataLoader); models without one are absent. */
  async accountableOwnerPersonIds(modelIds: readonly string[]): Promise<Map<string, string>> {
    return this.models.ownerPersonIds(this.deps.db, modelIds);
  }
}
