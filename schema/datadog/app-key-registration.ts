import { builder } from '../builder.js';
import type { DatadogAppKeyRegistration } from '../../src/vendors/datadog/map.js';
import { VendorAccountRef } from '../vendor-account.js';

export const DatadogAppKeyRegistrationRef = builder.objectRef<DatadogAppKeyRegistration>('DatadogAppKeyRegistration').implement({
  description: 'A Datadog application key registered for Actions; connection calls need the caller’s key registered.',
  fields: (t) => ({
    appKeyId: t.exposeString('appKeyId', { description: 'The application key id (a UUID).' }),
    account: t.field({ type: VendorAccountRef, description: 'The account it was read through.', resolve: (r) => r.account }),
  }),
});

/** A page of registrations, numbered as Datadog numbers them. */
export interface AppKeyRegistrationPageShape {
  readonly nodes: readonly DatadogAppKeyRegistration[];
  readonly totalCount: number | null;
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

export const DatadogAppKeyRegistrationPageRef = builder.objectRef<AppKeyRegistrationPageShape>('DatadogAppKeyRegistrationPage').implement({
  description: 'One page of app key registrations.',
  fields: (t) => ({
    nodes: t.field({ type: [DatadogAppKeyRegistrationRef], description: 'The registrations on this page.', resolve: (p) => [...p.nodes] }),
    totalCount: t.int({ nullable: true, description: 'How many registrations Datadog reports in all.', resolve: (p) => p.totalCount }),
    endCursor: t.string({ nullable: true, description: 'Pass as `after` to get the next page.', resolve: (p) => p.endCursor }),
    hasNextPage: t.exposeBoolean('hasNextPage', { description: 'Whether another page follows.' }),
  }),
});
