import type { HealthChangeRow } from '../src/core/store/history-store.js';
import { HealthStatusEnum } from './account-health.js';
import { builder } from './builder.js';
import { VendorAccountRef } from './vendor-account.js';
import { vendorTypes } from './vendor-types.js';

builder.subscriptionType({
  description:
    'Live events, served over Server-Sent Events (`Accept: text/event-stream`, POST or GET): each event as it is recorded, by whichever replica recorded it. A subscription starts from now (no replay: read `changes` for the past) and needs the `connections:read` scope; it carries only the events of accounts the caller may read.',
});

export const AccountHealthChangeStatusEnum = builder.enumType('AccountHealthChangeStatus', {
  description: 'What an account health transition reached.',
  values: {
    HEALTHY: { description: 'Healthy after a status Patchbay had not recorded before (a first look that finds an account healthy is not reported).' },
    FAILING: { description: 'Calls to the account fail: bad credentials, missing permission, or the vendor is down.' },
    RECOVERED: { description: 'Healthy again after failing.' },
  } as const,
});

/** Why an account was failing when the transition was recorded: the typed error's name and its safe message. */
interface HealthChangeError {
  readonly type: string;
  readonly message: string | null;
}

const AccountHealthChangeErrorRef = builder.objectRef<HealthChangeError>('AccountHealthChangeError').implement({
  description: 'Why an account was failing, as recorded with the transition (never a vendor body, header or credential).',
  fields: (t) => ({
    type: t.exposeString('type', { description: 'The error type, as the GraphQL error types name it (`VendorAuthError`, `VendorUnavailableError`, …).' }),
    message: t.exposeString('message', { nullable: true, description: 'What went wrong, safe to show; null when none was recorded.' }),
  }),
});

/** One recorded account health transition (HEALTHY → FAILING → RECOVERED), as `accountHealthChanges` delivers it. */
export const AccountHealthChangeRef = builder.objectRef<HealthChangeRow>('AccountHealthChange').implement({
  description: "A change in an account's health, recorded when a scan or a read found the account in another state than before.",
  fields: (t) => ({
    id: t.id({ description: "The event's id: the same in every subscription and in the webhook delivery of this event, so a receiver can de-duplicate.", resolve: (row) => row.eventId }),
    accountKey: t.exposeString('account', { description: "The account's key in the config file." }),
    account: t.field({
      type: VendorAccountRef,
      nullable: true,
      description: 'The account, while it is configured (null once it has been removed from the config).',
      resolve: (row, _, context) => context.accounts.get(row.account)?.ref ?? null,
    }),
    vendor: t.field({ type: vendorTypes().vendor, description: "The account's vendor.", resolve: (row) => row.vendor }),
    status: t.field({ type: AccountHealthChangeStatusEnum, description: 'The status the account moved to.', resolve: (row) => row.status }),
    previous: t.field({
      type: HealthStatusEnum,
      nullable: true,
      description: 'The status recorded before; null when there was none (a first look that found the account failing).',
      resolve: (row) => row.previous,
    }),
    error: t.field({
      type: AccountHealthChangeErrorRef,
      nullable: true,
      description: 'Why the account fails (FAILING only).',
      resolve: (row) => (row.errorType === null ? null : { type: row.errorType, message: row.errorMessage }),
    }),
    at: t.field({ type: 'DateTime', description: 'When the transition was recorded.', resolve: (row) => row.at }),
  }),
});
