import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The hub's Prometheus metrics. One registry per process (not the global default), so tests can build several
 * hubs in one process without "metric already registered" errors. Components receive the object and only
 * increment; gauges that reflect database state are refreshed by collect callbacks at scrape time.
 */
export class HubMetrics {
  readonly registry = new Registry();

  readonly syncRuns = new Counter({ name: 'hub_sync_runs_total', help: 'Sync runs finished, by source and status.', labelNames: ['source', 'vendor', 'status'] as const, registers: [this.registry] });
  readonly syncDuration = new Histogram({
    name: 'hub_sync_run_duration_seconds',
    help: 'Wall time of finished sync runs.',
    labelNames: ['vendor', 'status'] as const,
    buckets: [0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  readonly syncRecords = new Counter({ name: 'hub_sync_records_total', help: 'Records processed by syncs, by outcome (created, updated, unchanged, deleted, failed).', labelNames: ['vendor', 'outcome'] as const, registers: [this.registry] });
  readonly vendorCalls = new Counter({ name: 'hub_vendor_calls_total', help: 'HTTP calls to vendor APIs, by vendor, operation and status code (or "error").', labelNames: ['vendor', 'operation', 'status'] as const, registers: [this.registry] });
  readonly vendorRetries = new Counter({ name: 'hub_vendor_call_retries_total', help: 'Vendor calls that were attempts after the first (retries).', labelNames: ['vendor'] as const, registers: [this.registry] });
  readonly jobLatency = new Histogram({
    name: 'hub_job_latency_seconds',
    help: 'Time from a job being queued to it finishing, per queue.',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [this.registry],
  });
  readonly graphqlRequests = new Counter({ name: 'hub_graphql_requests_total', help: 'GraphQL requests by operation name and outcome (ok, error).', labelNames: ['operation', 'outcome'] as const, registers: [this.registry] });
  readonly graphqlLatency = new Histogram({
    name: 'hub_graphql_request_duration_seconds',
    help: 'GraphQL request latency by operation name.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({ name: 'hub_queue_jobs', help: 'Jobs per queue and state (waiting, active, delayed, failed).', labelNames: ['queue', 'state'] as const, registers: [this.registry] });
  readonly openFindings = new Gauge({ name: 'hub_open_findings', help: 'Open governance findings by kind.', labelNames: ['kind'] as const, registers: [this.registry] });
  readonly pendingChangeRequests = new Gauge({ name: 'hub_pending_change_requests', help: 'Change requests waiting for approvals.', registers: [this.registry] });
  readonly writeBackBacklog = new Gauge({ name: 'hub_write_back_backlog', help: 'Write-backs not yet delivered (pending, in progress or waiting to retry).', registers: [this.registry] });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
  }

  /** Registers a callback that refreshes database-backed gauges before each scrape. */
  private refreshers: Array<() => Promise<void>> = [];
  onScrape(refresh: () => Promise<void>): void {
    this.refreshers.push(refresh);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    // A failing refresher (database down) must not take the whole scrape down: the rest still reports.
    await Promise.allSettled(this.refreshers.map((refresh) => refresh()));
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
