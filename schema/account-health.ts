import { builder } from './builder.js';
import type { AccountHealth } from '../src/app/health.js';
import { ErrorInterface } from './errors.js';

export const HealthStatusEnum = builder.enumType('AccountHealthStatus', {
  description: 'How an account is doing, as a portal would colour it.',
  values: {
    HEALTHY: { description: 'The probe succeeded and nothing is holding calls back.' },
    DEGRADED: { description: 'Answering, but rate-limited or its circuit is recovering.' },
    FAILING: { description: 'The probe failed: bad credentials, missing permission, or the vendor is down.' },
  } as const,
});

export const CircuitStateEnum = builder.enumType('CircuitState', {
  description: "The account's circuit breaker.",
  values: {
    CLOSED: { description: 'Calls flow normally.' },
    OPEN: { description: 'Calls are refused without reaching the vendor after repeated failures.' },
    HALF_OPEN: { description: 'One probe call is allowed through to test recovery.' },
  } as const,
});

export const AccountHealthRef = builder.objectRef<AccountHealth>('AccountHealth').implement({
  description: 'A live check of one account: a cheap authenticated read at the vendor.',
  fields: (t) => ({
    status: t.field({ type: HealthStatusEnum, description: 'The verdict.', resolve: (h) => h.status }),
    checkedAt: t.field({ type: 'DateTime', description: 'When the probe ran.', resolve: (h) => h.checkedAt }),
    latencyMs: t.int({ nullable: true, description: 'Round trip of the probe in milliseconds (null when no call was made).', resolve: (h) => h.latencyMs }),
    circuit: t.field({ type: CircuitStateEnum, description: "State of the account's circuit breaker.", resolve: (h) => h.circuit }),
    rateLimitedForSeconds: t.exposeInt('rateLimitedForSeconds', { description: "Seconds until the vendor's rate-limit window reopens; 0 when it is open." }),
    error: t.field({ type: ErrorInterface, nullable: true, description: 'Why the account is not healthy (usually a `VendorError`).', resolve: (h) => h.error }),
    unconfirmedWrites: t.int({
      nullable: true,
      description: 'Writes to this account Patchbay could not confirm, listed by `unconfirmedWrites`; null when its store could not be read. Not part of `status`, which is about the vendor.',
      resolve: (h) => h.unconfirmedWrites,
    }),
  }),
});
