/**
 * The connect-time half of the private-address policy: the lookup sockets use when ALLOW_PRIVATE_SOURCE_URLS=false.
 * The resolver is a stand-in for DNS, so any answer (a rebound name included) can be given.
 */
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { PrivateAddressError, guardedLookup, privateAddressRefusal } from '../../../connectors/shared/private-address.js';

function resolverAnswering(answer: LookupAddress[] | Error) {
  return (_host: string, _options: object, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) =>
    answer instanceof Error ? callback(answer, []) : callback(null, answer);
}

function lookupWith(answer: LookupAddress[] | Error, options: { all?: boolean } = {}): Promise<{ error: Error | null; address: unknown; family?: number }> {
  return new Promise((resolve) => {
    guardedLookup(resolverAnswering(answer))('vendor.example.com', { all: options.all ?? false } as never, (error: Error | null, address: unknown, family?: number) => resolve({ error, address, family }));
  });
}

describe('guardedLookup', () => {
  it('should pass public addresses through, as one address or all of them', async () => {
    const answer = [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::1', family: 6 }];
    expect(await lookupWith(answer)).toEqual({ error: null, address: '93.184.216.34', family: 4 });
    expect(await lookupWith(answer, { all: true })).toEqual({ error: null, address: answer, family: undefined });
  });

  it('should refuse a name when any address it resolves to is private, loopback, link-local or IPv4-mapped loopback', async () => {
    for (const internal of ['10.1.2.3', '127.0.0.1', '169.254.169.254', '::1', '::ffff:127.0.0.1', 'fd00::1']) {
      const { error } = await lookupWith([{ address: '93.184.216.34', family: 4 }, { address: internal, family: internal.includes(':') ? 6 : 4 }]);
      expect(error).toBeInstanceOf(PrivateAddressError);
      expect(error!.message).toContain(`host vendor.example.com resolved to ${internal}`);
    }
  });

  it('should hand on a resolver failure unchanged', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND vendor.example.com'), { code: 'ENOTFOUND' });
    expect((await lookupWith(notFound)).error).toBe(notFound);
  });
});

describe('privateAddressRefusal', () => {
  it('should find the refusal under the causes an HTTP client wraps it in, and nothing in other failures', () => {
    const refusal = new PrivateAddressError('vendor.example.com', '10.0.0.5');
    const wrapped = new TypeError('fetch failed', { cause: new Error('connect failed', { cause: refusal }) });
    expect(privateAddressRefusal(wrapped)).toBe(refusal);
    expect(privateAddressRefusal(new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }))).toBeNull();
  });
});
