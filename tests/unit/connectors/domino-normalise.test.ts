import { describe, expect, it } from 'vitest';
import {
  describeDominoError,
  normaliseModelApi,
  normaliseRegisteredModel,
  normaliseRegisteredVersion,
  registryVersionKey,
} from '../../../connectors/domino/normalise.js';
import { readListEnvelope } from '../../../connectors/domino/unconfirmed.js';
import { offsetPages } from '../../../connectors/domino/paging.js';
import { dominoSecretSchema, dominoSettingsSchema } from '../../../connectors/domino/config.js';
import { compileEnvironmentRule } from '../../../connectors/shared/environment.js';

/**
 * Domino normalisers against payloads shaped like reference §4.4 (ModelApi, ModelApiVersion) and, for the registry
 * objects whose Domino JSON is `unconfirmed`, against the MLflow-like spellings the connector tolerates.
 */
const ctx = { host: 'https://domino.example.com', classifyEnvironment: compileEnvironmentRule(undefined) };

// Reference §4.4, verbatim in the documented fields.
const modelApiVersion = {
  id: '66a1b2c3d4e5f60718293a4b',
  modelApiId: '66a1b2c3d4e5f60718293a40',
  number: 3,
  description: 'retrained on May data',
  projectId: '65f0aa11bb22cc33dd44ee55',
  commitId: '9f1c2e3',
  environmentRevisionId: '65f0aa11bb22cc33dd44ee99',
  dataPlaneId: '000000000000000000000000',
  labels: [],
  logHttpRequestResponse: false,
  monitoringEnabled: true,
  recordInvocation: false,
  predictionDatasetResourceId: null,
  bundleId: null,
  source: { type: 'Registry', registeredModelName: 'churn-model', registeredModelVersion: 3 },
  metadata: { created: 1714636800000, createdBy: 'alice' },
  deployment: { status: 'Running' },
};
const modelApi = {
  id: '66a1b2c3d4e5f60718293a40',
  name: 'churn-endpoint',
  description: '...',
  projectId: '65f0aa11bb22cc33dd44ee55',
  isArchived: false,
  isAsync: false,
  status: 'Running',
  url: 'https://domino.example.com/models/66a1b2c3d4e5f60718293a40/latest/model',
  activeVersion: { id: '66a1b2c3d4e5f60718293a4b', number: 3 },
  createdAt: '2024-05-02T10:00:00Z',
};

describe('Domino normalise', () => {
  describe('normaliseModelApi', () => {
    it('should link a running Model API to the registered version its active version was built from', () => {
      const result = normaliseModelApi(modelApi, modelApiVersion, ctx);
      expect(result).toEqual({
        ok: true,
        record: {
          externalId: '66a1b2c3d4e5f60718293a40',
          versionExternalId: 'churn-model/3',
          name: 'churn-endpoint',
          environment: 'PRODUCTION',
          environmentRaw: null,
          tags: {},
          status: 'ACTIVE',
          statusRaw: 'Running',
          metrics: [],
          servingProduction: true,
          endpointUrl: 'https://domino.example.com/models/66a1b2c3d4e5f60718293a40/latest/model',
          trafficShare: null,
          deepLink: 'https://domino.example.com/models/66a1b2c3d4e5f60718293a40/overview',
          createdAt: new Date('2024-05-02T10:00:00Z'),
          updatedAt: new Date(1714636800000),
          vendorAttributes: { modelApi, activeVersion: modelApiVersion },
        },
      });
    });

    it('should report an archived Model API as archived and not serving, whatever its last status', () => {
      const result = normaliseModelApi({ ...modelApi, isArchived: true }, modelApiVersion, ctx);
      expect(result.ok && result.record).toMatchObject({ status: 'INACTIVE', statusRaw: 'Archived', servingProduction: false, versionExternalId: 'churn-model/3' });
    });

    it('should not claim production for a Model API that is not Running', () => {
      const result = normaliseModelApi({ ...modelApi, status: 'Failed' }, modelApiVersion, ctx);
      expect(result.ok && result.record).toMatchObject({ status: 'FAILED', statusRaw: 'Failed', servingProduction: false });
    });

    it("should place a running Model API by its tags or its active version's labels", () => {
      const labelled = normaliseModelApi(modelApi, { ...modelApiVersion, labels: ['team=risk', 'environment=staging', 'canary'] }, ctx);
      expect(labelled.ok && labelled.record).toMatchObject({ tags: { team: 'risk', environment: 'staging', canary: '' }, environment: 'STAGING', environmentRaw: 'staging', servingProduction: false });
      const tagged = normaliseModelApi({ ...modelApi, tags: [{ key: 'env', value: 'dev' }] }, modelApiVersion, ctx);
      expect(tagged.ok && tagged.record).toMatchObject({ environment: 'DEVELOPMENT', servingProduction: false });
    });

    it('should leave the version link empty when the active version was built from project files', () => {
      const fromProject = { ...modelApiVersion, source: { type: 'Project', file: 'model.py', function: 'predict' } };
      const result = normaliseModelApi(modelApi, fromProject, ctx);
      expect(result.ok && result.record.versionExternalId).toBeNull();
    });

    it('should fall back to the version deployment status when the Model API carries none', () => {
      const { status: _status, ...withoutStatus } = modelApi;
      const result = normaliseModelApi(withoutStatus, modelApiVersion, ctx);
      expect(result.ok && result.record).toMatchObject({ status: 'ACTIVE', statusRaw: 'Running', servingProduction: true });
    });

    it('should return an error naming the Model API when it has no id', () => {
      const { id: _id, ...withoutId } = modelApi;
      expect(normaliseModelApi(withoutId, null, ctx)).toEqual({
        ok: false,
        error: { kind: 'deployment', externalId: '(Model API churn-endpoint)', reason: 'the Model API has no id' },
      });
    });
  });

  describe('registryVersionKey', () => {
    it('should accept the source type in any case and a string version number', () => {
      expect(registryVersionKey({ source: { type: 'REGISTRY', registeredModelName: 'fraud', registeredModelVersion: '12' } })).toBe('fraud/12');
    });
  });

  describe('normaliseRegisteredModel', () => {
    it('should map a registered model with Domino-style owner, project and tag map', () => {
      const raw = {
        name: 'churn-model',
        description: 'churn for retail',
        ownerUsername: 'alice',
        project: { id: '65f0aa11bb22cc33dd44ee55', name: 'retail', ownerUsername: 'alice' },
        tags: { team: 'growth' },
        discoverable: true,
        createdAt: '2024-05-01T08:00:00Z',
        updatedAt: '2024-05-03T09:30:00Z',
      };
      expect(normaliseRegisteredModel(raw, ctx)).toEqual({
        ok: true,
        record: {
          externalId: 'churn-model',
          name: 'churn-model',
          description: 'churn for retail',
          owner: 'alice',
          tags: { team: 'growth' },
          deepLink: 'https://domino.example.com/registered-models/churn-model',
          createdAt: new Date('2024-05-01T08:00:00Z'),
          updatedAt: new Date('2024-05-03T09:30:00Z'),
          vendorAttributes: raw,
        },
      });
    });

    it('should read MLflow spellings: epoch-millisecond timestamps and key/value tag lists', () => {
      const raw = { name: 'fraud', creation_timestamp: 1714636800000, last_updated_timestamp: 1714723200000, tags: [{ key: 'tier', value: 'gold' }, { key: 'pii' }] };
      const result = normaliseRegisteredModel(raw, ctx);
      expect(result.ok && result.record).toMatchObject({
        owner: null,
        description: null,
        tags: { tier: 'gold', pii: '' },
        createdAt: new Date(1714636800000),
        updatedAt: new Date(1714723200000),
      });
    });

    it('should return an error instead of a record when the model has no name', () => {
      expect(normaliseRegisteredModel({ description: 'x' }, ctx)).toEqual({
        ok: false,
        error: { kind: 'model', externalId: '(registered model without a name)', reason: 'the registered model has no name' },
      });
    });
  });

  describe('normaliseRegisteredVersion', () => {
    const raw = {
      modelName: 'churn-model',
      modelVersion: 3,
      description: 'xgboost',
      stage: 'Staging',
      status: 'READY',
      ownerUsername: 'bob',
      experimentRunId: 'a1b2c3',
      experimentId: '7',
      project: { id: '65f0aa11bb22cc33dd44ee55' },
      artifactUri: 'mlflow-artifacts:/7/a1b2c3/artifacts/model',
      tags: { team: 'risk' },
      createdAt: '2024-05-02T10:00:00Z',
      updatedAt: '2024-05-02T11:00:00Z',
    };

    it('should key the version by model name and number and keep its stage, creator and lineage', () => {
      expect(normaliseRegisteredVersion(raw, 'churn-model', ctx)).toEqual({
        ok: true,
        record: {
          externalId: 'churn-model/3',
          modelExternalId: 'churn-model',
          version: '3',
          versionNumber: 3,
          description: 'xgboost',
          observedStage: 'STAGING',
          observedStageRaw: 'Staging',
          status: 'READY',
          statusRaw: 'READY',
          createdBy: 'bob',
          artifactUri: 'mlflow-artifacts:/7/a1b2c3/artifacts/model',
          lineage: { runId: 'a1b2c3', projectId: '65f0aa11bb22cc33dd44ee55', commitId: null },
          metrics: [],
          params: {},
          tags: { team: 'risk' },
          deepLink: 'https://domino.example.com/registered-models/churn-model/versions/3',
          createdAt: new Date('2024-05-02T10:00:00Z'),
          updatedAt: new Date('2024-05-02T11:00:00Z'),
          vendorAttributes: raw,
        },
      });
    });

    it('should map MLflow stage names case-insensitively, absent stages to NONE and others to UNKNOWN', () => {
      const stage = (value: unknown) => {
        const result = normaliseRegisteredVersion({ ...raw, stage: value }, 'churn-model', ctx);
        return result.ok ? [result.record.observedStage, result.record.observedStageRaw] : null;
      };
      expect(stage('PRODUCTION')).toEqual(['PRODUCTION', 'PRODUCTION']);
      expect(stage('archived')).toEqual(['ARCHIVED', 'archived']);
      expect(stage(undefined)).toEqual(['NONE', null]);
      expect(stage('Champion')).toEqual(['UNKNOWN', 'Champion']);
    });

    it('should accept MLflow spellings (version string, run_id, current_stage, metrics map)', () => {
      const result = normaliseRegisteredVersion({ version: '12', run_id: 'r9', current_stage: 'Production', experiment_id: '4', metrics: { auc: 0.91, note: 'x' } }, 'fraud', ctx);
      expect(result.ok && result.record).toMatchObject({
        externalId: 'fraud/12',
        versionNumber: 12,
        observedStage: 'PRODUCTION',
        lineage: { runId: 'r9', projectId: '4', commitId: null },
        metrics: [{ name: 'auc', value: 0.91, step: null, timestamp: null, kind: 'TRAINING' }],
      });
    });

    it('should return an error naming the model when the version has no number', () => {
      expect(normaliseRegisteredVersion({ description: 'no number' }, 'fraud', ctx)).toEqual({
        ok: false,
        error: { kind: 'version', externalId: 'fraud/?', reason: 'the registered model version has no version number' },
      });
    });
  });

  describe('describeDominoError', () => {
    it('should join the messages of the failure envelope and name the request', () => {
      expect(describeDominoError(401, JSON.stringify({ requestId: 'r-1', errors: ['Unauthorized', 'token expired'] }))).toBe('Unauthorized; token expired (request r-1)');
    });

    it('should return an empty string for a body that is not the envelope', () => {
      expect(describeDominoError(502, '<html>Bad gateway</html>')).toBe('');
    });
  });
});

describe('readListEnvelope', () => {
  it('should read items with pagination metadata as a paginated page', () => {
    expect(readListEnvelope({ items: [1, 2], metadata: { pagination: { offset: 0, limit: 2, totalCount: 5 } } })).toEqual({ items: [1, 2], totalCount: 5, paginated: true });
  });

  it('should read a bare array and a data envelope as unpaginated pages', () => {
    expect(readListEnvelope([1])).toEqual({ items: [1], totalCount: null, paginated: false });
    expect(readListEnvelope({ data: [1, 2] })).toEqual({ items: [1, 2], totalCount: null, paginated: false });
  });

  it('should reject a body that is no list', () => {
    expect(readListEnvelope({ requestId: 'x', errors: [] })).toBeNull();
    expect(readListEnvelope('items')).toBeNull();
  });
});

describe('offsetPages', () => {
  /** A server listing `items` at offset/limit with totalCount, whose contents the test can change between pages. */
  function server(items: string[], withTotal = true) {
    const calls: number[] = [];
    return {
      calls,
      fetch: async (offset: number, limit: number) => {
        calls.push(offset);
        return { items: items.slice(offset, offset + limit), totalCount: withTotal ? items.length : null, paginated: withTotal };
      },
    };
  }
  const options = { limit: 4, overlap: 2, pagedRoute: true, key: (item: unknown) => item as string };

  async function collect(pages: AsyncIterable<unknown[]>, between?: () => void): Promise<unknown[]> {
    const seen: unknown[] = [];
    for await (const page of pages) {
      seen.push(...page);
      between?.();
    }
    return seen;
  }

  it('should list every item exactly once across pages despite the overlap', async () => {
    const items = Array.from({ length: 11 }, (_, i) => `m${i}`);
    const { fetch, calls } = server(items);
    expect(await collect(offsetPages(fetch, options))).toEqual(items);
    expect(calls).toEqual([0, 2, 4, 6, 8]);
  });

  it('should not skip survivors when an item already listed is deleted between pages', async () => {
    const items = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const { fetch } = server(items);
    let deleted = false;
    const seen = await collect(offsetPages(fetch, options), () => {
      if (!deleted) items.splice(1, 1);
      deleted = true;
    });
    expect(seen).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
  });

  it('should stop on a page with nothing new when the server reports no total', async () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const { fetch, calls } = server(items, false);
    expect(await collect(offsetPages(fetch, options))).toEqual(items);
    expect(calls.length).toBeLessThanOrEqual(3);
  });

  it('should stop after one page of an unpaginated list on a route not known to page', async () => {
    const { fetch, calls } = server(['a', 'b', 'c', 'd', 'e'], false);
    expect(await collect(offsetPages(fetch, { ...options, pagedRoute: false }))).toEqual(['a', 'b', 'c', 'd']);
    expect(calls).toEqual([0]);
  });

  it('should fetch the next page only when the consumer asks for it', async () => {
    const { fetch, calls } = server(Array.from({ length: 20 }, (_, i) => `m${i}`));
    const iterator = offsetPages(fetch, options);
    await iterator.next();
    expect(calls).toEqual([0]);
    await iterator.return(undefined);
  });
});

describe('dominoSecretSchema', () => {
  describe('safeParse', () => {
    it('should accept exactly one of an API key or a bearer token', () => {
      expect(dominoSecretSchema.safeParse({ apiKey: 'k' }).success).toBe(true);
      expect(dominoSecretSchema.safeParse({ token: 't' }).success).toBe(true);
    });

    it('should reject no secret, an empty object and both credentials at once', () => {
      expect(dominoSecretSchema.safeParse(null).success).toBe(false);
      expect(dominoSecretSchema.safeParse({}).success).toBe(false);
      expect(dominoSecretSchema.safeParse({ apiKey: 'k', token: 't' }).success).toBe(false);
    });
  });
});

describe('dominoSettingsSchema', () => {
  describe('safeParse', () => {
    it('should accept an http(s) host and reject other schemes', () => {
      expect(dominoSettingsSchema.safeParse({ host: 'https://domino.example.com' }).success).toBe(true);
      expect(dominoSettingsSchema.safeParse({ host: 'ftp://domino.example.com' }).success).toBe(false);
      expect(dominoSettingsSchema.safeParse({}).success).toBe(false);
    });
  });
});
