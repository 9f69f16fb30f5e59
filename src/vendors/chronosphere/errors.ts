import type { ParsedVendorError } from '../../core/http/vendor-http.js';

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
}

/**
 * Reads Chronosphere's `apiError` body (`{code, message}`; CONTRACT.md: map by HTTP status and
 * surface `message`). `code` is a private number with undefined values, kept only as the vendor
 * code. Other statuses carry `genericError`, any JSON object, so nothing in it is required and an
 * `error` string is read when there is no `message`. The message is free text without field paths.
 * The HTTP layer cleans (clips, flattens, scrubs) every string a parser returns.
 */
export function parseChronosphereError(_status: number, body: unknown): ParsedVendorError {
  const code = field(body, 'code');
  const message = field(body, 'message');
  const fallback = field(body, 'error');
  const raw = typeof message === 'string' && message.trim() !== '' ? message : typeof fallback === 'string' ? fallback : '';
  return {
    vendorCode: typeof code === 'number' && Number.isInteger(code) ? String(code) : null,
    summary: raw === '' ? null : raw,
  };
}
