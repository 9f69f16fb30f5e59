import type { Principal } from '../core/auth/authenticator.js';
import { SCOPES, type Scope } from '../core/auth/config.js';
import type { AccountRef } from '../core/domain.js';
import { ForbiddenError } from '../core/errors.js';
import type { GatewayContext } from './context.js';

/**
 * What each scope grants. `admin` grants everything; a write answers with what it wrote, so
 * `connections:write` includes reading and rotating (it may write any field, secrets included);
 * `secrets:rotate` may read and rotate secrets (`rotateSecret`), but not write anything else.
 */
const GRANTS: Readonly<Record<Scope, readonly Scope[]>> = {
  admin: SCOPES,
  'connections:read': ['connections:read'],
  'connections:write': ['connections:write', 'connections:read', 'secrets:rotate'],
  'secrets:rotate': ['secrets:rotate', 'connections:read'],
  'audit:read': ['audit:read'],
};

/** One account pattern: a glob over config keys, or a name that is a config key or a vendor id. */
function compilePattern(pattern: string): (account: Pick<AccountRef, 'key' | 'vendor'>) => boolean {
  if (!/[*?]/.test(pattern)) return (account) => account.key === pattern || account.vendor === pattern;
  const source = pattern
    .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`);
  return (account) => regex.test(account.key);
}

/**
 * What one caller may do: its scopes (with what they imply) and the accounts they apply to. Made
 * once per request from the {@link Principal} authentication found.
 */
export class Rights {
  private readonly scopes: ReadonlySet<Scope>;
  private readonly patterns: readonly ((account: Pick<AccountRef, 'key' | 'vendor'>) => boolean)[] | null;

  constructor(principal: Principal) {
    this.scopes = new Set(principal.scopes.flatMap((scope) => GRANTS[scope]));
    this.patterns = principal.accounts === null ? null : principal.accounts.map(compilePattern);
  }

  /** Whether the caller holds `scope` (on some account). */
  has(scope: Scope): boolean {
    return this.scopes.has(scope);
  }

  /** Whether the caller's account patterns cover every account, present and future. */
  get everyAccount(): boolean {
    return this.patterns === null;
  }

  /** Whether the caller's account patterns cover `account` (whatever its scopes). */
  covers(account: Pick<AccountRef, 'key' | 'vendor'>): boolean {
    return this.patterns === null || this.patterns.some((matches) => matches(account));
  }

  /** Whether the caller may do what `scope` grants on `account`. */
  allows(scope: Scope, account: Pick<AccountRef, 'key' | 'vendor'>): boolean {
    return this.has(scope) && this.covers(account);
  }
}

/**
 * Refuses an operation that needs `scope` on the account `accountKey` (a config key, or null when
 * the operation names none or the id it names is unknown) unless the caller's rights allow it.
 * The account is looked up among every configured account, not only those the caller may read,
 * so a write to an account the caller cannot even see is refused here too, before any lookup.
 */
export function requireRight(context: GatewayContext, scope: Scope, accountKey: string | null): void {
  const entry = accountKey === null ? undefined : context.deps.accounts.get(accountKey);
  if (!context.rights.has(scope)) {
    throw new ForbiddenError(`This caller (${context.caller}) lacks the scope ${scope}.`, scope, entry?.ref.key ?? null);
  }
  if (entry && !context.rights.covers(entry.ref)) {
    throw new ForbiddenError(`This caller (${context.caller}) may not use ${scope} on the account "${entry.ref.key}".`, scope, entry.ref.key);
  }
}
