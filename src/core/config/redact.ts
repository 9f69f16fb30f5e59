import type { AccountConfig } from './schema.js';

/** The only shape of an account that may leave the process (GraphQL, logs, errors). */
export interface PublicAccount {
  readonly id: string;
  readonly vendor: string;
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
 * The secret values of an account (its vendor's `secretFields`), for scrubbing them from
 * anything a vendor says and checking that logs and responses never contain them.
 */
export function accountSecrets(account: AccountConfig, secretFields: readonly string[]): string[] {
  const secrets: string[] = [];
  for (const field of secretFields) {
    const value = account[field];
    if (typeof value === 'string' && value !== '') secrets.push(value);
  }
  return secrets;
}
