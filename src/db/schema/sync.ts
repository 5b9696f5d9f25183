import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tz } from './_columns.js';
import { sources } from './sources.js';

/** Where a sync run is: QUEUED (a manual trigger waiting for a worker), RUNNING, then one of the three outcomes. */
export const SYNC_RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED'] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

/** One sync of one source: status, timings, counts, the deletion guard's decision and errors as data. */
export const syncRuns = pgTable(
  'sync_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => sources.id),
    /** One of SYNC_TRIGGERS (src/sync/sync-trigger.ts). */
    trigger: text('trigger').notNull(),
    status: text('status').$type<SyncRunStatus>().notNull().default('RUNNING'),
    startedAt: tz('started_at').notNull().defaultNow(),
    finishedAt: tz('finished_at'),
    /** Liveness of a RUNNING run: a run whose heartbeat is stale was abandoned by a dead worker. */
    heartbeatAt: tz('heartbeat_at').notNull().defaultNow(),
    seen: integer('seen').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    deleted: integer('deleted').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    pages: integer('pages').notNull().default(0),
    /** { decision: 'APPLIED'|'REFUSED_EMPTY'|'REFUSED_SHARE'|'SKIPPED_INCOMPLETE', reason, wouldDelete, share } */
    deletionGuard: jsonb('deletion_guard').$type<Record<string, unknown>>(),
    /** Run-level failure, in words. */
    error: text('error'),
    /** Record-level errors: [{ kind, externalId, reason }] (capped). */
    recordErrors: jsonb('record_errors').$type<Array<Record<string, string>>>().notNull().default([]),
    jobId: text('job_id'),
    workerId: text('worker_id'),
  },
  (t) => [
    // At most one queued-or-running run per source: the database backs the one-run-per-source rule.
    uniqueIndex('sync_runs_one_active_uq').on(t.sourceId).where(sql`${t.status} in ('QUEUED', 'RUNNING')`),
    // source -> runs, newest first.
    index('sync_runs_source_started_idx').on(t.sourceId, t.startedAt),
    index('sync_runs_started_idx').on(t.startedAt, t.id),
  ],
);

/** Governance violations detected from observed state. Opened and resolved by syncs; never silently dropped. */
export const findings = pgTable(
  'findings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** UNGOVERNED_PRODUCTION | MISSING_OWNER | STALE_SOURCE | ORPHAN_DEPLOYMENT | STATE_DIVERGES_FROM_AUDIT */
    kind: text('kind').notNull(),
    /** The source the entity belongs to; null for hub-wide entities (a policy, an API key) that no source owns. */
    sourceId: uuid('source_id'),
    /** model | version | deployment | source */
    entityKind: text('entity_kind').notNull(),
    entityId: uuid('entity_id').notNull(),
    /** Why, in words. */
    message: text('message').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    openedAt: tz('opened_at').notNull().defaultNow(),
    resolvedAt: tz('resolved_at'),
  },
  (t) => [
    // A condition is open at most once: never duplicated.
    uniqueIndex('findings_open_uq').on(t.kind, t.entityId).where(sql`${t.resolvedAt} is null`),
    index('findings_entity_idx').on(t.entityId),
    index('findings_source_idx').on(t.sourceId, t.kind),
    index('findings_opened_idx').on(t.openedAt, t.id),
  ],
);

export type SyncRunRow = typeof syncRuns.$inferSelect;
export type FindingRow = typeof findings.$inferSelect;
