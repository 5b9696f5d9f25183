import { canonicalJson } from '../canonical-json.js';
import type { GovernedStateFromAudit, ReplayedApiKey, ReplayedModel, ReplayedPerson, ReplayedPolicy, ReplayedRequest, ReplayedVersion } from './state-replay.js';

/**
 * Compares one table row with what the audit trail says about it. Pure. Each function returns the divergences of one
 * row; `unaccountedInTables` lists what the trail records but the tables no longer hold.
 */

export type DivergentEntityKind = 'model_version' | 'change_request' | 'approval' | 'policy' | 'model' | 'api_key' | 'person';

export interface StateDivergence {
  entityKind: DivergentEntityKind;
  entityId: string;
  /** The column (or fact) that differs; `row` when the row itself is unaccounted for. */
  field: string;
  /** What the audit trail says (null: the trail has no such row). */
  audited: unknown;
  /** What the table holds (null: the table has no such row). */
  actual: unknown;
  message: string;
  /** The source the entity belongs to, where it has one (findings are filed under it). */
  sourceId: string | null;
}

/** A version is DEVELOPMENT until an applied change request moves it (discovered versions start there). */
export const INITIAL_LIFECYCLE_STATE = 'DEVELOPMENT';

export interface VersionStateRow {
  id: string;
  lifecycleState: string;
  sourceId: string;
}

export function diffVersion(row: VersionStateRow, audited: ReplayedVersion | undefined): StateDivergence[] {
  const expected = audited?.lifecycleState ?? INITIAL_LIFECYCLE_STATE;
  if (row.lifecycleState === expected) return [];
  const why = audited
    ? `the audit trail last put it in ${expected} (event #${audited.seq}${audited.changeRequestId ? `, change request ${audited.changeRequestId}` : ''})`
    : `no applied change request in the audit trail moved it from ${INITIAL_LIFECYCLE_STATE}`;
  return [divergence('model_version', row.id, 'lifecycleState', expected, row.lifecycleState, `Version ${row.id} is ${row.lifecycleState} in the table, but ${why}.`, row.sourceId)];
}

export interface RequestStateRow {
  id: string;
  status: string;
  modelVersionId: string;
  fromState: string;
  toState: string;
  requesterId: string;
  sourceId: string | null;
}

export function diffRequest(row: RequestStateRow, audited: ReplayedRequest | undefined): StateDivergence[] {
  if (!audited) return [unaccountedRow('change_request', row.id, row.sourceId, `Change request ${row.id} (${row.status}) is in the table, but the audit trail never recorded it.`)];
  const out: StateDivergence[] = [];
  if (row.status !== audited.status) {
    out.push(divergence('change_request', row.id, 'status', audited.status, row.status, `Change request ${row.id} is ${row.status} in the table, but the audit trail says ${audited.status}.`, row.sourceId));
  }
  if (audited.opened) {
    for (const field of ['modelVersionId', 'fromState', 'toState', 'requesterId'] as const) {
      if (row[field] !== audited.opened[field]) {
        out.push(divergence('change_request', row.id, field, audited.opened[field], row[field], `Change request ${row.id} has ${field} ${row[field]} in the table, but was opened with ${audited.opened[field]}.`, row.sourceId));
      }
    }
  }
  for (const decision of audited.decisions) {
    if (decision.matched) continue;
    out.push(
      divergence('change_request', row.id, 'approvals', { decision: decision.decision, slotRole: decision.slotRole, slotIndex: decision.slotIndex, approverId: decision.approverId }, null, `The audit trail records a ${decision.decision} by ${decision.approverId} in slot ${decision.slotRole} #${decision.slotIndex} of change request ${row.id}, but no approval row holds it.`, row.sourceId),
    );
  }
  return out;
}

export interface ApprovalStateRow {
  id: string;
  changeRequestId: string;
  decision: string;
  slotRole: string;
  slotIndex: number;
  approverId: string;
  comment: string | null;
  sourceId: string | null;
}

/** Matches the row with the audited decision of the same slot (a slot is filled once) and marks that decision matched. */
export function diffApproval(row: ApprovalStateRow, request: ReplayedRequest | undefined): StateDivergence[] {
  if (request?.decisionsUnknown) return [];
  const decision = request?.decisions.find((d) => d.slotRole === row.slotRole && d.slotIndex === row.slotIndex && !d.matched);
  if (!decision) {
    return [unaccountedRow('approval', row.id, row.sourceId, `Approval ${row.id} (${row.decision} by ${row.approverId}, slot ${row.slotRole} #${row.slotIndex} of change request ${row.changeRequestId}) has no decision in the audit trail.`)];
  }
  decision.matched = true;
  const out: StateDivergence[] = [];
  for (const field of ['approverId', 'decision', 'comment'] as const) {
    if ((row[field] ?? null) !== (decision[field] ?? null)) {
      out.push(divergence('approval', row.id, field, decision[field], row[field], `Approval ${row.id} of change request ${row.changeRequestId} has ${field} ${String(row[field])} in the table, but the audited decision (event #${decision.seq}) says ${String(decision[field])}.`, row.sourceId));
    }
  }
  return out;
}

export interface PolicyStateRow {
  id: string;
  toState: string;
  riskTier: string;
  requirements: unknown;
  revision: number;
}

export function diffPolicy(row: PolicyStateRow, audited: ReplayedPolicy | undefined): StateDivergence[] {
  if (!audited) return [unaccountedRow('policy', row.id, null, `Policy ${row.id} (${row.toState}, ${row.riskTier}) is in the table, but the audit trail never recorded it.`)];
  const out: StateDivergence[] = [];
  for (const field of ['toState', 'riskTier', 'requirements', 'revision'] as const) {
    if (canonicalJson(row[field]) !== canonicalJson(audited[field])) {
      out.push(divergence('policy', row.id, field, audited[field], row[field], `Policy ${row.id} (${audited.toState}, ${audited.riskTier}) has ${field} ${canonicalJson(row[field])} in the table, but the audit trail (event #${audited.seq}) says ${canonicalJson(audited[field])}.`, null));
    }
  }
  return out;
}

export interface ModelStateRow {
  id: string;
  riskTier: string | null;
  businessUnit: string | null;
  accountableOwner: string | null;
  sourceId: string;
}

export function diffModel(row: ModelStateRow, audited: ReplayedModel | undefined): StateDivergence[] {
  const out: StateDivergence[] = [];
  for (const field of ['riskTier', 'businessUnit', 'accountableOwner'] as const) {
    const expected = audited && field in audited ? (audited[field] ?? null) : null;
    if ((row[field] ?? null) !== expected) {
      const said = audited && field in audited ? `the audit trail (event #${audited.seq}) says ${String(expected)}` : 'the audit trail never recorded it being set';
      out.push(divergence('model', row.id, field, expected, row[field], `Model ${row.id} has ${field} ${String(row[field])} in the table, but ${said}.`, row.sourceId));
    }
  }
  return out;
}

export interface ApiKeyStateRow {
  id: string;
  roles: string[];
  revoked: boolean;
}

export function diffApiKey(row: ApiKeyStateRow, audited: ReplayedApiKey | undefined): StateDivergence[] {
  if (!audited) return [unaccountedRow('api_key', row.id, null, `API key ${row.id} (roles ${row.roles.join(', ')}) is in the table, but the audit trail never recorded its creation.`)];
  const out: StateDivergence[] = [];
  if (audited.roles && canonicalJson([...row.roles].sort()) !== canonicalJson([...audited.roles].sort())) {
    out.push(divergence('api_key', row.id, 'roles', audited.roles, row.roles, `API key ${row.id} holds ${row.roles.join(', ')} in the table, but the audit trail granted ${audited.roles.join(', ')}.`, null));
  }
  if (row.revoked !== audited.revoked) {
    out.push(divergence('api_key', row.id, 'revoked', audited.revoked, row.revoked, `API key ${row.id} is ${row.revoked ? 'revoked' : 'active'} in the table, but the audit trail says ${audited.revoked ? 'revoked' : 'active'}.`, null));
  }
  return out;
}

export interface PersonStateRow {
  id: string;
  roles: string[];
  active: boolean;
  /**
   * The row has the shape the upgrade to people (migration 0014) gave the persons it created without an audit event:
   * the break-glass identity, or a placeholder `<key prefix>@keys.invalid` person holding that key. Such a row with
   * no event is unknown, not divergent; any other person the trail never mentions was inserted behind the hub's back.
   */
  createdByUpgrade: boolean;
}

export function diffPerson(row: PersonStateRow, audited: ReplayedPerson | undefined): StateDivergence[] {
  if (!audited) {
    if (row.createdByUpgrade) return [];
    return [unaccountedRow('person', row.id, null, `Person ${row.id} (roles ${row.roles.join(', ') || 'none'}, ${row.active ? 'active' : 'inactive'}) is in the table, but the audit trail never recorded them.`)];
  }
  const out: StateDivergence[] = [];
  if (audited.roles && canonicalJson([...row.roles].sort()) !== canonicalJson([...audited.roles].sort())) {
    const added = row.roles.filter((role) => !audited.roles!.includes(role));
    const why = added.length ? ` (${added.join(', ')} granted outside the hub)` : '';
    out.push(divergence('person', row.id, 'roles', audited.roles, row.roles, `Person ${row.id} holds ${row.roles.join(', ') || 'no role'} in the table, but the audit trail (event #${audited.seq}) says ${audited.roles.join(', ') || 'no role'}${why}.`, null));
  }
  if (row.active !== audited.active) {
    const said = audited.active ? 'never recorded their deactivation' : `recorded their deactivation, and nothing in the hub reactivates a person`;
    out.push(divergence('person', row.id, 'active', audited.active, row.active, `Person ${row.id} is ${row.active ? 'active' : 'inactive'} in the table, but the audit trail ${said} (event #${audited.seq}).`, null));
  }
  return out;
}

/**
 * What the trail records but the tables do not hold (none of these rows is ever deleted by the hub). Call after every
 * table row was compared and its entry removed from `state`.
 */
export function* unaccountedInTables(state: GovernedStateFromAudit): Generator<StateDivergence> {
  const kinds = [
    ['model_version', state.versions, 'Version'],
    ['change_request', state.requests, 'Change request'],
    ['policy', state.policies, 'Policy'],
    ['model', state.models, 'Model'],
    ['api_key', state.apiKeys, 'API key'],
    ['person', state.persons, 'Person'],
  ] as const;
  for (const [kind, entries, label] of kinds) {
    for (const [id, entry] of entries as Map<string, { seq: number }>) {
      if (state.unknownEntities.has(`${kind}:${id}`)) continue;
      yield divergence(kind, id, 'row', { lastEventSeq: entry.seq }, null, `${label} ${id} is in the audit trail (last event #${entry.seq}) but missing from the table.`, null);
    }
  }
}

function unaccountedRow(kind: DivergentEntityKind, id: string, sourceId: string | null, message: string): StateDivergence {
  return divergence(kind, id, 'row', null, 'present', message, sourceId);
}

function divergence(entityKind: DivergentEntityKind, entityId: string, field: string, audited: unknown, actual: unknown, message: string, sourceId: string | null): StateDivergence {
  return { entityKind, entityId, field, audited, actual, message, sourceId };
}
