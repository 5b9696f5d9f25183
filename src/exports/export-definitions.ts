import { sql, type SQL } from 'drizzle-orm';
import { DEPLOYMENT_ENVIRONMENTS, LIFECYCLE_STATES, OBSERVED_STAGES, VENDORS } from '../../connectors/contract.js';
import { auditEventConditions } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { fromGlobalId } from '../global-id.js';
import { CHANGE_REQUEST_STATUSES } from '../governance/change-request.js';
import { ChangeRequestRepository } from '../governance/change-request.repository.js';
import { deploymentConditions, findingConditions, modelConditions, syncRunConditions, versionConditions, type InventoryFilter } from '../inventory/queries/filters.js';
import { RISK_TIERS, SYNC_RUN_STATUSES } from '../inventory/queries/records.js';
import { column, globalId, type ExportColumn } from './export-column.js';
import {
  ExportParameterError,
  booleanValue,
  enumValue,
  idValue,
  parseParams,
  single,
  splitList,
  textList,
  textValue,
  timeValue,
  type ParamShape,
} from './export-params.js';

/**
 * The flat exports: per entity, its columns (declared once, in order), the FROM that flattens its parents, the
 * filters it accepts (the GraphQL connection's, as query parameters) and their translation to SQL, which is the
 * read side's own (src/inventory/queries/filters.ts, the change-request repository, the audit service): an export
 * and a GraphQL page with the same filter select the same rows.
 */
export interface ExportDefinition {
  /** URL name: /export/<name>.csv */
  name: string;
  description: string;
  columns: readonly ExportColumn[];
  from: SQL;
  key: { expression: SQL; type: 'uuid' | 'bigint' };
  /** Parameter names and what they do (README). */
  parameters: ParamShape;
  /** Whether `tag.<key>=<value>` parameters apply (inventory records with tags). */
  tags: boolean;
  /** Validated query → SQL conditions over `from`. Throws ExportParameterError. */
  conditions(query: URLSearchParams, principal: Principal): SQL[];
}

/** Parameters handled by the route itself, not filters. */
export const FORMAT_PARAMETERS = ['bom'] as const;
const isFormatParameter = (name: string) => (FORMAT_PARAMETERS as readonly string[]).includes(name);

// ── Shared column groups ───────────────────────────────────────────────────────────────────────────────────────

const vendorRecordTimes = (alias: string): ExportColumn[] => [
  column('vendor_created_at', 'timestamp', `${alias}.vendor_created_at`, 'Created at the vendor, when the vendor says.'),
  column('vendor_updated_at', 'timestamp', `${alias}.vendor_updated_at`, 'Last updated at the vendor, when the vendor says.'),
  column('first_seen_at', 'timestamp', `${alias}.first_seen_at`, 'When the hub first saw it.'),
  column('last_changed_at', 'timestamp', `${alias}.last_changed_at`, 'When a sync last saw it change.'),
  column('deleted_at', 'timestamp', `${alias}.deleted_at`, 'When it vanished from the vendor (tombstone); empty while live.'),
];

const sourceOf = (alias: string, sourceIdExpression: string): ExportColumn[] => [
  column('vendor', 'id', `${alias}.vendor`, 'Platform: sagemaker, mlflow, datarobot or domino.'),
  column('source_id', 'id', globalId('Source', sourceIdExpression), 'The Source (configured vendor connection) it came from.'),
  column('source_name', 'text', `${alias}.name`, 'That source’s name.'),
];

/** Governance attributes of a model (`alias`), carried by everything below it. */
const modelGovernance = (alias: string): ExportColumn[] => [
  column('risk_tier', 'id', `${alias}.risk_tier`, 'The model’s risk tier (LOW, MEDIUM, HIGH, CRITICAL); empty when unclassified.'),
  column('business_unit', 'text', `${alias}.business_unit`, 'The model’s business unit.'),
  column('model_owner', 'text', `${alias}.owner`, 'The model’s owner as the vendor reports it.'),
  column('accountable_owner', 'text', `${alias}.accountable_owner`, 'The person accountable for the model (set in the hub).'),
];

// ── Parameters ─────────────────────────────────────────────────────────────────────────────────────────────────

const inventoryParameters = {
  vendors: splitList(enumValue(VENDORS)),
  sourceIds: splitList(idValue('Source')),
  modelIds: splitList(idValue('Model')),
  versionIds: splitList(idValue('ModelVersion')),
  lifecycleStates: splitList(enumValue(LIFECYCLE_STATES)),
  observedStages: splitList(enumValue(OBSERVED_STAGES)),
  riskTiers: splitList(enumValue(RISK_TIERS)),
  unclassified: single(booleanValue),
  businessUnits: textList(),
  owners: textList(),
  deployed: single(booleanValue),
  inProduction: single(booleanValue),
  environments: splitList(enumValue(DEPLOYMENT_ENVIRONMENTS)),
  hasOpenFindings: single(booleanValue),
  includeDeleted: single(booleanValue),
  changedSince: single(timeValue),
  changedBefore: single(timeValue),
  search: single(textValue(200)),
} satisfies ParamShape;

const TAG_PREFIX = 'tag.';
const MAX_TAGS = 20;

/** `tag.<key>=<value>`: the record's tag `key` equals `value`; an empty value only asks that the tag be present. */
function tagFilters(query: URLSearchParams): InventoryFilter['tags'] {
  const tags: NonNullable<InventoryFilter['tags']> = [];
  for (const [name, value] of query) {
    if (!name.startsWith(TAG_PREFIX)) continue;
    const key = name.slice(TAG_PREFIX.length);
    if (key === '' || key.length > 200) throw new ExportParameterError('INVALID_PARAMETER', `${name.slice(0, 60)}: a tag key of 1 to 200 characters`, name.slice(0, 60));
    if (value.length > 500) throw new ExportParameterError('INVALID_PARAMETER', `${name.slice(0, 60)}: at most 500 characters`, name.slice(0, 60));
    tags.push({ key, value: value === '' ? null : value });
  }
  if (tags.length > MAX_TAGS) throw new ExportParameterError('INVALID_PARAMETER', `at most ${MAX_TAGS} tag filters`, 'tag');
  return tags;
}

function inventoryFilter(query: URLSearchParams): InventoryFilter {
  const parsed = parseParams(query, inventoryParameters, (name) => isFormatParameter(name) || name.startsWith(TAG_PREFIX));
  return { ...parsed, tags: tagFilters(query) };
}

const onlyParameters = <S extends ParamShape>(shape: S) => (query: URLSearchParams) => parseParams(query, shape, isFormatParameter);

// ── Definitions ────────────────────────────────────────────────────────────────────────────────────────────────

const models: ExportDefinition = {
  name: 'models',
  description: 'One row per model (SageMaker model package group, MLflow/DataRobot/Domino registered model).',
  columns: [
    column('id', 'id', globalId('Model', 'm.id'), 'The Model’s API id.'),
    column('name', 'text', 'm.name', 'Name at the vendor.'),
    column('description', 'text', 'm.description', 'Description at the vendor.'),
    ...sourceOf('s', 'm.source_id'),
    column('external_id', 'text', 'm.external_id', 'The vendor’s own id (ARN, registered model name, …).'),
    ...modelGovernance('m'),
    column('live_versions', 'number', '(select count(*) from model_versions xv where xv.model_id = m.id and xv.deleted_at is null)', 'How many of its versions are live.'),
    column('deep_link', 'text', 'm.deep_link', 'The model’s page in the vendor’s UI.'),
    column('tags', 'json', 'm.tags', 'The vendor’s tags, a JSON object.'),
    ...vendorRecordTimes('m'),
  ],
  from: sql`models m join sources s on s.id = m.source_id`,
  key: { expression: sql`m.id`, type: 'uuid' },
  parameters: inventoryParameters,
  tags: true,
  conditions: (query) => modelConditions(inventoryFilter(query)),
};

const modelVersions: ExportDefinition = {
  name: 'model-versions',
  description: 'One row per model version, with its model, source, vendor and the model’s governance attributes.',
  columns: [
    column('id', 'id', globalId('ModelVersion', 'v.id'), 'The ModelVersion’s API id.'),
    column('model_id', 'id', globalId('Model', 'v.model_id'), 'Its Model’s API id (empty if the vendor listed the version before its model).'),
    column('model_name', 'text', 'm.name', 'Its model’s name.'),
    column('version', 'text', 'v.version', 'Version label at the vendor.'),
    column('version_number', 'number', 'v.version_number', 'Version number, when the vendor numbers versions.'),
    column('description', 'text', 'v.description', 'Description at the vendor.'),
    ...sourceOf('vs', 'v.source_id'),
    column('external_id', 'text', 'v.external_id', 'The vendor’s own id of the version.'),
    column('model_external_id', 'text', 'v.model_external_id', 'The vendor’s own id of its model.'),
    column('lifecycle_state', 'id', 'v.lifecycle_state', 'Governed state: DEVELOPMENT, VALIDATION, APPROVED, PRODUCTION or RETIRED.'),
    column('lifecycle_changed_at', 'timestamp', 'v.lifecycle_changed_at', 'When the governed state last changed.'),
    column('observed_stage', 'id', 'v.observed_stage', 'Stage as the vendor reports it, normalised: NONE, STAGING, PRODUCTION, ARCHIVED, UNKNOWN.'),
    column('observed_stage_raw', 'text', 'v.observed_stage_raw', 'The vendor’s own stage value.'),
    column('status', 'id', 'v.status', 'Normalised status: READY, PENDING, FAILED, DELETING or UNKNOWN.'),
    column('status_raw', 'text', 'v.status_raw', 'The vendor’s own status value.'),
    column('created_by', 'text', 'v.created_by', 'Who created it at the vendor.'),
    ...modelGovernance('m'),
    column('live_deployments', 'number', '(select count(*) from deployments xd where xd.version_id = v.id and xd.deleted_at is null)', 'How many live deployments serve it.'),
    column('in_production', 'boolean', 'exists (select 1 from deployments xd where xd.version_id = v.id and xd.deleted_at is null and xd.serving_production)', 'Serves production traffic (a live, active PRODUCTION deployment).'),
    column('artifact_uri', 'text', 'v.artifact_uri', 'Where the model artifact lives.'),
    column('deep_link', 'text', 'v.deep_link', 'The version’s page in the vendor’s UI.'),
    column('metrics', 'json', 'v.metrics', 'Metrics reported by the vendor: a JSON array of { name, value, step, timestamp, kind } (kind TRAINING, VALIDATION or PRODUCTION).'),
    column('params', 'json', 'v.params', 'Training parameters, a JSON object.'),
    column('tags', 'json', 'v.tags', 'The vendor’s tags, a JSON object.'),
    column('lineage', 'json', 'v.lineage', 'Lineage the vendor reports (run, experiment, training job…), a JSON object.'),
    ...vendorRecordTimes('v'),
    // Added after the first release of the exports: appended, so every earlier column keeps its position.
    column('framework', 'text', 'v.framework', 'The ML framework or algorithm, in the vendor’s words (SageMaker container framework, DataRobot model type); empty where the vendor does not say.'),
  ],
  from: sql`model_versions v join sources vs on vs.id = v.source_id left join models m on m.id = v.model_id`,
  key: { expression: sql`v.id`, type: 'uuid' },
  parameters: inventoryParameters,
  tags: true,
  conditions: (query) => versionConditions(inventoryFilter(query)),
};

const deployments: ExportDefinition = {
  name: 'deployments',
  description: 'One row per deployment, with its version, model, source, vendor, environment, lifecycle state and the model’s governance attributes.',
  columns: [
    column('id', 'id', globalId('Deployment', 'd.id'), 'The Deployment’s API id.'),
    column('name', 'text', 'd.name', 'Name at the vendor (endpoint, deployment, model API, alias).'),
    column('environment', 'id', 'd.environment', 'PRODUCTION, STAGING, DEVELOPMENT or UNKNOWN.'),
    column('environment_raw', 'text', 'd.environment_raw', 'The vendor’s own environment value.'),
    column('status', 'id', 'd.status', 'Normalised status: ACTIVE, PENDING, UPDATING, INACTIVE, FAILED, DELETING or UNKNOWN.'),
    column('status_raw', 'text', 'd.status_raw', 'The vendor’s own status value.'),
    column('serving_production', 'boolean', 'd.serving_production', 'Active at the vendor and in the PRODUCTION environment.'),
    column('traffic_share', 'number', 'd.traffic_share', 'Share of the endpoint’s traffic (0 to 1), when the vendor splits traffic.'),
    column('endpoint_url', 'text', 'd.endpoint_url', 'Where it serves.'),
    ...sourceOf('ds', 'd.source_id'),
    column('external_id', 'text', 'd.external_id', 'The vendor’s own id of the deployment.'),
    column('version_id', 'id', globalId('ModelVersion', 'd.version_id'), 'The ModelVersion it serves (empty when the vendor’s reference could not be resolved).'),
    column('version', 'text', 'v.version', 'That version’s label.'),
    column('version_number', 'number', 'v.version_number', 'That version’s number.'),
    column('lifecycle_state', 'id', 'v.lifecycle_state', 'That version’s governed state.'),
    column('observed_stage', 'id', 'v.observed_stage', 'That version’s stage at the vendor, normalised.'),
    column('model_id', 'id', globalId('Model', 'v.model_id'), 'Its Model’s API id.'),
    column('model_name', 'text', 'm.name', 'Its model’s name.'),
    ...modelGovernance('m'),
    column('deep_link', 'text', 'd.deep_link', 'The deployment’s page in the vendor’s UI.'),
    column('tags', 'json', 'd.tags', 'The vendor’s tags, a JSON object.'),
    ...vendorRecordTimes('d'),
  ],
  from: sql`deployments d join sources ds on ds.id = d.source_id left join model_versions v on v.id = d.version_id left join models m on m.id = v.model_id`,
  key: { expression: sql`d.id`, type: 'uuid' },
  parameters: inventoryParameters,
  tags: true,
  conditions: (query) => deploymentConditions(inventoryFilter(query)),
};

const FINDING_ENTITY_TYPES = ['Model', 'ModelVersion', 'Deployment', 'Source'] as const;
const findingParameters = {
  kinds: textList(200),
  sourceIds: splitList(idValue('Source')),
  entityIds: splitList(idValue(FINDING_ENTITY_TYPES)),
  open: single(booleanValue),
  openedSince: single(timeValue),
} satisfies ParamShape;

const findings: ExportDefinition = {
  name: 'findings',
  description: 'One row per finding (open and resolved), with the record it is about, that record’s version and model, and the model’s governance attributes.',
  columns: [
    column('id', 'id', globalId('Finding', 'f.id'), 'The Finding’s API id.'),
    column('kind', 'id', 'f.kind', 'UNGOVERNED_PRODUCTION, PRODUCTION_WITHOUT_OWNER, STALE_SOURCE, …'),
    column('message', 'text', 'f.message', 'What is wrong, in words.'),
    column('open', 'boolean', 'f.resolved_at is null', 'Still open.'),
    column('opened_at', 'timestamp', 'f.opened_at', 'When a sync found it.'),
    column('resolved_at', 'timestamp', 'f.resolved_at', 'When a sync saw it resolved; empty while open.'),
    column('entity_kind', 'id', 'f.entity_kind', 'What it is about: model, version, deployment or source.'),
    column('entity_id', 'id', `case f.entity_kind when 'model' then ${globalId('Model', 'f.entity_id')} when 'version' then ${globalId('ModelVersion', 'f.entity_id')} when 'deployment' then ${globalId('Deployment', 'f.entity_id')} when 'source' then ${globalId('Source', 'f.entity_id')} end`, 'That record’s API id.'),
    ...sourceOf('fs', 'f.source_id'),
    column('deployment_id', 'id', globalId('Deployment', 'fd.id'), 'The deployment concerned (deployment findings).'),
    column('deployment_name', 'text', 'fd.name', 'Its name.'),
    column('version_id', 'id', globalId('ModelVersion', 'fv.id'), 'The version concerned (version findings, or the deployment’s version).'),
    column('version', 'text', 'fv.version', 'Its label.'),
    column('lifecycle_state', 'id', 'fv.lifecycle_state', 'Its governed state.'),
    column('model_id', 'id', globalId('Model', 'fm.id'), 'The model concerned (directly or through the version).'),
    column('model_name', 'text', 'fm.name', 'Its name.'),
    ...modelGovernance('fm'),
    column('details', 'json', 'f.details', 'Details, a JSON object.'),
  ],
  from: sql`findings f join sources fs on fs.id = f.source_id
    left join deployments fd on f.entity_kind = 'deployment' and fd.id = f.entity_id
    left join model_versions fv on fv.id = (case f.entity_kind when 'version' then f.entity_id when 'deployment' then fd.version_id end)
    left join models fm on fm.id = (case f.entity_kind when 'model' then f.entity_id else fv.model_id end)`,
  key: { expression: sql`f.id`, type: 'uuid' },
  parameters: findingParameters,
  tags: false,
  conditions: (query) => findingConditions(onlyParameters(findingParameters)(query)),
};

const changeRequestParameters = {
  status: splitList(enumValue(CHANGE_REQUEST_STATUSES)),
  requesterId: single(textValue(200)),
  requesterPersonId: single(idValue('Person')),
  eligibleForMe: single(booleanValue),
  modelId: single(idValue('Model')),
  modelVersionId: single(idValue('ModelVersion')),
  vendor: single(enumValue(VENDORS)),
  createdAfter: single(timeValue),
  createdBefore: single(timeValue),
} satisfies ParamShape;

const requests = new ChangeRequestRepository();
const changeRequests: ExportDefinition = {
  name: 'change-requests',
  description: 'One row per change request (lifecycle transition asked for), with its version, model, source and the model’s governance attributes.',
  columns: [
    column('id', 'id', globalId('ChangeRequest', 'change_requests.id'), 'The ChangeRequest’s API id.'),
    column('status', 'id', 'change_requests.status', 'PENDING, APPLIED, REJECTED, CANCELLED, EXPIRED or SUPERSEDED.'),
    column('status_reason', 'text', 'change_requests.status_reason', 'Why it ended as it did.'),
    column('from_state', 'id', 'change_requests.from_state', 'Governed state when asked.'),
    column('to_state', 'id', 'change_requests.to_state', 'Governed state asked for.'),
    column('requester_id', 'text', 'change_requests.requester_id', 'Who asked (principal id).'),
    column('requester_name', 'text', 'change_requests.requester_name', 'Who asked, by name.'),
    column('justification', 'text', 'change_requests.justification', 'Why, in the requester’s words.'),
    column('evidence', 'json', 'change_requests.evidence', 'Supporting links, a JSON array of {title, url}.'),
    column('created_at', 'timestamp', 'change_requests.created_at', 'When it was opened.'),
    column('decided_at', 'timestamp', 'change_requests.decided_at', 'When it was applied, rejected, cancelled or expired.'),
    column('expires_at', 'timestamp', 'change_requests.expires_at', 'When it expires if undecided.'),
    column('approvals', 'number', '(select count(*) from approvals xa where xa.change_request_id = change_requests.id and xa.decision = \'APPROVE\')', 'Approvals given so far.'),
    column(
      'write_back_status',
      'id',
      // writeBackStateOf (src/governance/change-request.ts) over the request's outbox rows, in SQL.
      `(select case when bool_or(o.status = 'FAILED') then 'FAILED'
                    when bool_or(o.status in ('PENDING', 'IN_PROGRESS')) then 'PENDING'
                    when bool_and(o.status = 'DONE') then 'DONE' else 'UNSUPPORTED' end
        from write_back_outbox o where o.change_request_id = change_requests.id)`,
      'Delivery to the vendor: PENDING, DONE, FAILED or UNSUPPORTED; empty until applied.',
    ),
    column('version_id', 'id', globalId('ModelVersion', 'model_versions.id'), 'The ModelVersion it is about.'),
    column('version', 'text', 'model_versions.version', 'That version’s label.'),
    column('lifecycle_state', 'id', 'model_versions.lifecycle_state', 'That version’s governed state now.'),
    column('model_id', 'id', globalId('Model', 'models.id'), 'Its Model’s API id.'),
    column('model_name', 'text', 'models.name', 'Its model’s name.'),
    ...sourceOf('sources', 'model_versions.source_id'),
    ...modelGovernance('models'),
  ],
  from: sql`change_requests join model_versions on model_versions.id = change_requests.model_version_id
    left join models on models.id = model_versions.model_id join sources on sources.id = model_versions.source_id`,
  key: { expression: sql`change_requests.id`, type: 'uuid' },
  parameters: changeRequestParameters,
  tags: false,
  conditions: (query, principal) => requests.conditions(onlyParameters(changeRequestParameters)(query), principal),
};

const auditParameters = {
  entityKind: single(textValue(100)),
  entityId: single(textValue(200)),
  actorId: single(textValue(200)),
  actions: textList(200),
  since: single(timeValue),
} satisfies ParamShape;

/** Audit rows name entities by database id; like the auditEvents query, accept the API's id too. */
function auditEntityId(value: string): string {
  try {
    return fromGlobalId(value).id;
  } catch {
    return value;
  }
}

const auditEvents: ExportDefinition = {
  name: 'audit-events',
  description: 'One row per audit event, in chain order (the same events the auditEvents query shows).',
  columns: [
    column('seq', 'number', 'audit_events.seq', 'Position in the hash chain (1, 2, 3, …; gapless).'),
    column('at', 'timestamp', 'audit_events.at', 'When it happened.'),
    column('actor_id', 'text', 'audit_events.actor_id', 'Who acted (principal id, or system:<component>).'),
    column('actor_roles', 'json', 'to_json(audit_events.actor_roles)', 'The roles they held, a JSON array.'),
    column('action', 'id', 'audit_events.action', 'verb.noun: change_request.applied, export.downloaded, …'),
    column('entity_kind', 'id', 'audit_events.entity_kind', 'What kind of thing it concerns.'),
    column('entity_id', 'text', 'audit_events.entity_id', 'Its database id (or, for exports, the export’s name).'),
    column('before', 'json', 'audit_events.before', 'State before, a JSON object.'),
    column('after', 'json', 'audit_events.after', 'State after, a JSON object.'),
    column('request_id', 'text', 'audit_events.request_id', 'The API request or job that caused it.'),
    column('hash', 'id', 'audit_events.hash', 'sha256(prev_hash + canonical event).'),
    column('prev_hash', 'id', 'audit_events.prev_hash', 'The previous event’s hash.'),
  ],
  from: sql`audit_events`,
  key: { expression: sql`audit_events.seq`, type: 'bigint' },
  parameters: auditParameters,
  tags: false,
  conditions: (query) => {
    const filter = onlyParameters(auditParameters)(query);
    return auditEventConditions({ ...filter, entityId: filter.entityId ? auditEntityId(filter.entityId) : undefined });
  },
};

const syncRunParameters = {
  sourceIds: splitList(idValue('Source')),
  statuses: splitList(enumValue(SYNC_RUN_STATUSES)),
  startedSince: single(timeValue),
  startedBefore: single(timeValue),
} satisfies ParamShape;

const syncRuns: ExportDefinition = {
  name: 'sync-runs',
  description: 'One row per sync run, with its source and vendor.',
  columns: [
    column('id', 'id', globalId('SyncRun', 'r.id'), 'The SyncRun’s API id.'),
    ...sourceOf('rs', 'r.source_id'),
    column('trigger', 'id', 'r.trigger', 'What started it (schedule, manual, …).'),
    column('status', 'id', 'r.status', 'QUEUED, RUNNING, SUCCEEDED, PARTIAL or FAILED.'),
    column('started_at', 'timestamp', 'r.started_at', 'When it started.'),
    column('finished_at', 'timestamp', 'r.finished_at', 'When it finished; empty while running.'),
    column('duration_seconds', 'number', 'round(extract(epoch from (r.finished_at - r.started_at))::numeric, 3)', 'Finished minus started, in seconds.'),
    column('seen', 'number', 'r.seen', 'Records listed.'),
    column('created', 'number', 'r.created', 'Records new to the hub.'),
    column('updated', 'number', 'r.updated', 'Records that changed.'),
    column('unchanged', 'number', 'r.unchanged', 'Records unchanged (not written).'),
    column('deleted', 'number', 'r.deleted', 'Records tombstoned.'),
    column('failed', 'number', 'r.failed', 'Records that failed to normalise.'),
    column('pages', 'number', 'r.pages', 'Pages listed.'),
    column('error', 'text', 'r.error', 'Why it failed, when it did.'),
    column('deletion_guard', 'json', 'r.deletion_guard', 'The deletion guard’s decision, a JSON object.'),
    column('record_errors', 'json', 'r.record_errors', 'Records that failed to normalise, a JSON array.'),
  ],
  from: sql`sync_runs r join sources rs on rs.id = r.source_id`,
  key: { expression: sql`r.id`, type: 'uuid' },
  parameters: syncRunParameters,
  tags: false,
  conditions: (query) => syncRunConditions(onlyParameters(syncRunParameters)(query)),
};

export const EXPORTS: readonly ExportDefinition[] = [models, modelVersions, deployments, findings, changeRequests, auditEvents, syncRuns];

export function exportNamed(name: string): ExportDefinition | undefined {
  return EXPORTS.find((definition) => definition.name === name);
}
