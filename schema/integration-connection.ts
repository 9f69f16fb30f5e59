import { builder } from './builder.js';
import { CONNECTION_TYPENAMES, type AnyConnection } from '../src/app/connections.js';
import type { PatchbayError } from '../src/core/errors.js';
import { DatadogActionConnectionRef } from './datadog/action-connection.js';
import { ChronosphereExternalConnectionRef } from './chronosphere/external-connection.js';
import { CortexPagerDutyConfigurationRef } from './cortex/pagerduty-configuration.js';
import { MongoDbIntegrationRef } from './mongodb/integration.js';
import { OpsRampInstalledIntegrationRef } from './opsramp/installed-integration.js';
import { READ_ERRORS } from './errors.js';

/** The object types of every vendor's connections. */
const MEMBERS = [DatadogActionConnectionRef, ChronosphereExternalConnectionRef, CortexPagerDutyConfigurationRef, MongoDbIntegrationRef, OpsRampInstalledIntegrationRef] as const;

export const IntegrationConnectionUnion = builder.unionType('IntegrationConnection', {
  description: 'An integration connection kept by any vendor. Every member implements `VendorConnection`.',
  types: [...MEMBERS],
  resolveType: (connection: AnyConnection) => CONNECTION_TYPENAMES[connection.kind],
});

export const ConnectionResultUnion = builder.unionType('ConnectionResult', {
  description: 'A connection, or why it could not be read.',
  types: [...MEMBERS, ...READ_ERRORS],
  // Lets the errors plugin turn a returned or thrown typed error into its member (graphql-js
  // would otherwise treat a returned Error as a field failure).
  extensions: { pothosErrorTypes: [...READ_ERRORS] },
  // Errors arrive wrapped by the errors plugin (a proxy, so `instanceof` fails): use the name,
  // which is the GraphQL type's name for every PatchbayError.
  resolveType: (value: AnyConnection | PatchbayError) => ('kind' in value ? CONNECTION_TYPENAMES[value.kind] : value.name),
});
