import { InputError } from '../../errors.js';
import type { AuditEventRecord } from '../../audit/audit.service.js';
import type { ChangeRequestRecord, ControlRequestRecord } from '../../governance/records.js';
import { keysetPageOf, type ForwardPage } from '../../page.js';
import { ConnectionType, toConnection, toPageRequest, type ConnectionResult } from '../relay/connection.js';
import type { ConnectionArgs } from '../relay/connection.args.js';
import { AuditEvent } from './audit-event.type.js';
import { ChangeRequest } from './change-request.type.js';
import { ControlRequest } from './control-request.type.js';

export const ChangeRequestConnection = ConnectionType(ChangeRequest, 'ChangeRequest', 'change request');
export const AuditEventConnection = ConnectionType(AuditEvent, 'AuditEvent', 'audit event');

const CHANGE_REQUESTS_SCOPE = 'changeRequests:CREATED:DESC';
const AUDIT_EVENTS_SCOPE = 'auditEvents:SEQ:DESC';
/** Audit events are keyed by seq alone; the shared cursor format wants a uuid, so a fixed one fills that place. */
const NO_UUID = '00000000-0000-0000-0000-000000000000';

type ForwardArgs = { first?: number | null; after?: string | null };

/** Page size and decoded boundary of `changeRequests(first, after)`. */
export function changeRequestsPage(args: ForwardArgs, maxPageSize: number): { first: number; after: { createdAt: Date; id: string } | null } {
  const request = toPageRequest(args as ConnectionArgs, CHANGE_REQUESTS_SCOPE, maxPageSize);
  if (!request.boundary) return { first: request.size, after: null };
  const createdAt = new Date(request.boundary.keys[0] ?? '');
  if (Number.isNaN(createdAt.getTime())) throw new InputError('Invalid cursor: malformed');
  return { first: request.size, after: { createdAt, id: request.boundary.id } };
}

export function changeRequestsConnection(page: ForwardPage<ChangeRequestRecord>, hasPrevious: boolean): ConnectionResult<ChangeRequestRecord> {
  return toConnection(keysetPageOf(page, hasPrevious, (record) => ({ keys: [record.createdAt.toISOString()], id: record.id })), CHANGE_REQUESTS_SCOPE);
}

/** Page size and decoded boundary (a seq) of `auditEvents(first, after)`. */
export function auditEventsPage(args: ForwardArgs, maxPageSize: number): { first: number; afterSeq: number | null } {
  const request = toPageRequest(args as ConnectionArgs, AUDIT_EVENTS_SCOPE, maxPageSize);
  if (!request.boundary) return { first: request.size, afterSeq: null };
  const seq = Number(request.boundary.keys[0]);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new InputError('Invalid cursor: malformed');
  return { first: request.size, afterSeq: seq };
}

export function auditEventsConnection(page: ForwardPage<AuditEventRecord>, hasPrevious: boolean): ConnectionResult<AuditEventRecord> {
  return toConnection(keysetPageOf(page, hasPrevious, (record) => ({ keys: [String(record.seq)], id: NO_UUID })), AUDIT_EVENTS_SCOPE);
}

export const ControlRequestConnection = ConnectionType(ControlRequest, 'ControlRequest', 'control request');
const CONTROL_REQUESTS_SCOPE = 'controlRequests:CREATED:DESC';

/** Page size and decoded boundary of `controlRequests(first, after)`. */
export function controlRequestsPage(args: ForwardArgs, maxPageSize: number): { first: number; after: { createdAt: Date; id: string } | null } {
  const request = toPageRequest(args as ConnectionArgs, CONTROL_REQUESTS_SCOPE, maxPageSize);
  if (!request.boundary) return { first: request.size, after: null };
  const createdAt = new Date(request.boundary.keys[0] ?? '');
  if (Number.isNaN(createdAt.getTime())) throw new InputError('Invalid cursor: malformed');
  return { first: request.size, after: { createdAt, id: request.boundary.id } };
}

export function controlRequestsConnection(page: ForwardPage<ControlRequestRecord>, hasPrevious: boolean): ConnectionResult<ControlRequestRecord> {
  return toConnection(keysetPageOf(page, hasPrevious, (record) => ({ keys: [record.createdAt.toISOString()], id: record.id })), CONTROL_REQUESTS_SCOPE);
}
