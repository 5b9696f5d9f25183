/**
 * The one exponential backoff of the hub and its connectors: vendor HTTP retries, the SageMaker SDK's retry strategy,
 * DataRobot's job polling, the write-back outbox and the in-process job runner all compute their delays here.
 * Lives beside the connectors because they may not import `src/`, while `src/` may import this folder.
 */
export interface Backoff {
  /** Delay before the first retry, in ms; it doubles with each further retry. */
  baseDelayMs: number;
  /** Ceiling of one delay, in ms (Infinity: none). */
  maxDelayMs: number;
  /**
   * How the delay is spread so that many clients retrying at once do not retry in step:
   * - `none`: exactly the capped exponential delay;
   * - `full`: anywhere in [0, delay);
   * - `equal`: anywhere in [delay/2, delay], so a retry never comes much sooner than planned.
   */
  jitter: 'none' | 'full' | 'equal';
}

/** Doubling stops here: 2^30 times any base is past every ceiling, and the arithmetic stays finite. */
const MAX_EXPONENT = 30;

/** The delay in ms before retry number `retry` (1-based: the retry after the first failure is 1). */
export function backoffDelay(retry: number, backoff: Backoff, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, retry - 1), MAX_EXPONENT);
  const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** exponent);
  switch (backoff.jitter) {
    case 'none':
      return ceiling;
    case 'full':
      return Math.floor(random() * ceiling);
    case 'equal':
      return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }
}
