import { builder } from '../builder.js';
import type { ItemFailure } from '../../src/app/inventory.js';
import type { DatadogAppKeyRegistration } from '../../src/vendors/datadog/map.js';
import { ItemFailureType } from '../connection-page.js';
import { VendorAccountRef } from '../vendor-account.js';

/** Datadog's registration `type` values, plus the explicit member for any value Patchbay does not know. */
export const DatadogAppKeyRegistrationTypeEnum = builder.enumType('DatadogAppKeyRegistrationType', {
  description: "Datadog's `type` of an app key registration.",
  values: {
    APP_KEY_REGISTRATION: { value: 'app_key_registration', description: '`app_key_registration`, the only type Datadog documents.' },
    UNKNOWN: { value: 'unknown', description: 'A type Datadog sent that this version of Patchbay does not know.' },
  } as const,
});

export const DatadogAppKeyRegistrationRef = builder.objectRef<DatadogAppKeyRegistration>('DatadogAppKeyRegistration').implement({
  description: 'A Datadog application key registered for Actions; connection calls need the caller’s key registered.',
  fields: (t) => ({
    appKeyId: t.exposeString('appKeyId', { description: 'The application key id (a UUID).' }),
    type: t.field({ type: DatadogAppKeyRegistrationTypeEnum, description: "Datadog's `type` of the registration.", resolve: (r) => r.type }),
    account: t.field({ type: VendorAccountRef, description: 'The account it was read through.', resolve: (r) => r.account }),
  }),
});

/** A page of registrations, numbered as Datadog numbers them. */
export interface AppKeyRegistrationPageShape {
  readonly nodes: readonly DatadogAppKeyRegistration[];
  readonly itemFailures: readonly ItemFailure[];
  readonly totalCount: number | null;
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

export const DatadogAppKeyRegistrationPageRef = builder.objectRef<AppKeyRegistrationPageShape>('DatadogAppKeyRegistrationPage').implement({
  description: 'One page of app key registrations.',
  fields: (t) => ({
    nodes: t.field({ type: [DatadogAppKeyRegistrationRef], description: 'The registrations on this page.', resolve: (p) => [...p.nodes] }),
    itemFailures: t.field({
      type: [ItemFailureType],
      description: 'Registrations Datadog sent on this page that Patchbay could not read (`vendorId` is the key id when readable); the others are in `nodes`.',
      resolve: (p) => [...p.itemFailures],
    }),
    totalCount: t.int({ nullable: true, description: 'How many registrations Datadog reports in all; null when it does not say.', resolve: (p) => p.totalCount }),
    endCursor: t.string({ nullable: true, description: 'Pass as `after` to get the next page.', resolve: (p) => p.endCursor }),
    hasNextPage: t.exposeBoolean('hasNextPage', { description: 'Whether another page follows.' }),
  }),
});
