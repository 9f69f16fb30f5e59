import type { ParsedVendorError } from './types.js';

/** Longest piece of vendor text shown anywhere, ellipsis included. */
const MAX_VENDOR_TEXT = 200;

/** Shorter values are too likely to occur by chance to be replaced wherever they appear. */
const MIN_SECRET_LENGTH = 4;

const REDACTED = '[redacted]';

/** C0 and C1 control characters (line breaks and tabs included) and DEL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * Replaces every secret wherever it appears, as written and as it reads inside a JSON string
 * (a secret with a quote, backslash or control character is escaped there), with `[redacted]`.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    out = out.split(secret).join(REDACTED);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join(REDACTED);
  }
  return out;
}

function flatten(text: string): string {
  return text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

function clip(text: string): string {
  if (text.length <= MAX_VENDOR_TEXT) return text;
  let end = MAX_VENDOR_TEXT - 3;
  // Never leave half of a surrogate pair at the cut.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}...`;
}

/**
 * The one cleaner for anything a vendor says: secrets out (before flattening, so a secret with a
 * line break is still found, and once more after, in case the vendor flattened it itself), control
 * characters and runs of whitespace turned into single spaces, and at most 200 characters, cut
 * only after the secrets are gone so that no part of one survives. Null when nothing is left.
 */
export function cleanVendorText(text: string | null | undefined, secrets: readonly string[]): string | null {
  if (!text) return null;
  const flat = flatten(redactSecrets(text, secrets));
  const clean = clip(redactSecrets(flat, secrets.map(flatten)));
  return clean === '' ? null : clean;
}

/** A vendor's parsed error with every string in it cleaned by {@link cleanVendorText}. */
export function cleanVendorError(parsed: ParsedVendorError, secrets: readonly string[]): ParsedVendorError {
  return {
    ...parsed,
    vendorCode: cleanVendorText(parsed.vendorCode, secrets),
    summary: cleanVendorText(parsed.summary, secrets),
    fieldErrors: (parsed.fieldErrors ?? []).map((field) => ({
      path: field.path.map((segment) => cleanVendorText(segment, secrets) ?? ''),
      message: cleanVendorText(field.message, secrets) ?? 'invalid',
    })),
  };
}
