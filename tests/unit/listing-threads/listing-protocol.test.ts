/**
 * Errors cross from a listing thread to the hub as typed data (WireError): the hub must decide on them exactly as on
 * the error the connector threw on its own thread (retry, give up, slow the vendor's queue, say what went wrong).
 */
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectorError, RateLimitError } from '../../../connectors/contract.js';
import { PrivateAddressError, privateAddressRefusal } from '../../../connectors/shared/private-address.js';
import { classifyFailure } from '../../../src/jobs/handlers.js';
import { fromWireError, toWireError } from '../../../src/listing-threads/listing-protocol.js';
import { describeError } from '../../../src/sync/sync.service.js';

/** Through a structured clone, as a worker thread's message carries it. */
function acrossThreads(error: unknown): Error {
  return fromWireError(structuredClone(toWireError(error)));
}

describe('listing protocol', () => {
  describe('fromWireError', () => {
    it.each([
      new AuthenticationError('token rejected', 'datarobot', 401),
      new RateLimitError('slow down', 'sagemaker', 400, 7_000),
      new ConnectorError('vendor down', 'mlflow', 503, true),
      new Error('something else'),
    ])('should classify a $name as it was classified before it crossed', (error) => {
      const crossed = acrossThreads(error);

      expect(classifyFailure(crossed)).toEqual(classifyFailure(error));
      expect(describeError(crossed)).toBe(describeError(error));
      expect(crossed.stack).toBe(error.stack);
    });

    it('should keep the cause chain with its codes', () => {
      const socket = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
      const unreachable = new ConnectorError('mlflow: search could not reach the server (ECONNREFUSED)', 'mlflow', null, true, { cause: new TypeError('fetch failed', { cause: socket }) });
      const refused = new ConnectorError('mlflow: search was not sent', 'mlflow', null, false, { cause: new PrivateAddressError('internal.example', '10.0.0.1') });

      const crossed = acrossThreads(unreachable);
      expect(crossed).toBeInstanceOf(ConnectorError);
      expect(crossed.cause).toBeInstanceOf(Error);
      expect(((crossed.cause as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
      expect(describeError(crossed)).toBe(describeError(unreachable));
      expect(privateAddressRefusal(acrossThreads(refused))?.message).toBe(privateAddressRefusal(refused)?.message);
    });

    it('should keep the name and message of an error that is not a connector error', () => {
      const crossed = acrossThreads(Object.assign(new Error('listing stopped'), { name: 'AbortError' }));

      expect(crossed).not.toBeInstanceOf(ConnectorError);
      expect({ name: crossed.name, message: crossed.message }).toEqual({ name: 'AbortError', message: 'listing stopped' });
    });
  });
});
