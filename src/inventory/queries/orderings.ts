import { sql } from 'drizzle-orm';
import { LIFECYCLE_STATES } from '../../../connectors/contract.js';
import { RISK_TIERS } from '../risk-tiers.js';
import type { SortKey } from './keyset.js';

/** Orderings BI sorts by, per entity. Every key is non-null (coalesced) so keyset comparisons are total. */

/** Ranks a column by its vocabulary's order (1 for the first value), 0 for null or anything else. */
const rankIn = (values: readonly string[]) => (column: string) =>
  sql.raw(`(case ${column} ${values.map((value, i) => `when '${value}' then ${i + 1}`).join(' ')} else 0 end)`);
const riskRank = rankIn(RISK_TIERS);
const stateRank = rankIn(LIFECYCLE_STATES);
const key = (expression: string, type: SortKey['type']): SortKey => ({ expression: sql.raw(expression), type });

export const MODEL_ORDER = {
  NAME: [key('m.name', 'text')],
  CREATED: [key('m.first_seen_at', 'timestamptz')],
  UPDATED: [key('m.last_changed_at', 'timestamptz')],
  RISK_TIER: [{ expression: riskRank('m.risk_tier'), type: 'int' }, key('m.name', 'text')],
} satisfies Record<string, SortKey[]>;
export type ModelOrderField = keyof typeof MODEL_ORDER;

export const VERSION_ORDER = {
  NAME: [key(`coalesce(m.name, '')`, 'text'), key('coalesce(v.version_number, 0)', 'int')],
  CREATED: [key('v.first_seen_at', 'timestamptz')],
  UPDATED: [key('v.last_changed_at', 'timestamptz')],
  RISK_TIER: [{ expression: riskRank('m.risk_tier'), type: 'int' }],
  STATE: [{ expression: stateRank('v.lifecycle_state'), type: 'int' }],
} satisfies Record<string, SortKey[]>;
export type VersionOrderField = keyof typeof VERSION_ORDER;

export const DEPLOYMENT_ORDER = {
  NAME: [key('d.name', 'text')],
  CREATED: [key('d.first_seen_at', 'timestamptz')],
  UPDATED: [key('d.last_changed_at', 'timestamptz')],
  RISK_TIER: [{ expression: riskRank('m.risk_tier'), type: 'int' }],
  STATE: [{ expression: stateRank(`coalesce(v.lifecycle_state, '')`), type: 'int' }],
} satisfies Record<string, SortKey[]>;
export type DeploymentOrderField = keyof typeof DEPLOYMENT_ORDER;

export const SOURCE_ORDER = {
  NAME: [key('src.name', 'text')],
  CREATED: [key('src.created_at', 'timestamptz')],
  UPDATED: [key('src.updated_at', 'timestamptz')],
} satisfies Record<string, SortKey[]>;
export type SourceOrderField = keyof typeof SOURCE_ORDER;

export const SYNC_RUN_ORDER = { STARTED: [key('r.started_at', 'timestamptz')] } satisfies Record<string, SortKey[]>;
export type SyncRunOrderField = keyof typeof SYNC_RUN_ORDER;

export const CHANGE_ORDER = { AT: [key('c.at', 'timestamptz')] } satisfies Record<string, SortKey[]>;
export type ChangeOrderField = keyof typeof CHANGE_ORDER;

export const FINDING_ORDER = {
  OPENED: [key('f.opened_at', 'timestamptz')],
  KIND: [key('f.kind', 'text')],
} satisfies Record<string, SortKey[]>;
export type FindingOrderField = keyof typeof FINDING_ORDER;
