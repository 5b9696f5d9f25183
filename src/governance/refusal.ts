/**
 * Expected refusals as values (STYLE §6): a service answers "no" with `{ ok: false, refusal }` and its caller branches
 * on the code; the API maps it to an error with that code at its edge. Errors nobody branches on (bad input, unknown
 * ids) stay thrown.
 */

/** One refusal: the code a client can act on, the sentence for a person, and facts for the client. */
export interface Refusal<Code extends string = string> {
  code: Code;
  message: string;
  details?: Record<string, unknown>;
}

export type Refused<Code extends string> = { ok: false; refusal: Refusal<Code> };

/** A change request the service accepted, or why it refused. */
export type RequestResult<Request, Code extends string> = { ok: true; request: Request } | Refused<Code>;

/** Carries a refusal out of a transaction, so the transaction rolls back; `refusable` turns it into a value. */
class RefusalAbort extends Error {
  override name = 'RefusalAbort';
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** Leaves the current transaction (rolling it back) with a refusal. */
export function refuse(code: string, message: string, details?: Record<string, unknown>): never {
  throw new RefusalAbort(details ? { code, message, details } : { code, message });
}

/** Runs `work` (typically a transaction); a `refuse` inside it comes back as `{ ok: false, refusal }`. */
export async function refusable<T, Code extends string>(work: () => Promise<T>): Promise<T | Refused<Code>> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RefusalAbort) return { ok: false, refusal: error.refusal as Refusal<Code> };
    throw error;
  }
}
