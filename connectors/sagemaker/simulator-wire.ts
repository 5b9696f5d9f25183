import { hexId, type SimDeployment, type SimModel, type SimVersion } from '../shared/simulator-kit.js';
import { versionedPackageArnPath } from './unconfirmed.js';

/**
 * The simulator's estate rendered as SageMaker wire records (awsJson1_1: PascalCase members, epoch-second
 * timestamps). Pure functions of the estate, so the same estate always renders the same bytes.
 */

export const SIM_REGION = 'us-east-1';
export const SIM_ACCOUNT = '123456789012';
const ARN_PREFIX = `arn:aws:sagemaker:${SIM_REGION}:${SIM_ACCOUNT}`;
const IMAGES = ['683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1-cpu-py310', '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1'];

/** The awsJson1_1 timestamp: epoch seconds, fractional. */
export const epochSeconds = (ms: number): number => ms / 1000;

export const groupArn = (model: SimModel): string => `${ARN_PREFIX}:model-package-group/${model.name}`;
export const packageArn = (model: SimModel, version: SimVersion): string => `${ARN_PREFIX}:${versionedPackageArnPath(model.name, version.number)}`;
export const endpointArn = (d: SimDeployment): string => `${ARN_PREFIX}:endpoint/${d.name.toLowerCase()}`;
export const endpointConfigName = (d: SimDeployment): string => `${d.name}-config`;
/** One SageMaker Model per served version, shared by every endpoint serving it. */
export const modelNameFor = (modelName: string, versionNumber: number): string => `${modelName}-v${versionNumber}`;

function image(model: SimModel): string {
  return IMAGES[parseInt(hexId(model.name).slice(0, 4), 16) % IMAGES.length];
}

function userContext(email: string): Record<string, unknown> {
  // Studio user profile names cannot hold '@': the profile is the e-mail's local part.
  const profile = email.split('@')[0];
  return {
    UserProfileArn: `${ARN_PREFIX}:user-profile/d-sim000000001/${profile}`,
    UserProfileName: profile,
    DomainId: 'd-sim000000001',
    IamIdentity: { Arn: `arn:aws:sts::${SIM_ACCOUNT}:assumed-role/DataScientist/${email}`, PrincipalId: `AROASIMULATOR:${email}` },
  };
}

/** The storage a managed group's packages use (`ManagedConfiguration.ManagedStorageType`). */
const MANAGED_STORAGE_TYPE = 'Restricted';

/** A group summary; `managed` groups carry `ManagedConfiguration`, as the reference says a summary may. */
export function groupSummary(model: SimModel, managed = false): Record<string, unknown> {
  return {
    ModelPackageGroupName: model.name,
    ModelPackageGroupArn: groupArn(model),
    ModelPackageGroupDescription: model.description,
    CreationTime: epochSeconds(model.createdAt),
    ModelPackageGroupStatus: 'Completed',
    ...(managed ? { ManagedConfiguration: { ManagedStorageType: MANAGED_STORAGE_TYPE } } : {}),
  };
}

export function describeGroup(model: SimModel, managed = false): Record<string, unknown> {
  return { ...groupSummary(model, managed), CreatedBy: userContext(model.owner) };
}

function lifecycle(version: SimVersion): Record<string, unknown> | undefined {
  if (version.stage === 'None') return undefined;
  return { Stage: version.stage, StageStatus: version.stage === 'Production' ? 'Approved' : 'InProgress' };
}

export function packageSummary(model: SimModel, version: SimVersion): Record<string, unknown> {
  return {
    ModelPackageGroupName: model.name,
    ModelPackageVersion: version.number,
    ModelPackageArn: packageArn(model, version),
    ModelPackageDescription: version.description,
    CreationTime: epochSeconds(version.createdAt),
    ModelPackageStatus: 'Completed',
    ModelApprovalStatus: version.approval,
    ModelLifeCycle: lifecycle(version),
    ModelPackageRegistrationType: 'Registered',
  };
}

/** What UpdateModelPackage wrote to a package; absent members were never written. */
export interface PackageWrites {
  approvalDescription?: string;
  /** The whole map once written; before that the package shows its generated owner and tags. */
  customerMetadata?: Record<string, string>;
}

/** UpdateModelPackage's `ApprovalDescription` limit (botocore: max 1024). */
export const MAX_APPROVAL_DESCRIPTION = 1024;
/** `CustomerMetadataProperties`: 1..50 entries, keys 1..128 and values 1..256 characters of this pattern. */
const MAX_METADATA_ENTRIES = 50;
const MAX_METADATA_KEY = 128;
const MAX_METADATA_VALUE = 256;
const METADATA_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function customerMetadataOf(model: SimModel, version: SimVersion, written: PackageWrites | undefined): Record<string, string> {
  return written?.customerMetadata ?? { owner: model.owner, ...version.tags };
}

/** SageMaker's validation message for a `CustomerMetadataProperties` map it refuses; null when it accepts it. */
export function customerMetadataProblem(map: Record<string, string>): string | null {
  const refusal = (constraint: string) => `1 validation error detected: Value at 'customerMetadataProperties' failed to satisfy constraint: ${constraint}`;
  const entries = Object.entries(map);
  if (entries.length < 1 || entries.length > MAX_METADATA_ENTRIES) return refusal(`Member must have length less than or equal to ${MAX_METADATA_ENTRIES}`);
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > MAX_METADATA_KEY || !METADATA_TEXT.test(key)) {
      return refusal(`Map keys must satisfy constraint: [Member must have length less than or equal to ${MAX_METADATA_KEY}, Member must satisfy regular expression pattern: ${METADATA_TEXT.source}]`);
    }
    if (typeof value !== 'string' || value.length < 1 || value.length > MAX_METADATA_VALUE || !METADATA_TEXT.test(value)) {
      return refusal(`Map value must satisfy constraint: [Member must have length less than or equal to ${MAX_METADATA_VALUE}, Member must satisfy regular expression pattern: ${METADATA_TEXT.source}]`);
    }
  }
  return null;
}

/** DescribeModelPackage's answer; a package of a `managed` group names its `ManagedStorageType`. */
export function describePackage(model: SimModel, version: SimVersion, written: PackageWrites | undefined, managed = false): Record<string, unknown> {
  const artifacts = `s3://sim-ml-artifacts/${model.name}/${version.number}`;
  return {
    ...packageSummary(model, version),
    ...(managed ? { ManagedStorageType: MANAGED_STORAGE_TYPE } : {}),
    ModelPackageName: model.name,
    LastModifiedTime: epochSeconds(version.updatedAt),
    ModelPackageStatusDetails: { ValidationStatuses: [] },
    ApprovalDescription: written?.approvalDescription,
    CreatedBy: userContext(version.createdBy),
    MetadataProperties: {
      GeneratedBy: `${ARN_PREFIX}:pipeline/${model.name}-train/execution/${version.runId.slice(0, 12)}`,
      ProjectId: `p-${hexId(`project/${version.experimentId}`).slice(0, 12)}`,
      Repository: `https://git.example.com/ml/${model.name}`,
      CommitId: version.commitId,
    },
    CustomerMetadataProperties: customerMetadataOf(model, version, written),
    InferenceSpecification: {
      Containers: [{ Image: image(model), ModelDataUrl: `${artifacts}/model.tar.gz`, Framework: 'XGBOOST', FrameworkVersion: '1.7' }],
      SupportedContentTypes: ['text/csv'],
      SupportedResponseMIMETypes: ['text/csv'],
      SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
      SupportedTransformInstanceTypes: ['ml.m5.large'],
    },
    ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: `${artifacts}/evaluation.json` } } },
  };
}

/** Serving deployments are InService; the others sit, deterministically, in a non-serving state. */
export function endpointStatus(d: SimDeployment): string {
  if (d.serving && d.status === 'active') return 'InService';
  const states = ['OutOfService', 'Updating', 'Creating'];
  return states[parseInt(d.id.slice(0, 4), 16) % states.length];
}

export function endpointSummary(d: SimDeployment): Record<string, unknown> {
  return { EndpointName: d.name, EndpointArn: endpointArn(d), CreationTime: epochSeconds(d.createdAt), LastModifiedTime: epochSeconds(d.updatedAt), EndpointStatus: endpointStatus(d) };
}

export function describeEndpoint(d: SimDeployment, model: SimModel): Record<string, unknown> {
  return {
    ...endpointSummary(d),
    EndpointConfigName: endpointConfigName(d),
    ProductionVariants: [
      {
        VariantName: 'AllTraffic',
        DeployedImages: [{ SpecifiedImage: image(model), ResolvedImage: `${image(model).split(':')[0]}@sha256:${hexId(image(model))}`, ResolutionTime: epochSeconds(d.createdAt) }],
        CurrentWeight: 1,
        DesiredWeight: 1,
        CurrentInstanceCount: 1,
        DesiredInstanceCount: 1,
      },
    ],
  };
}

/** An endpoint's tags: where it runs, which model it serves, and whatever else the team tagged it with. */
export function endpointTags(d: SimDeployment): Record<string, string> {
  return { environment: d.environment, model: d.modelName, ...d.tags };
}

export function describeEndpointConfig(d: SimDeployment): Record<string, unknown> {
  return {
    EndpointConfigName: endpointConfigName(d),
    EndpointConfigArn: `${ARN_PREFIX}:endpoint-config/${endpointConfigName(d).toLowerCase()}`,
    CreationTime: epochSeconds(d.createdAt),
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: modelNameFor(d.modelName, d.versionNumber), InstanceType: 'ml.m5.large', InitialInstanceCount: 1, InitialVariantWeight: 1 }],
  };
}

export function describeModel(model: SimModel, version: SimVersion): Record<string, unknown> {
  const name = modelNameFor(model.name, version.number);
  return {
    ModelName: name,
    ModelArn: `${ARN_PREFIX}:model/${name.toLowerCase()}`,
    CreationTime: epochSeconds(version.createdAt),
    ExecutionRoleArn: `arn:aws:iam::${SIM_ACCOUNT}:role/SageMakerExecution`,
    PrimaryContainer: { ModelPackageName: packageArn(model, version) },
  };
}

export function tagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/**
 * A `Search` result for Resource `ModelPackage`: the DescribeModelPackage members the SDK's `ModelPackage` shape has
 * (all but ManagedStorageType) plus `Tags` (none on versions).
 */
export function searchModelPackageResult(model: SimModel, version: SimVersion, written: PackageWrites | undefined): Record<string, unknown> {
  return { ModelPackage: { ...describePackage(model, version, written), Tags: [] } };
}

/**
 * A `Search` result for Resource `ModelPackageGroup`: the SDK's `ModelPackageGroup` shape, i.e. DescribeModelPackageGroup's
 * members but ManagedConfiguration, plus the group's `Tags` (the ones ListTags gives).
 */
export function searchModelPackageGroupResult(model: SimModel): Record<string, unknown> {
  return { ModelPackageGroup: { ...describeGroup(model), Tags: tagList(model.tags) } };
}

/**
 * A `Search` result for Resource `Model`: the SDK's `ModelDashboardModel`, whose `Model` is DescribeModel's answer
 * plus the model's `Tags` (the simulator's models have none). No Endpoints, MonitoringSchedules or ModelCard: the
 * connector reads none of them.
 */
export function searchModelResult(model: SimModel, version: SimVersion): Record<string, unknown> {
  return { Model: { Model: { ...describeModel(model, version), Tags: [] } } };
}

/**
 * A `Search` result for Resource `Endpoint`: the SDK's `Endpoint` shape, i.e. the DescribeEndpoint members it shares
 * plus the endpoint's `Tags` (the ones ListTags gives). No MonitoringSchedules: the simulator schedules no monitoring.
 */
export function searchEndpointResult(d: SimDeployment, model: SimModel): Record<string, unknown> {
  return { Endpoint: { ...describeEndpoint(d, model), Tags: tagList(endpointTags(d)) } };
}
