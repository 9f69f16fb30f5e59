import { encodeGlobalId, innerId } from './ids.js';
import type { DatadogActionConnection } from './vendors/datadog/map.js';

/** Any vendor's connection, discriminated by `kind`. */
export type AnyConnection = DatadogActionConnection;

/** The GraphQL type of each connection kind. */
export const CONNECTION_TYPENAMES = {
  datadog: 'DatadogActionConnection',
} as const satisfies Record<AnyConnection['kind'], string>;

/** The inner part of a connection's global id: its account, then the vendor's own key. */
export function connectionInnerId(connection: AnyConnection): string {
  switch (connection.kind) {
    case 'datadog':
      return innerId(connection.account.key, connection.connectionId);
  }
}

export function connectionGlobalId(connection: AnyConnection): string {
  return encodeGlobalId(CONNECTION_TYPENAMES[connection.kind], connectionInnerId(connection));
}
