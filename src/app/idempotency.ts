import * as errors from '../core/errors.js';
import { PatchbayError } from '../core/errors.js';
import { currentRequest } from '../core/telemetry/request-telemetry.js';

/**
 * Mutation outcomes kept under an idempotency key, so that a repeat returns the first outcome
 * without calling the vendor again. Domain objects are plain data (no secret values), so they
 * serialise as JSON with dates tagged; typed errors are stored by class name and revived as
 * instances of that class.
 */

const DATE_TAG = '$date';
type ErrorClass = abstract new (...args: never[]) => PatchbayError;

const ERROR_CLASSES: ReadonlyMap<string, ErrorClass> = new Map(
  (Object.values(errors) as unknown[])
    .filter((value): value is ErrorClass => typeof value === 'function' && (value as { prototype: unknown }).prototype instanceof PatchbayError)
    .map((cls) => [cls.name, cls] as const),
);

/** A stored outcome. */
export type StoredOutcome = { readonly ok: unknown } | { readonly error: { readonly name: string; readonly props: Record<string, unknown> } };

function encodeValue(value: unknown): unknown {
  if (value instanceof Date) return { [DATE_TAG]: value.toISOString() };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeValue(v)]));
  }
  return value;
}

function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const tagged = record[DATE_TAG];
    if (typeof tagged === 'string' && Object.keys(record).length === 1) return new Date(tagged);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decodeValue(v)]));
  }
  return value;
}

export function encodeSuccess(payload: unknown): StoredOutcome {
  return { ok: encodeValue(payload) };
}

export function encodeFailure(error: PatchbayError): StoredOutcome {
  return { error: { name: error.name, props: encodeValue({ ...error, message: error.message }) as Record<string, unknown> } };
}

/** Rebuilds a stored outcome to replay it: the payload, or the typed error (to be thrown). Each replay is counted in the request's metrics. */
export function decodeOutcome(stored: unknown): { ok: unknown } | { error: PatchbayError } {
  const outcome = stored as StoredOutcome;
  currentRequest()?.metrics.idempotencyReplay('error' in outcome ? 'error' : 'ok');
  if ('error' in outcome) {
    const cls = ERROR_CLASSES.get(outcome.error.name);
    if (!cls) throw new Error(`stored outcome names an unknown error class ${outcome.error.name}`);
    const error = Object.create(cls.prototype as object) as PatchbayError;
    Object.assign(error, decodeValue(outcome.error.props));
    Object.defineProperty(error, 'name', { value: outcome.error.name, enumerable: false, writable: true });
    return { error };
  }
  return { ok: decodeValue(outcome.ok) };
}

/**
 * The store's record key for `key` sent by `caller`, so that two callers never share a key (one
 * could otherwise replay, or block, the other's mutation). Keys hold no space (`audited` checks),
 * so the caller and the key cannot run together. The open gateway's `anonymous` keeps the bare
 * key, which is what records made before callers existed hold.
 */
export function idempotencyRecordKey(caller: string, key: string): string {
  return caller === 'anonymous' ? key : `${caller} ${key}`;
}

/**
 * The canonical text of a mutation's input for its idempotency record: keys sorted, the
 * `idempotencyKey` itself and absent members left out. It carries the input's secrets, so it is
 * only ever hashed under the deployment's custody key (`CustodyKey.inputHash`), never stored.
 */
export function canonicalInput(input: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key, v]) => key !== 'idempotencyKey' && v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, v]) => [key, canonical(v)]),
      );
    }
    return value;
  };
  return JSON.stringify(canonical(input));
}

/**
 * Whether an error outcome is kept under the key. Failures where the vendor certainly did
 * nothing and a later try may succeed (unavailable, rate-limited, circuit open, Patchbay's own
 * store unavailable before the write was sent) are not kept, so the client can retry with the
 * same key; everything else is.
 */
export function isKeptFailure(error: PatchbayError): boolean {
  return !(
    error instanceof errors.VendorUnavailableError ||
    error instanceof errors.VendorRateLimitedError ||
    error instanceof errors.CircuitOpenError ||
    error instanceof errors.StoreUnavailableError ||
    // Another run holds part of the work (a rotation target): the next try finds it settled.
    error instanceof errors.MutationInProgressError
  );
}
