import { lookup as systemLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { codeOf, findCause } from './error-causes.js';

/**
 * Private-address policy at connect time. A source's URL is checked when it is saved (src/sources/url-policy.ts),
 * but a host name can resolve to a public address then and to an internal one a second later (DNS rebinding): the
 * only check that holds is on the addresses a connection actually uses. Connectors built with
 * `blockPrivateAddresses` resolve host names through {@link guardedLookup}, which refuses a name that resolves to
 * any private, loopback, link-local (cloud metadata), carrier-grade NAT, multicast, reserved or unspecified address.
 * (A literal IP in a URL is never looked up, and the save-time check has already judged it.)
 */

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True for addresses a source may not point at when private addresses are not allowed. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const lower = address.toLowerCase();
  // IPv4-mapped (::ffff:a.b.c.d / ::ffff:7f00:1) and NAT64 (64:ff9b::/96) carry an IPv4 address to check.
  const embedded = embeddedIpv4(lower);
  if (embedded) return blocked.check(embedded, 'ipv4');
  return blocked.check(lower, 'ipv6');
}

function embeddedIpv4(address: string): string | null {
  const match = /^(?:::ffff:|64:ff9b::)(.+)$/.exec(address);
  if (!match) return null;
  const tail = match[1];
  if (isIP(tail) === 4) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail);
  if (!hex) return null;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}


/** A connection refused because its host name resolved to an address the hub's policy does not allow. */
export class PrivateAddressError extends Error {
  override name = 'PrivateAddressError';
  readonly code = 'EPRIVATEADDRESS';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`host ${host} resolved to ${address}, a private, loopback or link-local address, which this hub does not allow for sources (ALLOW_PRIVATE_SOURCE_URLS=false)`);
  }
}

type Resolve = (host: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * A `lookup` for sockets (net.connect, http.Agent, undici's connector) that resolves as usual and fails with
 * {@link PrivateAddressError} when any address the name resolves to is private: the socket then never connects.
 */
export function guardedLookup(resolve: Resolve = systemLookup): LookupFunction {
  return ((host: string, options: LookupOneOptions | LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    resolve(host, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', undefined);
      const refused = addresses.find((entry) => isPrivateAddress(entry.address));
      if (refused) return callback(new PrivateAddressError(host, refused.address), '', undefined);
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      callback(null, first.address, first.family);
    });
  }) as LookupFunction;
}

/** The PrivateAddressError behind a failed request (HTTP clients wrap socket errors in one or more causes), if any. */
export function privateAddressRefusal(error: unknown): PrivateAddressError | null {
  return (findCause(error, (link) => link instanceof PrivateAddressError || codeOf(link) === 'EPRIVATEADDRESS') as PrivateAddressError | undefined) ?? null;
}
