import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Two pages: the console (index.html) and GraphiQL (graphiql.html, served for a browser's GET of /graphql). Each
 * loads only its own entry, so GraphiQL's editor never weighs on the console's first load.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  // Vite 8 compiles TSX with oxc; the automatic runtime needs no React plugin for a production build.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    target: 'es2022',
    // The polyfill is an inline-free module, but every browser the console supports has modulepreload.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      input: { console: here('index.html'), graphiql: here('graphiql.html') },
      // React is shared by both pages: one chunk with a name that says so, cached across them.
      output: { codeSplitting: { groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }] } },
      onwarn(warning, warn) {
        // GraphiQL's dependencies mark modules "use client" for React Server Components, which a browser bundle ignores.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run web:dev`: the console with hot reload in front of a hub on :4000.
    proxy: { '/graphql': 'http://127.0.0.1:4000', '/console-config.json': 'http://127.0.0.1:4000', '/reports': 'http://127.0.0.1:4000' },
  },
});
