/**
 * The hub in an enterprise supergraph: its SDL as a router reads it (`_service { sdl }`) composed, by Apollo's own
 * composition, with another Relay-style subgraph that declares the same Relay types (Node, PageInfo) and connections
 * of its own.
 */
import { composeServices } from '@apollo/composition';
import { graphql, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildHubSchema } from '../../../src/graphql/build-schema.js';
import type { HubServices } from '../../../src/graphql/services.js';

/** A second team's subgraph, written the way Relay and federation documentation write one. */
const ORDERS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  interface Node {
    id: ID!
  }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Order implements Node @key(fields: "id") {
    id: ID!
    reference: String!
  }

  type OrderEdge {
    cursor: String!
    node: Order!
  }

  type OrderConnection {
    edges: [OrderEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type Query {
    orders(first: Int, after: String): OrderConnection!
  }
`;

async function hubSdl(): Promise<string> {
  // The SDL is built without touching services: none of them is called to answer `_service`.
  const schema = await buildHubSchema({} as HubServices);
  const result = await graphql({ schema, source: '{ _service { sdl } }' });
  expect(result.errors).toBeUndefined();
  return (result.data as { _service: { sdl: string } })._service.sdl;
}

describe('buildHubSchema', () => {
  describe('composition into a supergraph', () => {
    it('should compose with another Relay subgraph that has its own Node, PageInfo and connections', async () => {
      const composed = composeServices([
        { name: 'hub', url: 'http://hub.example/graphql', typeDefs: parse(await hubSdl()) },
        { name: 'orders', url: 'http://orders.example/graphql', typeDefs: parse(ORDERS_SDL) },
      ]);

      expect(composed.errors?.map((e) => `${e.extensions?.code}: ${e.message}`)).toBeUndefined();
      const supergraph = composed.supergraphSdl!;
      for (const entity of ['Model', 'ModelVersion', 'Deployment', 'Source', 'Finding']) {
        expect(supergraph).toMatch(new RegExp(`type ${entity} implements Node\\s+@join__implements\\(graph: HUB, interface: "Node"\\)\\s+@join__type\\(graph: HUB, key: "id"\\)`));
      }
      expect(supergraph).toMatch(/type Order implements Node\s+@join__implements\(graph: ORDERS, interface: "Node"\)\s+@join__type\(graph: ORDERS, key: "id"\)/);
      expect(supergraph).toMatch(/type PageInfo\s+@join__type\(graph: HUB\)\s+@join__type\(graph: ORDERS\)/);
      // What clients of the router see: both subgraphs' connections on one Query type.
      const api = composed.schema!.toAPISchema().toGraphQLJSSchema();
      const query = api.getQueryType()!.getFields();
      expect(String(query.models.type)).toBe('ModelConnection!');
      expect(String(query.orders.type)).toBe('OrderConnection!');
      expect(String(query.node.type)).toBe('Node');
    });
  });
});
