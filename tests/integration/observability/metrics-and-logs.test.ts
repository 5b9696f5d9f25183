/**
 * What an operator's Prometheus and log pipeline see: /metrics after a sync and some API traffic, the access log with
 * request ids, sync lines with source and run ids, and no credential anywhere in the logs.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusCommand } from '../../../src/main/commands/status.js';
import { startTestHub, type TestHub } from '../../helpers/hub.js';

const CREDENTIAL = 'observe-me-credential-7f3a';
const lines: Array<Record<string, unknown>> = [];
let raw = '';
const destination = new Writable({
  write(chunk, _encoding, done) {
    raw += chunk.toString();
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let test: TestHub;
let adminKey: string;
let sourceId: string;

beforeAll(async () => {
  test = await startTestHub({ http: true, env: { LOG_LEVEL: 'info' }, logDestination: destination });
  adminKey = test.env.HUB_BOOTSTRAP_ADMIN_KEY;
  const { source } = await test.addSimulatorSource('mlflow', { seed: 3, models: 6, versionsPerModel: 2, deployments: 3, productionShare: 1, credential: CREDENTIAL });
  sourceId = source.id;
  const result = await test.hub.services.sync.runJob({ sourceId, trigger: 'manual' });
  expect(result.status === 'ran' && result.run.status).toBe('SUCCEEDED');
});
afterAll(() => test.close());

async function graphql(query: string, operationName: string, requestId: string) {
  const response = await fetch(`${test.http!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}`, 'x-request-id': requestId },
    body: JSON.stringify({ query, operationName }),
  });
  return { status: response.status, requestId: response.headers.get('x-request-id'), body: (await response.json()) as { data?: unknown } };
}

describe('observability', () => {
  describe('/metrics', () => {
    it('should refuse anonymous scrapes unless METRICS_PUBLIC or METRICS_PORT is set', async () => {
      const response = await fetch(`${test.http!.url}/metrics`);
      expect(response.status).toBe(401);
    });

    it('should report syncs, records, vendor calls, GraphQL traffic, findings, approvals and queues', async () => {
      const answer = await graphql('query ObserveModels { models(first: 3) { totalCount } }', 'ObserveModels', 'req-observe-1');
      expect(answer.status).toBe(200);
      await graphql('query ObserveBroken { models(first: -1) { totalCount } }', 'ObserveBroken', 'req-observe-2');

      const response = await fetch(`${test.http!.url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toMatch(/hub_sync_runs_total\{source="mlflow-[0-9a-f]+",vendor="mlflow",status="SUCCEEDED"\} 1/);
      expect(text).toMatch(/hub_sync_records_total\{vendor="mlflow",outcome="created"\} [1-9]\d*/);
      expect(text).toMatch(/hub_vendor_calls_total\{vendor="mlflow",operation="[^"]+",status="200"\} [1-9]\d*/);
      expect(text).toMatch(/hub_sync_run_duration_seconds_count\{vendor="mlflow",status="SUCCEEDED"\} 1/);
      expect(text).toMatch(/hub_graphql_requests_total\{operation="ObserveModels",outcome="ok"\} 1/);
      expect(text).toMatch(/hub_graphql_requests_total\{operation="ObserveBroken",outcome="(ok|error)"\} 1/);
      expect(text).toMatch(/hub_graphql_request_duration_seconds_bucket\{le="[^"]+",operation="ObserveModels"\}/);
      expect(text).toMatch(/hub_open_findings\{kind="UNGOVERNED_PRODUCTION"\} [1-9]\d*/);
      expect(text).toMatch(/hub_pending_change_requests 0/);
      expect(text).toMatch(/hub_write_back_backlog 0/);
      expect(text).toMatch(/hub_process_resident_memory_bytes/);
    });
  });

  describe('GET requests', () => {
    it('should log and count the operation a GET names', async () => {
      const query = encodeURIComponent('query ObserveByGet { models(first: 1) { totalCount } }');
      const response = await fetch(`${test.http!.url}/graphql?query=${query}&operationName=ObserveByGet`, {
        headers: { authorization: `Bearer ${adminKey}`, 'x-request-id': 'req-observe-get' },
      });
      expect(response.status).toBe(200);

      expect(lines.find((l) => l.msg === 'graphql request' && l.requestId === 'req-observe-get')).toMatchObject({ operationName: 'ObserveByGet', status: 200 });
      const metrics = await (await fetch(`${test.http!.url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } })).text();
      expect(metrics).toMatch(/hub_graphql_requests_total\{operation="ObserveByGet",outcome="ok"\} 1/);
    });
  });

  describe('logs', () => {
    it('should write one access line per API request carrying its request id, and source and run ids on every sync line', async () => {
      const access = lines.filter((l) => l.msg === 'graphql request');
      expect(access.length).toBeGreaterThanOrEqual(2);
      expect(access.every((l) => typeof l.requestId === 'string' && (l.requestId as string).length > 0)).toBe(true);
      expect(access.find((l) => l.requestId === 'req-observe-1')).toMatchObject({ operationName: 'ObserveModels', status: 200, actor: expect.stringMatching(/^key:/) });

      const syncLines = lines.filter((l) => typeof l.msg === 'string' && (l.msg as string).startsWith('sync '));
      expect(syncLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['sync started', 'sync finished']));
      for (const line of syncLines) expect(line).toMatchObject({ sourceId, runId: expect.any(String) });
    });

    it('should never print the source credential or an API key', () => {
      expect(raw).not.toContain(CREDENTIAL);
      expect(raw).not.toContain(adminKey);
    });
  });

  describe('hub status', () => {
    it('should print the source with its last run, the queues and the governance backlog from the API', async () => {
      let out = '';
      const sink = new Writable({
        write(chunk, _encoding, done) {
          out += chunk.toString();
          done();
        },
      });
      const code = await statusCommand([], { env: { HUB_URL: test.http!.url, HUB_API_KEY: adminKey }, out: sink });
      expect(code).toBe(0);
      expect(out).toMatch(/mlflow-[0-9a-f]+\s+mlflow\s+SUCCEEDED/);
      expect(out).toMatch(/open findings: .*UNGOVERNED_PRODUCTION \d+/);
      expect(out).toContain('change requests waiting for approval: 0');
    });

    it('should exit non-zero with a clear message when the key is not accepted', async () => {
      let out = '';
      const sink = new Writable({
        write(chunk, _encoding, done) {
          out += chunk.toString();
          done();
        },
      });
      expect(await statusCommand([], { env: { HUB_URL: test.http!.url, HUB_API_KEY: 'mh_wrong_key' }, out: sink })).toBe(1);
      expect(out).toMatch(/hub status: /);
    });
  });
});
