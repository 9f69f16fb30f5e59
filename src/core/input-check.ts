import { InputValidationError, type FieldError } from './errors.js';

/**
 * A `@oneOf` input object as GraphQL hands it to a resolver: exactly one member set, the others
 * absent. graphql-js 16 refuses any other shape (none, two, or a null member) before the resolver
 * runs, so builders read the member they find and check nothing about the shape.
 */
export type OneOf<Members> = {
  [Key in keyof Members]: { readonly [Member in Key]: Members[Key] } & { readonly [Other in Exclude<keyof Members, Key>]?: never };
}[keyof Members];

type ListItem<T> = T extends readonly (infer Item)[] ? Item : T;
type KeysOf<T> = T extends unknown ? keyof T : never;
type FieldOf<T, Key extends PropertyKey> = T extends unknown ? (Key extends keyof T ? T[Key] : never) : never;
type FieldsBeyond<Accepted, Given, Path extends string> = Accepted extends string | number | boolean
  ? never
  : {
      [Key in KeysOf<Accepted> & string]: Key extends KeysOf<Given>
        ? FieldsBeyond<ListItem<NonNullable<FieldOf<Accepted, Key>>>, ListItem<NonNullable<FieldOf<Given, Key>>>, `${Path}${Key}.`>
        : `${Path}${Key}`;
    }[KeysOf<Accepted> & string];

/**
 * `true` when every field a builder's input type declares, at any depth, exists in the GraphQL
 * input as Pothos types it; otherwise the dotted paths of those that do not. Resolvers assert it
 * (`true satisfies ReadsOnlyFieldsOf<BuilderInput, typeof SomeInput.$inferInput>`) beside the call
 * that hands the input over: the call proves the GraphQL input fits the builder's type, but not that
 * an optional field the builder reads still exists (a typo or a field removed from the schema would
 * leave it always absent, and its checks silent).
 */
export type ReadsOnlyFieldsOf<Accepted, Given> = [FieldsBeyond<Accepted, Given, ''>] extends [never] ? true : FieldsBeyond<Accepted, Given, ''>;

/**
 * A vendor request body as a builder made it, and the secret values it carries: the HTTP stages
 * scrub those from anything the vendor says back.
 */
export interface BuiltRequest<Body> {
  readonly body: Body;
  readonly sensitive: readonly string[];
  /**
   * The secrets the body writes, by the field their `SecretHint` names (e.g.
   * `events.apiKey`): what Patchbay fingerprints once the write succeeds (key custody), and what a
   * write preview compares with the stored fingerprints. Absent for a body that writes no secret.
   */
  readonly secrets?: ReadonlyMap<string, string>;
}

/**
 * `{ [key]: value }` when the value was given, `{}` when it is null or absent: spread into a
 * request body so that its JSON carries only what the input set.
 */
export function optional<Key extends string, Value>(key: Key, value: Value | null | undefined): Partial<Record<Key, Value>> {
  const member: Partial<Record<Key, Value>> = {};
  if (value !== null && value !== undefined) member[key] = value;
  return member;
}

/**
 * Upper bounds on what a caller may send, in characters (UTF-16 code units, as `String.length`
 * counts) or items. Vendor contracts document almost none (Atlas's 80-character Slack channel is
 * the exception, kept in src/vendors/mongodb/input.ts); these are the sane ones every builder
 * applies to the strings it sends, so that an oversized value is refused with its path before it
 * reaches a vendor or the store.
 */
export const INPUT_LIMITS = {
  /** Names, display names, user names. */
  name: 200,
  /** Short identifiers and plain values: ids, sites, domains, header names. */
  text: 1024,
  /** URLs: what browsers, proxies and most vendors accept. */
  url: 2048,
  /** Secrets: API keys, tokens, passwords, PEM private keys. */
  secret: 8192,
  /** Request-body templates and JSON payloads (Atlas's documented 16 KB for its JSON templates). */
  document: 16_384,
  /** One tag. */
  tag: 128,
  /** Tags on one object. */
  tags: 64,
  /** Items in any other list of an input (headers, tokens, URL parameters, key-value pairs). */
  items: 100,
} as const;

/**
 * Gathers every problem of one input (so the caller learns them all at once) and the secret
 * values it carries (to scrub from anything the vendor says back). Vendor input builders share it.
 * Builders check only what GraphQL cannot know (lengths, patterns, URL shapes, masked values,
 * rules across fields); the types of their inputs say what GraphQL already guarantees.
 */
export class InputChecks {
  readonly errors: FieldError[] = [];
  readonly sensitive: string[] = [];
  /** Secret values by hint field, see {@link BuiltRequest.secrets}. */
  readonly secrets = new Map<string, string>();

  /** Records a secret the body sends under the hint field `field`: scrubbed from what the vendor says, fingerprinted after the write. */
  secret(field: string, value: string): void {
    this.sensitive.push(value);
    this.secrets.set(field, value);
  }

  fail(path: readonly string[], message: string): void {
    this.errors.push({ path, message });
  }

  /**
   * Whether `value` is at most `max` characters; records the failure otherwise. The one length
   * check every builder uses, so every refusal reads the same and never quotes the value.
   */
  maxLength(value: string, path: readonly string[], max: number): boolean {
    if (value.length <= max) return true;
    this.fail(path, `must be at most ${max} characters`);
    return false;
  }

  /** Whether `items` has at most `max` entries; records the failure otherwise. */
  maxItems(items: readonly unknown[], path: readonly string[], max: number): boolean {
    if (items.length <= max) return true;
    this.fail(path, `must have at most ${max} items`);
    return false;
  }

  /** Throws one `InputValidationError` listing every problem, when there is any. */
  throwIfAny(): void {
    const first = this.errors[0];
    if (first === undefined) return;
    const summary = `${first.path.join('.')}: ${first.message}`;
    throw new InputValidationError(this.errors.length === 1 ? `Invalid input (${summary}).` : `Invalid input (${summary}, and ${this.errors.length - 1} more).`, this.errors);
  }
}
