import type { PersonIdentityRow, PersonRow } from '../db/schema/index.js';
import type { ApiKeyRecord } from '../auth/api-key-record.js';

/** A person as readers see it (the stored person holds nothing secret). */
export type PersonRecord = PersonRow;

/** An SSO sign-in linked to a person. */
export type SsoIdentityRecord = Pick<PersonIdentityRow, 'issuer' | 'subject' | 'linkedBy' | 'createdAt' | 'disabledAt'> & {
  /** It signs in as its person (not disabled). */
  active: boolean;
};

/** A person's credentials: API keys (newest first) and SSO links. */
export interface PersonIdentities {
  apiKeys: ApiKeyRecord[];
  sso: SsoIdentityRecord[];
}

export function toSsoIdentityRecord(row: PersonIdentityRow): SsoIdentityRecord {
  return { issuer: row.issuer, subject: row.subject, linkedBy: row.linkedBy, createdAt: row.createdAt, disabledAt: row.disabledAt, active: row.disabledAt === null };
}
