import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import '../../schema/index.js';
import '../../resolvers/index.js';
import { builder } from '../../schema/builder.js';
import { defineVendorTypes } from '../../schema/vendors.js';
import { VENDORS } from '../vendors/index.js';
import type { VendorModule } from '../vendors/module.js';

let built: { readonly vendors: readonly VendorModule[]; readonly schema: GraphQLSchema } | null = null;

/**
 * The executable schema of `vendors` (the registry by default), built once per process on first
 * use (never at import time): the types made of the vendors (`Vendor`, `IntegrationConnection`)
 * are defined first, then every field.
 */
export function buildSchema(vendors: readonly VendorModule[] = VENDORS): GraphQLSchema {
  if (built) {
    if (built.vendors !== vendors) throw new Error('the schema was already built for another vendor list');
    return built.schema;
  }
  defineVendorTypes(vendors);
  built = { vendors, schema: builder.toSchema({ sortSchema: false }) };
  return built.schema;
}

/** The schema as printed into schema/schema.graphql: sorted, so diffs stay small. */
export function printableSchema(): GraphQLSchema {
  return lexicographicSortSchema(buildSchema());
}
