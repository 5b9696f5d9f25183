import type { RequestResult } from '../../src/governance/refusal.js';
import { requestOrThrow } from '../../src/graphql/governance/refusals.js';

/** The request a governance service accepted; a refusal is thrown as the API's error (same code and message). */
export async function accepted<Request>(result: Promise<RequestResult<Request, string>>): Promise<Request> {
  return requestOrThrow(await result);
}
