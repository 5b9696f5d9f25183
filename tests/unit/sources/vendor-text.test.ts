import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../../connectors/contract.js';
import { vendorModule } from '../../../connectors/registry/index.js';
import { vendorTextGuard } from '../../../src/sources/guarded-connector.js';
import { capVendorText, createSecretScrubber, MAX_VENDOR_TEXT, REDACTED, VendorTextGuard } from '../../../src/sources/vendor-text.js';

const TOKEN = 'tok/en+with=odd chars"\\';

describe('createSecretScrubber', () => {
  const scrub = createSecretScrubber({ secrets: [{ nested: { token: TOKEN } }], headerValues: [], patterns: [] });

  it.each([
    ['as is', TOKEN],
    ['URL-encoded', encodeURIComponent(TOKEN)],
    ['URL-encoded with lower-case hex', encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ['form-encoded', new URLSearchParams({ v: TOKEN }).toString().slice(2)],
    ['JSON-escaped', JSON.stringify(TOKEN).slice(1, -1)],
    ['base64', Buffer.from(TOKEN).toString('base64')],
  ])('should replace a secret leaf quoted %s', (_form, quoted) => {
    expect(scrub(`401: header was "${quoted}" here`)).toBe(`401: header was "${REDACTED}" here`);
  });

  it('should replace the exact header values a connector sends, and their credential part', () => {
    const basic = vendorModule('mlflow').credentialHeaders({ username: 'ml-user', password: 'hunter22' }).authorization;
    const headerScrub = createSecretScrubber({ secrets: [], headerValues: [basic], patterns: [] });
    expect(basic).toMatch(/^Basic /);
    expect(headerScrub(`got Authorization: ${basic}`)).toBe(`got Authorization: ${REDACTED}`);
    expect(headerScrub(`got ${basic.slice('Basic '.length)}`)).toBe(`got ${REDACTED}`);
  });

  it('should replace SigV4 signatures, access key ids and security tokens whatever the secret', () => {
    const guard = vendorTextGuard(vendorModule('sagemaker'), null, null);
    const signature = 'a'.repeat(64);
    const text = `Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=${signature}\nx-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLE+/=`;
    const scrubbed = guard.text(text);
    expect(scrubbed).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(scrubbed).not.toContain(signature);
    expect(scrubbed).not.toContain('IQoJb3JpZ2luX2VjEXAMPLE');
    expect(scrubbed).toContain('SignedHeaders=host');
  });

  it('should leave values too short to tell from ordinary words', () => {
    const short = createSecretScrubber({ secrets: [{ username: 'bob', password: 'long-enough' }], headerValues: [], patterns: [] });
    expect(short('bob sent long-enough')).toBe(`bob sent ${REDACTED}`);
  });
});

describe('capVendorText', () => {
  it('should cut a long text with a marker saying how much was cut, once', () => {
    const capped = capVendorText('x'.repeat(MAX_VENDOR_TEXT + 500));
    expect(capped).toBe(`${'x'.repeat(MAX_VENDOR_TEXT)}… [500 more characters cut]`);
    expect(capVendorText(capped)).toBe(capped);
    expect(capVendorText('short')).toBe('short');
  });

  it('should not split a surrogate pair', () => {
    const capped = capVendorText(`${'x'.repeat(9)}😀tail`, 10);
    expect(capped.startsWith('x'.repeat(9) + '…')).toBe(true);
  });
});

describe('VendorTextGuard', () => {
  const guard = new VendorTextGuard(createSecretScrubber({ secrets: [{ token: TOKEN }], headerValues: [], patterns: [] }));

  it('should clean an error in place, its stack and its causes, and keep its class', () => {
    const vendorError = Object.assign(new Error(`refused ${TOKEN}`), { code: 'ECONNRESET', $response: { body: TOKEN } });
    const error = new AuthenticationError(`rejected ${TOKEN} ${'y'.repeat(5_000)}`, 'mlflow', 401, { cause: vendorError });
    expect(guard.error(error)).toBe(error);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(/^rejected \[REDACTED\] y+… \[\d+ more characters cut\]$/);
    expect(error.stack).not.toContain(TOKEN);
    expect(error.stack).toMatch(/\n\s+at /);
    const cause = error.cause as Error & { code?: string };
    expect(cause.message).toBe(`refused ${REDACTED}`);
    expect(cause.code).toBe('ECONNRESET');
    expect(JSON.stringify(cause)).not.toContain(TOKEN);
    expect(guard.error(error).message).toBe(error.message);
  });

  it('should clean every string and error of a log object', () => {
    const err = new Error(TOKEN);
    const cleaned = guard.value({ reason: `x ${TOKEN}`, nested: { list: [TOKEN] }, err, count: 3 }) as Record<string, unknown>;
    expect(JSON.stringify(cleaned)).not.toContain('tok/en');
    expect(cleaned.count).toBe(3);
    expect((cleaned.err as Error).message).toBe(REDACTED);
  });
});
