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
 * Whether a hint read back could be the secret that was sent: set, and, where the vendor shows a
 * tail, the same last four characters. A hint with no visible tail cannot tell, and does not refuse.
 */
export function hintShows(hint: SecretHint | null | undefined, sent: string): boolean {
  return hint?.isSet === true && (hint.lastFour === null || sent.endsWith(hint.lastFour));
}

function isSecretHint(value: unknown): value is SecretHint {
  return typeof value === 'object' && value !== null && 'isSet' in value && 'lastFour' in value && 'field' in value;
}

/**
 * Whether a resource read back (`found`, a domain object) shows every value of `sent` (part of a
 * request body): strings, numbers and booleans equal; where `found` holds a {@link SecretHint}, the
 * hint shows the string sent ({@link hintShows}); objects and arrays member by member, each key of
 * `sent` looked up in `found` as `rename` spells it (e.g. snake_case to camelCase).
 */
export function readBackShows(sent: unknown, found: unknown, rename: (key: string) => string = (key) => key): boolean {
  if (isSecretHint(found)) return typeof sent === 'string' && hintShows(found, sent);
  if (Array.isArray(sent)) return Array.isArray(found) && found.length === sent.length && sent.every((item, index) => readBackShows(item, found[index], rename));
  if (typeof sent === 'object' && sent !== null) {
    if (typeof found !== 'object' || found === null) return false;
    const record = found as Record<string, unknown>;
    return Object.entries(sent).every(([key, value]) => readBackShows(value, record[rename(key)], rename));
  }
  return sent === found;
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
