import { builder } from '../builder.js';
import { datadogRuntime } from '../../src/vendors/datadog/runtime.js';
import type { DatadogActionConnection } from '../../src/vendors/datadog/map.js';
import { connectionNode } from '../vendor-connection.js';
import { DatadogIntegrationUnion } from './integration.js';

export const DatadogActionConnectionRef = builder.objectRef<DatadogActionConnection>(datadogRuntime.ids.typename);

builder.node(DatadogActionConnectionRef, {
  description: 'A Datadog Action Connection: credentials Datadog workflows and apps use to call another service.',
  ...connectionNode(datadogRuntime),
  fields: (t) => ({
    connectionId: t.exposeString('connectionId', { description: "Datadog's UUID for the connection." }),
    tags: t.stringList({ description: 'Tags, each `key:value`.', resolve: (c) => [...c.tags] }),
    integration: t.field({ type: DatadogIntegrationUnion, description: 'What it connects to, with its non-secret credential fields.', resolve: (c) => c.integration }),
    createdByUserId: t.exposeString('createdByUserId', {
      nullable: true,
      description: "The UUID of the Datadog user who created it (Datadog's `relationships.created_by`); null when Datadog does not say (its answer to a create never does).",
    }),
    actingUserCanResolve: t.exposeBoolean('actingUserCanResolve', {
      nullable: true,
      description:
        "Datadog's `acting_user_can_resolve`: whether the user behind this account's application key may use the connection's credentials in workflows and apps; null when Datadog does not say.",
    }),
  }),
});
