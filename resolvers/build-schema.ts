import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { builder } from '../schema/builder.js';
import './index.js';

let built: GraphQLSchema | null = null;

/** The executable schema, built once per process on first use (never at import time). */
export function buildSchema(): GraphQLSchema {
  built ??= builder.toSchema({ sortSchema: false });
  return built;
}

/** The schema as printed into schema/schema.graphql: sorted, so diffs stay small. */
export function printableSchema(): GraphQLSchema {
  return lexicographicSortSchema(buildSchema());
}
