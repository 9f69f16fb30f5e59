import { builder } from '../builder.js';
import { NotFoundError } from '../../src/core/errors.js';
import { connectionInnerId } from '../../src/app/connections.js';
import { splitInnerId } from '../../src/core/ids.js';
import { isUuid } from '../../src/vendors/datadog/input.js';
import { loadOnce } from '../../src/app/loaders/index.js';
import type { DatadogActionConnection } from '../../src/vendors/datadog/map.js';
import { VendorConnectionInterface } from '../vendor-connection.js';
import { DatadogIntegrationUnion } from './integration.js';

export const DatadogActionConnectionRef = builder.objectRef<DatadogActionConnection>('DatadogActionConnection');

/** The key of a Datadog connection inside its global id: account, then Datadog's UUID. */
export function parseDatadogConnectionId(inner: string): { account: string; connectionId: string } | null {
  const parts = splitInnerId(inner, 2);
  // Datadog keys are UUIDs: anything else is not one of our ids (and costs no vendor call).
  return parts && isUuid(parts[1] as string) ? { account: parts[0] as string, connectionId: parts[1] as string } : null;
}

builder.node(DatadogActionConnectionRef, {
  description: 'A Datadog Action Connection: credentials Datadog workflows and apps use to call another service.',
  interfaces: [VendorConnectionInterface],
  isTypeOf: (value) => (value as { kind?: unknown }).kind === 'datadog',
  id: { resolve: (c) => connectionInnerId(c) },
  loadOne: async (inner, context) => {
    const key = parseDatadogConnectionId(inner);
    if (!key || !context.accounts.ofVendor(key.account, 'datadog')) return null;
    try {
      return await loadOnce(context.loaders.datadogConnection, key);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  },
  fields: (t) => ({
    connectionId: t.exposeString('connectionId', { description: "Datadog's UUID for the connection." }),
    tags: t.stringList({ description: 'Tags, each `key:value`.', resolve: (c) => [...c.tags] }),
    integration: t.field({ type: DatadogIntegrationUnion, description: 'What it connects to, with its non-secret credential fields.', resolve: (c) => c.integration }),
  }),
});
