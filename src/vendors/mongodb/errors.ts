import type { z } from 'zod';
import type { FieldError } from '../../core/errors.js';
import type { ParsedVendorError } from '../../core/http/vendor-http.js';
import { apiErrorWire } from './wire.js';

/** Error codes whose first parameter names the refused attribute (Atlas/Cloud Manager `ApiError`). */
const ATTRIBUTE_CODES: ReadonlySet<string> = new Set(['MISSING_ATTRIBUTE', 'INVALID_ATTRIBUTE', 'ATTRIBUTE_READ_ONLY']);

/**
 * Reads Cloud Manager's `ApiError` body `{detail, error, errorCode, parameters, reason}`
 * (CONTRACT.md, "Errors"). The status decides the error type; `errorCode` becomes the vendor
 * code (so a 404 says `GROUP_NOT_FOUND` or `INTEGRATION_NOT_CONFIGURED`, not only in words),
 * `detail` the summary, and `badRequestDetail.fields` (or the attribute named by
 * `MISSING_ATTRIBUTE`-style codes) the field errors. Each member is read on its own, so one member
 * of an unexpected shape costs that member only, never the error code. The HTTP layer cleans all
 * of it and scrubs the secrets the request carried.
 */
export function parseMongoDbError(_status: number, body: unknown): ParsedVendorError {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const member = <T>(schema: z.ZodType<T>, name: string): T | null => {
    const parsed = schema.safeParse((body as Record<string, unknown>)[name]);
    return parsed.success ? parsed.data : null;
  };
  const detail = member(apiErrorWire.shape.detail, 'detail') ?? null;
  const errorCode = member(apiErrorWire.shape.errorCode, 'errorCode') ?? null;
  const parameters = member(apiErrorWire.shape.parameters, 'parameters') ?? null;
  const badRequestDetail = member(apiErrorWire.shape.badRequestDetail, 'badRequestDetail') ?? null;
  const fieldErrors: FieldError[] = [];
  for (const field of badRequestDetail?.fields ?? []) {
    if (field.field) fieldErrors.push({ path: field.field.split('.'), message: field.description ?? 'invalid' });
  }
  const first = parameters?.[0];
  if (fieldErrors.length === 0 && errorCode && ATTRIBUTE_CODES.has(errorCode) && typeof first === 'string' && /^[A-Za-z][\w.]{0,99}$/.test(first)) {
    fieldErrors.push({ path: first.split('.'), message: detail ?? errorCode });
  }
  return {
    vendorCode: errorCode,
    summary: detail ? detail : errorCode,
    fieldErrors,
  };
}
