/**
 * DataRobot normalisers against the recorded R-client fixtures (tests/fixtures/datarobot, un-boxed from R's
 * jsonlite encoding to the wire shape) and against the reference's example records (source-apis.md §3.5–3.6).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  deploymentLinkOf,
  legacyModelIdOf,
  normaliseDeployment,
  normaliseEach,
  normaliseModelVersion,
  normaliseRegisteredModel,
  parseTimestamp,
} from '../../../connectors/datarobot/normalise.js';
import { renderDeployment, renderLeaderboardModel } from '../../../connectors/datarobot/simulator-records.js';
import { versionProject } from '../../../connectors/datarobot/unconfirmed.js';
import type { RawDeployment, RawLeaderboardModel, RawModelVersion, RawRegisteredModel } from '../../../connectors/datarobot/wire.js';
import { compileEnvironmentRule, environmentRuleSchema } from '../../../connectors/shared/environment.js';
import { generateEstate } from '../../../connectors/shared/simulator-kit.js';

const ctx = { uiBase: 'https://app.datarobot.com', classifyEnvironment: compileEnvironmentRule(undefined) };

/** R's jsonlite boxes every scalar in a one-element array and writes null as {}; this undoes both. */
function unbox(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length === 1 && (value[0] === null || typeof value[0] !== 'object')) return value[0];
    return value.map(unbox);
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return null;
    return Object.fromEntries(entries.map(([key, inner]) => [key, unbox(inner)]));
  }
  return value;
}

function fixture<T>(name: string): T {
  return unbox(JSON.parse(readFileSync(new URL(`../../fixtures/datarobot/${name}`, import.meta.url), 'utf8'))) as T;
}

const referenceModel: RawRegisteredModel = {
  id: '65f0c1e2a3b4c5d6e7f80911',
  name: 'Churn model',
  description: 'Customer churn classifier',
  createdAt: '2024-05-01T12:00:00.000000Z',
  modifiedAt: '2024-05-03T08:30:00.000000Z',
  createdBy: { id: '5c0a0000000000000000000a', name: 'Alice', email: 'alice@example.com' },
  modifiedBy: { id: '5c0a0000000000000000000b', name: 'Bob', email: 'bob@example.com' },
  target: { name: 'churned', type: 'Binary' },
  lastVersionNum: 3,
  isArchived: false,
  isGlobal: false,
};

const referenceVersion: RawModelVersion = {
  id: '65f0c1e2a3b4c5d6e7f80a22',
  name: 'v3 - LightGBM',
  registeredModelId: '65f0c1e2a3b4c5d6e7f80911',
  registeredModelVersion: 3,
  modelId: '5e0bfba7243e8e283f7947f0',
  buildStatus: 'complete',
  stage: 'Registered',
  target: { name: 'churned', type: 'Binary', predictionThreshold: 0.5 },
  tags: [{ name: 'owner', value: 'risk-team' }],
  createdAt: '2024-05-02T10:00:00.000000Z',
  userName: 'alice@example.com',
  isArchived: false,
};

describe('DataRobot normalise', () => {
  describe('normaliseRegisteredModel', () => {
    it('should map the reference registered model onto a model', () => {
      const model = normaliseRegisteredModel(referenceModel, ctx);
      expect(model).toEqual({
        externalId: '65f0c1e2a3b4c5d6e7f80911',
        name: 'Churn model',
        description: 'Customer churn classifier',
        owner: 'alice@example.com',
        tags: {},
        deepLink: 'https://app.datarobot.com/registry/registered-models/65f0c1e2a3b4c5d6e7f80911/info',
        createdAt: new Date('2024-05-01T12:00:00.000Z'),
        updatedAt: new Date('2024-05-03T08:30:00.000Z'),
        vendorAttributes: referenceModel,
      });
    });

    it('should tolerate a model without creator, description or timestamps', () => {
      const model = normaliseRegisteredModel({ id: 'abc', name: 'bare', description: '' }, ctx);
      expect(model).toMatchObject({ externalId: 'abc', name: 'bare', description: null, owner: null, createdAt: null, updatedAt: null });
    });

    it('should reject a model without a name', () => {
      expect(() => normaliseRegisteredModel({ id: 'abc' }, ctx)).toThrow('name is missing');
    });
  });

  describe('normaliseModelVersion', () => {
    it('should map the reference version (model package) onto a version', () => {
      const version = normaliseModelVersion(referenceVersion, 'ignored-parent', ctx);
      expect(version).toEqual({
        externalId: '65f0c1e2a3b4c5d6e7f80a22',
        modelExternalId: '65f0c1e2a3b4c5d6e7f80911',
        version: '3',
        versionNumber: 3,
        description: null,
        observedStage: 'NONE',
        observedStageRaw: 'Registered',
        status: 'READY',
        statusRaw: 'complete',
        createdBy: 'alice@example.com',
        artifactUri: null,
        lineage: { runId: '5e0bfba7243e8e283f7947f0', projectId: null },
        metrics: [],
        params: {},
        tags: { owner: 'risk-team' },
        deepLink: 'https://app.datarobot.com/registry/registered-models/65f0c1e2a3b4c5d6e7f80911/version/65f0c1e2a3b4c5d6e7f80a22/info',
        createdAt: new Date('2024-05-02T10:00:00.000Z'),
        updatedAt: null,
        vendorAttributes: referenceVersion,
      });
    });

    it.each([
      ['Staging', false, 'STAGING'],
      ['Production', false, 'PRODUCTION'],
      ['Archived', true, 'ARCHIVED'],
      ['Development', false, 'NONE'],
      [undefined, true, 'ARCHIVED'],
      [undefined, false, 'NONE'],
      ['Quarantined', false, 'UNKNOWN'],
    ] as const)('should map stage %s (archived %s) to %s', (stage, isArchived, expected) => {
      const version = normaliseModelVersion({ ...referenceVersion, stage, isArchived }, null, ctx);
      expect(version.observedStage).toBe(expected);
      expect(version.observedStageRaw).toBe(stage ?? null);
    });

    it('should take the parent from the listing when the version does not name it, and fall back to the name without a number', () => {
      const { registeredModelId: _omit, registeredModelVersion: _number, ...bare } = referenceVersion;
      const version = normaliseModelVersion(bare, 'parent-model', ctx);
      expect(version).toMatchObject({ modelExternalId: 'parent-model', version: 'v3 - LightGBM', versionNumber: null });
    });

    it("should take metrics from the recorded Leaderboard model and the project from the version's link", () => {
      const recorded = JSON.parse(readFileSync(new URL('../../fixtures/datarobot/getModel.json', import.meta.url), 'utf8')) as RawLeaderboardModel;
      const version = normaliseModelVersion(referenceVersion, null, ctx, recorded, { projectId: '5ab3dc9d5feaa75b2f95f053', projectName: 'train.csv.zip' });
      expect(version.lineage).toEqual({ runId: '5e0bfba7243e8e283f7947f0', projectId: '5ab3dc9d5feaa75b2f95f053', projectName: 'train.csv.zip' });
      expect(version.metrics.find((m) => m.name === 'AUC.validation')).toEqual({ name: 'AUC.validation', value: 0.99988, step: null, timestamp: null, kind: 'VALIDATION' });
      expect(version.metrics).toHaveLength(9);
      expect(version.vendorAttributes.leaderboardModel).toBe(recorded);
    });

    it("should take the framework from the recorded Leaderboard model's type, and leave it out without one", () => {
      const recorded = JSON.parse(readFileSync(new URL('../../fixtures/datarobot/getModel.json', import.meta.url), 'utf8')) as RawLeaderboardModel;
      expect(normaliseModelVersion(referenceVersion, null, ctx, recorded).framework).toBe('eXtreme Gradient Boosted Trees Classifier with Early Stopping');
      expect(normaliseModelVersion(referenceVersion, null, ctx).framework).toBeUndefined();
    });

    it('should read a version\'s own project from sourceMeta, else top-level fields, else none (unconfirmed members)', () => {
      expect(versionProject({ sourceMeta: { projectId: 'p1', projectName: 'train.csv' } })).toEqual({ projectId: 'p1', projectName: 'train.csv' });
      expect(versionProject({ sourceMeta: { scoringCode: {} }, projectId: 'p2' })).toEqual({ projectId: 'p2', projectName: null });
      expect(versionProject({ sourceMeta: null, projectId: '  ' })).toBeNull();
      expect(versionProject(referenceVersion)).toBeNull();
    });

    it('should render simulated Leaderboard models with the keys of the recorded getModel.json, in order', () => {
      const recorded = JSON.parse(readFileSync(new URL('../../fixtures/datarobot/getModel.json', import.meta.url), 'utf8')) as Record<string, unknown>;
      const estate = generateEstate({ seed: 3, models: 1, versionsPerModel: 1, deployments: 0 });
      const rendered = renderLeaderboardModel(estate.models[0], estate.models[0].versions[0]);
      expect(Object.keys(rendered)).toEqual(Object.keys(recorded));
      const recordedScores = Object.values(recorded.metrics as Record<string, object>)[0];
      for (const scores of Object.values(rendered.metrics as Record<string, object>)) expect(Object.keys(scores)).toEqual(Object.keys(recordedScores));
    });

    it('should read a creator object when userName is absent', () => {
      const { userName: _omit, ...rest } = referenceVersion;
      const version = normaliseModelVersion({ ...rest, createdBy: { id: 'u1', name: 'Carol' } }, null, ctx);
      expect(version.createdBy).toBe('Carol');
    });
  });

  describe('normaliseDeployment', () => {
    it('should map the recorded getDeployment response (older server: no status, no modelPackage)', () => {
      const raw = fixture<RawDeployment>('getDeployment.json');
      const deployment = normaliseDeployment(raw, ctx, '65f0c1e2a3b4c5d6e7f80a22');
      expect(deployment).toMatchObject({
        externalId: '5e1c013e30d66c0772e38d5e',
        name: 'foo',
        versionExternalId: '65f0c1e2a3b4c5d6e7f80a22',
        environment: 'PRODUCTION',
        environmentRaw: null,
        tags: {},
        // An older server sends no status: such deployments could not be deactivated, so it reads as ACTIVE.
        status: 'ACTIVE',
        statusRaw: null,
        metrics: [],
        servingProduction: true,
        endpointUrl: 'https://testalberrors.orm.datarobot.com/predApi/v1.0/deployments/5e1c013e30d66c0772e38d5e/predictions',
        trafficShare: null,
        deepLink: 'https://app.datarobot.com/deployments/5e1c013e30d66c0772e38d5e/overview',
        createdAt: null,
        updatedAt: null,
      });
      expect(legacyModelIdOf(raw)).toBe('5e0bfba7243e8e283f7947f0');
    });

    it('should keep health and lineage in vendorAttributes but drop rolling windows, usage counters and the datarobot-key', () => {
      const attributes = normaliseDeployment(fixture<RawDeployment>('getDeployment.json'), ctx).vendorAttributes;
      expect(attributes.serviceHealth).toEqual({ status: 'unknown' });
      expect(attributes.accuracyHealth).toEqual({ status: 'unavailable', message: 'Accuracy is unknown.' });
      expect(attributes.model).toMatchObject({ projectId: '5e0bf5b8033419156b6bb801', projectName: 'train.csv.zip' });
      expect(attributes.defaultPredictionServer).toEqual({ id: '5c9ba71a79bffe18c00c6fd6', url: 'https://testalberrors.orm.datarobot.com' });
      expect(attributes).not.toHaveProperty('predictionUsage');
      expect(JSON.stringify(attributes)).not.toContain('7d13ed21-f277-e6cc-7f39-dfea5adeb331');
    });

    it('should normalise every deployment of the recorded listDeployments page', () => {
      const page = fixture<{ data: RawDeployment[]; totalCount: number; next: unknown }>('listDeployments.json');
      const { records, errors } = normaliseEach(page.data, 'deployment', (raw) => normaliseDeployment(raw, ctx));
      expect(errors).toEqual([]);
      expect(page.next).toBeNull();
      expect(records.map((d) => d.externalId)).toEqual([
        '5e1bf4ec30d66c0754e38c2b', '5e1bf86a30d66c05a1e38d25', '5e1bf9120991ff079178286d', '5e1bf9840991ff0791782958',
        '5e1bf98eb26a0c07823a8aad', '5e1bfb8eb26a0c07823a8c5c', '5e1c013e30d66c0772e38d5e', '5e1c026e0991ff0791783b5f',
      ]);
      expect(records[0]).toMatchObject({ name: 'target Predictions', versionExternalId: null, servingProduction: true });
    });

    it('should link a newer deployment through modelPackage.id and read its status and environment', () => {
      const raw: RawDeployment = {
        ...fixture<RawDeployment>('getDeployment.json'),
        status: 'active',
        importance: 'LOW',
        modelPackage: { id: 'pkg-1', name: 'v3', registeredModelId: 'rm-1' },
        predictionEnvironment: { id: 'env-1', name: 'Production', platform: 'aws' },
        createdAt: '2024-06-01T00:00:00.000000Z',
      };
      expect(normaliseDeployment(raw, ctx, 'ignored')).toMatchObject({
        versionExternalId: 'pkg-1',
        status: 'ACTIVE',
        statusRaw: 'active',
        environment: 'PRODUCTION',
        environmentRaw: 'Production',
        servingProduction: true,
        createdAt: new Date('2024-06-01T00:00:00.000Z'),
      });
      expect(legacyModelIdOf(raw)).toBeNull();
      expect(normaliseDeployment({ ...raw, status: 'inactive' }, ctx)).toMatchObject({ environment: 'PRODUCTION', servingProduction: false });
      expect(normaliseDeployment({ ...raw, predictionEnvironment: { name: 'Staging' } }, ctx)).toMatchObject({ environment: 'STAGING', servingProduction: false });
    });

    it.each([
      ['a prediction environment named like a development one', { predictionEnvironment: { name: 'Azure dev cluster' } }, 'DEVELOPMENT', 'Azure dev cluster'],
      ['a prediction environment whose name says nothing: an active deployment counts as production', { predictionEnvironment: { name: 'eks-eu-west-1' } }, 'PRODUCTION', 'eks-eu-west-1'],
      ['an environment tag, which wins over the prediction environment', { tags: [{ name: 'environment', value: 'uat' }], predictionEnvironment: { name: 'Production' } }, 'STAGING', 'uat'],
    ] as const)('should classify %s', (_case, extra, environment, environmentRaw) => {
      const raw: RawDeployment = { id: 'd1', label: 'churn scoring', status: 'active', ...extra };
      expect(normaliseDeployment(raw, ctx)).toMatchObject({ environment, environmentRaw, servingProduction: environment === 'PRODUCTION' });
    });

    it("should place a deployment by its label with the source's name patterns", () => {
      const own = { ...ctx, classifyEnvironment: compileEnvironmentRule(environmentRuleSchema.parse({ namePatterns: [{ pattern: '\\bshadow\\b', environment: 'STAGING' }] })) };
      expect(normaliseDeployment({ id: 'd1', label: 'Churn shadow', status: 'active' }, own)).toMatchObject({ environment: 'STAGING', servingProduction: false });
    });
  });

  describe('deploymentLinkOf', () => {
    it('should expose the package, registered model, activity and replacement capability', () => {
      const raw: RawDeployment = { id: 'd1', status: 'active', modelPackage: { id: 'pkg-1', registeredModelId: 'rm-1' }, capabilities: { supportsModelReplacement: false } };
      expect(deploymentLinkOf(raw, ctx.classifyEnvironment)).toEqual({ deploymentId: 'd1', versionId: 'pkg-1', registeredModelId: 'rm-1', active: true, servingProduction: true, supportsReplacement: false });
      expect(deploymentLinkOf({ ...raw, tags: [{ name: 'env', value: 'staging' }] }, ctx.classifyEnvironment)).toMatchObject({ active: true, servingProduction: false });
      expect(deploymentLinkOf({ label: 'no id' }, ctx.classifyEnvironment)).toBeNull();
    });
  });

  describe('normaliseEach', () => {
    it('should report broken records with their id and reason and keep the rest of the page', () => {
      const page: RawRegisteredModel[] = [referenceModel, { id: 'bad-time', name: 'x', createdAt: 'yesterday' }, { name: 'no id' }];
      const { records, errors } = normaliseEach(page, 'model', (raw) => normaliseRegisteredModel(raw, ctx));
      expect(records.map((m) => m.externalId)).toEqual(['65f0c1e2a3b4c5d6e7f80911']);
      expect(errors).toEqual([
        { kind: 'model', externalId: 'bad-time', reason: 'createdAt is not an ISO-8601 timestamp ("yesterday")' },
        { kind: 'model', externalId: '(model #3 of its page, no id)', reason: 'id is missing' },
      ]);
    });
  });

  describe('parseTimestamp', () => {
    it('should read DataRobot microsecond timestamps as UTC', () => {
      expect(parseTimestamp('2020-01-14T15:06:08.123456Z', 'at')?.toISOString()).toBe('2020-01-14T15:06:08.123Z');
      expect(parseTimestamp(null, 'at')).toBeNull();
      expect(() => parseTimestamp(42, 'at')).toThrow('at is not a timestamp string');
    });
  });

  describe('renderDeployment (simulator)', () => {
    it('should render every field path of the recorded deployment, with the same nesting', () => {
      const paths = (value: unknown, prefix = ''): string[] =>
        value && typeof value === 'object' && !Array.isArray(value)
          ? Object.entries(value).flatMap(([key, inner]) => [`${prefix}${key}`, ...paths(inner, `${prefix}${key}.`)])
          : [];
      const estate = generateEstate({ seed: 1, models: 2, versionsPerModel: 2, deployments: 2 });
      const deployment = estate.deployments[0];
      const model = estate.models.find((m) => m.name === deployment.modelName);
      const rendered = renderDeployment(deployment, model, model?.versions.find((v) => v.number === deployment.versionNumber));
      const renderedPaths = new Set(paths(rendered));
      const missing = paths(fixture('getDeployment.json')).filter((path) => !renderedPaths.has(path));
      expect(missing).toEqual([]);
    });
  });
});
