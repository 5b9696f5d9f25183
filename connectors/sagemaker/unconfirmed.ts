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
