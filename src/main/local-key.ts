import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeKey, type HubConfig } from '../config.js';

/**
 * On the embedded default (no DATABASE_URL) a newcomer should not need to invent a secret key before the hub can store
 * a source credential: the key is generated once into the data folder (mode 0600), next to the data it protects.
 * With PostgreSQL, HUB_SECRET_KEY must come from the environment (a secret manager); nothing is generated.
 */
export function withLocalSecretKey(config: Readonly<HubConfig>): Readonly<HubConfig> {
  if (config.secrets.key || config.database.kind !== 'pglite') return config;
  const path = join(config.dataDir, 'secret.key');
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      // 'wx': two first starts at once must not each write their own key; the second reads the first's.
      writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const encoded = readFileSync(path, 'utf8').trim();
  const key = decodeKey(encoded);
  if (!key) throw new Error(`${path} does not hold a valid 32-byte key; remove it only if no source secrets were stored with it`);
  return Object.freeze({ ...config, secrets: Object.freeze({ ...config.secrets, key }) });
}
