import { registerEnumType } from 'type-graphql';
import { AUDIT_CHAIN_PROBLEM_KINDS, type AuditChainProblemKind as ProblemKind } from '../../audit/chain-problems.js';
import { CHANGE_REQUEST_STATUSES, WRITE_BACK_STATUSES } from '../../governance/change-request.js';
import { CONTROL_KINDS } from '../../governance/controls.js';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const ChangeRequestStatus = asEnum(CHANGE_REQUEST_STATUSES);
export const WriteBackStatus = asEnum(WRITE_BACK_STATUSES);
export const Decision = asEnum(['APPROVE', 'REJECT'] as const);
export const ControlKind = asEnum(CONTROL_KINDS);

registerEnumType(ControlKind, {
  name: 'ControlKind',
  description: 'A change to the controls themselves, approved by a second person before it applies.',
  valuesConfig: {
    POLICY_CHANGE: { description: 'An approval policy that does not only tighten; approved by a RISK_OFFICER other than the requester.' },
    RISK_TIER_CHANGE: { description: "Lowering or clearing a model's risk tier; approved by another RISK_OFFICER." },
    OWNER_CHANGE: { description: "Moving or clearing a model's accountable owner; approved by another RISK_OFFICER." },
    ROLE_GRANT: { description: 'Granting VALIDATOR, RISK_OFFICER or ADMIN to a person; approved by another ADMIN.' },
  },
});

export const AuditChainProblemKind = asEnum(Object.keys(AUDIT_CHAIN_PROBLEM_KINDS) as ProblemKind[]);

registerEnumType(AuditChainProblemKind, {
  name: 'AuditChainProblemKind',
  description: 'What audit chain verification found.',
  valuesConfig: Object.fromEntries(Object.entries(AUDIT_CHAIN_PROBLEM_KINDS).map(([kind, description]) => [kind, { description }])),
});

registerEnumType(ChangeRequestStatus, {
  name: 'ChangeRequestStatus',
  description: 'Where a change request stands. Only PENDING is open; every other status is final.',
  valuesConfig: {
    PENDING: { description: 'Open: waiting for its approval slots to be filled.' },
    APPLIED: { description: 'Every slot approved; the governed state changed (exactly once).' },
    REJECTED: { description: 'An eligible approver rejected it, with a comment.' },
    CANCELLED: { description: 'Withdrawn by its requester or an ADMIN.' },
    EXPIRED: { description: 'Not decided before its expiry.' },
    SUPERSEDED: {
      description:
        "Never applied: the version changed state or was tombstoned meanwhile, the model's risk tier or accountable owner changed (the request's snapshot no longer holds), or (a control request) the controlled value moved.",
    },
  },
});
registerEnumType(WriteBackStatus, {
  name: 'WriteBackStatus',
  description:
    "Delivery to the vendor platform of every state change an applied request made: its version's and, when it replaced the PRODUCTION version, the retired champion's. Each change is delivered exactly once, the promotion first.",
  valuesConfig: {
    PENDING: { description: 'At least one change is waiting for (or between) delivery attempts, and none has failed.' },
    DONE: { description: 'The vendor applied every change (SageMaker ModelApprovalStatus, MLflow alias and tags, …).' },
    FAILED: { description: 'At least one change permanently failed; the reason is in writeBackMessage.' },
    UNSUPPORTED: { description: 'Every change is settled, none failed, and the vendor could not take at least one of them; what it could not take is governed in the hub only.' },
  },
});
registerEnumType(Decision, {
  name: 'Decision',
  description: 'What an approver decided on a slot.',
  valuesConfig: { APPROVE: { description: 'The approver agrees: the slot is filled.' }, REJECT: { description: 'The approver refuses: the request is closed as REJECTED.' } },
});
