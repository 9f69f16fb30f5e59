import type { VendorId } from './vendor.js';

/**
 * The domain's one error hierarchy. Every class maps to one GraphQL object type
 * (schema/errors.ts). Messages are written to be shown to a client: they never carry an
 * upstream body, a header or a credential.
 */
export abstract class PatchbayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** One failing input field: a path into the input and why it was refused. */
export interface FieldError {
  readonly path: readonly string[];
  readonly message: string;
}

/** Our own validation of the input failed; no vendor was called. */
export class InputValidationError extends PatchbayError {
  constructor(
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
  }

  static single(path: readonly string[], message: string): InputValidationError {
    return new InputValidationError(message, [{ path, message }]);
  }
}

/** An unknown, malformed or foreign id, or a vendor 404. */
export class NotFoundError extends PatchbayError {
  constructor(
    message: string,
    readonly resourceId: string | null = null,
    /** The vendor's own error code for a vendor 404 (e.g. Cloud Manager's `GROUP_NOT_FOUND`); null otherwise. */
    readonly vendorCode: string | null = null,
  ) {
    super(message);
  }
}

/** What `read` answers, or null when it answers `NotFoundError` (every other failure is thrown as it came). */
export async function foundOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/**
 * The caller's rights do not cover this operation on this account; nothing was called. An account
 * the caller may not even read answers like an unknown one instead, except to a mutation.
 */
export class ForbiddenError extends PatchbayError {
  constructor(
    message: string,
    /** The scope the operation needs. */
    readonly requiredScope: string,
    /** The account the operation targets, when it names one. */
    readonly account: string | null = null,
  ) {
    super(message);
  }
}

/** The vendor has no such operation. */
export class UnsupportedOperationError extends PatchbayError {
  constructor(
    readonly vendor: VendorId,
    vendorName: string,
    readonly operation: string,
  ) {
    super(`${vendorName} does not offer the operation "${operation}".`);
  }
}

/**
 * Patchbay's own store failed or did not answer before the request deadline. What it was to
 * guard did not start: a write that must be recorded first (write-ahead) was not sent.
 */
export class StoreUnavailableError extends PatchbayError {}

/**
 * Another run of this mutation with the same idempotency key is still going (its replica holds a
 * live lease on the key): nothing was called. Ask again after `retryAfterSeconds` for its outcome.
 */
export class MutationInProgressError extends PatchbayError {
  constructor(
    message: string,
    /** When asking again may find the outcome: the seconds left on the running claim's lease. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * A write would replace a whole object at the vendor (a full-replace PUT) that holds other secrets
 * Patchbay cannot send again (it never keeps a secret, and vendors read them back masked): sending
 * it would unset them. Nothing was sent. Give the values of `fields` with the write to proceed.
 */
export class SecretsRequiredError extends PatchbayError {
  constructor(
    message: string,
    /** The secret fields (as their hints name them) whose values the write must carry. */
    readonly fields: readonly string[],
  ) {
    super(message);
  }
}

/** Facts about a failed vendor call that are safe to show a client. */
export interface VendorCallFacts {
  readonly vendor: VendorId;
  readonly account: string;
  readonly httpStatus: number | null;
  readonly vendorCode: string | null;
  readonly vendorRequestId: string | null;
  readonly retryAfterSeconds: number | null;
}

/** Base of every error that comes from talking to a vendor. */
export abstract class VendorError extends PatchbayError {
  abstract readonly retryable: boolean;
  constructor(
    message: string,
    readonly facts: VendorCallFacts,
  ) {
    super(message);
  }
}

/** Vendor 409. */
export class ConflictError extends VendorError {
  readonly retryable = false;
}

/** Vendor 400/422, with the vendor's field errors, sanitised. */
export class VendorValidationError extends VendorError {
  readonly retryable = false;
  constructor(
    message: string,
    facts: VendorCallFacts,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message, facts);
  }
}

/** Vendor 401/403/407: the credentials are wrong or lack a permission. */
export class VendorAuthError extends VendorError {
  readonly retryable = false;
}

/** Vendor 429. */
export class VendorRateLimitedError extends VendorError {
  readonly retryable = true;
}

/** Vendor 5xx, connection refused or reset, or a deadline passed. */
export class VendorUnavailableError extends VendorError {
  readonly retryable = true;
}

/** The vendor answered something that does not match its contract. */
export class VendorContractError extends VendorError {
  readonly retryable = false;
}

/**
 * A write was sent but its outcome could not be confirmed (timeout or reset after sending a
 * non-idempotent request). `check` says what to look at before trying again.
 */
export class OutcomeUnknownError extends VendorError {
  readonly retryable = false;
  constructor(
    message: string,
    facts: VendorCallFacts,
    readonly check: string,
  ) {
    super(message, facts);
  }
}

/** The account's circuit is open after repeated vendor faults: the vendor was not called. */
export class CircuitOpenError extends VendorError {
  readonly retryable = true;
}

/** Every vendor error class, for result unions that may carry any of them. */
export const VENDOR_ERROR_CLASSES = [
  ConflictError,
  VendorValidationError,
  VendorAuthError,
  VendorRateLimitedError,
  VendorUnavailableError,
  VendorContractError,
  OutcomeUnknownError,
  CircuitOpenError,
] as const;
