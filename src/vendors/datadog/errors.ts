import type { FieldError } from '../../core/errors.js';
import type { ParsedVendorError } from '../../core/http/vendor-http.js';
import { errorBody } from './wire.js';

/**
 * Reads Datadog's JSON:API error body. The status decides the error type (CONTRACT.md: map by
 * status, never by parsing `detail`); `title` becomes the vendor code, and `source` pointers the
 * field errors. `detail` carries internal gRPC text, so only its last clause is kept as a summary.
 * The HTTP layer cleans every string returned here.
 */
export function parseDatadogError(_status: number, body: unknown): ParsedVendorError {
  const parsed = errorBody.safeParse(body);
  if (!parsed.success) return {};
  const first = parsed.data.errors[0];
  if (first === undefined) return {};
  if (typeof first === 'string') return { vendorCode: first, summary: first };
  const fieldErrors: FieldError[] = [];
  for (const item of parsed.data.errors) {
    if (typeof item === 'string') continue;
    const where = item.source?.pointer ?? item.source?.parameter;
    if (where) {
      fieldErrors.push({ path: where.split('/').filter(Boolean), message: item.title ?? 'invalid' });
    }
  }
  return {
    vendorCode: first.title ?? null,
    summary: lastClause(first.detail) ?? first.title ?? null,
    fieldErrors,
  };
}

/** The innermost cause of a gRPC error chain ("… caused by: …", "… desc = …"). */
function lastClause(detail: string | undefined): string | null {
  if (!detail) return null;
  const clauses = detail.split(/caused by: |desc = /);
  const last = clauses[clauses.length - 1];
  return last && last.trim() !== '' ? last : null;
}
