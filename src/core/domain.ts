import type { ConnectedService, VendorId } from './vendor.js';

/** A configured vendor account as it may be shown: never a credential. */
export interface AccountRef {
  readonly key: string;
  readonly vendor: VendorId;
  readonly displayName: string;
  readonly baseUrl: string;
}

/** What may be said about a secret: whether it is set, and at most its last four characters. */
export interface SecretHint {
  readonly field: string;
  readonly isSet: boolean;
  readonly lastFour: string | null;
}

/** Secrets shorter than this show no characters at all. */
const MIN_LENGTH_FOR_LAST_FOUR = 12;

/**
 * Builds a hint from a value a vendor echoed (or from nothing). Masked values such as
 * `**REDACTED**` or `******7890` count as set; only their visible tail is used.
 */
export function secretHint(field: string, value: unknown, knownSet = false): SecretHint {
  if (typeof value !== 'string' || value.length === 0) return { field, isSet: knownSet, lastFour: null };
  const visible = value.replace(/^[*•x]+/i, '');
  const tail = visible.length >= 4 && (visible.length < value.length || value.length >= MIN_LENGTH_FOR_LAST_FOUR) ? visible.slice(-4) : null;
  return { field, isSet: true, lastFour: tail && !/\*/.test(tail) ? tail : null };
}

/**
 * What may be shown of a URL that can carry a credential (a webhook URL with a token in its path,
 * an API URL with a key in its query, user info): scheme, host and port, then `/…` when anything
 * followed. Null for no URL; a value that is not a URL shows as `…`, since its parts cannot be told apart.
 */
export function urlHint(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '…';
  }
  if (url.origin === 'null') return '…';
  const rest = url.pathname.replace(/^\/$/, '') + url.search + url.hash;
  return rest === '' && url.username === '' && url.password === '' ? url.origin : `${url.origin}/…`;
}

/** Fields every connection shares, whatever its vendor. */
export interface ConnectionBase {
  readonly account: AccountRef;
  readonly name: string;
  readonly service: ConnectedService;
  readonly createdAt: Date | null;
  readonly updatedAt: Date | null;
  readonly secrets: readonly SecretHint[];
}
