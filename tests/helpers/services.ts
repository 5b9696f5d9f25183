/** Where the test suite finds its real services. CI and developers share these defaults (DEVELOPERS.md). */
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Every database any suite run creates carries this prefix. */
export const TEST_DB_PREFIX = 'hub_test_';

/**
 * Databases of one suite run carry `hub_test_<pid of the vitest main process>_`, so concurrent runs (several
 * developers' or agents' runs on one server) never drop each other's databases. Set by global-setup, inherited by workers.
 */
export function runPrefix(): string {
  const prefix = process.env.HUB_TEST_RUN_PREFIX;
  if (!prefix) throw new Error('HUB_TEST_RUN_PREFIX is not set: run the tests through vitest (tests/helpers/global-setup.ts sets it)');
  return prefix;
}

export function templateDatabase(): string {
  return `${runPrefix()}template`;
}

export function databaseUrl(name: string): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
