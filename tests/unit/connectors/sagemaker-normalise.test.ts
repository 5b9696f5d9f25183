import { describe, expect, it } from 'vitest';
import type { DescribeEndpointConfigOutput, DescribeEndpointOutput, DescribeModelPackageOutput, Endpoint, ModelPackage, ModelPackageGroupSummary } from '@aws-sdk/client-sagemaker';
import {
  jsonSafe,
  modelPackageReference,
  normaliseEndpoint,
  normaliseGroup,
  normaliseVersion,
  NormaliseError,
  observedStage,
  packageFromSearchRecord,
} from '../../../connectors/sagemaker/normalise.js';
import { compileEnvironmentRule, environmentRuleSchema } from '../../../connectors/shared/environment.js';
import { contentHash } from '../../../src/inventory/content-hash.js';

/** Wire JSON (epoch seconds) → the SDK's shape (Date), as the AWS SDK deserialises it. */
const TIME_KEYS = new Set(['CreationTime', 'LastModifiedTime', 'ResolutionTime']);
function sdk<T>(wire: unknown): T {
  return JSON.parse(JSON.stringify(wire), function (key, value) {
    return TIME_KEYS.has(key) && typeof value === 'number' ? new Date(value * 1000) : value;
  }) as T;
}

// Payloads copied from source-apis.md §1.4.
const GROUP_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-model';
const PACKAGE_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model/3';
const groupSummary = sdk<ModelPackageGroupSummary>({
  ModelPackageGroupName: 'churn-model',
  ModelPackageGroupArn: GROUP_ARN,
  ModelPackageGroupDescription: 'Customer churn classifier',
  CreationTime: 1714550400.123,
  ModelPackageGroupStatus: 'Completed',
});
const describedPackage = sdk<DescribeModelPackageOutput>({
  ModelPackageGroupName: 'churn-model',
  ModelPackageVersion: 3,
  ModelPackageArn: PACKAGE_ARN,
  ModelPackageName: 'churn-model',
  ModelPackageDescription: 'xgboost, tuned',
  CreationTime: 1714636800.456,
  LastModifiedTime: 1714723200.789,
  ModelPackageStatus: 'Completed',
  ModelPackageStatusDetails: { ValidationStatuses: [] },
  ModelApprovalStatus: 'Approved',
  ApprovalDescription: 'Approved by governance hub, ticket GOV-42',
  CreatedBy: {
    UserProfileArn: 'arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc123/alice',
    UserProfileName: 'alice',
    DomainId: 'd-abc123',
    IamIdentity: { Arn: 'arn:aws:sts::123456789012:assumed-role/DataScientist/alice', PrincipalId: 'AROAEXAMPLE:alice' },
  },
  LastModifiedBy: { UserProfileName: 'bob', DomainId: 'd-abc123' },
  MetadataProperties: {
    GeneratedBy: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-train/execution/abc123',
    ProjectId: 'p-xyz789',
    Repository: 'https://git.example.com/ml/churn',
    CommitId: '9f1c2e3',
  },
  CustomerMetadataProperties: { owner: 'risk-team', risk_tier: 'high' },
  InferenceSpecification: {
    Containers: [{ Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', ImageDigest: 'sha256:0a1b...', ModelDataUrl: 's3://ml-artifacts/churn/3/model.tar.gz', Framework: 'XGBOOST', FrameworkVersion: '1.7' }],
    SupportedContentTypes: ['text/csv'],
    SupportedResponseMIMETypes: ['text/csv'],
    SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
    SupportedTransformInstanceTypes: ['ml.m5.large'],
  },
  ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: 's3://ml-artifacts/churn/3/evaluation.json' } } },
  ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
});
const ENDPOINT_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn-prod';
const endpointWire = {
  EndpointName: 'churn-prod',
  EndpointArn: ENDPOINT_ARN,
  EndpointConfigName: 'churn-prod-config-v3',
  EndpointStatus: 'InService',
  CreationTime: 1714740000.0,
  LastModifiedTime: 1714741000.0,
  ProductionVariants: [{ VariantName: 'AllTraffic', CurrentWeight: 1.0, CurrentInstanceCount: 1, DeployedImages: [{ SpecifiedImage: 'x:1.7-1', ResolvedImage: 'x@sha256:0a1b', ResolutionTime: 1714740100.0 }] }],
};
const endpoint = sdk<DescribeEndpointOutput>(endpointWire);
const endpointConfig = sdk<DescribeEndpointConfigOutput>({
  EndpointConfigName: 'churn-prod-config-v3',
  EndpointConfigArn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/churn-prod-config-v3',
  CreationTime: 1714739000.0,
  ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'churn-model-v3', InstanceType: 'ml.m5.large', InitialInstanceCount: 1, InitialVariantWeight: 1.0 }],
});
const context = { region: 'us-east-1', classifyEnvironment: compileEnvironmentRule(undefined) };

describe('SageMaker normalise', () => {
  describe('normaliseVersion', () => {
    it('should map a described versioned package onto a version of its group', () => {
      const version = normaliseVersion(describedPackage, GROUP_ARN);
      expect(version).toMatchObject({
        externalId: PACKAGE_ARN,
        modelExternalId: GROUP_ARN,
        version: '3',
        versionNumber: 3,
        description: 'xgboost, tuned',
        observedStage: 'PRODUCTION',
        observedStageRaw: 'Production',
        status: 'READY',
        statusRaw: 'Completed',
        createdBy: 'alice',
        artifactUri: 's3://ml-artifacts/churn/3/model.tar.gz',
        lineage: { runId: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-train/execution/abc123', projectId: 'p-xyz789', commitId: '9f1c2e3' },
        metrics: [],
        tags: { owner: 'risk-team', risk_tier: 'high' },
        deepLink: null,
      });
      expect(version.createdAt).toEqual(new Date(1714636800456));
      expect(version.updatedAt).toEqual(new Date(1714723200789));
    });

    it("should take the framework from the package's inference container, and leave it out where there is none", () => {
      expect(normaliseVersion(describedPackage, GROUP_ARN).framework).toBe('XGBOOST');
      expect(normaliseVersion({ ...describedPackage, InferenceSpecification: undefined }, GROUP_ARN).framework).toBeUndefined();
    });

    it('should keep the metric report pointers and ISO timestamps in vendorAttributes', () => {
      const { vendorAttributes } = normaliseVersion(describedPackage, GROUP_ARN);
      expect(vendorAttributes.ModelMetrics).toEqual({ ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: 's3://ml-artifacts/churn/3/evaluation.json' } } });
      expect(vendorAttributes.CreationTime).toBe('2024-05-02T08:00:00.456Z');
      expect(JSON.parse(JSON.stringify(vendorAttributes))).toEqual(vendorAttributes);
    });

    it('should drop the SDK response metadata so an unchanged package hashes the same', () => {
      const withMetadata = { ...describedPackage, $metadata: { requestId: 'r-1', attempts: 2 } };
      expect(normaliseVersion(withMetadata, GROUP_ARN).vendorAttributes).not.toHaveProperty('$metadata');
    });

    it('should take the version number from the ARN when ModelPackageVersion is absent', () => {
      const version = normaliseVersion({ ...describedPackage, ModelPackageVersion: undefined }, GROUP_ARN);
      expect([version.version, version.versionNumber]).toEqual(['3', 3]);
    });

    it('should fall back to the IAM identity when there is no Studio user profile', () => {
      const version = normaliseVersion({ ...describedPackage, CreatedBy: { IamIdentity: { Arn: 'arn:aws:iam::123456789012:user/ci' } } }, GROUP_ARN);
      expect(version.createdBy).toBe('arn:aws:iam::123456789012:user/ci');
    });

    it('should reject a package without an ARN', () => {
      expect(() => normaliseVersion({ ...describedPackage, ModelPackageArn: undefined }, GROUP_ARN)).toThrow(NormaliseError);
    });
  });

  describe('packageFromSearchRecord', () => {
    // A Search record is the DescribeModelPackage members plus Tags, in whatever member order the service sends.
    const searchRecord: ModelPackage = { Tags: [{ Key: 'team', Value: 'risk' }], ...Object.fromEntries(Object.entries(describedPackage).reverse()) };

    it('should normalise a Search record to the very record (and content hash) its Describe output gives', () => {
      const viaSearch = normaliseVersion(packageFromSearchRecord(searchRecord), GROUP_ARN);
      const viaDescribe = normaliseVersion(describedPackage, GROUP_ARN);
      expect(viaSearch).toEqual(viaDescribe);
      expect(contentHash('version', viaSearch)).toBe(contentHash('version', viaDescribe));
    });

    it('should leave the record\'s Tags out of the version, whose key/value store is CustomerMetadataProperties', () => {
      const version = normaliseVersion(packageFromSearchRecord(searchRecord), GROUP_ARN);
      expect(version.vendorAttributes).not.toHaveProperty('Tags');
      expect(version.tags).toEqual({ owner: 'risk-team', risk_tier: 'high' });
    });

    it('should give the group the same owner from a Search record as from a Describe output', () => {
      const viaSearch = normaliseGroup(groupSummary, [], packageFromSearchRecord({ ...searchRecord, CustomerMetadataProperties: {} }), context);
      const viaDescribe = normaliseGroup(groupSummary, [], { ...describedPackage, CustomerMetadataProperties: {} }, context);
      expect(viaSearch.owner).toBe('alice');
      expect(contentHash('model', viaSearch)).toBe(contentHash('model', viaDescribe));
    });
  });

  describe('observedStage', () => {
    it.each([
      [{ ModelApprovalStatus: 'PendingManualApproval' }, 'NONE', 'PendingManualApproval'],
      [{ ModelApprovalStatus: 'Approved' }, 'STAGING', 'Approved'],
      [{ ModelApprovalStatus: 'Rejected' }, 'ARCHIVED', 'Rejected'],
      [{ ModelApprovalStatus: 'Approved', ModelLifeCycle: { Stage: 'Staging', StageStatus: 'InProgress' } }, 'STAGING', 'Staging'],
      [{ ModelApprovalStatus: 'Approved', ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' } }, 'PRODUCTION', 'Production'],
      [{ ModelApprovalStatus: 'Approved', ModelLifeCycle: { Stage: 'Shadow-EU', StageStatus: 'InProgress' } }, 'UNKNOWN', 'Shadow-EU'],
      [{}, 'NONE', null],
    ] as const)('should map %j to %s', (pkg, stage, raw) => {
      expect(observedStage(pkg as never)).toEqual({ stage, raw });
    });
  });

  describe('normaliseGroup', () => {
    it('should take the owner from the latest version before the group tag', () => {
      const model = normaliseGroup(groupSummary, [{ Key: 'owner', Value: 'ml-platform' }, { Key: 'team', Value: 'risk' }], describedPackage, context);
      expect(model).toMatchObject({
        externalId: GROUP_ARN,
        name: 'churn-model',
        description: 'Customer churn classifier',
        owner: 'risk-team',
        tags: { owner: 'ml-platform', team: 'risk' },
        updatedAt: null,
        deepLink: 'https://us-east-1.console.aws.amazon.com/sagemaker/home?region=us-east-1#/model-registry/churn-model',
      });
      expect(model.createdAt).toEqual(new Date(1714550400123));
    });

    it('should fall back to the owner tag, then to the latest version creator', () => {
      const noOwner = { ...describedPackage, CustomerMetadataProperties: {} };
      expect(normaliseGroup(groupSummary, [{ Key: 'owner', Value: 'ml-platform' }], noOwner, context).owner).toBe('ml-platform');
      expect(normaliseGroup(groupSummary, [], noOwner, context).owner).toBe('alice');
      expect(normaliseGroup(groupSummary, [], null, context).owner).toBeNull();
    });

    it('should reject a group without an ARN', () => {
      expect(() => normaliseGroup({ ...groupSummary, ModelPackageGroupArn: undefined }, [], null, context)).toThrow('missing ModelPackageGroupArn');
    });

    it('should give the same record and content hash whichever order ListTags or a Search record lists the tags in', () => {
      const listTags = [{ Key: 'team', Value: 'risk' }, { Key: 'domain', Value: 'churn' }, { Key: 'aaa', Value: '1' }];
      const searchRecord = [listTags[2], listTags[0], listTags[1]];
      const a = normaliseGroup(groupSummary, listTags, describedPackage, context);
      const b = normaliseGroup(groupSummary, searchRecord, describedPackage, context);
      expect(a).toEqual(b);
      expect(contentHash('model', a)).toBe(contentHash('model', b));
      expect(a.vendorAttributes.Tags).toEqual([{ Key: 'aaa', Value: '1' }, { Key: 'domain', Value: 'churn' }, { Key: 'team', Value: 'risk' }]);
    });
  });

  describe('normaliseEndpoint', () => {
    it('should map a single-variant endpoint onto one deployment of the package behind its model', () => {
      const [deployment, ...rest] = normaliseEndpoint({ endpoint, config: endpointConfig, packageByModel: new Map([['churn-model-v3', PACKAGE_ARN]]), tags: [{ Key: 'environment', Value: 'production' }] }, context);
      expect(rest).toEqual([]);
      expect(deployment).toMatchObject({
        externalId: ENDPOINT_ARN,
        name: 'churn-prod',
        versionExternalId: PACKAGE_ARN,
        environment: 'PRODUCTION',
        environmentRaw: 'production',
        tags: { environment: 'production' },
        status: 'ACTIVE',
        statusRaw: 'InService',
        metrics: [],
        servingProduction: true,
        trafficShare: 1,
        endpointUrl: 'https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/churn-prod/invocations',
      });
      expect(deployment.createdAt).toEqual(new Date(1714740000000));
      expect(deployment.updatedAt).toEqual(new Date(1714741000000));
      expect(deployment.vendorAttributes).toMatchObject({ EndpointConfig: { EndpointConfigName: 'churn-prod-config-v3' } });
    });

    it('should split an endpoint whose variants run different packages into one deployment per variant', () => {
      const v2 = PACKAGE_ARN.replace(/3$/, '2');
      const split = normaliseEndpoint(
        {
          endpoint: { ...endpoint, ProductionVariants: [{ VariantName: 'Champion', CurrentWeight: 0.9 }, { VariantName: 'Challenger', CurrentWeight: 0.1 }] },
          config: { ...endpointConfig, ProductionVariants: [{ VariantName: 'Champion', ModelName: 'churn-model-v3', InitialVariantWeight: 1 }, { VariantName: 'Challenger', ModelName: 'churn-model-v2', InitialVariantWeight: 1 }] },
          packageByModel: new Map([['churn-model-v3', PACKAGE_ARN], ['churn-model-v2', v2]]),
          tags: [],
        },
        context,
      );
      expect(split.map((d) => [d.externalId, d.name, d.versionExternalId, d.trafficShare])).toEqual([
        [`${ENDPOINT_ARN}#Champion`, 'churn-prod/Champion', PACKAGE_ARN, 0.9],
        [`${ENDPOINT_ARN}#Challenger`, 'churn-prod/Challenger', v2, 0.1],
      ]);
    });

    it('should give the same deployment for a DescribeEndpoint output and a Search record, whatever only one of them has', () => {
      const described = sdk<DescribeEndpointOutput>({
        ...endpointWire,
        $metadata: { httpStatusCode: 200, requestId: 'r-1', attempts: 1 },
        LastDeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 60 } } },
        AsyncInferenceConfig: { OutputConfig: { S3OutputPath: 's3://out/' } },
        ExplainerConfig: { ClarifyExplainerConfig: { ShapConfig: { ShapBaselineConfig: {} } } },
        MetricsConfig: { EnableEnhancedMetrics: true },
        DataCaptureConfig: { EnableCapture: true, CaptureStatus: 'Started', CurrentSamplingPercentage: 10, DestinationS3Uri: 's3://capture/' },
      });
      const record = sdk<Endpoint>({
        ...endpointWire,
        DataCaptureConfig: { EnableCapture: true, CaptureStatus: 'Started', CurrentSamplingPercentage: 10, DestinationS3Uri: 's3://capture/' },
        MonitoringSchedules: [{ MonitoringScheduleName: 'drift', MonitoringScheduleStatus: 'Scheduled' }],
        Tags: [{ Key: 'environment', Value: 'production' }],
      });
      const resolved = { config: endpointConfig, packageByModel: new Map([['churn-model-v3', PACKAGE_ARN]]) };
      const [viaDescribe] = normaliseEndpoint({ ...resolved, endpoint: described, tags: [{ Key: 'team', Value: 'risk' }, { Key: 'environment', Value: 'production' }] }, context);
      const [viaSearch] = normaliseEndpoint({ ...resolved, endpoint: record, tags: [{ Key: 'environment', Value: 'production' }, { Key: 'team', Value: 'risk' }] }, context);

      expect(viaSearch).toEqual(viaDescribe);
      expect(viaSearch.createdAt).toEqual(new Date(1714740000000));
      expect(contentHash('deployment', viaSearch)).toBe(contentHash('deployment', viaDescribe));
      expect(Object.keys(viaSearch.vendorAttributes.Endpoint as object).sort()).toEqual(['CreationTime', 'DataCaptureConfig', 'EndpointArn', 'EndpointConfigName', 'EndpointName', 'EndpointStatus', 'LastModifiedTime', 'ProductionVariants']);
      expect(viaSearch.vendorAttributes.Tags).toEqual([{ Key: 'environment', Value: 'production' }, { Key: 'team', Value: 'risk' }]);
    });

    it('should hash an endpoint with only shared members and tags in key order as before the projection', () => {
      // The simulator's DescribeEndpoint and ListTags answer like this: its deployments must keep their hashes.
      const tags = [{ Key: 'environment', Value: 'staging' }, { Key: 'model', Value: 'churn-model' }];
      const [deployment] = normaliseEndpoint({ endpoint: sdk<DescribeEndpointOutput>({ ...endpointWire, $metadata: { httpStatusCode: 200 } }), config: endpointConfig, packageByModel: new Map([['churn-model-v3', PACKAGE_ARN]]), tags }, context);
      const before = { ...deployment, vendorAttributes: jsonSafe({ Endpoint: endpoint, EndpointConfig: endpointConfig, Tags: tags }) };
      expect(contentHash('deployment', deployment)).toBe(contentHash('deployment', before));
    });

    it('should keep an endpoint whose config is gone, unlinked and out of service', () => {
      const [deployment] = normaliseEndpoint({ endpoint: { ...endpoint, EndpointStatus: 'OutOfService' }, config: null, packageByModel: new Map(), tags: [] }, context);
      expect(deployment).toMatchObject({ externalId: ENDPOINT_ARN, versionExternalId: null, trafficShare: null, servingProduction: false, environment: 'PRODUCTION', environmentRaw: null });
    });

    it('should not count an InService endpoint tagged environment=staging as serving production', () => {
      const [deployment] = normaliseEndpoint({ endpoint, config: endpointConfig, packageByModel: new Map([['churn-model-v3', PACKAGE_ARN]]), tags: [{ Key: 'environment', Value: 'staging' }] }, context);
      expect(deployment).toMatchObject({ status: 'ACTIVE', statusRaw: 'InService', environment: 'STAGING', environmentRaw: 'staging', servingProduction: false });
    });

    it.each([
      ['an untagged endpoint: SageMaker has no environments, so production', [], 'PRODUCTION', true],
      ['an Environment tag (keys compare case-insensitively)', [{ Key: 'Environment', Value: 'Dev' }], 'DEVELOPMENT', false],
      ['an env tag holding a listed value as a word', [{ Key: 'env', Value: 'eu-prod-2' }], 'PRODUCTION', true],
      ['a stage tag of pre-production (the longest listed value wins)', [{ Key: 'stage', Value: 'pre-production' }], 'STAGING', false],
      ['an environment tag the rule does not know', [{ Key: 'environment', Value: 'perf-lab' }], 'UNKNOWN', false],
      ['the first rule key present, not a later one', [{ Key: 'stage', Value: 'prod' }, { Key: 'environment', Value: 'uat' }], 'STAGING', false],
    ] as const)('should classify %s', (_case, tags, environment, servingProduction) => {
      const [deployment] = normaliseEndpoint({ endpoint, config: endpointConfig, packageByModel: new Map(), tags: [...tags] }, context);
      expect(deployment).toMatchObject({ environment, servingProduction });
    });

    it("should follow the source's own rule: its tag keys, name patterns and what an undecided endpoint is", () => {
      const rule = environmentRuleSchema.parse({ tagKeys: ['tier'], namePatterns: [{ pattern: '-prod$', environment: 'PRODUCTION' }], otherwise: 'UNKNOWN' });
      const own = { ...context, classifyEnvironment: compileEnvironmentRule(rule) };
      const classify = (name: string, tags: Array<{ Key: string; Value: string }>) =>
        normaliseEndpoint({ endpoint: { ...endpoint, EndpointName: name }, config: endpointConfig, packageByModel: new Map(), tags }, own)[0];
      expect(classify('churn-canary', [{ Key: 'environment', Value: 'production' }])).toMatchObject({ environment: 'UNKNOWN', servingProduction: false });
      expect(classify('churn-canary', [{ Key: 'tier', Value: 'prod' }])).toMatchObject({ environment: 'PRODUCTION', servingProduction: true });
      expect(classify('churn-prod', [])).toMatchObject({ environment: 'PRODUCTION', servingProduction: true });
    });
  });

  describe('modelPackageReference', () => {
    it('should read the primary container, then the first container naming a package', () => {
      expect(modelPackageReference({ PrimaryContainer: { ModelPackageName: PACKAGE_ARN } })).toBe(PACKAGE_ARN);
      expect(modelPackageReference({ Containers: [{ Image: 'pre:1' }, { ModelPackageName: 'churn-model' }] })).toBe('churn-model');
      expect(modelPackageReference({ PrimaryContainer: { Image: 'x:1', ModelDataUrl: 's3://a/b' } })).toBeNull();
    });
  });
});
