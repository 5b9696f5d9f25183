/**
 * Connector errors cross a thread boundary as data and arrive as the class they left as: the job layer decides
 * retries by class (never retry an authentication failure; slow the vendor's queue on throttling).
 */
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConnectorError,
  MalformedResponseError,
  RateLimitError,
  VendorNotFoundError,
  connectorErrorFromData,
  connectorErrorToData,
} from '../../../connectors/contract.js';

/** Through a structured clone, as a worker thread's message carries it. */
function acrossThreads(error: ConnectorError): ConnectorError {
  return connectorErrorFromData(structuredClone(connectorErrorToData(error)));
}

describe('connector error codec', () => {
  it.each([
    new ConnectorError('vendor down', 'mlflow', 503, true),
    new AuthenticationError('token rejected', 'datarobot', 401),
    new RateLimitError('slow down', 'sagemaker', 400, 7_000),
    new MalformedResponseError('not JSON', 'domino', 200),
    new VendorNotFoundError('gone', 'mlflow'),
  ])('should rebuild a $name with its class, vendor, status and retry hints', (error) => {
    const rebuilt = acrossThreads(error);

    expect(rebuilt.constructor).toBe(error.constructor);
    expect(rebuilt).toBeInstanceOf(Error);
    expect({ name: rebuilt.name, message: rebuilt.message, vendor: rebuilt.vendor, status: rebuilt.status, retryable: rebuilt.retryable }).toEqual({
      name: error.name,
      message: error.message,
      vendor: error.vendor,
      status: error.status,
      retryable: error.retryable,
    });
    if (error instanceof RateLimitError) expect((rebuilt as RateLimitError).retryAfterMs).toBe(7_000);
  });

  it('should send a subclass declared elsewhere as its nearest registered class', () => {
    class GatewayThrottled extends RateLimitError {}
    const rebuilt = acrossThreads(new GatewayThrottled('gateway says wait', 'mlflow', 429, 3_000));

    expect(rebuilt).toBeInstanceOf(RateLimitError);
    expect((rebuilt as RateLimitError).retryAfterMs).toBe(3_000);
  });
});
