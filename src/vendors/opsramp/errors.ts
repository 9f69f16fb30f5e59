import type { ParsedVendorError } from '../../core/http/vendor-http.js';
import { errorBodyWire } from './wire.js';

/** Longest summary kept from a vendor message. */
const MAX_SUMMARY = 200;

/**
 * Spring Security's OAuth errors repeat the refused token ("Invalid access token: 6b4a…"), so
 * anything shaped like a token or key is cut out of a vendor message before it is shown.
 */
const TOKEN_LIKE = /[A-Za-z0-9._~+/=-]{20,}/g;

/** Makes a vendor message safe to show: one line, no token-like runs, bounded length. */
export function sanitiseVendorText(value: string | null | undefined): string | null {
  if (!value) return null;
  const clean = value.replace(TOKEN_LIKE, '[redacted]').replace(/\s+/g, ' ').trim();
  if (!clean) return null;
  return clean.length > MAX_SUMMARY ? `${clean.slice(0, MAX_SUMMARY - 3)}...` : clean;
}

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
  return {
    vendorCode: code && /^[\w.:-]{1,64}$/.test(code) ? code : null,
    summary: sanitiseVendorText(first.error_description ?? first.message),
  };
}
