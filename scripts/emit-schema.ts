/** Writes schema/schema.graphql from the resolvers (`npm run schema:emit`); a test fails when it is stale. */
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printHubSchema } from '../src/graphql/print-schema.js';

const target = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
await writeFile(target, await printHubSchema());
console.log(`wrote ${target}`);
