import { toGlobalId } from '../global-id.js';

/** The API type of change requests: its global ids are what `changeRequest(id:)` and `node(id:)` accept. */
export const CHANGE_REQUEST_TYPE = 'ChangeRequest';

/** How a change request is named outside the hub. */
export interface ChangeRequestReference {
  /** The API's id of the request. */
  ref: string;
  /** Its page in the hub's console; null without a public URL. */
  url: string | null;
}

/**
 * The change request as written to vendors (tags, descriptions): the API's global id, which people can look up, and a
 * link to its page in the console when the hub's public URL is known. The one place the link's format is kept.
 */
export function changeRequestReference(changeRequestId: string, publicUrl: string | null): ChangeRequestReference {
  const ref = toGlobalId(CHANGE_REQUEST_TYPE, changeRequestId);
  return { ref, url: publicUrl === null ? null : `${publicUrl}/change-requests/${ref}` };
}
