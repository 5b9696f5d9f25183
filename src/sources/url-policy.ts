import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * The outbound URL policy for source settings that hold a URL (a vendor's API base).
 *
 * Always:
 * - only `http:` and `https:`;
 * - no user name or password in the URL (credentials belong in the encrypted secret, not in settings that are
 *   shown to every operator and written to the audit log).
 *
 * When `allowPrivate` is false (ALLOW_PRIVATE_SOURCE_URLS=false, for hubs where operators must not reach the hub's
 * own network through a source), the host must not be, or resolve to, a loopback, private, link-local (this
 * includes the cloud metadata service 169.254.169.254), carrier-grade NAT, multicast, reserved or unspecified
 * address, IPv4 or IPv6, including IPv4-mapped IPv6 forms. Host names are resolved and every address is checked.
 * The check runs when a source is saved and again each time a connector is built from it, which narrows (but, as
 * with any check before connect, does not close) the window for DNS rebinding.
 */
export interface UrlPolicy {
  allowPrivate: boolean;
}

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

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Checks one URL setting. Returns null when it is acceptable, or a sentence saying why not (never echoing
 * anything after the host, which could carry a token someone pasted by mistake).
 */
export async function checkSourceUrl(value: unknown, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<string | null> {
  if (typeof value !== 'string') return 'must be a URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol.replace(/:$/, '')} is not allowed: only http and https`;
  if (url.username || url.password) return 'must not contain a user name or password: put credentials in the secret';
  if (policy.allowPrivate) return null;

  // WHATWG URL parsing already turned decimal/hex/octal IPv4 spellings (http://2130706433/) into dotted form.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPrivateAddress(host) ? `${host} is a private, loopback or link-local address, which this hub does not allow for sources` : null;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback host, which this hub does not allow for sources`;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    return `host ${host} does not resolve`;
  }
  if (addresses.length === 0) return `host ${host} does not resolve`;
  const internal = addresses.find(isPrivateAddress);
  return internal ? `host ${host} resolves to ${internal}, a private, loopback or link-local address, which this hub does not allow for sources` : null;
}
