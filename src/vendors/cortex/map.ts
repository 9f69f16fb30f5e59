import type { AccountRef, ConnectionBase, SecretHint } from '../../core/domain.js';
import type { ConfigValidationData, PagerDutyConfigurationData } from './wire.js';

/** The name Patchbay gives the configuration: Cortex gives it none, and there is one per workspace. */
export const CORTEX_PAGERDUTY_NAME = 'PagerDuty';

/**
 * A Cortex workspace's PagerDuty configuration. Cortex keeps exactly one per workspace, so the
 * account is its whole key. The PagerDuty token is write-only: Cortex returns its last four
 * characters only.
 */
export interface CortexPagerDutyConfiguration extends ConnectionBase {
  readonly kind: 'cortex';
  /** Whether the token is a read-only PagerDuty API key. */
  readonly isTokenReadonly: boolean;
  readonly token: SecretHint;
}

/** One entry of Cortex's validation answer. */
export interface CortexPagerDutyValidation {
  /** Cortex's generic validation shape names the configuration it checked; PagerDuty has one, so this is often null. */
  readonly alias: string | null;
  readonly isValid: boolean;
  readonly message: string | null;
}

/** The `SecretHint.field` of the configuration's one secret, the PagerDuty token. */
export const TOKEN_FIELD = 'token';

/**
 * Builds the token hint from Cortex's `lastFour`. Cortex has already chosen what to show; a value
 * longer than four characters (a contract breach) is cut to four, and a masked or absent one shows
 * nothing. The token is set either way: a configuration cannot be saved without one.
 */
export function tokenHint(lastFour: string | null | undefined): SecretHint {
  const tail = (lastFour ?? '').slice(-4);
  return { field: TOKEN_FIELD, isSet: true, lastFour: tail.length > 0 && !/[*•]/.test(tail) ? tail : null };
}

/** Maps Cortex's configuration to the domain. */
export function mapConfiguration(account: AccountRef, data: PagerDutyConfigurationData): CortexPagerDutyConfiguration {
  const token = tokenHint(data.lastFour);
  return {
    kind: 'cortex',
    account,
    name: CORTEX_PAGERDUTY_NAME,
    service: 'PAGERDUTY',
    createdAt: null,
    updatedAt: null,
    secrets: [token],
    isTokenReadonly: data.isTokenReadonly,
    token,
  };
}

/** Maps one validation entry; absent members become null. */
export function mapValidation(data: ConfigValidationData): CortexPagerDutyValidation {
  return { alias: data.alias ?? null, isValid: data.isValid, message: data.message ?? null };
}
