import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import { GraphQLError, Kind, isObjectType, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../src/app/context.js';
import { decodeGlobalId, encodeGlobalId } from '../src/core/ids.js';

/** The builder's types: what every Pothos ref of the schema is parameterised with. */
export interface PatchbaySchemaTypes {
  Context: GatewayContext;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
}

/**
 * The one SchemaBuilder. It configures plugins and scalars and defines no types: those live in
 * schema/ (shapes) and resolvers/ (data). Errors come before relay so that typed errors thrown
 * while loading become results. Input is checked by each vendor's input builder (GraphQL already
 * guarantees types and `@oneOf`), so no validation plugin is used.
 */
export const builder = new SchemaBuilder<PatchbaySchemaTypes>({
  plugins: [ErrorsPlugin, RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID: (typename, id) => encodeGlobalId(typename, String(id)),
    decodeGlobalID: (globalId) => decodeGlobalId(globalId),
    nodeTypeOptions: { description: 'An object with a stable global id (Relay).' },
    idFieldOptions: { description: 'The global id: opaque, stable, and accepted by `node`, `nodes` and the mutations.' },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items come before this page.' },
    startCursorFieldOptions: { description: 'The cursor of the first item on this page.' },
    endCursorFieldOptions: { description: 'The cursor of the last item on this page; pass it as `after` for the next.' },
    pageInfoTypeOptions: { description: 'Where a page sits in a list (Relay).' },
    // Ids that are malformed or name a type that is not a node resolve to null, never an error.
    // The plugin's resolve callbacks load `args.id(s)` whatever they are passed, so unknown ids
    // are rewritten in place into a lookup that yields null (an account key that cannot exist).
    nodeQueryOptions: {
      description: 'Looks up any object by its global id; null when the id is unknown.',
      resolve: (_root, args, _context, info, resolveNode) => (isNodeType(info.schema, args.id.typename) ? resolveNode(args.id) : null),
    },
    nodesQueryOptions: {
      description: 'Looks up objects by global id, in the order given; null for each unknown id.',
      resolve: (_root, args, _context, info, resolveNodes) => {
        const ids = args.ids as { typename: string; id: string }[];
        ids.forEach((id, index) => {
          if (!isNodeType(info.schema, id.typename)) ids[index] = { typename: 'VendorAccount', id: '' };
        });
        return resolveNodes(ids);
      },
    },
  },
});

function isNodeType(schema: GraphQLSchema, typename: string): boolean {
  const type = schema.getType(typename);
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node');
}

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO 8601 string in UTC.',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw new GraphQLError('DateTime must be an ISO 8601 string');
    }
    return new Date(value);
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING || Number.isNaN(Date.parse(ast.value))) {
      throw new GraphQLError('DateTime must be an ISO 8601 string');
    }
    return new Date(ast.value);
  },
});
