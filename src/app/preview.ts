import type { ConnectionBase, SecretHint } from '../core/domain.js';
import type { CustodyKey } from '../core/secrets/custody-key.js';

/**
 * Write previews (`dryRun: true` on every mutation): what a write would change, worked out without
 * writing. A preview compares the object as it stands (read from the vendor, or nothing) with the
 * object the write would leave, field by field. Secrets never show as values: a secret field
 * shows only as `SET` (had none), `CHANGED`, `UNSET` or `UNCHANGED` — the last when the value
 * given has the fingerprint Patchbay stored for that field and the vendor's hint still agrees, so
 * a secret sent again with the same value is not a phantom change.
 */

/** How one field changes. `SET`, `UNSET` and `UNCHANGED` are for secrets only; `CHANGED` for both. */
export type ChangeKind = 'ADDED' | 'REMOVED' | 'CHANGED' | 'SET' | 'UNSET' | 'UNCHANGED';

/** One field of an object as a preview shows it: a dotted path and its value as JSON; a secret shows no value. */
export interface PreviewField {
  readonly path: string;
  /** The value as JSON text; null for a secret (see `secret`). */
  readonly value: string | null;
  /** Whether the field holds a secret (and whether it is set). */
  readonly secret: boolean;
  readonly isSet: boolean;
}

/** One changed field. */
export interface FieldChange {
  readonly path: string;
  readonly kind: ChangeKind;
  readonly secret: boolean;
  /** The value before, as JSON text; always null for a secret. */
  readonly before: string | null;
  /** The value after, as JSON text; always null for a secret. */
  readonly after: string | null;
}

/**
 * A mutation's answer to `dryRun: true`: nothing was written. An `Error` subclass only because
 * that is how the errors plugin places a member of a result union by class (`schema/preview.ts`);
 * `audited` throws it in place of running the write, and records the run as `PREVIEWED`.
 */
export class WritePreview extends Error {
  override readonly name = 'WritePreview';
  constructor(
    readonly operation: string,
    readonly account: string | null,
    /** The global id the write targets, when it targets an existing object. */
    readonly targetId: string | null,
    /** The connection as the vendor holds it now, when the write targets one. */
    readonly current: ConnectionBase | null,
    /** The object now (any kind: a connection, a tracking record, a registration), field by field; null when there is none. */
    readonly before: readonly PreviewField[] | null,
    /** The object the write would leave, field by field; null when it would leave none (a delete). */
    readonly after: readonly PreviewField[] | null,
    readonly changes: readonly FieldChange[],
    /** Whether the vendor itself checked the write without applying it (Chronosphere `dry_run`). */
    readonly vendorValidated: boolean,
    /** What the preview could not tell, in words a person can act on. */
    readonly notes: readonly string[],
  ) {
    super(`A preview of ${operation}: nothing was written.`);
  }
}

/** What a mutation tells {@link previewOf} about its write. */
export interface PreviewSpec {
  readonly operation: string;
  readonly account: string | null;
  readonly targetId: string | null;
  /** The connection now (as read from the vendor), when the write targets one. */
  readonly current?: ConnectionBase | null;
  /** The object now, when it is not a connection (or to compare something else than the connection). Default: `current`. */
  readonly before?: object | null;
  /** The object the write would leave (domain shape, like `before`), or null for none. */
  readonly after: object | null;
  /** Secrets the write sends, by hint field. */
  readonly secrets?: ReadonlyMap<string, string>;
  /**
   * Secret fields the write leaves without a value: given explicitly, or `'others'` for a full
   * replace, where every secret set now and not sent is unset.
   */
  readonly unset?: readonly string[] | 'others';
  /** Stored fingerprints of the target's secrets, by hint field. */
  readonly fingerprints?: ReadonlyMap<string, string>;
  readonly vendorValidated?: boolean;
  readonly notes?: readonly string[];
}

/** Keys that say where an object lives or when it was written, not what it holds: never part of a change list. */
const NOT_COMPARED = new Set(['account', 'createdAt', 'updatedAt', 'secrets', '__typename']);

function isSecretHint(value: unknown): value is SecretHint {
  return typeof value === 'object' && value !== null && 'isSet' in value && 'lastFour' in value && 'field' in value;
}

/** The object's fields as dotted paths: scalars as JSON, secret hints as secrets, lists by index. */
export function flatten(value: object | null): PreviewField[] {
  if (value === null) return [];
  const fields: PreviewField[] = [];
  const walk = (node: unknown, path: string): void => {
    if (isSecretHint(node)) {
      fields.push({ path, value: null, secret: true, isSet: node.isSet });
      return;
    }
    if (node instanceof Date) {
      fields.push({ path, value: JSON.stringify(node.toISOString()), secret: false, isSet: true });
      return;
    }
    if (Array.isArray(node)) {
      if (node.length === 0) fields.push({ path, value: '[]', secret: false, isSet: true });
      for (const [index, item] of node.entries()) walk(item, path === '' ? String(index) : `${path}.${index}`);
      return;
    }
    if (typeof node === 'object' && node !== null) {
      for (const [key, item] of Object.entries(node)) {
        if (path === '' && NOT_COMPARED.has(key)) continue;
        if (item === undefined || typeof item === 'function') continue;
        walk(item, path === '' ? key : `${path}.${key}`);
      }
      return;
    }
    fields.push({ path, value: JSON.stringify(node ?? null), secret: false, isSet: node !== null && node !== undefined });
  };
  walk(value, '');
  return fields;
}

/**
 * The change list from `before` to `after`: every non-secret field added, removed or changed
 * (a field that is null on one side and absent on the other is no change), then every secret
 * the write touches, from the secrets sent and unset and the stored fingerprints.
 */
export function changesOf(spec: PreviewSpec, key: CustodyKey): FieldChange[] {
  const beforeObject = spec.before === undefined ? (spec.current ?? null) : spec.before;
  return [...plainFieldChanges(beforeObject, spec.after), ...secretChanges(spec, key), ...unsetSecrets(spec)];
}

/**
 * The non-secret fields added, removed or changed from `beforeObject` to `afterObject` (a field
 * that is null on one side and absent on the other is no change), by path. Shared by previews
 * and the change history (src/app/history.ts).
 */
export function plainFieldChanges(beforeObject: object | null, afterObject: object | null): FieldChange[] {
  const before = new Map(
    flatten(beforeObject)
      .filter((field) => !field.secret)
      .map((field) => [field.path, field.value]),
  );
  const after = new Map(
    flatten(afterObject)
      .filter((field) => !field.secret)
      .map((field) => [field.path, field.value]),
  );
  const changes: FieldChange[] = [];
  const isNull = (value: string | null | undefined): boolean => value === undefined || value === null || value === 'null';
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const was = before.get(path);
    const will = after.get(path);
    if (was === will || (isNull(was) && isNull(will))) continue;
    const kind: ChangeKind = isNull(was) ? 'ADDED' : isNull(will) ? 'REMOVED' : 'CHANGED';
    changes.push({ path, kind, secret: false, before: isNull(was) ? null : (was ?? null), after: isNull(will) ? null : (will ?? null) });
  }
  return changes;
}

const hintsOf = (spec: PreviewSpec): Map<string, SecretHint> => new Map((spec.current?.secrets ?? []).map((hint) => [hint.field, hint]));
const sentOf = (spec: PreviewSpec): ReadonlyMap<string, string> => spec.secrets ?? new Map<string, string>();
const secretChange = (path: string, kind: ChangeKind): FieldChange => ({ path, kind, secret: true, before: null, after: null });

/**
 * How sending `value` changes a secret whose hint is `hint` and whose stored fingerprint (if
 * Patchbay wrote it) is `stored`: `SET` when none is set now, `UNCHANGED` when the fingerprint
 * matches and the hint agrees, `CHANGED` otherwise.
 */
export function secretChangeKind(key: CustodyKey, value: string, hint: SecretHint | undefined, stored: string | undefined): 'SET' | 'UNCHANGED' | 'CHANGED' {
  if (hint?.isSet !== true) return 'SET';
  const same = stored !== undefined && key.matches(value, stored) && (hint.lastFour === null || value.endsWith(hint.lastFour));
  return same ? 'UNCHANGED' : 'CHANGED';
}

/** The secrets the write sends, each as {@link secretChangeKind} says. */
function secretChanges(spec: PreviewSpec, key: CustodyKey): FieldChange[] {
  const hints = hintsOf(spec);
  return [...sentOf(spec)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([field, value]) => secretChange(field, secretChangeKind(key, value, hints.get(field), spec.fingerprints?.get(field))));
}

/** The secrets set now that the write leaves without a value (`UNSET`). */
function unsetSecrets(spec: PreviewSpec): FieldChange[] {
  const hints = hintsOf(spec);
  const sent = sentOf(spec);
  const unset = spec.unset === 'others' ? [...hints.values()].filter((hint) => hint.isSet && !sent.has(hint.field)).map((hint) => hint.field) : (spec.unset ?? []);
  return [...unset].sort().flatMap((field) => (hints.get(field)?.isSet === true && !sent.has(field) ? [secretChange(field, 'UNSET')] : []));
}

/** Secrets counted as `CHANGED` only because nothing tells otherwise (no fingerprint, a hint that does not disprove it): said in the notes. */
function undecidedSecrets(spec: PreviewSpec): string[] {
  const hints = hintsOf(spec);
  return [...sentOf(spec)]
    .filter(([field, value]) => {
      const hint = hints.get(field);
      return hint?.isSet === true && spec.fingerprints?.get(field) === undefined && (hint.lastFour === null || value.endsWith(hint.lastFour));
    })
    .map(([field]) => field)
    .sort()
    .map((field) => `${field}: Patchbay holds no fingerprint of the value set now (set outside Patchbay, or before it kept fingerprints), so it counts as CHANGED; it may be the same value.`);
}

/** The preview of a write described by `spec`. */
export function previewOf(spec: PreviewSpec, key: CustodyKey): WritePreview {
  const beforeObject = spec.before === undefined ? (spec.current ?? null) : spec.before;
  return new WritePreview(
    spec.operation,
    spec.account,
    spec.targetId,
    spec.current ?? null,
    beforeObject === null ? null : flatten(beforeObject),
    spec.after === null ? null : flatten(spec.after),
    changesOf(spec, key),
    spec.vendorValidated === true,
    [...(spec.notes ?? []), ...undecidedSecrets(spec)],
  );
}
