/** Where the test suite finds its real services. CI and developers share these defaults (DEVELOPERS.md). */
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Databases the suite creates carry this prefix, so teardown can find and drop every one of them. */
export const TEST_DB_PREFIX = 'hub_test_';
export const TEMPLATE_DB = `${TEST_DB_PREFIX}template`;

export function databaseUrl(name: string): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
