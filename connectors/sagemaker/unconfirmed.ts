/**
 * Everything the SageMaker connector relies on that the reference (`source-apis.md` §1) marks `unconfirmed`,
 * in one place, so a check against the real service changes only this file.
 */

/**
 * Describe* of an object that no longer exists answers 400 `ValidationException`; the wording is unconfirmed.
 * Seen in the wild: "ModelPackage … does not exist", "Could not find endpoint …", "Could not find model …".
 * `ResourceNotFound` is the declared type for a few operations and is accepted as well.
 */
const NOT_FOUND_MESSAGE = /does not exist|could not find|not found|cannot be found/i;

export function isVanishedResourceError(name: string, message: string): boolean {
  if (name === 'ResourceNotFound' || name === 'ResourceNotFoundException') return true;
  return name === 'ValidationException' && NOT_FOUND_MESSAGE.test(message);
}

/**
 * Error types that mean "these credentials are not accepted". Their HTTP status per type (400 or 403) is
 * unconfirmed, so the connector classifies by type name and treats any 401/403 as authentication too.
 */
export const AUTH_ERROR_NAMES: ReadonlySet<string> = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'AccessDeniedException',
  'ExpiredTokenException',
  'MissingAuthenticationTokenException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
]);

/**
 * Versioned package ARNs lower-case the group name (`…:model-package/<lower-cased group>/<n>`): moto does it,
 * AWS is unconfirmed. The connector never builds these ARNs (it keys versions by the `ModelPackageArn` it is
 * given); only the simulator does.
 */
export function versionedPackageArnPath(groupName: string, version: number): string {
  return `model-package/${groupName.toLowerCase()}/${version}`;
}

/**
 * Console deep links. The classic console fragment for endpoints is widely used; the model registry lives in
 * SageMaker Studio, whose URLs depend on the domain, so groups and packages get the console's registry page.
 */
export function endpointConsoleUrl(region: string, endpointName: string): string {
  return `https://${region}.console.aws.amazon.com/sagemaker/home?region=${region}#/endpoints/${encodeURIComponent(endpointName)}`;
}

export function modelPackageGroupConsoleUrl(region: string, groupName: string): string {
  return `https://${region}.console.aws.amazon.com/sagemaker/home?region=${region}#/model-registry/${encodeURIComponent(groupName)}`;
}

/** Runtime URL clients call for predictions (the documented InvokeEndpoint route). */
export function endpointInvocationUrl(region: string, endpointName: string): string {
  return `https://runtime.sagemaker.${region}.amazonaws.com/endpoints/${encodeURIComponent(endpointName)}/invocations`;
}

// ---------------------------------------------------------------------------------------------------------------
// Search (source-apis.md §1.4 "Search"): the listing reads version details with `SageMaker.Search`, one request
// per ≤100 versions instead of one DescribeModelPackage per version. What follows is assumed, not confirmed.

/**
 * The filter syntax: `Filters[{ Name: 'ModelPackageGroupName', Operator: 'Equals', Value }]` on Resource
 * `ModelPackage` selects exactly that group's versioned packages. Whether `Equals` on this property is an exact,
 * case-sensitive match is unconfirmed, so the listing also drops any record whose `ModelPackageGroupName` is not
 * the group's own.
 */
export function modelPackageGroupSearchExpression(groupName: string): { Filters: Array<{ Name: string; Operator: 'Equals'; Value: string }> } {
  return { Filters: [{ Name: 'ModelPackageGroupName', Operator: 'Equals', Value: groupName }] };
}

/**
 * The record shape: `Results[].ModelPackage` carries the DescribeModelPackage members plus `Tags` (the reference
 * says so; the SDK's `ModelPackage` shape agrees). Two differences are known from the SDK model:
 * - `Tags` is extra. Versioned packages are said to have none, and the Describe path never read them, so the
 *   connector drops them: both paths must give the same normalised record (and content hash).
 * - `ManagedStorageType` is missing (the SDK would drop it even if AWS sent it). It is assumed to appear only on
 *   packages of a group with a `ManagedConfiguration` (managed storage), so those groups keep the Describe path.
 */
export function searchRecordMatchesDescribe(group: { ManagedConfiguration?: unknown }): boolean {
  return group.ManagedConfiguration === undefined;
}

/*
 * Consistency: Search reads an index that may trail writes by seconds to minutes (unconfirmed for ModelPackage).
 * The listing accepts that: a version created during the lag is missing from one run and was never listed before,
 * so nothing is tombstoned for it; an approval flip (the hub's own write-back included) shows up one run later. A
 * deleted version may still be listed for the lag. Ordering (`SortBy: 'CreationTime'`, `SortOrder: 'Descending'`, newest first, as ListModelPackages
 * gives it) and stable tie-breaking across pages are assumed as well.
 */

/**
 * Why SageMaker refused a Search, or null when the failure is not a refusal (throttling, 5xx and authentication
 * failures keep their usual meaning). Refusals, all answered without retry:
 * - `AccessDeniedException`: a role with Describe rights but no `sagemaker:Search` (an authorisation gap, not bad
 *   credentials: the same credentials still list with Describe);
 * - `ValidationException`: an expression this account, region or endpoint does not accept;
 * - `UnknownOperationException`: an endpoint (a proxy, a VPC endpoint policy, a partition) without Search.
 * The error names are the JSON protocol's usual ones; which one AWS sends in each case is unconfirmed.
 */
const SEARCH_REFUSAL_NAMES: ReadonlySet<string> = new Set(['AccessDeniedException', 'ValidationException', 'UnknownOperationException']);

export function searchRefusal(error: unknown): string | null {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  return name && SEARCH_REFUSAL_NAMES.has(name) ? `${name}: ${message ?? ''}`.trim() : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Search on endpoints: the listing reads endpoints with `SageMaker.Search` (Resource `Endpoint`, one request per
// ≤100 endpoints) instead of ListEndpoints + one DescribeEndpoint and one ListTags per endpoint. The reference says
// Search accepts Resource `Endpoint`; everything else below is assumed. The refusal rules above (searchRefusal)
// apply unchanged, and a refusal of either Search makes the run stop asking for both.

/**
 * The request: every endpoint (no SearchExpression), sorted by `CreationTime` ascending, the order ListEndpoints is
 * asked for, so a Search refused midway is finished by ListEndpoints without repeating or missing an endpoint. That
 * `CreationTime` is a sortable property of Endpoint records, and that ties are broken stably across pages, is
 * unconfirmed. A service that does not take the sort answers ValidationException, which is a refusal (fallback).
 */
export const ENDPOINT_SEARCH = { Resource: 'Endpoint', SortBy: 'CreationTime', SortOrder: 'Ascending' } as const;

/**
 * The record shape: `Results[].Endpoint` is the SDK's `Endpoint` (the DescribeEndpoint members both shapes have,
 * plus `MonitoringSchedules` and `Tags`). That AWS fills `Tags` with the endpoint's tags, the same ones ListTags
 * gives, is unconfirmed. A record without a `Tags` member is therefore not read as "no tags": the listing asks
 * ListTags for that endpoint, which costs the old request but never loses an endpoint's tags (an empty list is
 * taken as no tags). Whether Search's `Tags` include `aws:`-prefixed system tags as ListTags does, and in which
 * order either lists them, is unconfirmed too; the normalised record sorts them by key so the order cannot matter.
 */
export function searchRecordTags<T>(record: { Tags?: T[] }): T[] | null {
  return Array.isArray(record.Tags) ? record.Tags : null;
}

/*
 * The content hash of a deployment. Both paths now keep only the members DescribeEndpoint and the Search record
 * share (normalise.ts, SHARED_ENDPOINT_FIELDS) and sort the tags. The simulator's DescribeEndpoint sends only shared
 * members and its tags are already in key order, so its records hash as before. A real endpoint whose
 * DescribeEndpoint carries a Describe-only member (LastDeploymentConfig, AsyncInferenceConfig,
 * PendingDeploymentSummary, ExplainerConfig, MetricsConfig) or whose ListTags order is not by key gets a new hash
 * once, on the first run of this version (one rewrite of that deployment, no change of meaning); from then on the
 * hash no longer depends on which path read it.
 *
 * Consistency: Search reads an index that may trail writes by seconds to minutes (unconfirmed for Endpoint as for
 * ModelPackage). An endpoint created during the lag is missing from one run; it was never listed, so nothing is
 * tombstoned for it, and the next run lists it. An endpoint deleted during the lag may be listed one run more (its
 * DescribeEndpointConfig may then answer "not found": the deployment is listed without a config, unlinked, as the
 * Describe path does for a config deleted under a live endpoint). A status change (InService → Updating) may show
 * one run late.
 */

// ---------------------------------------------------------------------------------------------------------------
// Search on model package groups: the listing reads group tags from `SageMaker.Search` (Resource
// `ModelPackageGroup`, one request per ≤100 groups) instead of one ListTags per group. The reference says Search
// accepts Resource `ModelPackageGroup`; the rest is assumed. The refusal rules (searchRefusal) apply unchanged, and
// this Search shares the run's refusal state with the version and endpoint Searches.

/**
 * The request: every group (no SearchExpression), sorted by `CreationTime` ascending, the order the listing asks
 * ListModelPackageGroups for ({@link GROUP_LISTING_ORDER}), so the two can be read side by side, page for page. That
 * `CreationTime` is a sortable property of ModelPackageGroup records and that ties are broken stably is unconfirmed;
 * a Search in another order costs ListTags calls (a group whose record has not come yet is asked about with
 * ListTags), never a group or a tag.
 */
export const GROUP_SEARCH = { Resource: 'ModelPackageGroup', SortBy: 'CreationTime', SortOrder: 'Ascending' } as const;

/**
 * The group listing's order, stated rather than left to the service's default (the reference names `CreationTime` as
 * the default SortBy, not the default SortOrder), so that it is the order {@link GROUP_SEARCH} asks for.
 */
export const GROUP_LISTING_ORDER = { SortBy: 'CreationTime', SortOrder: 'Ascending' } as const;

/*
 * Why ListModelPackageGroups stays the group listing, with Search as a source of tags only:
 * - `ManagedConfiguration` decides how a group's versions are read (searchRecordMatchesDescribe). The summary carries
 *   it (reference); the Search record shape (SDK `ModelPackageGroup`: name, ARN, description, CreationTime,
 *   CreatedBy, status, Tags) has no such member, and the SDK drops members its shape lacks (checked: a record sent
 *   with `ManagedConfiguration` comes out of the SDK without it). A listing from Search records alone could not tell
 *   a managed group; reading every group's versions the Describe way to be safe would cost one ListModelPackages
 *   plus one DescribeModelPackage per version, far more than the ListTags calls saved.
 * - A group created during Search's index lag is still listed (its tags come from ListTags), and a group deleted
 *   during the lag is not listed from a stale record.
 * So groups + tags cost two requests per ≤100 groups (a ListModelPackageGroups page and a Search page) instead of
 * one per group plus the list pages.
 *
 * The record's `Tags` are taken to be the group's tags, the ones ListTags gives; a record without a `Tags` member
 * is not read as "no tags" (searchRecordTags): that group's tags come from ListTags. Whether Search's tags include
 * `aws:` system tags as ListTags does is unconfirmed, as is their order; the normalised model sorts them by key.
 * A tag changed during the index lag may show its old value for one run.
 *
 * The content hash of a model: its vendorAttributes now list the tags in key order whichever call gave them. The
 * simulator's ListTags (and a real group's, unless AWS lists tags by key) gave them in another order, so each group
 * gets a new hash once, on the first run of this version (one rewrite, no change of meaning).
 */

// ---------------------------------------------------------------------------------------------------------------
// Search on models: the package behind each endpoint variant's Model is read with `SageMaker.Search` (Resource
// `Model`), up to MODEL_SEARCH_MAX_FILTERS model names per request, instead of one DescribeModel per model. The
// reference says Search accepts Resource `Model`; the limit of 50 filters is documented (API_Search: "The maximum
// number of recursive SubExpressions, NestedFilters, and Filters that can be included in a SearchExpression object is
// 50"). The rest is assumed. Unlike the other Searches, a refusal of this one (searchRefusal) only stops the model
// Search for the run: it most likely means the filter property below is wrong, which says nothing about the others.
// The other way round, a refusal of the run's Searches stops the model Search too: it usually means no Search at all.

/**
 * The filter property: `Model.ModelName`. A Search filter names a property path of the resource's record (the
 * Filter documentation: "A resource property name ... For valid property names, see SearchRecord"), and the Model
 * record (SDK `ModelDashboardModel`) keeps the name one level down, in `Model.ModelName`, beside `Endpoints` and
 * `MonitoringSchedules`. The other candidate is a bare `ModelName`, by analogy with the version Search's
 * `ModelPackageGroupName`, which sits at the top of its record; which one AWS takes for Model is unconfirmed. If it is wrong, AWS either refuses
 * it (ValidationException: the run falls back to DescribeModel) or matches nothing (every name is then described
 * individually, as a name missing from the answer is): each costs at most one Search per ≤50 names beyond the old
 * DescribeModel calls, and no endpoint loses its package link.
 */
export const MODEL_NAME_PROPERTY = 'Model.ModelName';

/** The documented ceiling of Filters + NestedFilters + SubExpressions in one SearchExpression. */
export const MODEL_SEARCH_MAX_FILTERS = 50;

/**
 * `Equals` filters on {@link MODEL_NAME_PROPERTY}, one per name, joined by `Or`. Whether `Equals` is an exact,
 * case-sensitive match on this property is unconfirmed, so the caller reads only the records of the names it asked
 * for and describes individually any name no record came back for.
 */
export function modelNameSearchExpression(names: readonly string[]): { Filters: Array<{ Name: string; Operator: 'Equals'; Value: string }>; Operator: 'Or' } {
  if (names.length === 0 || names.length > MODEL_SEARCH_MAX_FILTERS) throw new RangeError(`a model Search takes 1..${MODEL_SEARCH_MAX_FILTERS} names, got ${names.length}`);
  return { Filters: names.map((name) => ({ Name: MODEL_NAME_PROPERTY, Operator: 'Equals', Value: name })), Operator: 'Or' };
}

/**
 * The record shape: `Results[].Model.Model` is the SDK's `Model` (the DescribeModel members, ModelArn,
 * PrimaryContainer and Containers among them, plus Tags), so `modelPackageReference` reads it as it reads
 * DescribeModel's output. That AWS fills the containers in Search records is unconfirmed: a record with neither
 * `PrimaryContainer` nor `Containers` is taken as incomplete and that model is described (a model that really has
 * neither costs one DescribeModel more per run), so a thin record cannot cut an endpoint's link to its package.
 */
export function searchRecordHasContainers(model: { PrimaryContainer?: unknown; Containers?: unknown[] }): boolean {
  return model.PrimaryContainer !== undefined || (Array.isArray(model.Containers) && model.Containers.length > 0);
}

/*
 * Consistency: a Model created during Search's index lag is missing from the answer; it is described, so its endpoint
 * keeps its link. A Model deleted during the lag may still be found (DescribeModel would say "not found"): the
 * endpoint keeps the package link its config still names, one run longer.
 */
