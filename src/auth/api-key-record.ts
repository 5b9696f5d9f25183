import type { ApiKeyRow } from '../db/schema/index.js';
import type { Role } from './principal.js';

/** An API key as readers see it: everything but its hash, and whether it works now. */
export type ApiKeyRecord = Omit<ApiKeyRow, 'keyHash' | 'roles'> & {
  roles: Role[];
  /** Neither revoked nor expired. */
  active: boolean;
};

export function toApiKeyRecord(row: ApiKeyRow, now: number = Date.now()): ApiKeyRecord {
  const { keyHash: _hash, ...rest } = row;
  return { ...rest, roles: row.roles as Role[], active: row.revokedAt === null && (row.expiresAt === null || row.expiresAt.getTime() > now) };
}
