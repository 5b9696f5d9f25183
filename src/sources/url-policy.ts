import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPrivateAddress } from '../../connectors/shared/private-address.js';

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
 * The check runs when a source is saved and again each time a connector is built from it; the connectors check
 * the addresses they actually connect to as well (connectors/shared/private-address.ts), which closes DNS rebinding
 * (a name that resolves to a public address when checked and to an internal one when connected to).
 */
export interface UrlPolicy {
  allowPrivate: boolean;
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
