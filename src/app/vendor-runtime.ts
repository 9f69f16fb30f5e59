import type { AccountConfig, AccountSchema } from '../core/config/schema.js';
import type { AccountRef, ConnectionBase } from '../core/domain.js';
import type { PatchbayError } from '../core/errors.js';
import type { AuthStrategy, CallScope, VendorErrorParser, VendorHttp } from '../core/http/vendor-http.js';
import type { ItemFailure, Tolerant } from '../core/http/tolerant.js';
import type { AccountEntry } from './accounts.js';
import type { GatewayContext } from './context.js';
import type { ConnectionFilter } from './inventory.js';

/**
 * Builds one HTTP transport of an account (OpsRamp has two: its token endpoint and its API).
 * `baseUrl` defaults to the account's; a vendor passes its own when the URL users write is not
 * the API's root (e.g. Cloud Manager's host, under which the API lives at `/api/public/v1.0`).
 */
export type HttpFactory = (auth: AuthStrategy, parseError: VendorErrorParser, requestIdHeaders: readonly string[], baseUrl?: string) => VendorHttp;

/** One vendor's configured accounts, by config key (another vendor's key finds nothing). */
export interface VendorAccounts<Client> {
  get(key: string): AccountEntry<Client> | undefined;
}

/** One part of an account that could not be listed, while the rest of the account could. */
export interface PartFailure {
  /** Which part, in words a person can act on (e.g. `project 65f1a2b3c4d5e6f708192a3b`). */
  readonly part: string;
  readonly error: PatchbayError;
}

/** One item the vendor listed that could not be read, while the items beside it could. */
export interface ListedItemFailure extends ItemFailure {
  /** The part of the account it belongs to (e.g. `project 65f1…`); null for an account without parts. */
  readonly part: string | null;
}

/** What listing an account found: its connections, the parts that failed and the items that could not be read. */
export interface Listed<Connection> {
  readonly items: readonly Connection[];
  readonly failures: readonly PartFailure[];
  readonly itemFailures: readonly ListedItemFailure[];
}

/** An account listed with no part failing; `read` is a tolerant list (its broken items become item failures). */
export function listed<Connection>(read: readonly Connection[] | Tolerant<Connection>): Listed<Connection> {
  if (isTolerant(read)) return { items: read.items, failures: [], itemFailures: read.failures.map((failure) => ({ ...failure, part: null })) };
  return { items: read, failures: [], itemFailures: [] };
}

function isTolerant<T>(read: readonly T[] | Tolerant<T>): read is Tolerant<T> {
  return !Array.isArray(read);
}

/**
 * How the inventory lists an account's connections. Vendors with a list endpoint page through it
 * (`vendor`); a vendor without one (Datadog) lists the ids Patchbay remembers and reads each one
 * (`tracked`), so a connection made elsewhere shows only once it is tracked.
 */
export type Listing<Client, Connection, Key> =
  | {
      readonly kind: 'vendor';
      /**
       * Every connection of the account that may match `filter` (the inventory filters again), and
       * the parts of the account that could not be read while others could (e.g. one Cloud Manager
       * project of several). A failure of the whole account is thrown.
       */
      list(context: GatewayContext, entry: AccountEntry<Client>, filter: ConnectionFilter): Promise<Listed<Connection>>;
    }
  | {
      readonly kind: 'tracked';
      /** The keys Patchbay tracks for the account; each is read with the module's `read`. */
      trackedKeys(context: GatewayContext, entry: AccountEntry<Client>): Promise<readonly Key[]>;
      /**
       * The vendor's id a tracked key stands for, named in the item failure when reading it
       * answers with something that breaks the contract (the other tracked items still list).
       */
      vendorIdOf(key: Key): string;
    };

/**
 * What every vendor answers, in the shape the shared code (inventory, lookups, health, accounts)
 * asks. Each vendor implements it once in `src/vendors/<vendor>/runtime.ts`; nothing shared
 * switches on a vendor's name. Every member is required: a capability a vendor lacks is said
 * explicitly (see {@link Listing}).
 *
 * Methods are written as methods (not function-typed properties) on purpose: the registry holds
 * modules of different clients and connections as one `VendorRuntime`, and the shared code only
 * ever passes a module values that the same module produced (its entries, its keys).
 */
export interface VendorRuntime<Account extends AccountConfig = AccountConfig, Client = unknown, Connection extends ConnectionBase = ConnectionBase, Key = unknown, Loaders = unknown> {
  /** The `vendor` value of its accounts in the config file. */
  readonly id: string;
  /** Its name in messages, e.g. "MongoDB Cloud Manager". */
  readonly name: string;
  readonly account: {
    /** The config file's account entry for this vendor: a strict object whose `vendor` is the id. */
    readonly schema: AccountSchema;
    /** The account fields that hold credentials: never shown, logged or echoed. */
    readonly secretFields: readonly string[];
  };
  /** Builds the account's long-lived client over transports from `http` (all share one dispatcher). */
  createClient(account: Account, ref: AccountRef, http: HttpFactory): Client;
  /** The vendor's per-request loaders over its own accounts; every cache key starts with the account. */
  createLoaders(accounts: VendorAccounts<Client>, scope: CallScope): Loaders;
  readonly listing: Listing<Client, Connection, Key>;
  /** The vendor's part of a connection's global id. */
  readonly ids: {
    /** The GraphQL type of its connections (the member of `IntegrationConnection`). */
    readonly typename: string;
    /** How many key parts follow the account in the inner id. */
    readonly keyParts: number;
    /** The vendor's own key of a connection (after the account). */
    keyOf(connection: Connection): readonly string[];
    /** The read key for `parts` in `entry`'s account; null when they cannot name one of its connections. */
    parse(parts: readonly string[], entry: AccountEntry<Client>): Key | null;
  };
  /** Reads one connection through the request's loaders; `NotFoundError` when there is none. */
  read(context: GatewayContext, entry: AccountEntry<Client>, key: Key): Promise<Connection>;
  /**
   * One cheap authenticated read that proves the credentials work and may read what Patchbay
   * manages. A `NotFoundError` it lets through means the account points at the wrong place (health
   * says FAILING); a vendor for which "nothing there yet" is healthy (a Cortex workspace without a
   * configuration) catches it itself.
   */
  probe(context: GatewayContext, entry: AccountEntry<Client>): Promise<void>;
  /** Key custody: how one secret of a connection is written (`rotateSecret`). */
  readonly custody: SecretWriter<Client, Connection, Key>;
}

/**
 * How a vendor writes one secret field of an existing connection, through its own write (a PATCH
 * of the one field, or a full replace of the object). Fields are named as the connection's
 * `SecretHint.field`s name them.
 */
export interface SecretWriter<Client, Connection, Key> {
  /**
   * The other secret fields that are set in `current` and that a write of `field` must send again
   * besides it, because the vendor's write replaces the whole object (a PUT) and would leave them
   * without a value. Empty for a vendor whose write changes only the fields sent (a PATCH).
   * Shared code refuses the write with `SecretsRequiredError` when the caller did not supply them.
   */
  requiredWith(current: Connection, field: string): readonly string[];
  /**
   * Why the vendor takes no value for `field` of `current` at all (a credential it generates
   * itself), or null when it can be written. Absent: every secret field can be written. Shared
   * code answers the reason as a typed error before anything is sent, in a dry run too.
   */
  unwritable?(current: Connection, field: string): string | null;
  /**
   * Writes `value` into `field` of the connection `key` (now `current`, as just read), sending
   * `supplied` (hint field → value: the other secrets the caller gave) where the write replaces
   * the whole object; every other part of the object is sent as it is now. Answers the connection
   * as the vendor holds it afterwards (from the write's answer, or read back when it answers
   * nothing), primes or clears the request's loaders, and notes the secrets the write carried
   * (`noteSecretsWritten`: what it sent, never a supplied value it did not send). Typed errors as
   * any write.
   */
  rotate(context: GatewayContext, entry: AccountEntry<Client>, key: Key, current: Connection, field: string, value: string, supplied: ReadonlyMap<string, string>): Promise<Connection>;
}

/** The per-request loaders of `runtime`, typed. */
export type LoadersOf<R> = R extends { createLoaders(...args: never[]): infer L } ? L : never;

/** The read key type of a vendor module. */
export type KeyOf<R> = R extends { read(context: never, entry: never, key: infer K): unknown } ? K : never;

/** The connection type of a vendor module. */
export type ConnectionOf<R> = R extends { read(...args: never[]): Promise<infer C> } ? C : never;
