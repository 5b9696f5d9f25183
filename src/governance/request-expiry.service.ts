import type { Tx } from '../db/client.js';
import { systemPrincipal } from '../auth/principal.js';
import type { CallContext, GovernanceDeps } from './governance-deps.js';
import { ChangeRequestRepository } from './change-request.repository.js';
import type { ControlRequestService } from './control-request.service.js';

const EXPIRED_REASON = 'The request was not decided before it expired.';

/** Closes requests nobody decided in time (ARCHITECTURE §5: a request stays open changeRequestTtlDays). */
export class RequestExpiryService {
  private readonly requests = new ChangeRequestRepository();

  constructor(private readonly deps: GovernanceDeps & { controls: Pick<ControlRequestService, 'expireDue'> }) {}

  /** Closes every PENDING change and control request past its expiry as EXPIRED (the scheduler calls it). Returns how many. */
  async expireDueRequests(): Promise<number> {
    const now = this.deps.now();
    const count = await this.deps.db.transaction(async (tx) => (await this.expireChangeRequests(tx, now, {})) + (await this.deps.controls.expireDue(tx, now)));
    if (count > 0) this.deps.logger.info({ count }, 'change requests expired');
    return count;
  }

  /** Expires PENDING change requests past their expiry (only the version's, when given), audited, in the caller's transaction. */
  async expireChangeRequests(tx: Tx, now: Date, ctx: CallContext, versionId?: string): Promise<number> {
    const expired = await this.requests.expirePending(tx, now, EXPIRED_REASON, versionId);
    await this.deps.audit.record(
      tx,
      expired.map((id) => ({
        actor: systemPrincipal('governance'),
        action: 'change_request.expired',
        entityKind: 'change_request',
        entityId: id,
        before: { status: 'PENDING' },
        after: { status: 'EXPIRED', reason: EXPIRED_REASON },
        requestId: ctx.requestId,
      })),
    );
    return expired.length;
  }
}
