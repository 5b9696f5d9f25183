import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { queryRows } from '../db/sql.js';

/** An audit event as the pack reads it (raw row, camel-cased; seq normalised to a number on both drivers). */
export interface EvidenceAuditRow {
  seq: number;
  at: Date;
  actorId: string;
  actorRoles: string[];
  action: string;
  entityKind: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  hash: string;
}

export interface OutboxReceiptRow {
  changeRequestId: string;
  modelVersionId: string;
  fromState: string;
  toState: string;
  position: number;
  status: string;
  attempts: number;
  message: string | null;
  lastError: string | null;
  createdAt: Date;
  doneAt: Date | null;
  /** When delivery was last attempted (null before the first attempt). */
  lastAttemptAt: Date | null;
}

/** The entities whose audit events make up one pack. */
export interface EvidenceEntities {
  modelIds: readonly string[];
  versionIds: readonly string[];
  changeRequestIds: readonly string[];
  findingIds: readonly string[];
}

const texts = (values: readonly string[]) => sql`${sql.param([...values])}::text[]`;
const uuids = (values: readonly string[]) => sql`${sql.param([...values])}::uuid[]`;
const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const maybeDate = (value: unknown): Date | null => (value == null ? null : date(value));

/**
 * The reads the evidence pack needs that no other read service answers: every version of a model (tombstoned ones
 * included), the requests that retired a version as a replaced champion, the write-back outbox rows, and the audit
 * events about a set of entities. Raw SQL by table name (like the inventory read service), the same on both drivers.
 */
export class EvidencePackRepository {
  /** Every version id of a model, live and tombstoned, by version number. */
  async versionIdsOfModel(db: Executor, modelId: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      db,
      sql`select id::text as id from model_versions where model_id = ${modelId}::uuid order by version_number nulls last, version, id`,
    );
    return rows.map((row) => row.id);
  }

  /** Requests whose promotion retired one of these versions (the replaced champion). */
  async requestIdsReplacing(db: Executor, versionIds: readonly string[]): Promise<string[]> {
    if (versionIds.length === 0) return [];
    const rows = await queryRows<{ id: string }>(db, sql`select id::text as id from change_requests where replaces_version_id = any(${uuids(versionIds)})`);
    return rows.map((row) => row.id);
  }

  /** The outbox rows of these requests, in delivery order. */
  async receiptsOf(db: Executor, changeRequestIds: readonly string[]): Promise<OutboxReceiptRow[]> {
    if (changeRequestIds.length === 0) return [];
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select change_request_id::text, model_version_id::text, from_state, to_state, position, status, attempts, message, last_error, last_attempt_at, created_at, done_at
          from write_back_outbox where change_request_id = any(${uuids(changeRequestIds)}) order by change_request_id, position`,
    );
    return rows.map((row) => ({
      changeRequestId: String(row.change_request_id),
      modelVersionId: String(row.model_version_id),
      fromState: String(row.from_state),
      toState: String(row.to_state),
      position: Number(row.position),
      status: String(row.status),
      attempts: Number(row.attempts),
      message: (row.message as string | null) ?? null,
      lastError: (row.last_error as string | null) ?? null,
      createdAt: date(row.created_at),
      doneAt: maybeDate(row.done_at),
      lastAttemptAt: maybeDate(row.last_attempt_at),
    }));
  }

  /**
   * Every audit event about these entities, oldest first: one statement over the (entity_kind, entity_id, seq) index.
   * Report views (`evidence_pack.viewed`) are about the pack, not the record, and are not among them.
   */
  async auditEventsOf(db: Executor, entities: EvidenceEntities): Promise<EvidenceAuditRow[]> {
    const parts = [
      entities.modelIds.length ? sql`(entity_kind = 'model' and entity_id = any(${texts(entities.modelIds)}))` : null,
      entities.versionIds.length ? sql`(entity_kind = 'model_version' and entity_id = any(${texts(entities.versionIds)}))` : null,
      entities.changeRequestIds.length ? sql`(entity_kind = 'change_request' and entity_id = any(${texts(entities.changeRequestIds)}))` : null,
      entities.findingIds.length ? sql`(entity_kind = 'finding' and entity_id = any(${texts(entities.findingIds)}))` : null,
    ].filter((part) => part !== null);
    if (parts.length === 0) return [];
    // Ordered by the bigint column, not the text alias of the select list (which would put "10" before "9").
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select seq::text as seq, at, actor_id, actor_roles, action, entity_kind, entity_id, before, after, hash
          from audit_events where ${sql.join(parts, sql` or `)} order by audit_events.seq`,
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      at: date(row.at),
      actorId: String(row.actor_id),
      actorRoles: (row.actor_roles as string[] | null) ?? [],
      action: String(row.action),
      entityKind: String(row.entity_kind),
      entityId: String(row.entity_id),
      before: (row.before as Record<string, unknown> | null) ?? null,
      after: (row.after as Record<string, unknown> | null) ?? null,
      hash: String(row.hash),
    }));
  }
}
