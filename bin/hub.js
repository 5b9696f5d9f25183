#!/usr/bin/env node
// The `hub` command: runs the compiled CLI (npm install builds it; npm run build after changes, or `npm run hub -- <args>`).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await import('../dist/src/main/cli.js');
