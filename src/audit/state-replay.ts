/**
 * The governed state as the audit trail tells it: a fold of the audit events (each entity's in seq order) into each version's
 * lifecycle state, each change request's status and decisions, each policy, each model's governance attributes and
 * each API key's and each person's roles (and whether the person is active). Pure: no I/O, no clock. The service (state-replay.service.ts) feeds it the events and compares
 * the result with the tables (state-replay-diff.ts).
 *
 * What the trail does not record is assumed from the rules that create rows: a version nobody moved is in
 * DEVELOPMENT (discovered versions start there), a model nobody classified has no tier, owner or business unit, a
 * person nobody deactivated is active (persons are created active; nothing in the hub reactivates one).
 * An event that lacks a fact the fold needs (older events, written before the fact was recorded) makes its entity
 * unknown: it is not compared, rather than reported as divergent.
 */

/** The columns of an audit event the fold reads. */
export interface ReplayEvent {
  seq: number;
  actorId: string;
  action: string;
  entityKind: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Entity kinds whose events the fold reads; the service asks the database for these only. */
export const REPLAYED_ENTITY_KINDS = ['model_version', 'change_request', 'policy', 'model', 'api_key', 'person'] as const;

export interface ReplayedVersion {
  lifecycleState: string;
  /** The request whose application put it there, and the event that recorded it. */
  changeRequestId: string | null;
  seq: number;
}

export interface ReplayedDecision {
  decision: string;
  slotRole: string;
  slotIndex: number;
  approverId: string;
  comment: string | null;
  seq: number;
  /** Set by the comparison once an approval row accounts for this decision. */
  matched?: boolean;
}

export interface ReplayedRequest {
  status: string;
  /** Null when the request's opening is not in the trail (its facts are then unknown). */
  opened: { modelVersionId: string; fromState: string; toState: string; requesterId: string } | null;
  decisions: ReplayedDecision[];
  /** A decision event lacked its slot: the request's decisions are not compared. */
  decisionsUnknown: boolean;
  seq: number;
}

export interface ReplayedPolicy {
  toState: string;
  riskTier: string;
  requirements: unknown;
  revision: number;
  seq: number;
}

/** Only the attributes the trail recorded a value for; absent ones are expected null (never classified). */
export interface ReplayedModel {
  riskTier?: unknown;
  businessUnit?: unknown;
  accountableOwner?: unknown;
  seq: number;
}

export interface ReplayedApiKey {
  roles: string[] | null;
  revoked: boolean;
  seq: number;
}

export interface ReplayedPerson {
  /** The roles after the last event that recorded them; null while no event did (a person the upgrade created). */
  roles: string[] | null;
  active: boolean;
  /** The trail records the person's creation (otherwise the upgrade to people created it, unaudited). */
  created: boolean;
  seq: number;
}

export interface GovernedStateFromAudit {
  versions: Map<string, ReplayedVersion>;
  requests: Map<string, ReplayedRequest>;
  policies: Map<string, ReplayedPolicy>;
  models: Map<string, ReplayedModel>;
  apiKeys: Map<string, ReplayedApiKey>;
  persons: Map<string, ReplayedPerson>;
  /** `kind:id` of entities an incomplete event left unknown: not compared. */
  unknownEntities: Set<string>;
  /** Events applied, and events whose facts were incomplete (their entity left unknown). */
  events: number;
  unknownEvents: number;
  lastSeq: number;
}

export function emptyGovernedState(): GovernedStateFromAudit {
  return { versions: new Map(), requests: new Map(), policies: new Map(), models: new Map(), apiKeys: new Map(), persons: new Map(), unknownEntities: new Set(), events: 0, unknownEvents: 0, lastSeq: 0 };
}

/** Model attributes governance sets; each one an audit event records is replayed. */
const MODEL_ATTRIBUTES = ['riskTier', 'businessUnit', 'accountableOwner'] as const;

/** Statuses a change request can be closed with, by the action that closes it. */
const CLOSING_STATUS: Record<string, string> = {
  'change_request.applied': 'APPLIED',
  'change_request.rejected': 'REJECTED',
  'change_request.cancelled': 'CANCELLED',
  'change_request.expired': 'EXPIRED',
  'change_request.superseded': 'SUPERSEDED',
};

/** Applies one event (events must come in seq order). Mutates and returns `state`. */
export function applyAuditEvent(state: GovernedStateFromAudit, event: ReplayEvent): GovernedStateFromAudit {
  state.events++;
  state.lastSeq = event.seq;
  const after = event.after ?? {};
  switch (event.action) {
    case 'model_version.lifecycle_changed': {
      if (typeof after.lifecycleState !== 'string') return unknown(state, event);
      state.versions.set(event.entityId, { lifecycleState: after.lifecycleState, changeRequestId: str(after.changeRequestId), seq: event.seq });
      return state;
    }
    case 'change_request.opened': {
      const { modelVersionId, fromState, toState } = after;
      if (typeof modelVersionId !== 'string' || typeof fromState !== 'string' || typeof toState !== 'string') return unknown(state, event);
      state.requests.set(event.entityId, {
        status: 'PENDING',
        opened: { modelVersionId, fromState, toState, requesterId: event.actorId },
        decisions: [],
        decisionsUnknown: false,
        seq: event.seq,
      });
      return state;
    }
    case 'change_request.approved':
    case 'change_request.rejected': {
      const request = requestOf(state, event);
      const decision = decisionOf(event);
      if (decision) request.decisions.push(decision);
      else request.decisionsUnknown = true;
      if (event.action === 'change_request.rejected') request.status = 'REJECTED';
      request.seq = event.seq;
      return decision ? state : unknown(state, event);
    }
    case 'change_request.applied':
    case 'change_request.cancelled':
    case 'change_request.expired':
    case 'change_request.superseded': {
      const request = requestOf(state, event);
      request.status = CLOSING_STATUS[event.action];
      request.seq = event.seq;
      return state;
    }
    case 'policy.seeded':
    case 'policy.created':
    case 'policy.updated': {
      const { toState, riskTier, requirements, revision } = after;
      if (typeof toState !== 'string' || typeof riskTier !== 'string' || requirements === undefined || typeof revision !== 'number') return unknown(state, event);
      state.policies.set(event.entityId, { toState, riskTier, requirements, revision, seq: event.seq });
      return state;
    }
    case 'model.governance_updated': {
      const model = state.models.get(event.entityId) ?? { seq: event.seq };
      for (const key of MODEL_ATTRIBUTES) if (key in after) model[key] = after[key] ?? null;
      model.seq = event.seq;
      state.models.set(event.entityId, model);
      return state;
    }
    case 'api_key.created':
    case 'api_key.bootstrap_restored': {
      const roles = Array.isArray(after.roles) ? after.roles.map(String) : null;
      state.apiKeys.set(event.entityId, { roles, revoked: false, seq: event.seq });
      return roles ? state : unknown(state, event);
    }
    case 'api_key.revoked': {
      const key = state.apiKeys.get(event.entityId) ?? { roles: null, revoked: true, seq: event.seq };
      key.revoked = true;
      key.seq = event.seq;
      state.apiKeys.set(event.entityId, key);
      return state;
    }
    case 'person.created':
    case 'person.updated':
    case 'person.role_granted':
    case 'person.deactivated': {
      // Every event that changes a person's roles records them whole in `after` (person.deactivated since it
      // records them; before, deactivating left the roles as they were, which the fold keeps).
      const person = state.persons.get(event.entityId) ?? { roles: null, active: true, created: false, seq: event.seq };
      if (Array.isArray(after.roles)) person.roles = after.roles.map(String);
      else if (event.action !== 'person.deactivated') person.roles = null;
      if (event.action === 'person.created') person.created = true;
      if (event.action === 'person.deactivated') person.active = false;
      else if (typeof after.active === 'boolean') person.active = after.active;
      person.seq = event.seq;
      state.persons.set(event.entityId, person);
      return person.roles || event.action === 'person.deactivated' ? state : unknownFact(state);
    }
    default:
      return state;
  }
}

/** An event lacking a fact, where only that fact (not its whole entity) is left unknown. */
function unknownFact(state: GovernedStateFromAudit): GovernedStateFromAudit {
  state.unknownEvents++;
  return state;
}

/** A request the trail mentions before (or without) its opening: its opening facts stay unknown. */
function requestOf(state: GovernedStateFromAudit, event: ReplayEvent): ReplayedRequest {
  let request = state.requests.get(event.entityId);
  if (!request) {
    request = { status: 'PENDING', opened: null, decisions: [], decisionsUnknown: false, seq: event.seq };
    state.requests.set(event.entityId, request);
  }
  return request;
}

/** The slot a decision filled and who filled it (`approverId` since it is recorded; the actor before). */
function decisionOf(event: ReplayEvent): ReplayedDecision | null {
  const after = event.after ?? {};
  const decision = after.decision ?? (event.action === 'change_request.rejected' ? 'REJECT' : 'APPROVE');
  if (typeof after.slotRole !== 'string' || typeof after.slotIndex !== 'number') return null;
  return {
    decision: String(decision),
    slotRole: after.slotRole,
    slotIndex: after.slotIndex,
    approverId: str(after.approverId) ?? event.actorId,
    comment: str(after.comment),
    seq: event.seq,
  };
}

function unknown(state: GovernedStateFromAudit, event: ReplayEvent): GovernedStateFromAudit {
  state.unknownEntities.add(`${event.entityKind}:${event.entityId}`);
  state.unknownEvents++;
  return state;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
