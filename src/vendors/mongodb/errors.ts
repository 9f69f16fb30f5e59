import type { FieldError } from '../../core/errors.js';
import type { ParsedVendorError } from '../../core/http/vendor-http.js';
import { apiErrorWire } from './wire.js';

/** Error codes whose first parameter names the refused attribute (Atlas/Cloud Manager `ApiError`). */
const ATTRIBUTE_CODES: ReadonlySet<string> = new Set(['MISSING_ATTRIBUTE', 'INVALID_ATTRIBUTE', 'ATTRIBUTE_READ_ONLY']);

/**
 * Reads Cloud Manager's `ApiError` body `{detail, error, errorCode, parameters, reason}`
 * (CONTRACT.md, "Errors"). The status decides the error type; `errorCode` becomes the vendor
 * code, `detail` the summary, and `badRequestDetail.fields` (or the attribute named by
 * `MISSING_ATTRIBUTE`-style codes) the field errors. The HTTP layer cleans all of it and scrubs
 * the secrets the request carried.
 */
export function parseMongoDbError(_status: number, body: unknown): ParsedVendorError {
  const parsed = apiErrorWire.safeParse(body);
  if (!parsed.success) return {};
  const { detail, errorCode, parameters, badRequestDetail } = parsed.data;
  const fieldErrors: FieldError[] = [];
  for (const field of badRequestDetail?.fields ?? []) {
    if (field.field) fieldErrors.push({ path: field.field.split('.'), message: field.description ?? 'invalid' });
  }
  const first = parameters?.[0];
  if (fieldErrors.length === 0 && errorCode && ATTRIBUTE_CODES.has(errorCode) && typeof first === 'string' && /^[A-Za-z][\w.]{0,99}$/.test(first)) {
    fieldErrors.push({ path: first.split('.'), message: detail ?? errorCode });
  }
  return {
    vendorCode: errorCode ?? null,
    summary: detail ? detail : (errorCode ?? null),
    fieldErrors,
  };
}
