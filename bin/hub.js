#!/usr/bin/env node
// The `hub` command: runs the compiled CLI (npm run build first, or use `npm run hub -- <args>` in development).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await import('../dist/src/main/cli.js');
