import { builder } from './builder.js';
import { pageInfoOf } from './page-info.js';
import type { ConnectionBase } from '../src/core/domain.js';
import type { AccountFailure, ItemFailure } from '../src/app/inventory.js';
import { ConnectedServiceEnum } from './enums.js';
import { vendorTypes } from './vendor-types.js';
import { ErrorInterface } from './errors.js';
import { VendorAccountRef } from './vendor-account.js';

export const ConnectionFilterInput = builder.inputType('ConnectionFilter', {
  description: 'Narrows a list of connections. Every given criterion must hold.',
  fields: (t) => ({
    vendors: t.field({ type: [vendorTypes().vendor], description: 'Only these vendors.' }),
    accounts: t.stringList({ description: 'Only these accounts (config keys).' }),
    services: t.field({ type: [ConnectedServiceEnum], description: 'Only connections to these services.' }),
    search: t.string({ description: 'Only names containing this text (case-insensitive).' }),
  }),
});

export const AccountFailureType = builder.objectRef<AccountFailure>('AccountFailure').implement({
  description: 'An account, or a part of one, whose connections could not be read in this request; the other accounts (and parts) still answered.',
  fields: (t) => ({
    account: t.field({ type: VendorAccountRef, description: 'The account.', resolve: (f) => f.account }),
    part: t.exposeString('part', {
      nullable: true,
      description: 'The part of the account that failed while the rest answered (e.g. `project 65f1a2b3c4d5e6f708192a3b` of a Cloud Manager account); null when the whole account failed.',
    }),
    error: t.field({ type: ErrorInterface, description: 'Why it failed: usually a `VendorError`.', resolve: (f) => f.error }),
  }),
});

export const ItemFailureType = builder.objectRef<ItemFailure>('ItemFailure').implement({
  description:
    "One connection an account listed that Patchbay could not read (the vendor sent it in a shape its contract does not allow); the account's other connections are on the page. The break is logged by field path, never by value.",
  fields: (t) => ({
    account: t.field({ type: VendorAccountRef, description: 'The account that listed it.', resolve: (f) => f.account }),
    part: t.exposeString('part', { nullable: true, description: 'The part of the account it belongs to (e.g. a Cloud Manager project); null for an account without parts.' }),
    vendorId: t.exposeString('vendorId', {
      nullable: true,
      description: "The vendor's own id of the connection (slug, id or type), when it could be read; null when even the id was unreadable — the item is still counted here.",
    }),
    error: t.field({ type: ErrorInterface, description: 'Always a `VendorContractError` naming the fields that broke the contract.', resolve: (f) => f.error }),
  }),
});

export interface ConnectionEdgeShape {
  readonly cursor: string;
  readonly node: ConnectionBase;
}

export interface ConnectionPageShape {
  readonly edges: readonly ConnectionEdgeShape[];
  readonly totalCount: number;
  readonly failures: readonly AccountFailure[];
  readonly itemFailures: readonly ItemFailure[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
}

const EdgeType = builder.objectRef<ConnectionEdgeShape>('IntegrationConnectionEdge').implement({
  description: 'A connection and its cursor.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Pass as `after` to continue after this item.' }),
    node: t.field({ type: vendorTypes().integrationConnection, description: 'The connection.', resolve: (e) => e.node }),
  }),
});

export const IntegrationConnectionPageRef = builder.objectRef<ConnectionPageShape>('IntegrationConnectionPage').implement({
  description: 'One page of connections across accounts, ordered by name then id, with the accounts that failed.',
  fields: (t) => ({
    edges: t.field({ type: [EdgeType], description: 'The items with their cursors.', resolve: (p) => [...p.edges] }),
    nodes: t.field({ type: [vendorTypes().integrationConnection], description: 'The items.', resolve: (p) => p.edges.map((e) => e.node) }),
    pageInfo: t.field({
      type: builder.pageInfoRef(),
      description: 'Where this page sits.',
      resolve: pageInfoOf,
    }),
    totalCount: t.exposeInt('totalCount', { description: 'How many items match the filter, across every account that answered.' }),
    failures: t.field({ type: [AccountFailureType], description: 'Accounts that could not be read; their items are missing from this page.', resolve: (p) => [...p.failures] }),
    itemFailures: t.field({
      type: [ItemFailureType],
      description: 'Single connections that accounts listed but Patchbay could not read; they are missing from the items, every other connection of their accounts is there. The same on every page.',
      resolve: (p) => [...p.itemFailures],
    }),
  }),
});
