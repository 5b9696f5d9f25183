/** Per-operation tallies of the load bench: latencies, and answers split into server faults and caller-side errors. */

export interface OperationSummary {
  operation: string;
  count: number;
  /** Requests per second over the measured window. */
  throughput: number;
  p50: number;
  p99: number;
  /** HTTP 5xx, transport failures, or GraphQL errors the hub classified as its own fault. */
  serverErrors: number;
  /** GraphQL errors with a caller-side code (conflicts, validation, …). */
  clientErrors: number;
}

/** The value below which `share` (0..1) of the sorted samples fall (nearest rank). */
export function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1));
  return sorted[rank];
}

/** Collects every timed call of every operation; cheap enough for a minute of 20 clients (a number per call). */
export class LoadStats {
  private readonly latencies = new Map<string, number[]>();
  private readonly serverErrors = new Map<string, number>();
  private readonly clientErrors = new Map<string, number>();
  /** A few examples of server faults, for the report (never more than ten). */
  readonly serverErrorSamples: string[] = [];

  record(operation: string, ms: number): void {
    const list = this.latencies.get(operation) ?? [];
    list.push(ms);
    this.latencies.set(operation, list);
  }

  serverError(operation: string, detail: string): void {
    this.serverErrors.set(operation, (this.serverErrors.get(operation) ?? 0) + 1);
    if (this.serverErrorSamples.length < 10) this.serverErrorSamples.push(`${operation}: ${detail}`);
  }

  /** A few examples of caller-side errors, one per operation and code (never more than ten). */
  readonly clientErrorSamples: string[] = [];

  clientError(operation: string, detail: string): void {
    this.clientErrors.set(operation, (this.clientErrors.get(operation) ?? 0) + 1);
    const sample = `${operation}: ${detail}`;
    if (this.clientErrorSamples.length < 10 && !this.clientErrorSamples.some((seen) => seen.startsWith(sample.slice(0, sample.indexOf(' ', operation.length + 2))))) this.clientErrorSamples.push(sample);
  }

  /** Calls answered so far, over the given operations (for progress lines). */
  calls(operations: readonly string[]): number {
    return operations.reduce((n, op) => n + (this.latencies.get(op)?.length ?? 0), 0);
  }

  totalServerErrors(): number {
    return [...this.serverErrors.values()].reduce((a, b) => a + b, 0);
  }

  totalClientErrors(operations: readonly string[]): number {
    return operations.reduce((n, op) => n + (this.clientErrors.get(op) ?? 0), 0);
  }

  /** One summary per operation that was called, in name order; throughput over `windowSeconds`. */
  summarise(windowSeconds: number): OperationSummary[] {
    const names = new Set([...this.latencies.keys(), ...this.serverErrors.keys(), ...this.clientErrors.keys()]);
    return [...names].sort().map((operation) => {
      const sorted = [...(this.latencies.get(operation) ?? [])].sort((a, b) => a - b);
      return {
        operation,
        count: sorted.length,
        throughput: sorted.length / windowSeconds,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        serverErrors: this.serverErrors.get(operation) ?? 0,
        clientErrors: this.clientErrors.get(operation) ?? 0,
      };
    });
  }
}
