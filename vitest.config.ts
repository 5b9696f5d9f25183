import swc from 'unplugin-swc';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
/** The options `npm run build` compiles with (scripts/build.mjs): tests run what the build emits. */
const swcOptions = JSON.parse(readFileSync(new URL('./scripts/swc-options.json', import.meta.url), 'utf8'));

export default defineConfig({
  plugins: [swc.vite(swcOptions)],
  resolve: {
    // graphql 16 has no exports map: without this alias vite loads index.mjs for tests while
    // type-graphql and @apollo/subgraph load index.js ("Cannot use GraphQLSchema from another realm").
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    setupFiles: ['reflect-metadata', './tests/helpers/setup-env.ts'],
    globalSetup: ['./tests/helpers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
