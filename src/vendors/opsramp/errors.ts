import type { ParsedVendorError } from '../../core/http/vendor-http.js';
import { errorBodyWire } from './wire.js';

/**
 * Spring Security's OAuth errors repeat the refused token ("Invalid access token: 6b4a…"), a
 * value the request did not carry as a known secret, so anything shaped like a token or key is
 * cut out of an OpsRamp message. The rest of the cleaning is the HTTP layer's.
 */
const TOKEN_LIKE = /[A-Za-z0-9._~+/=-]{20,}/g;

/**
 * Reads OpsRamp's error bodies. The status decides the error type (CONTRACT.md: the integration
 * endpoints' error bodies are undocumented, so map by status); the body only lends a code and a
 * short summary. OAuth and throttling errors are `{error, error_description}`; `{code, message}`
 * and lists of either are read too. A 429's wait comes from the `X-RateLimit-Reset` header.
 */
export function parseOpsRampError(_status: number, body: unknown): ParsedVendorError {
  const parsed = errorBodyWire.safeParse(body);
  if (!parsed.success) return {};
  const first = Array.isArray(parsed.data) ? parsed.data[0] : parsed.data;
  if (!first) return {};
  const code = first.error ?? (first.code === null || first.code === undefined ? null : String(first.code));
  const message = first.error_description ?? first.message;
  return {
    vendorCode: code && /^[\w.:-]{1,64}$/.test(code) ? code : null,
    summary: message ? message.replace(TOKEN_LIKE, '[redacted]') : null,
  };
}
