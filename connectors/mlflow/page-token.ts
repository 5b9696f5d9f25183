import { MalformedResponseError } from '../contract.js';

/**
 * The token of the page after one requested with `requested`, from the server's `next_page_token`: undefined once there
 * is no next page (MLflow sends an absent or empty token then).
 * NOTE: a server that hands back the token it was given would page forever; that answer is treated as broken.
 */
export function nextPageToken(answered: string | null | undefined, requested: string | undefined, where: { label: string; operation: string }): string | undefined {
  const next = answered || undefined;
  if (next !== undefined && next === requested) {
    throw new MalformedResponseError(`${where.label}: ${where.operation} returned the same page token twice`, 'mlflow', 200);
  }
  return next;
}
