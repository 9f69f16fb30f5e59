import { builder } from '../builder.js';
import type { ItemFailure } from '../../src/app/inventory.js';
import { ItemFailureType } from '../connection-page.js';
import { chronosphereRuntime } from '../../src/vendors/chronosphere/runtime.js';
import { CHRONOSPHERE_CONNECTION_TYPES, type ChronosphereConnectionType } from '../../src/vendors/chronosphere/catalogue.js';
import type { ChronosphereExternalConnection } from '../../src/vendors/chronosphere/map.js';
import { connectionNode } from '../vendor-connection.js';
import { ChronosphereConnectionTargetUnion } from './target.js';

export const ChronosphereExternalConnectionRef = builder.objectRef<ChronosphereExternalConnection>(chronosphereRuntime.ids.typename);

builder.node(ChronosphereExternalConnectionRef, {
  description: 'A Chronosphere external connection (Config API v1): where notification policies send alerts, with its credentials.',
  ...connectionNode(chronosphereRuntime),
  fields: (t) => ({
    slug: t.exposeString('slug', { description: "Chronosphere's unique, immutable identifier for the connection." }),
    target: t.field({
      type: ChronosphereConnectionTargetUnion,
      description: 'What it connects to (its type block), with its non-secret settings and hints about its secrets.',
      resolve: (c) => c.target,
    }),
  }),
});

export const ChronosphereConnectionTypeEnum = builder.enumType('ChronosphereConnectionType', {
  description: 'A Chronosphere connection type, spelled as the list filter spells it (`VICTOROPS` for the `victor_ops` block).',
  values: Object.fromEntries(CHRONOSPHERE_CONNECTION_TYPES.map((type) => [type, { value: type, description: `Connections of type ${type}.` }])) as Record<
    ChronosphereConnectionType,
    { value: ChronosphereConnectionType; description: string }
  >,
});

export const ChronosphereExternalConnectionFilterInput = builder.inputType('ChronosphereExternalConnectionFilter', {
  description: 'Narrows the list at Chronosphere. Within one criterion any value matches; every criterion given must match.',
  fields: (t) => ({
    slugs: t.stringList({ description: 'Only these slugs.' }),
    names: t.stringList({ description: 'Only these exact names.' }),
    connectionTypes: t.field({ type: [ChronosphereConnectionTypeEnum], description: 'Only these types.' }),
  }),
});

/** One page of the Chronosphere list, with our opaque cursor around Chronosphere's page token. */
export interface ChronosphereConnectionPageShape {
  readonly nodes: readonly ChronosphereExternalConnection[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
  readonly itemFailures: readonly ItemFailure[];
}

export const ChronosphereExternalConnectionPageRef = builder.objectRef<ChronosphereConnectionPageShape>('ChronosphereExternalConnectionPage').implement({
  description: 'One page of external connections as Chronosphere returned it (it decides how many a page holds).',
  fields: (t) => ({
    nodes: t.field({ type: [ChronosphereExternalConnectionRef], description: 'The connections on this page.', resolve: (p) => [...p.nodes] }),
    endCursor: t.exposeString('endCursor', { nullable: true, description: 'Pass as `after` for the next page; null on the last page.' }),
    hasNextPage: t.exposeBoolean('hasNextPage', { description: 'Whether Chronosphere has another page.' }),
    itemFailures: t.field({
      type: [ItemFailureType],
      description: 'Connections on this page that Chronosphere sent in a shape its contract does not allow; they are missing from `nodes`, the rest of the page is there.',
      resolve: (p) => [...p.itemFailures],
    }),
  }),
});
