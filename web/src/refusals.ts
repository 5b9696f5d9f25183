/**
 * Every code the hub answers a refusal with, in words for the person who met it: what the rule is and what to do.
 * The server's own message is always shown beside it; this says why the rule exists.
 */
export const REFUSAL_EXPLANATIONS: Record<string, string> = {
  SELF_APPROVAL:
    'Segregation of duties: nobody may approve or reject a request they opened themselves, through any of their keys or sign-ins, whatever roles they hold. Another person has to decide.',
  DUPLICATE_APPROVER:
    'Segregation of duties: one person fills at most one approval slot of a request, whichever key or sign-in they use, so two approvals always come from two people.',
  OWNER_CANNOT_VALIDATE:
    'Independent validation: the model’s accountable owner (now, or when the request was opened), its owner at the vendor and the version’s creator cannot be its validator, whatever name they sign in with. Someone independent of the model has to validate it.',
  ROLE_REQUIRED:
    'Your roles do not include one this action needs (for example VALIDATOR or RISK_OFFICER for an approval slot; an administrator approves nothing). Ask an administrator for a key with that role.',
  FOUR_EYES_REQUIRED:
    'The controls are governed too: lowering a risk tier, moving an owner, loosening a policy or granting an approver or admin role needs a second person. Ask for it with the request named in the message; someone else approves it.',
  NO_CHANGE: 'The value asked for is already the current one; there is nothing to change.',
  NO_OPEN_SLOT: 'Every approval slot you could fill on this request is already filled; the remaining slots need a different role.',
  INVALID_TRANSITION: 'The lifecycle does not allow this move from the version’s current state (DEVELOPMENT → VALIDATION → APPROVED → PRODUCTION, or → RETIRED).',
  RISK_TIER_REQUIRED: 'The model has no risk tier yet. A risk officer must classify it before any of its versions can be approved or put into production.',
  NO_POLICY: 'No approval policy covers this move for the model’s risk tier. An administrator must define one.',
  REQUEST_ALREADY_OPEN: 'This version already has an open change request. Decide on it or cancel it before opening another.',
  REQUEST_NOT_PENDING: 'The request is already closed (applied, rejected, cancelled, expired or superseded); nothing can be decided on it any more.',
  REQUEST_EXPIRED: 'The request was not decided before its expiry date and has been closed. Open a new one if the change is still needed.',
  REQUEST_SUPERSEDED:
    'The version changed state or vanished from its vendor, or the model’s risk tier or owner changed, while the request was open, so the request no longer applies. Open a new one.',
  VERSION_DELETED: 'The version no longer exists at its vendor (it was tombstoned by a sync); its state cannot change.',
  NOT_REQUESTER: 'Only the person who opened a request, or an administrator, can cancel it.',
  FORBIDDEN: 'Your roles do not allow this action.',
  UNAUTHENTICATED: 'The hub did not accept your credential (unknown, revoked or expired). Sign in again.',
  NOT_FOUND: 'The hub has no such record (it may have been deleted, or the link is wrong).',
  BAD_USER_INPUT: 'Some values were not accepted; each problem is shown beside its field.',
  CONFLICT: 'Someone else changed this at the same time. Reload and try again.',
  SERVICE_UNAVAILABLE: 'A service the hub depends on (its database or queue) is unavailable right now. Try again in a moment.',
  QUERY_TOO_COMPLEX: 'The request asked for too much at once; ask for a smaller page.',
  NETWORK_ERROR: 'The browser could not reach the hub.',
};

export function explainRefusal(code: string): string | null {
  return REFUSAL_EXPLANATIONS[code] ?? null;
}
