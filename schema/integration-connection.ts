import { builder } from '../src/builder.js';
import { CONNECTION_TYPENAMES, type AnyConnection } from '../src/connections.js';
import { PatchbayError } from '../src/errors.js';
import { DatadogActionConnectionRef } from './datadog/action-connection.js';
import { READ_ERRORS } from './errors.js';

/** The object types of every vendor's connections. */
const MEMBERS = [DatadogActionConnectionRef] as const;

export const IntegrationConnectionUnion = builder.unionType('IntegrationConnection', {
  description: 'An integration connection kept by any vendor. Every member implements `VendorConnection`.',
  types: [...MEMBERS],
  resolveType: (connection: AnyConnection) => CONNECTION_TYPENAMES[connection.kind],
});

export const ConnectionResultUnion = builder.unionType('ConnectionResult', {
  description: 'A connection, or why it could not be read.',
  types: [...MEMBERS, ...READ_ERRORS],
  resolveType: (value: AnyConnection | PatchbayError) =>
    value instanceof PatchbayError ? value.constructor.name : CONNECTION_TYPENAMES[value.kind],
});
