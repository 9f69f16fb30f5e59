import type { ParsedVendorError, VendorErrorParser } from '../../core/http/vendor-http.js';
import { errorResponse, tooManyRequestsProblem } from './wire.js';

/** RFC 9457's "no further semantics" problem type; says nothing worth showing as a code. */
const BLANK_PROBLEM_TYPE = 'about:blank';

/**
 * Reads Cortex's two error bodies (CONTRACT.md, Errors): the `ErrorResponse` of every declared
 * error, whose `type` becomes the vendor code and `message` the summary, and the
 * `application/problem+json` body of a 429, whose `retryAfter` member (seconds) is the wait. The
 * status still decides the error type. `details` is never read: it may carry internal text. The
 * HTTP layer cleans every string returned here.
 */
export const parseCortexError: VendorErrorParser = (_status: number, body: unknown): ParsedVendorError => {
  const error = errorResponse.safeParse(body);
  if (error.success) {
    return { vendorCode: error.data.type, summary: error.data.message };
  }
  const problem = tooManyRequestsProblem.safeParse(body);
  if (problem.success) {
    const type = problem.data.type.trim();
    return {
      vendorCode: type === '' || type === BLANK_PROBLEM_TYPE ? null : type,
      summary: problem.data.title,
      // Null lets the HTTP layer fall back to the Retry-After header.
      retryAfterSeconds: problem.data.retryAfter ?? null,
    };
  }
  return {};
};

/**
 * Whether an `ErrorResponse.type` describes Cortex's own call to PagerDuty failing (the
 * `INTEGRATION_*` family) rather than a problem with the Cortex request itself.
 */
export function isPagerDutyFailureCode(code: string | null): boolean {
  return code?.startsWith('INTEGRATION_') === true;
}
