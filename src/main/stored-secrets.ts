import type { AuditRecorder } from '../audit/audit-recorder.js';
import { SecretBox, reencryptWithCurrentKey, verifyStoredSecrets } from '../auth/secret-box.js';
import type { HubConfig } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';

/**
 * The secret box of the configured keys, once the stored source secrets are known to open with them: a start refuses
 * (clear error, nothing modified) when they cannot, and re-encrypts under the current key what is still under the
 * previous one (key rotation, audited).
 */
export async function openStoredSecrets(db: Db, keys: HubConfig['secrets'], audit: AuditRecorder, logger: Logger): Promise<SecretBox | null> {
  const secrets = keys.key ? new SecretBox(keys.key, keys.previousKey) : null;
  const report = await verifyStoredSecrets(db, secrets);
  if (report.unreadable.length > 0) {
    logger.warn({ sources: report.unreadable }, 'some source secrets cannot be opened with the configured keys; those sources will fail until their secret is set again');
  }
  if (secrets && report.underPreviousKey.length > 0) {
    const rotated = await reencryptWithCurrentKey(db, secrets, audit);
    logger.info({ sources: rotated }, 'source secrets re-encrypted under the current key');
  }
  return secrets;
}
