import { encodeGlobalId, innerId } from '../core/ids.js';
import type { DatadogActionConnection } from '../vendors/datadog/map.js';
import type { ChronosphereExternalConnection } from '../vendors/chronosphere/map.js';
import type { CortexPagerDutyConfiguration } from '../vendors/cortex/map.js';
import type { MongoDbIntegration } from '../vendors/mongodb/map.js';
import type { OpsRampInstalledIntegration } from '../vendors/opsramp/map.js';

/** Any vendor's connection, discriminated by `kind`. */
export type AnyConnection = DatadogActionConnection | ChronosphereExternalConnection | CortexPagerDutyConfiguration | MongoDbIntegration | OpsRampInstalledIntegration;

/** The GraphQL type of each connection kind. */
export const CONNECTION_TYPENAMES = {
  datadog: 'DatadogActionConnection',
  chronosphere: 'ChronosphereExternalConnection',
  cortex: 'CortexPagerDutyConfiguration',
  mongodb: 'MongoDbIntegration',
  opsramp: 'OpsRampInstalledIntegration',
} as const satisfies Record<AnyConnection['kind'], string>;

/** The inner part of a connection's global id: its account, then the vendor's own key. */
export function connectionInnerId(connection: AnyConnection): string {
  switch (connection.kind) {
    case 'datadog':
      return innerId(connection.account.key, connection.connectionId);
    case 'chronosphere':
      return innerId(connection.account.key, connection.slug);
    case 'cortex':
      // One configuration per workspace: the account is its whole key.
      return innerId(connection.account.key);
    case 'mongodb':
      // One integration per type per project: group and type are the vendor's key.
      return innerId(connection.account.key, connection.groupId, connection.type);
    case 'opsramp':
      // Tenant + installed id: an id read through one tenant never resolves in another.
      return innerId(connection.account.key, connection.tenantId, connection.installedId);
  }
}

export function connectionGlobalId(connection: AnyConnection): string {
  return encodeGlobalId(CONNECTION_TYPENAMES[connection.kind], connectionInnerId(connection));
}
