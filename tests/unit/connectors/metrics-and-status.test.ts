import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { leaderboardMetrics } from '../../../connectors/datarobot/normalise.js';
import { buildStatusOf, deploymentStatusOf } from '../../../connectors/datarobot/unconfirmed.js';
import type { RawLeaderboardModel } from '../../../connectors/datarobot/wire.js';
import { modelApiStatus, versionStatus as dominoVersionStatus, normaliseRegisteredVersion } from '../../../connectors/domino/normalise.js';
import { versionMetrics, versionStatus as mlflowVersionStatus } from '../../../connectors/mlflow/normalise.js';
import { endpointStatus, packageStatus } from '../../../connectors/sagemaker/normalise.js';
import { metricKindFromName } from '../../../connectors/shared/metric-kind.js';
import { compileEnvironmentRule } from '../../../connectors/shared/environment.js';

/**
 * Typed metrics and normalised statuses, per vendor, pinned on the wire shapes the reference documents and the
 * recorded DataRobot Leaderboard model (tests/fixtures/datarobot/getModel.json).
 */

describe('metricKindFromName', () => {
  it('should read a held-out split from the first or last word of a key, and training otherwise', () => {
    for (const key of ['val_loss', 'validation_0-auc', 'val/acc', 'VAL_AUC', 'test_f1', 'eval.rmse', 'auc_test', 'holdout-auc', 'cv_score', 'loss val']) {
      expect(metricKindFromName(key), key).toBe('VALIDATION');
    }
    for (const key of ['auc', 'loss', 'training_score', 'training_accuracy_score', 'contest_score', 'latest_auc', 'value', 'testing_loss', '']) {
      expect(metricKindFromName(key), key).toBe('TRAINING');
    }
  });
});

describe('MLflow', () => {
  it('should keep each run metric with its step and time, kinds by name, in name order', () => {
    const run = {
      data: {
        metrics: [
          { key: 'val_auc', value: 0.88, timestamp: 1714540500000, step: 9 },
          { key: 'auc', value: 0.91, timestamp: 1714540500000, step: 0 },
          { key: 'loss', value: Number.NaN, timestamp: 1714540500000, step: 0 },
          { key: 'note', value: 'x' as unknown as number },
        ],
      },
    };
    expect(versionMetrics({ name: 'churn', version: '3' }, run)).toEqual([
      { name: 'auc', value: 0.91, step: 0, timestamp: new Date(1714540500000), kind: 'TRAINING' },
      { name: 'val_auc', value: 0.88, step: 9, timestamp: new Date(1714540500000), kind: 'VALIDATION' },
    ]);
  });

  it('should map the three registration statuses and keep anything else UNKNOWN', () => {
    expect(['READY', 'PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'DELETED', undefined].map(mlflowVersionStatus)).toEqual(['READY', 'PENDING', 'FAILED', 'UNKNOWN', 'UNKNOWN']);
  });
});

describe('SageMaker', () => {
  it('should map every ModelPackageStatus the service model lists', () => {
    expect(['Pending', 'InProgress', 'Completed', 'Failed', 'Deleting', 'Quarantined', undefined].map(packageStatus)).toEqual([
      'PENDING', 'PENDING', 'READY', 'FAILED', 'DELETING', 'UNKNOWN', 'UNKNOWN',
    ]);
  });

  it('should map every EndpointStatus the service model lists', () => {
    const statuses = ['OutOfService', 'Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'InService', 'Deleting', 'Failed', 'UpdateRollbackFailed', 'Paused'];
    expect(statuses.map(endpointStatus)).toEqual(['INACTIVE', 'PENDING', 'UPDATING', 'UPDATING', 'UPDATING', 'ACTIVE', 'DELETING', 'FAILED', 'FAILED', 'UNKNOWN']);
  });
});

describe('DataRobot', () => {
  const recorded = JSON.parse(readFileSync(new URL('../../fixtures/datarobot/getModel.json', import.meta.url), 'utf8')) as RawLeaderboardModel;

  it('should turn the recorded Leaderboard scores into validation metrics, one per scored partition', () => {
    const metrics = leaderboardMetrics(recorded);
    expect(metrics).toHaveLength(9);
    expect(metrics.every((m) => m.kind === 'VALIDATION' && m.step === null && m.timestamp === null)).toBe(true);
    expect(metrics.find((m) => m.name === 'AUC.validation')?.value).toBe(0.99988);
    expect(metrics.find((m) => m.name === 'LogLoss.validation')?.value).toBe(0.00574);
    // The recorded model has no holdout or cross-validation scores (null): none are invented.
    expect(metrics.some((m) => !m.name.endsWith('.validation'))).toBe(false);
  });

  it('should keep every partition that has a score, and nothing from a model without metrics', () => {
    const scored: RawLeaderboardModel = { metrics: { AUC: { validation: 0.9, crossValidation: 0.89, holdout: 0.87, backtesting: null, backtestingScores: [0.8] } } };
    expect(leaderboardMetrics(scored).map((m) => [m.name, m.value])).toEqual([
      ['AUC.crossValidation', 0.89],
      ['AUC.holdout', 0.87],
      ['AUC.validation', 0.9],
    ]);
    expect(leaderboardMetrics(null)).toEqual([]);
    expect(leaderboardMetrics({ metrics: [] as never })).toEqual([]);
  });

  it('should map build and deployment statuses, an absent deployment status reading as active', () => {
    expect(['complete', 'inProgress', 'failed', 'weird', null].map(buildStatusOf)).toEqual(['READY', 'PENDING', 'FAILED', 'UNKNOWN', 'UNKNOWN']);
    expect(['active', 'inactive', 'launching', 'replacingModel', 'errored', 'paused', null].map(deploymentStatusOf)).toEqual([
      'ACTIVE', 'INACTIVE', 'PENDING', 'UPDATING', 'FAILED', 'UNKNOWN', 'ACTIVE',
    ]);
  });
});

describe('Domino', () => {
  const ctx = { host: 'https://domino.example.com', classifyEnvironment: compileEnvironmentRule(undefined) };

  it('should map Model API and registered version statuses case-insensitively, keeping unknown words UNKNOWN', () => {
    expect(['Running', 'Failed', 'Stopped', 'Building', 'Exploding', null].map(modelApiStatus)).toEqual(['ACTIVE', 'FAILED', 'INACTIVE', 'PENDING', 'UNKNOWN', 'UNKNOWN']);
    expect(['READY', 'pending_registration', 'FAILED_REGISTRATION', 'Archived', null].map(dominoVersionStatus)).toEqual(['READY', 'PENDING', 'FAILED', 'UNKNOWN', 'UNKNOWN']);
  });

  it('should read MLflow-shaped metrics with step and time when a version carries them', () => {
    const result = normaliseRegisteredVersion(
      { modelVersion: 2, status: 'READY', metrics: [{ key: 'val_auc', value: 0.8, step: 3, timestamp: 1714540500000 }, { key: 'auc', value: 0.9 }] },
      'churn',
      ctx,
    );
    expect(result.ok && result.record.metrics).toEqual([
      { name: 'auc', value: 0.9, step: null, timestamp: null, kind: 'TRAINING' },
      { name: 'val_auc', value: 0.8, step: 3, timestamp: new Date(1714540500000), kind: 'VALIDATION' },
    ]);
    expect(result.ok && [result.record.status, result.record.statusRaw]).toEqual(['READY', 'READY']);
  });
});
