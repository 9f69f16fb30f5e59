import type { VendorId } from '../vendor.js';
import { SECRET_FIELDS } from './schema.js';
import type { AccountConfig } from './schema.js';

/** The only shape of an account that may leave the process (GraphQL, logs, errors). */
export interface PublicAccount {
  readonly id: string;
  readonly vendor: VendorId;
  readonly baseUrl: string;
  /** The configured display name, or the id. */
  readonly displayName: string;
}

export function publicAccount(account: AccountConfig): PublicAccount {
  return {
    id: account.id,
    vendor: account.vendor,
    baseUrl: account.baseUrl,
    displayName: account.displayName ?? account.id,
  };
}

/**
 * The secret values of an account (see SECRET_FIELDS), for checking that logs and
 * responses never contain them.
 */
export function accountSecrets(account: AccountConfig): string[] {
  const fields: readonly string[] = SECRET_FIELDS[account.vendor];
  const values: Record<string, unknown> = account;
  const secrets: string[] = [];
  for (const field of fields) {
    const value = values[field];
    if (typeof value === 'string' && value !== '') secrets.push(value);
  }
  return secrets;
}
