/**
 * Headers for every page and asset of the console and GraphiQL. The Content-Security-Policy allows scripts and
 * styles from the hub itself only (no inline script, no third-party origin); the one other origin a page may talk to
 * is the IdP's token endpoint, for the console's SSO sign-in.
 */
export interface PagePolicy {
  /** Origins besides 'self' that fetch() may reach (the IdP's token endpoint). */
  connectOrigins?: readonly string[];
  /** GraphiQL's stylesheet embeds its fonts as data: URLs. */
  fontsFromData?: boolean;
}

export function contentSecurityPolicy(policy: PagePolicy = {}): string {
  const directives: Array<[string, string]> = [
    ['default-src', "'none'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['img-src', "'self' data:"],
    ['font-src', policy.fontsFromData ? "'self' data:" : "'self'"],
    ['connect-src', ["'self'", ...(policy.connectOrigins ?? [])].join(' ')],
    ['manifest-src', "'self'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

export function securityHeaders(policy: PagePolicy = {}): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(policy),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}
