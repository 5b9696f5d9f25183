import type {
  DescribeEndpointConfigOutput,
  DescribeEndpointOutput,
  DescribeModelOutput,
  DescribeModelPackageOutput,
  Endpoint,
  ModelPackage,
  ModelPackageGroupSummary,
  Tag,
  UserContext,
} from '@aws-sdk/client-sagemaker';
import type { DeploymentStatus, NormalisedDeployment, NormalisedModel, NormalisedVersion, ObservedStage, VersionStatus } from '../contract.js';
import type { EnvironmentClassifier } from '../shared/environment.js';
import { endpointConsoleUrl, endpointInvocationUrl, modelPackageGroupConsoleUrl } from './unconfirmed.js';

/**
 * SageMaker records (as the AWS SDK returns them: PascalCase wire names, `Date` timestamps) → the hub's
 * vocabulary. Pure: no I/O, no clock, no randomness. The only module where SageMaker field names meet ours.
 */

/** A record that cannot be normalised; the listing reports it with the vendor id and carries on. */
export class NormaliseError extends Error {
  override name = 'NormaliseError';
}

/** Where the records were read (deep links and invocation URLs are regional) and the source's environment rule. */
export interface SageMakerContext {
  region: string;
  classifyEnvironment: EnvironmentClassifier;
}

/**
 * Model package group → model. Groups carry no owner or tags of their own in the listing, so the owner comes,
 * in order, from the latest version's `CustomerMetadataProperties.owner`, the group's `owner` tag, and the
 * latest version's creator. `tags` come from ListTags or a group Search record; they are kept in key order, since the
 * two need not list them alike (unconfirmed.ts) and the hash must not depend on which one gave them.
 */
export function normaliseGroup(group: ModelPackageGroupSummary, tags: Tag[], latest: DescribeModelPackageOutput | null, context: SageMakerContext): NormalisedModel {
  const name = requireString(group.ModelPackageGroupName, 'ModelPackageGroupName');
  const sortedTags = [...tags].sort(byTagKey);
  const tagMap = tagsToRecord(sortedTags);
  return {
    externalId: requireString(group.ModelPackageGroupArn, 'ModelPackageGroupArn'),
    name,
    description: group.ModelPackageGroupDescription ?? null,
    owner: latest?.CustomerMetadataProperties?.owner || tagMap.owner || userName(latest?.CreatedBy) || null,
    tags: tagMap,
    deepLink: modelPackageGroupConsoleUrl(context.region, name),
    createdAt: toDate(group.CreationTime),
    // A group has no LastModifiedTime.
    updatedAt: null,
    vendorAttributes: jsonSafe({ ...group, Tags: sortedTags }),
  };
}

/** Versioned model package (DescribeModelPackage) → version of the model `modelExternalId` (the group ARN). */
export function normaliseVersion(pkg: DescribeModelPackageOutput, modelExternalId: string | null): NormalisedVersion {
  const arn = requireString(pkg.ModelPackageArn, 'ModelPackageArn');
  const versionNumber = typeof pkg.ModelPackageVersion === 'number' ? pkg.ModelPackageVersion : numberFromArn(arn);
  const { stage, raw } = observedStage(pkg);
  const container = pkg.InferenceSpecification?.Containers?.[0];
  const metadata = pkg.MetadataProperties;
  return {
    externalId: arn,
    modelExternalId,
    version: versionNumber !== null ? String(versionNumber) : arn.slice(arn.lastIndexOf('/') + 1),
    versionNumber,
    description: pkg.ModelPackageDescription ?? null,
    observedStage: stage,
    observedStageRaw: raw,
    status: packageStatus(pkg.ModelPackageStatus),
    statusRaw: pkg.ModelPackageStatus ?? null,
    createdBy: userName(pkg.CreatedBy),
    artifactUri: container?.ModelDataUrl ?? container?.ModelDataSource?.S3DataSource?.S3Uri ?? container?.Image ?? null,
    framework: container?.Framework,
    lineage: {
      runId: metadata?.GeneratedBy ?? null,
      projectId: metadata?.ProjectId ?? null,
      commitId: metadata?.CommitId ?? null,
    },
    // NOTE: ModelMetrics holds no values inline: each report (ModelQuality/ModelDataQuality Statistics and Constraints,
    // Bias, Explainability) is a pointer to a JSON document in S3 ({ContentType, ContentDigest, S3Uri}), which the hub
    // does not fetch. The pointers stay in vendorAttributes.ModelMetrics.
    metrics: [],
    // Hyperparameters belong to the training job, which a package does not embed.
    params: {},
    // Versioned packages have no tags; CustomerMetadataProperties is their key/value store.
    tags: { ...pkg.CustomerMetadataProperties },
    deepLink: null,
    createdAt: toDate(pkg.CreationTime),
    updatedAt: toDate(pkg.LastModifiedTime) ?? toDate(pkg.CreationTime),
    vendorAttributes: jsonSafe(pkg),
  };
}

/**
 * A `ModelPackage` Search record as the DescribeModelPackage output it stands for: the same members without the
 * record's `Tags` (see unconfirmed.ts), so {@link normaliseVersion} gives the same record on either path.
 */
export function packageFromSearchRecord(record: ModelPackage): DescribeModelPackageOutput {
  const { Tags: _searchOnly, ...pkg } = record;
  return pkg as DescribeModelPackageOutput;
}

/**
 * The vendor's stage of a package. `ModelLifeCycle.Stage` (free text chosen by the team) wins when present.
 * Otherwise the approval status: `Approved` means cleared for deployment but not known to serve, so STAGING
 * (an InService endpoint is what says PRODUCTION, via its deployment); `Rejected` means withdrawn, so ARCHIVED;
 * `PendingManualApproval` is a plain registration, NONE.
 */
export function observedStage(pkg: Pick<DescribeModelPackageOutput, 'ModelLifeCycle' | 'ModelApprovalStatus'>): { stage: ObservedStage; raw: string | null } {
  const lifecycleStage = pkg.ModelLifeCycle?.Stage;
  if (lifecycleStage) return { stage: stageFromLifecycle(lifecycleStage), raw: lifecycleStage };
  const approval = pkg.ModelApprovalStatus ?? null;
  switch (approval) {
    case 'Approved':
      return { stage: 'STAGING', raw: approval };
    case 'Rejected':
      return { stage: 'ARCHIVED', raw: approval };
    case 'PendingManualApproval':
    case null:
      return { stage: 'NONE', raw: approval };
    default:
      return { stage: 'UNKNOWN', raw: approval };
  }
}

/** `ModelPackageStatus` (`Pending | InProgress | Completed | Failed | Deleting`, reference §1.4) → the hub's vocabulary. */
export function packageStatus(status: string | undefined): VersionStatus {
  switch (status) {
    case 'Completed':
      return 'READY';
    case 'Pending':
    case 'InProgress':
      return 'PENDING';
    case 'Failed':
      return 'FAILED';
    case 'Deleting':
      return 'DELETING';
    default:
      return 'UNKNOWN';
  }
}

/**
 * `EndpointStatus` (`OutOfService | Creating | Updating | SystemUpdating | RollingBack | InService | Deleting | Failed |
 * UpdateRollbackFailed`, reference §1.4) → the hub's vocabulary. An endpoint that is being updated or rolled back keeps
 * serving on its old configuration, hence UPDATING rather than PENDING; a failed rollback leaves it FAILED.
 */
export function endpointStatus(status: string | undefined): DeploymentStatus {
  switch (status) {
    case 'InService':
      return 'ACTIVE';
    case 'Creating':
      return 'PENDING';
    case 'Updating':
    case 'SystemUpdating':
    case 'RollingBack':
      return 'UPDATING';
    case 'OutOfService':
      return 'INACTIVE';
    case 'Failed':
    case 'UpdateRollbackFailed':
      return 'FAILED';
    case 'Deleting':
      return 'DELETING';
    default:
      return 'UNKNOWN';
  }
}

function stageFromLifecycle(stage: string): ObservedStage {
  const s = stage.trim().toLowerCase();
  if (s === 'production' || s === 'prod') return 'PRODUCTION';
  if (s === 'staging' || s === 'stage' || s === 'preprod' || s === 'pre-production' || s === 'test') return 'STAGING';
  if (s === 'archived' || s === 'retired' || s === 'deprecated') return 'ARCHIVED';
  if (s === 'development' || s === 'dev' || s === 'none') return 'NONE';
  return 'UNKNOWN';
}

/**
 * The model package a SageMaker Model runs: `PrimaryContainer.ModelPackageName`, else the first of
 * `Containers[].ModelPackageName`. A name or an ARN; null when the model was built from an image directly.
 */
export function modelPackageReference(model: Pick<DescribeModelOutput, 'PrimaryContainer' | 'Containers'>): string | null {
  return model.PrimaryContainer?.ModelPackageName ?? model.Containers?.find((c) => c.ModelPackageName)?.ModelPackageName ?? null;
}

/**
 * The endpoint members DescribeEndpoint and a `Search` record (SDK `Endpoint`) both have. A deployment's
 * vendorAttributes keep only these, so its content hash is the same whichever path read it. Left out:
 * DescribeEndpoint's LastDeploymentConfig, AsyncInferenceConfig, PendingDeploymentSummary, ExplainerConfig and
 * MetricsConfig, and the record's MonitoringSchedules and Tags (tags are kept beside the endpoint, sorted by key,
 * whichever path gave them). See unconfirmed.ts for the one-time hash change this brings for real endpoints.
 */
const SHARED_ENDPOINT_FIELDS = [
  'EndpointName',
  'EndpointArn',
  'EndpointConfigName',
  'ProductionVariants',
  'DataCaptureConfig',
  'EndpointStatus',
  'FailureReason',
  'CreationTime',
  'LastModifiedTime',
  'ShadowProductionVariants',
] as const satisfies ReadonlyArray<keyof DescribeEndpointOutput & keyof Endpoint>;

type SharedEndpoint = Pick<DescribeEndpointOutput, (typeof SHARED_ENDPOINT_FIELDS)[number]>;

/** An endpoint, as DescribeEndpoint or Search gave it, reduced to {@link SHARED_ENDPOINT_FIELDS}. */
function sharedEndpoint(endpoint: DescribeEndpointOutput | Endpoint): SharedEndpoint {
  const shared: Record<string, unknown> = {};
  for (const field of SHARED_ENDPOINT_FIELDS) if (endpoint[field] !== undefined) shared[field] = endpoint[field];
  return shared as SharedEndpoint;
}

/** What the listing resolved for an endpoint: its config, the package ARN behind each variant's model, its tags. */
export interface ResolvedEndpoint {
  /** DescribeEndpoint's output or a Search record; only {@link SHARED_ENDPOINT_FIELDS} are read. */
  endpoint: DescribeEndpointOutput | Endpoint;
  config: DescribeEndpointConfigOutput | null;
  /** Variant model name → model package ARN (null when the model is gone or was not built from a package). */
  packageByModel: ReadonlyMap<string, string | null>;
  /** ListTags' answer or the Search record's `Tags`. */
  tags: Tag[];
}

/**
 * Endpoint → deployments. One deployment per endpoint (externalId = EndpointArn) while all its production
 * variants run the same package; when variants run different packages (A/B tests, canaries), one deployment
 * per variant with externalId `<EndpointArn>#<VariantName>` and the variant's share of the weights, so each
 * version's traffic is visible. Shadow variants receive copies of traffic, not a share, and are not listed.
 */
export function normaliseEndpoint(resolved: ResolvedEndpoint, context: SageMakerContext): NormalisedDeployment[] {
  const { config } = resolved;
  const endpoint = sharedEndpoint(resolved.endpoint);
  const arn = requireString(endpoint.EndpointArn, 'EndpointArn');
  const name = requireString(endpoint.EndpointName, 'EndpointName');
  const tags = tagsToRecord(resolved.tags);
  const liveWeights = new Map((endpoint.ProductionVariants ?? []).map((v) => [v.VariantName, v.CurrentWeight] as const));
  const variants = (config?.ProductionVariants ?? []).map((v) => ({
    name: requireString(v.VariantName, 'ProductionVariants[].VariantName'),
    packageArn: v.ModelName ? (resolved.packageByModel.get(v.ModelName) ?? null) : null,
    // AWS's default variant weight is 1.0.
    weight: liveWeights.get(v.VariantName) ?? v.InitialVariantWeight ?? 1,
  }));
  const totalWeight = variants.reduce((sum, v) => sum + v.weight, 0);
  // SageMaker has no environments: every endpoint serves through "production variants", so an endpoint the rule does
  // not place elsewhere (by its tags or name) counts as production, the reading that misses no ungoverned model.
  const { environment, environmentRaw, servingProduction } = context.classifyEnvironment({
    name,
    tags,
    vendorEnvironment: null,
    vendorDefault: 'PRODUCTION',
    active: endpoint.EndpointStatus === 'InService',
  });
  const base = {
    environment,
    environmentRaw,
    tags,
    status: endpointStatus(endpoint.EndpointStatus),
    statusRaw: endpoint.EndpointStatus ?? null,
    // Endpoint figures (invocations, latency) live in CloudWatch, not in the SageMaker API.
    metrics: [],
    servingProduction,
    endpointUrl: endpointInvocationUrl(context.region, name),
    deepLink: endpointConsoleUrl(context.region, name),
    createdAt: toDate(endpoint.CreationTime),
    updatedAt: toDate(endpoint.LastModifiedTime) ?? toDate(endpoint.CreationTime),
  };
  // Tags by key: ListTags and Search need not list them in the same order (unconfirmed.ts), and order means nothing.
  const raw = { Endpoint: endpoint, EndpointConfig: config, Tags: [...resolved.tags].sort(byTagKey) };
  const packages = new Set(variants.map((v) => v.packageArn));
  if (packages.size <= 1) {
    const packageArn = variants[0]?.packageArn ?? null;
    return [{ ...base, externalId: arn, name, versionExternalId: packageArn, trafficShare: packageArn ? 1 : null, vendorAttributes: jsonSafe(raw) }];
  }
  return variants.map((v) => ({
    ...base,
    externalId: `${arn}#${v.name}`,
    name: `${name}/${v.name}`,
    versionExternalId: v.packageArn,
    trafficShare: totalWeight > 0 ? v.weight / totalWeight : null,
    vendorAttributes: jsonSafe({ ...raw, VariantName: v.name }),
  }));
}

function byTagKey(a: Tag, b: Tag): number {
  const [ka, kb] = [a.Key ?? '', b.Key ?? ''];
  if (ka !== kb) return ka < kb ? -1 : 1;
  const [va, vb] = [a.Value ?? '', b.Value ?? ''];
  return va < vb ? -1 : va > vb ? 1 : 0;
}

export function tagsToRecord(tags: Tag[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags) if (tag.Key) record[tag.Key] = tag.Value ?? '';
  return record;
}

/** UserContext → one identity: the Studio user profile, else the IAM identity. */
function userName(user: UserContext | undefined): string | null {
  return user?.UserProfileName || user?.IamIdentity?.Arn || null;
}

function numberFromArn(arn: string): number | null {
  const tail = Number(arn.slice(arn.lastIndexOf('/') + 1));
  return Number.isInteger(tail) && tail > 0 ? tail : null;
}

function requireString(value: string | undefined, field: string): string {
  if (typeof value !== 'string' || value === '') throw new NormaliseError(`missing ${field}`);
  return value;
}

function toDate(value: Date | undefined): Date | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value : null;
}

/**
 * The raw record made JSON-safe and deterministic: Dates become ISO strings, undefined members and the SDK's
 * per-response `$metadata` (request id, attempts) are dropped.
 */
export function jsonSafe(value: unknown): Record<string, unknown> {
  return strip(value) as Record<string, unknown>;
}

function strip(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (key === '$metadata' || member === undefined) continue;
      out[key] = strip(member);
    }
    return out;
  }
  return value;
}
