import type { RetryPolicy } from '../contract.js';
import { backoffDelay } from '../shared/backoff.js';
import { privateAddressRefusal } from '../shared/private-address.js';
import { AUTH_ERROR_NAMES } from './unconfirmed.js';

/** The SDK's classification of a failed attempt (smithy `RetryErrorInfo`), as much as this strategy reads. */
interface RetryErrorInfo {
  error?: unknown;
  errorType: 'TRANSIENT' | 'SERVER_ERROR' | 'THROTTLING' | 'CLIENT_ERROR';
}

class AttemptToken {
  constructor(
    private readonly retryCount: number,
    private readonly delayMs: number,
  ) {}
  getRetryCount(): number {
    return this.retryCount;
  }
  getRetryDelay(): number {
    return this.delayMs;
  }
}

/**
 * A smithy `RetryStrategyV2` driven by the hub's {@link RetryPolicy}, used instead of the SDK's standard mode:
 * - the standard mode backs off throttling from a 1 s base and ignores our policy, which makes tests slow and
 *   the hub's configured retry budget meaningless;
 * - it does not retry a 2xx whose body fails to parse (a truncated or garbled page), which the contract
 *   requires; the SDK surfaces that as a `SyntaxError` carrying `$metadata.httpStatusCode`.
 * It keeps the SDK's own error classification: `ThrottlingException` (which SageMaker sends as HTTP 400) is
 * `THROTTLING`, 5xx and socket errors are `TRANSIENT` / `SERVER_ERROR`.
 */
export class PolicyRetryStrategy {
  readonly mode = 'standard';

  constructor(private readonly policy: RetryPolicy) {}

  async acquireInitialRetryToken(_scope: string): Promise<AttemptToken> {
    return new AttemptToken(0, 0);
  }

  async refreshRetryTokenForRetry(token: AttemptToken, errorInfo: RetryErrorInfo): Promise<AttemptToken> {
    const attempt = token.getRetryCount() + 1;
    if (attempt >= this.policy.attempts || !isRetryable(errorInfo)) throw new Error('No retry token available');
    // Full jitter: spreads retries of many sources hitting one throttled account.
    return new AttemptToken(attempt, backoffDelay(attempt, { baseDelayMs: this.policy.baseDelayMs, maxDelayMs: this.policy.maxDelayMs, jitter: 'full' }));
  }

  recordSuccess(_token: AttemptToken): void {}

  async maxAttempts(): Promise<number> {
    return this.policy.attempts;
  }
}

function isRetryable(info: RetryErrorInfo): boolean {
  const error = info.error as { name?: string } | undefined;
  if (error?.name && AUTH_ERROR_NAMES.has(error.name)) return false;
  // The hub's address policy refused the connection: asking again resolves to the same refusal.
  if (privateAddressRefusal(info.error)) return false;
  if (info.errorType !== 'CLIENT_ERROR') return true;
  return isUnreadableSuccess(info.error);
}

/** A 2xx answer whose body could not be parsed: the SDK throws the parser's SyntaxError with `$metadata`. */
export function isUnreadableSuccess(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return error instanceof SyntaxError && status !== undefined && status >= 200 && status < 300;
}
