import { defineConfig } from 'drizzle-kit';

// drizzle-kit only generates SQL from the schema; it never needs a live database for `generate`.
// `DATABASE_URL` is read for `drizzle-kit studio`/`check` and must be set explicitly there.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/postgres' },
  strict: true,
});
