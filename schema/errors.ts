import { builder } from './builder.js';
import {
  CircuitOpenError,
  ConflictError,
  ForbiddenError,
  InputValidationError,
  MutationInProgressError,
  NotFoundError,
  SecretsRequiredError,
  OutcomeUnknownError,
  StoreUnavailableError,
  UnsupportedOperationError,
  VendorAuthError,
  VendorContractError,
  type VendorError,
  VendorRateLimitedError,
  VendorUnavailableError,
  VendorValidationError,
  type FieldError,
  VENDOR_ERROR_CLASSES,
  type PatchbayError,
} from '../src/core/errors.js';
import { vendorTypes } from './vendor-types.js';
import { WritePreview } from '../src/app/preview.js';
import './preview.js';

export const ErrorInterface = builder.interfaceRef<PatchbayError>('Error').implement({
  description: 'Every typed failure. `message` is safe to show to a person.',
  // Fields typed `Error` return error instances; this lets the errors plugin present them as
  // values (graphql-js would otherwise treat a returned Error as the field failing).
  extensions: {
    pothosErrorTypes: [InputValidationError, NotFoundError, UnsupportedOperationError, ForbiddenError, StoreUnavailableError, MutationInProgressError, SecretsRequiredError, ...VENDOR_ERROR_CLASSES],
  },
  // Wrapped errors are proxies (`instanceof` fails); every error's name is its GraphQL type.
  resolveType: (error) => error.name,
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What went wrong, in words a person can act on.' }),
  }),
});

export const VendorErrorInterface = builder.interfaceRef<VendorError>('VendorError').implement({
  description: 'A failure reported by, or on the way to, a vendor.',
  interfaces: [ErrorInterface],
  resolveType: (error) => error.name,
  fields: (t) => ({
    vendor: t.field({ type: vendorTypes().vendor, description: 'The vendor that was called.', resolve: (e) => e.facts.vendor }),
    account: t.string({ description: 'The config key of the account that was used.', resolve: (e) => e.facts.account }),
    httpStatus: t.int({ nullable: true, description: 'The HTTP status the vendor answered, if it answered.', resolve: (e) => e.facts.httpStatus }),
    vendorCode: t.string({ nullable: true, description: "The vendor's own error code, when it gives one.", resolve: (e) => e.facts.vendorCode }),
    retryable: t.boolean({ description: 'Whether the same request may succeed if tried again later.', resolve: (e) => e.retryable }),
    retryAfterSeconds: t.int({ nullable: true, description: 'How long the vendor asked callers to wait, when it said.', resolve: (e) => e.facts.retryAfterSeconds }),
    vendorRequestId: t.string({ nullable: true, description: "The vendor's id for the failed request, for its support.", resolve: (e) => e.facts.vendorRequestId }),
  }),
});

export const FieldErrorType = builder.objectRef<FieldError>('FieldError').implement({
  description: 'One refused input field.',
  fields: (t) => ({
    path: t.stringList({ description: 'Path into the input, e.g. ["integration", "aws", "accountId"].', resolve: (f) => [...f.path] }),
    message: t.exposeString('message', { description: 'Why the field was refused.' }),
  }),
});

builder.objectType(InputValidationError, {
  name: 'InputValidationError',
  description: "The input failed Patchbay's own validation; no vendor was called.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    fieldErrors: t.field({ type: [FieldErrorType], description: 'Every refused field.', resolve: (e) => [...e.fieldErrors] }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'The id is unknown, malformed or belongs to no configured account, or the vendor has no such resource.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    resourceId: t.string({ nullable: true, description: 'The id that was looked up, when there was one.', resolve: (e) => e.resourceId }),
    vendorCode: t.string({
      nullable: true,
      description:
        "The vendor's own error code when the vendor answered 404 with one (e.g. Cloud Manager's `GROUP_NOT_FOUND` for a missing project, `INTEGRATION_NOT_CONFIGURED` for a missing integration); null when Patchbay itself found nothing.",
      resolve: (e) => e.vendorCode,
    }),
  }),
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  description: "The caller's rights do not cover this operation on this account; no vendor was called.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    requiredScope: t.exposeString('requiredScope', { description: 'The scope the operation needs, e.g. `connections:write`.' }),
    account: t.string({ nullable: true, description: 'The account (config key) the operation targets, when it names one.', resolve: (e) => e.account }),
  }),
});

builder.objectType(StoreUnavailableError, {
  name: 'StoreUnavailableError',
  description: "Patchbay's own store failed or did not answer in time. A write that must be recorded before it is sent (write-ahead) was not sent.",
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

builder.objectType(MutationInProgressError, {
  name: 'MutationInProgressError',
  description:
    'Another run of this mutation with the same idempotency key is still going (a gateway replica holds the key and keeps renewing its lease); nothing was called. Ask again with the same key after `retryAfterSeconds` to get its outcome.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: "Seconds until asking again may find the outcome (what is left of the running claim's lease)." }),
  }),
});

builder.objectType(SecretsRequiredError, {
  name: 'SecretsRequiredError',
  description:
    'The write replaces the whole object at the vendor, which holds other secrets Patchbay cannot send again (it never keeps a secret, and the vendor reads them back masked): sending it would unset them. Nothing was sent. Give the values of `fields` with the write.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    fields: t.exposeStringList('fields', { description: 'The secret fields (as their hints name them) whose values the write must carry.' }),
  }),
});

builder.objectType(UnsupportedOperationError, {
  name: 'UnsupportedOperationError',
  description: 'The vendor offers no such operation.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    vendor: t.field({ type: vendorTypes().vendor, description: 'The vendor.', resolve: (e) => e.vendor }),
    operation: t.exposeString('operation', { description: 'The operation it lacks.' }),
  }),
});

const vendorErrorTypes = [
  [ConflictError, 'ConflictError', 'The vendor reports a conflict (409), e.g. the resource already exists.'],
  [VendorAuthError, 'VendorAuthError', 'The vendor refused the credentials (401/403/407).'],
  [VendorRateLimitedError, 'VendorRateLimitedError', 'The vendor is rate-limiting this account (429).'],
  [VendorUnavailableError, 'VendorUnavailableError', 'The vendor failed (5xx), could not be reached, or did not answer in time.'],
  [VendorContractError, 'VendorContractError', 'The vendor answered something that does not match its documented contract.'],
  [CircuitOpenError, 'CircuitOpenError', 'The account failed repeatedly, so calls to it are paused; `retryAfterSeconds` says when a probe goes through.'],
] as const;

for (const [cls, name, description] of vendorErrorTypes) {
  builder.objectType(cls, { name, description, interfaces: [ErrorInterface, VendorErrorInterface], fields: () => ({}) });
}

builder.objectType(VendorValidationError, {
  name: 'VendorValidationError',
  description: 'The vendor refused the input (400/422).',
  interfaces: [ErrorInterface, VendorErrorInterface],
  fields: (t) => ({
    fieldErrors: t.field({ type: [FieldErrorType], description: "The vendor's field errors, sanitised.", resolve: (e) => [...e.fieldErrors] }),
  }),
});

builder.objectType(OutcomeUnknownError, {
  name: 'OutcomeUnknownError',
  description: 'A write was sent but could not be confirmed: it may or may not have happened.',
  interfaces: [ErrorInterface, VendorErrorInterface],
  fields: (t) => ({
    check: t.exposeString('check', { description: 'What to look at before trying again.' }),
  }),
});

/** Errors any field that reads from a vendor may return. */
export const READ_ERRORS = [
  InputValidationError,
  NotFoundError,
  VendorValidationError,
  ConflictError,
  VendorAuthError,
  VendorRateLimitedError,
  VendorUnavailableError,
  VendorContractError,
  CircuitOpenError,
] as const;

/**
 * What any field that writes to a vendor may return besides its payload: `WritePreview` (the
 * answer to `dryRun: true`, which every mutation takes; not a failure), `ForbiddenError` (the
 * rights check) and `MutationInProgressError` (a key still held by another run) come from
 * `audited`, which every mutation passes. (`SecretsRequiredError` is a rotation target's error,
 * in `SecretRotationTarget.error`: no mutation answers it.)
 */
export const WRITE_ERRORS = [...READ_ERRORS, OutcomeUnknownError, UnsupportedOperationError, ForbiddenError, StoreUnavailableError, MutationInProgressError, WritePreview] as const;

/** A failure a read field returns as a result rather than raising. */
export type ReadError = InstanceType<(typeof READ_ERRORS)[number]>;

export function isReadError(error: unknown): error is ReadError {
  return READ_ERRORS.some((cls) => error instanceof cls);
}
