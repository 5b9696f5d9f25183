import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { AuditAnchor } from '../audit/checkpointer.js';
import type { EnqueueWriteBack, GovernanceDeps } from './governance-deps.js';
import { ModelAttributesService } from './model-attributes.service.js';
import { PolicyService } from './policy.service.js';
import { ChangeRequestService } from './change-request.service.js';
import { DecisionService } from './decision.service.js';
import { RequestExpiryService } from './request-expiry.service.js';
import { ControlRequestService } from './control-request.service.js';
import { GovernanceReadService } from './governance-read.service.js';

/**
 * Approval-gated lifecycle control (ARCHITECTURE §5), one service per job. Refusals a caller acts on come back as
 * `{ ok: false, refusal }` (see refusal.ts); input errors, unknown ids and missing roles are thrown as domain errors.
 */
export interface GovernanceServices {
  /** Models' risk tier, business unit and accountable owner. */
  attributes: ModelAttributesService;
  policies: PolicyService;
  /** Opening and withdrawing lifecycle change requests. */
  changeRequests: ChangeRequestService;
  /** Approving and rejecting them; the last approval applies the change. */
  decisions: DecisionService;
  /** Closing requests nobody decided in time (the scheduler's maintenance job). */
  expiry: RequestExpiryService;
  /** Changes to the controls themselves (policies, lowered tiers, owners, role grants), under four eyes. */
  controls: ControlRequestService;
  /** Reads for the API's loaders and lists. */
  reads: GovernanceReadService;
}

export interface GovernanceServicesDeps {
  db: Db;
  audit: AuditRecorder;
  enqueueWriteBack: EnqueueWriteBack;
  /** Signs a checkpoint of the audit chain after every applied change (absent: no signing key configured). */
  anchor?: AuditAnchor;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How long a request stays open before it expires (ARCHITECTURE default 14). */
  changeRequestTtlDays: number;
  now?: () => Date;
}

export function createGovernanceServices(deps: GovernanceServicesDeps): GovernanceServices {
  const base: GovernanceDeps = { db: deps.db, audit: deps.audit, logger: deps.logger, now: deps.now ?? (() => new Date()) };
  const controls = new ControlRequestService({ ...base, changeRequestTtlDays: deps.changeRequestTtlDays });
  const expiry = new RequestExpiryService({ ...base, controls });
  return {
    attributes: new ModelAttributesService(base),
    policies: new PolicyService(base),
    changeRequests: new ChangeRequestService({ ...base, changeRequestTtlDays: deps.changeRequestTtlDays, expiry }),
    decisions: new DecisionService({ ...base, enqueueWriteBack: deps.enqueueWriteBack, anchor: deps.anchor }),
    expiry,
    controls,
    reads: new GovernanceReadService({ db: deps.db }),
  };
}
