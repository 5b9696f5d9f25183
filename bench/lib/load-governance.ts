import type { LoadClient } from './load-graphql.js';

/**
 * The governance half of the load: requesters open one change request per version, spread over the window, while
 * approvers race each other for whatever is pending and eligible for them. Under the LOW-tier policy one VALIDATOR
 * approval applies a request, so two approvers picking the same request is the contention the bench wants: the
 * loser must get a clean conflict, never a second application.
 */

export const REQUEST_OPERATION = 'governance: open request';
export const APPROVE_OPERATION = 'governance: approve';
export const PENDING_OPERATION = 'governance: list pending';

const OPEN = `mutation Open($input: RequestLifecycleTransitionInput!) { requestLifecycleTransition(input: $input) { id status } }`;
const PENDING = `query Pending { changeRequests(first: 20, filter: { status: [PENDING], eligibleForMe: true }) { nodes { id } } }`;
const APPROVE = `mutation Approve($id: ID!) { approveChangeRequest(id: $id, comment: "bench load: validated") { id status } }`;

export interface GovernanceOutcome {
  opened: number;
  /** Approvals whose answer said APPLIED. */
  applied: number;
  /** Approvals refused because another approver got there first (or the request was already applied). */
  conflicts: number;
  /** Distinct codes of refused approvals and failed openings, for the report. */
  refusalCodes: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens a request for every version (toState VALIDATION) and has the approvers apply them all. Openings are paced
 * evenly over `spreadMs`; approvers stop once every opened request was applied, or at `deadline`.
 */
export async function runGovernanceLoad(input: { requesters: LoadClient[]; approvers: LoadClient[]; versionIds: readonly string[]; spreadMs: number; deadline: number }): Promise<GovernanceOutcome> {
  const { requesters, approvers, versionIds } = input;
  const outcome: GovernanceOutcome = { opened: 0, applied: 0, conflicts: 0, refusalCodes: [] };
  const codes = new Set<string>();
  const started = Date.now();
  const spacing = input.spreadMs / Math.max(1, versionIds.length);
  let requestersDone = false;

  const request = async (requester: LoadClient, index: number) => {
    for (let i = index; i < versionIds.length; i += requesters.length) {
      await sleep(Math.max(0, started + i * spacing - Date.now()));
      const answer = await requester.call(REQUEST_OPERATION, OPEN, {
        input: { modelVersionId: versionIds[i], toState: 'VALIDATION', justification: 'bench load: ready for independent validation' },
      });
      if (answer.errors.length === 0 && answer.data) outcome.opened++;
      else codes.add(`open: ${answer.errors[0]?.extensions?.code ?? 'NO_DATA'}`);
    }
  };

  const approve = async (approver: LoadClient) => {
    while (Date.now() < input.deadline && !(requestersDone && outcome.applied >= outcome.opened)) {
      const pending = await approver.call<{ changeRequests: { nodes: Array<{ id: string }> } }>(PENDING_OPERATION, PENDING);
      const nodes = pending.data?.changeRequests.nodes ?? [];
      if (nodes.length === 0) {
        await sleep(100 + Math.random() * 100);
        continue;
      }
      // The oldest few are what every approver sees first: picking among them makes approvers collide, on purpose.
      const target = nodes[Math.floor(Math.random() * Math.min(3, nodes.length))];
      const answer = await approver.call<{ approveChangeRequest: { status: string } }>(APPROVE_OPERATION, APPROVE, { id: target.id });
      if (answer.data?.approveChangeRequest.status === 'APPLIED') outcome.applied++;
      else {
        outcome.conflicts++;
        codes.add(`approve: ${answer.errors[0]?.extensions?.code ?? answer.data?.approveChangeRequest.status ?? 'NO_DATA'}`);
      }
    }
  };

  const approving = Promise.all(approvers.map(approve));
  await Promise.all(requesters.map(request));
  requestersDone = true;
  await approving;
  outcome.refusalCodes = [...codes].sort();
  return outcome;
}
