import { printSubgraphSchema } from '@apollo/subgraph';
import { buildHubSchema } from './build-schema.js';
import type { HubServices } from './services.js';

/**
 * The committed SDL (schema/schema.graphql): the federated subgraph as a supergraph sees it, with descriptions,
 * `@key` directives and the federation `@link`. Building it needs no services (resolvers are instantiated lazily).
 */
export async function printHubSchema(): Promise<string> {
  const schema = await buildHubSchema({} as HubServices);
  return `# Emitted by \`npm run schema:emit\` (scripts/emit-schema.ts). Do not edit: change the resolvers and re-emit.\n\n${printSubgraphSchema(schema).trim()}\n`;
}
