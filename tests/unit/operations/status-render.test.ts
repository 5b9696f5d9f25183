import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../src/main/commands/status.js';

describe('renderStatus', () => {
  it('should show each source with its last and next run, queue depths and governance backlog on one screen', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const text = renderStatus(
      {
        sources: [
          { name: 'mlflow-prod', vendor: 'mlflow', enabled: true, lastRunStatus: 'SUCCEEDED', lastRunAt: '2026-11-27T11:55:00Z', lastSuccessAt: '2026-11-27T11:55:00Z', nextRunAt: '2026-11-27T12:10:00Z' },
          { name: 'sagemaker-eu', vendor: 'sagemaker', enabled: false, lastRunStatus: 'FAILED', lastRunAt: '2026-11-25T12:00:00Z', lastSuccessAt: null, nextRunAt: null },
        ],
        queues: [{ queue: 'sync-mlflow', waiting: 2, active: 1, delayed: 0, failed: 3 }],
        openFindings: [{ kind: 'UNGOVERNED_PRODUCTION', count: 4 }],
        pendingChangeRequests: 5,
        writeBackBacklog: 1,
      },
      now,
    );
    const lines = text.split('\n');
    expect(lines.find((l) => l.includes('mlflow-prod'))).toMatch(/SUCCEEDED\s+5m ago\s+5m ago\s+in 10m/);
    expect(lines.find((l) => l.includes('sagemaker-eu'))).toMatch(/disabled\s+2d ago\s+—\s+—/);
    expect(lines.find((l) => l.includes('sync-mlflow'))).toMatch(/sync-mlflow\s+2\s+1\s+0\s+3/);
    expect(text).toContain('open findings: UNGOVERNED_PRODUCTION 4');
    expect(text).toContain('change requests waiting for approval: 5');
    expect(text).toContain('write-backs not yet delivered: 1');
  });
});
