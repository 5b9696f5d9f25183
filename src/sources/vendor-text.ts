/**
 * Vendor text (error bodies and messages, record-error reasons, a connector's log fields) is written by someone the
 * hub does not control: a vendor, or a gateway in front of it, may quote the request's credential headers, and may
 * send a page of any length. Every such text passes through a {@link VendorTextGuard} before the hub stores, logs or
 * returns it: the source's secret values are replaced first (in every form they may take on the wire), and the text
 * is capped after, so a cut never leaves half a secret behind.
 */

export const REDACTED = '[REDACTED]';

/** The longest vendor text the hub keeps (stored errors and log fields alike). */
export const MAX_VENDOR_TEXT = 2_000;

/**
 * Secret values shorter than this are not replaced: they would match ordinary words all over the text, and replacing
 * every "abc" would itself tell a reader what the secret is.
 */
const MIN_SCRUBBED_LENGTH = 4;

/** How deep log objects and secrets are walked (they are shallow; the bound only guards against cycles). */
const MAX_DEPTH = 8;

const CUT_MARKER = /… \[\d+ more characters cut\]$/;

/** The text, or its first `max` characters with a marker saying how much was cut. Applying it twice changes nothing. */
export function capVendorText(text: string, max: number = MAX_VENDOR_TEXT): string {
  if (text.length <= max) return text;
  if (CUT_MARKER.test(text) && text.replace(CUT_MARKER, '').length <= max) return text;
  // Never split a surrogate pair: half a character is not text.
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return `${text.slice(0, end)}… [${text.length - end} more characters cut]`;
}

/** What a source's credential looks like on the wire: its secret, the header values sent, vendor-specific patterns. */
export interface CredentialMaterial {
  /** The secret as stored and as used (any shape; every string leaf counts). */
  secrets: unknown[];
  /** The exact header values the connector sends (`Bearer …`, `Basic <base64>`, an API key). */
  headerValues: string[];
  /** Text that carries a credential whatever the secret is (each whole match is replaced), e.g. a SigV4 signature. */
  patterns: readonly RegExp[];
}

/** Replaces every form of the source's credential in a text. Pure; build one per connector. */
export function createSecretScrubber(material: CredentialMaterial): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of material.secrets) for (const leaf of stringLeaves(secret, 0)) encodings(leaf).forEach((form) => forms.add(form));
  for (const value of material.headerValues) {
    encodings(value).forEach((form) => forms.add(form));
    // `Basic <base64>` / `Bearer <token>`: the credential part alone, as a gateway may quote it.
    const credential = /^\S+ (\S+)$/.exec(value)?.[1];
    if (credential) encodings(credential).forEach((form) => forms.add(form));
  }
  const literal = [...forms].filter((form) => form.length >= MIN_SCRUBBED_LENGTH).sort((a, b) => b.length - a.length);
  const exact = literal.length > 0 ? new RegExp(literal.map(escapeRegExp).join('|'), 'g') : null;
  const patterns = material.patterns.map((pattern) => new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`));
  return (text) => {
    let scrubbed = exact ? text.replace(exact, REDACTED) : text;
    for (const pattern of patterns) scrubbed = scrubbed.replace(pattern, REDACTED);
    return scrubbed;
  };
}

/** The forms a credential takes in text: as is, URL-encoded (either hex case, or as a form value), JSON-escaped, base64. */
function encodings(value: string): string[] {
  const url = encodeURIComponent(value);
  return [
    value,
    url,
    url.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
    Buffer.from(value, 'utf8').toString('base64'),
  ];
}

function* stringLeaves(value: unknown, depth: number): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (value !== null && typeof value === 'object' && depth < MAX_DEPTH) {
    for (const item of Array.isArray(value) ? value : Object.values(value)) yield* stringLeaves(item, depth + 1);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Makes vendor text safe to keep: scrubbed of one source's credential, then capped. Errors are cleaned in place
 * (message, stack and causes), so their class, which the job layer decides retries by, is kept.
 */
export class VendorTextGuard {
  private readonly cleaned = new WeakSet<object>();

  constructor(private readonly scrub: (text: string) => string) {}

  text(text: string): string {
    return capVendorText(this.scrub(text));
  }

  error<T>(error: T): T {
    if (!(error instanceof Error) || this.cleaned.has(error)) return error;
    this.cleaned.add(error);
    const message = this.text(error.message);
    setOwn(error, 'message', message);
    // The stack repeats the message: rebuilt from the cleaned one, with the frames kept.
    setOwn(error, 'stack', `${error.name}: ${message}${this.frames(error.stack)}`);
    if (error.cause !== undefined) setOwn(error, 'cause', this.cause(error.cause, 0));
    return error;
  }

  /** A log object with every string and error in it cleaned (a copy; errors are cleaned in place). */
  value(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value instanceof Error) return this.error(value);
    if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((item) => this.value(item, depth + 1));
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.value(item, depth + 1)]));
  }

  /**
   * A cause (often the SDK's or fetch's own error, with the raw response attached) becomes a plain error with its
   * name, cleaned message and stack, and its `code` (a network code is how an outage is recognised).
   */
  private cause(cause: unknown, depth: number): unknown {
    if (!(cause instanceof Error)) return typeof cause === 'string' ? this.text(cause) : undefined;
    const copy = new Error(this.text(cause.message));
    copy.name = cause.name;
    copy.stack = `${cause.name}: ${copy.message}${this.frames(cause.stack)}`;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') Object.assign(copy, { code });
    if (cause.cause !== undefined && depth < 3) copy.cause = this.cause(cause.cause, depth + 1);
    this.cleaned.add(copy);
    return copy;
  }

  /** The stack's frames (`\n    at …`), without the header that repeats the message. */
  private frames(stack: string | undefined): string {
    const at = stack?.search(/\n\s+at /) ?? -1;
    return at >= 0 ? this.text(stack!.slice(at)) : '';
  }
}

/** Sets a property whatever its current definition (DOMException's message is a prototype getter). */
function setOwn(target: object, key: string, value: unknown): void {
  try {
    Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
  } catch {
    // A frozen error: nothing can be changed on it, and nothing the hub builds is frozen.
  }
}
