/**
 * MLflow normalisers against payloads shaped like the reference (source-apis.md §2.4: the `churn-model` examples).
 * There are no recorded MLflow fixtures, so the reference examples are copied here verbatim where they exist.
 */
import { describe, expect, it } from 'vitest';
import { compileEnvironmentRule, environmentRuleSchema } from '../../../connectors/shared/environment.js';
import { mlflowSecretSchema, mlflowSettingsSchema } from '../../../connectors/mlflow/config.js';
import { mapStage, normaliseDeployments, normaliseModel, normaliseVersion, NormaliseError } from '../../../connectors/mlflow/normalise.js';
import { nameEqualsFilter } from '../../../connectors/mlflow/unconfirmed.js';
import { parseVersionExternalId } from '../../../connectors/mlflow/write-back.js';
import type { MlflowModelVersion, MlflowRegisteredModel, MlflowRun } from '../../../connectors/mlflow/wire.js';

const context = { trackingUri: 'https://mlflow.example.com', productionAliases: ['production', 'prod', 'champion'], classifyEnvironment: compileEnvironmentRule(undefined) };

const registeredModel: MlflowRegisteredModel = {
  name: 'churn-model',
  creation_timestamp: 1714550400123,
  last_updated_timestamp: 1714723200789,
  description: 'Customer churn classifier',
  latest_versions: [
    {
      name: 'churn-model',
      version: '3',
      creation_timestamp: 1714636800456,
      last_updated_timestamp: 1714723200789,
      current_stage: 'Production',
      source: 'runs:/1a2b3c4d5e6f/model',
      run_id: '1a2b3c4d5e6f',
      status: 'READY',
    },
  ],
  tags: [{ key: 'owner', value: 'risk-team' }],
  aliases: [{ alias: 'champion', version: '3' }],
};

const modelVersion: MlflowModelVersion = {
  name: 'churn-model',
  version: '3',
  creation_timestamp: 1714636800456,
  last_updated_timestamp: 1714723200789,
  user_id: 'alice@example.com',
  current_stage: 'Production',
  description: 'xgboost, tuned',
  source: 'runs:/1a2b3c4d5e6f/model',
  run_id: '1a2b3c4d5e6f',
  status: 'READY',
  tags: [{ key: 'validation_status', value: 'passed' }],
  run_link: '',
  aliases: ['champion'],
};

const run: MlflowRun = {
  info: {
    run_id: '1a2b3c4d5e6f',
    run_uuid: '1a2b3c4d5e6f',
    experiment_id: '7',
    run_name: 'xgb-tuned',
    user_id: 'alice',
    status: 'FINISHED',
    start_time: 1714540000000,
    end_time: 1714540600000,
    artifact_uri: 's3://mlflow/7/1a2b3c4d5e6f/artifacts',
    lifecycle_stage: 'active',
  },
  data: {
    metrics: [{ key: 'auc', value: 0.91, timestamp: 1714540500000, step: 0 }],
    params: [{ key: 'max_depth', value: '6' }],
    tags: [
      { key: 'mlflow.user', value: 'alice' },
      { key: 'mlflow.source.git.commit', value: '9f1c2e3' },
    ],
  },
  inputs: {
    dataset_inputs: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: { name: 'churn_train', digest: 'f1e2d3c4', source_type: 'delta', source: '{"path": "s3://lake/churn/train"}', schema: '{...}', profile: '{...}' },
      },
    ],
  },
};

describe('MLflow normalise', () => {
  describe('normaliseModel', () => {
    it('should map a registered model to the inventory model with its owner tag, link and ms timestamps', () => {
      const model = normaliseModel(registeredModel, [modelVersion], context);
      expect(model).toEqual({
        externalId: 'churn-model',
        name: 'churn-model',
        description: 'Customer churn classifier',
        owner: 'risk-team',
        tags: { owner: 'risk-team' },
        deepLink: 'https://mlflow.example.com/#/models/churn-model',
        createdAt: new Date(1714550400123),
        updatedAt: new Date(1714723200789),
        vendorAttributes: {
          name: 'churn-model',
          creation_timestamp: 1714550400123,
          last_updated_timestamp: 1714723200789,
          description: 'Customer churn classifier',
          tags: [{ key: 'owner', value: 'risk-team' }],
          aliases: [{ alias: 'champion', version: '3' }],
        },
      });
    });

    it('should fall back to the creator of the latest version when the model has no owner tag', () => {
      const versions = [
        { ...modelVersion, version: '2', user_id: 'bob' },
        { ...modelVersion, version: '10', user_id: 'carol' },
        { ...modelVersion, version: '9', user_id: 'dmitri' },
      ];
      expect(normaliseModel({ name: 'm' }, versions, context).owner).toBe('carol');
      expect(normaliseModel({ name: 'm' }, [], context)).toMatchObject({ owner: null, description: null, tags: {}, createdAt: null, updatedAt: null });
    });

    it('should refuse a registered model without a name or with a timestamp that is not epoch ms', () => {
      expect(() => normaliseModel({ description: 'x' }, [], context)).toThrow(NormaliseError);
      expect(() => normaliseModel({ name: 'm', creation_timestamp: 'yesterday' as never }, [], context)).toThrow(/creation_timestamp/);
    });
  });

  describe('normaliseVersion', () => {
    it("should map a version with its run: stage, creator, artifact, lineage with the experiment's name, metrics, params and tags", () => {
      const version = normaliseVersion(modelVersion, run, registeredModel.aliases, context, 'churn-training');
      expect(version).toEqual({
        externalId: 'churn-model/3',
        modelExternalId: 'churn-model',
        version: '3',
        versionNumber: 3,
        description: 'xgboost, tuned',
        observedStage: 'PRODUCTION',
        observedStageRaw: 'Production @champion',
        status: 'READY',
        statusRaw: 'READY',
        createdBy: 'alice@example.com',
        artifactUri: 'runs:/1a2b3c4d5e6f/model',
        lineage: {
          runId: '1a2b3c4d5e6f',
          projectId: '7',
          projectName: 'churn-training',
          commitId: '9f1c2e3',
          datasets: [{ name: 'churn_train', digest: 'f1e2d3c4', source: '{"path": "s3://lake/churn/train"}' }],
        },
        metrics: [{ name: 'auc', value: 0.91, step: 0, timestamp: new Date(1714540500000), kind: 'TRAINING' }],
        params: { max_depth: '6' },
        tags: { validation_status: 'passed' },
        deepLink: 'https://mlflow.example.com/#/models/churn-model/versions/3',
        createdAt: new Date(1714636800456),
        updatedAt: new Date(1714723200789),
        vendorAttributes: { ...modelVersion, run },
      });
    });

    it('should keep a version whose run could not be read, with only the run id as lineage', () => {
      const version = normaliseVersion({ ...modelVersion, user_id: undefined, aliases: undefined, current_stage: 'Staging' }, null, undefined, context);
      expect(version).toMatchObject({
        observedStage: 'STAGING',
        observedStageRaw: 'Staging',
        createdBy: null,
        lineage: { runId: '1a2b3c4d5e6f', projectId: null, projectName: null, commitId: null, datasets: [] },
        metrics: [],
        params: {},
      });
      expect(version.vendorAttributes).not.toHaveProperty('run');
    });

    it('should take the creator from the run tag mlflow.user when the version has no user_id', () => {
      expect(normaliseVersion({ ...modelVersion, user_id: undefined }, run, undefined, context).createdBy).toBe('alice');
    });

    it('should mark a version PRODUCTION when a production alias held only by the registered model points at it', () => {
      const version = normaliseVersion({ ...modelVersion, current_stage: 'None', aliases: undefined }, null, [{ alias: 'Prod', version: '3' }], context);
      expect(version.observedStage).toBe('PRODUCTION');
      expect(version.observedStageRaw).toBe('None @Prod');
    });

    it('should not treat a non-production alias as production', () => {
      const version = normaliseVersion({ ...modelVersion, current_stage: 'None', aliases: ['challenger'] }, null, undefined, context);
      expect(version.observedStage).toBe('NONE');
    });

    it('should read MLflow 3 model_metrics when there is no run, and prefer run metrics when there is', () => {
      const withModelMetrics = { ...modelVersion, model_metrics: [{ key: 'auc', value: 0.5 }, { key: 'rmse', value: 1.2 }, { bogus: true }] };
      expect(normaliseVersion(withModelMetrics, null, undefined, context).metrics).toEqual([
        { name: 'auc', value: 0.5, step: null, timestamp: null, kind: 'TRAINING' },
        { name: 'rmse', value: 1.2, step: null, timestamp: null, kind: 'TRAINING' },
      ]);
      expect(normaliseVersion(withModelMetrics, run, undefined, context).metrics).toEqual([
        { name: 'auc', value: 0.91, step: 0, timestamp: new Date(1714540500000), kind: 'TRAINING' },
        { name: 'rmse', value: 1.2, step: null, timestamp: null, kind: 'TRAINING' },
      ]);
    });

    it('should accept an integer version and leave versionNumber null for a non-numeric label', () => {
      expect(normaliseVersion({ ...modelVersion, version: 4 as never }, null, undefined, context)).toMatchObject({ version: '4', versionNumber: 4, externalId: 'churn-model/4' });
      expect(normaliseVersion({ ...modelVersion, version: 'beta' }, null, undefined, context).versionNumber).toBeNull();
    });

    it('should refuse a version without a model name or a version', () => {
      expect(() => normaliseVersion({ ...modelVersion, name: undefined }, null, undefined, context)).toThrow(NormaliseError);
      expect(() => normaliseVersion({ ...modelVersion, version: undefined }, null, undefined, context)).toThrow(/no version/);
    });
  });

  describe('normaliseDeployments', () => {
    it('should turn each alias and the Production stage into logical deployments linked to their version', () => {
      const versions = [modelVersion, { ...modelVersion, version: '2', current_stage: 'Archived', aliases: ['challenger'] }];
      const { deployments, errors } = normaliseDeployments(registeredModel, versions, context);
      expect(errors).toEqual([]);
      expect(deployments).toEqual([
        {
          externalId: 'churn-model@challenger',
          versionExternalId: 'churn-model/2',
          name: 'challenger',
          environment: 'UNKNOWN',
          environmentRaw: 'challenger',
          tags: {},
          status: 'ACTIVE',
          statusRaw: null,
          metrics: [],
          servingProduction: false,
          endpointUrl: null,
          trafficShare: null,
          deepLink: 'https://mlflow.example.com/#/models/churn-model/versions/2',
          createdAt: null,
          updatedAt: null,
          vendorAttributes: { registered_model: 'churn-model', alias: 'challenger', version: '2' },
        },
        {
          externalId: 'churn-model@champion',
          versionExternalId: 'churn-model/3',
          name: 'champion',
          environment: 'PRODUCTION',
          environmentRaw: 'champion',
          tags: {},
          status: 'ACTIVE',
          statusRaw: null,
          metrics: [],
          servingProduction: true,
          endpointUrl: null,
          trafficShare: null,
          deepLink: 'https://mlflow.example.com/#/models/churn-model/versions/3',
          createdAt: null,
          updatedAt: null,
          vendorAttributes: { registered_model: 'churn-model', alias: 'champion', version: '3' },
        },
        {
          externalId: 'churn-model#stage:Production',
          versionExternalId: 'churn-model/3',
          name: 'Production',
          environment: 'PRODUCTION',
          environmentRaw: 'Production',
          tags: {},
          status: 'ACTIVE',
          statusRaw: 'READY',
          metrics: [],
          servingProduction: true,
          endpointUrl: null,
          trafficShare: null,
          deepLink: 'https://mlflow.example.com/#/models/churn-model/versions/3',
          createdAt: null,
          updatedAt: null,
          vendorAttributes: { registered_model: 'churn-model', version: '3', current_stage: 'Production' },
        },
      ]);
    });

    it('should place aliases by their names: staging and development ones are not production', () => {
      const { deployments } = normaliseDeployments({ name: 'm', aliases: [{ alias: 'staging', version: '1' }, { alias: 'dev-candidate', version: '2' }, { alias: 'prod', version: '3' }] }, [], context);
      expect(deployments.map((d) => [d.name, d.environment, d.servingProduction])).toEqual([
        ['dev-candidate', 'DEVELOPMENT', false],
        ['prod', 'PRODUCTION', true],
        ['staging', 'STAGING', false],
      ]);
    });

    it("should follow the source's rule over the production aliases", () => {
      const own = { ...context, classifyEnvironment: compileEnvironmentRule(environmentRuleSchema.parse({ namePatterns: [{ pattern: '^champion$', environment: 'STAGING' }] })) };
      const { deployments } = normaliseDeployments({ name: 'm', aliases: [{ alias: 'champion', version: '1' }] }, [], own);
      expect(deployments[0]).toMatchObject({ environment: 'STAGING', servingProduction: false });
    });

    it('should give each of several Production versions its own stage deployment', () => {
      const versions = [modelVersion, { ...modelVersion, version: '2', aliases: [] }];
      const { deployments } = normaliseDeployments({ name: 'churn-model' }, versions, context);
      expect(deployments.filter((d) => d.name === 'Production').map((d) => [d.externalId, d.versionExternalId])).toEqual([
        ['churn-model#stage:Production/3', 'churn-model/3'],
        ['churn-model#stage:Production/2', 'churn-model/2'],
      ]);
    });

    it('should report a malformed alias entry as an error and keep the others', () => {
      const { deployments, errors } = normaliseDeployments({ name: 'm', aliases: [{ alias: 'prod', version: '1' }, { version: '2' }] }, [], context);
      expect(deployments.map((d) => d.externalId)).toEqual(['m@prod']);
      expect(errors).toEqual([{ kind: 'deployment', externalId: 'm@?', reason: 'alias entry without an alias name or a version' }]);
    });
  });

  describe('mapStage', () => {
    it('should map the four MLflow stages, an absent stage to NONE and anything else to UNKNOWN', () => {
      expect(['None', 'Staging', 'Production', 'Archived', undefined, 'Deleted_Internal'].map((s) => mapStage(s))).toEqual([
        'NONE',
        'STAGING',
        'PRODUCTION',
        'ARCHIVED',
        'NONE',
        'UNKNOWN',
      ]);
    });
  });
});

describe('MLflow config', () => {
  describe('mlflowSettingsSchema', () => {
    it('should apply the write-back and production-alias defaults and drop a trailing slash', () => {
      expect(mlflowSettingsSchema.parse({ trackingUri: 'http://mlflow:5000/' })).toEqual({
        trackingUri: 'http://mlflow:5000',
        aliasByState: { PRODUCTION: 'production' },
        productionAliases: ['production', 'prod', 'champion'],
      });
    });

    it("should take the server's address from a URL pasted from the web UI", () => {
      expect(mlflowSettingsSchema.parse({ trackingUri: 'https://mlflow.example.com/#/models' }).trackingUri).toBe('https://mlflow.example.com');
      expect(mlflowSettingsSchema.parse({ trackingUri: 'http://mlflow:5000/ml/#/experiments/3/runs/abc' }).trackingUri).toBe('http://mlflow:5000/ml');
    });

    it('should refuse a REST API URL or a query string, saying what to paste instead', () => {
      for (const trackingUri of ['https://mlflow.example.com/api/2.0/mlflow/registered-models/search', 'https://mlflow.example.com/ajax-api/2.0/mlflow', 'https://mlflow.example.com/?o=42']) {
        const result = mlflowSettingsSchema.safeParse({ trackingUri });
        expect(result.success, trackingUri).toBe(false);
        expect(result.error?.issues[0].message).toContain('e.g. https://mlflow.example.com');
      }
    });

    it('should reject a non-http tracking URI, one holding credentials, an unknown governed state and a page size above 1000', () => {
      expect(mlflowSettingsSchema.safeParse({ trackingUri: 'file:///tmp/mlruns' }).success).toBe(false);
      expect(mlflowSettingsSchema.safeParse({ trackingUri: 'https://admin:hunter2@mlflow.example.com' }).success).toBe(false);
      expect(mlflowSettingsSchema.safeParse({ trackingUri: 'http://m', aliasByState: { LIVE: 'x' } }).success).toBe(false);
      expect(mlflowSettingsSchema.safeParse({ trackingUri: 'http://m', pageSize: 5000 }).success).toBe(false);
    });
  });

  describe('mlflowSecretSchema', () => {
    it('should accept a token, basic credentials or null, and nothing else', () => {
      expect(mlflowSecretSchema.parse({ token: 't' })).toEqual({ token: 't' });
      expect(mlflowSecretSchema.parse({ username: 'u', password: 'p' })).toEqual({ username: 'u', password: 'p' });
      expect(mlflowSecretSchema.parse(null)).toBeNull();
      expect(mlflowSecretSchema.safeParse({ username: 'u' }).success).toBe(false);
      expect(mlflowSecretSchema.safeParse({ token: 't', password: 'p' }).success).toBe(false);
      expect(mlflowSecretSchema.safeParse({}).success).toBe(false);
    });
  });
});

describe('MLflow helpers', () => {
  describe('nameEqualsFilter', () => {
    it('should single-quote a name, double-quote one holding an apostrophe, and give up on both quotes', () => {
      expect(nameEqualsFilter('churn-model')).toBe("name='churn-model'");
      expect(nameEqualsFilter("bob's model")).toBe('name="bob\'s model"');
      expect(nameEqualsFilter(`a'b"c`)).toBeNull();
    });
  });

  describe('parseVersionExternalId', () => {
    it('should split on the last slash, or on the model id when given', () => {
      expect(parseVersionExternalId('churn-model/3', null)).toEqual({ name: 'churn-model', version: '3' });
      expect(parseVersionExternalId('team/churn/12', 'team/churn')).toEqual({ name: 'team/churn', version: '12' });
      expect(() => parseVersionExternalId('churn-model', null)).toThrow(/not an MLflow model version id/);
    });
  });
});
