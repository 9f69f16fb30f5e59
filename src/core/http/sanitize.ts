import type { ParsedVendorError } from './types.js';

/** Longest piece of vendor text shown anywhere, ellipsis included. */
const MAX_VENDOR_TEXT = 200;

/** Shorter values are too likely to occur by chance to be replaced wherever they appear. */
const MIN_SECRET_LENGTH = 4;

/**
 * A piece of a secret this long at the edge of a text (or next to an ellipsis) is taken out too:
 * a vendor that clipped its own message, or quoted part of a value, leaves a prefix that is
 * enough to recognise the secret.
 */
const MIN_FRAGMENT_LENGTH = 8;

/**
 * Text beyond this is never looked at: it could not be shown anyway (200 characters are), and
 * scanning it in every decoded form would cost time on a hostile 5 MB error body.
 */
const MAX_SCANNED_TEXT = 16_384;

/** How many layers of escaping are undone when looking for a secret (a JSON string of a URL-encoded value is two). */
const DECODE_PASSES = 3;

const REDACTED = '[redacted]';

/** C0 and C1 control characters (line breaks and tabs included) and DEL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/** What vendors and their proxies put where they cut a text short. */
const ELLIPSES = ['...', '…'];

/** Characters that vendors drop, collapse or insert when they reflow a value. */
const SPACING = /[\s\u0000-\u001f\u007f-\u009f]/;

/**
 * One reading of a text: `text[i]` came from `source.slice(start[i], end[i])` of the text as the
 * vendor sent it. The raw text is one reading; undoing one layer of escaping gives another.
 */
interface Reading {
  readonly text: string;
  readonly start: readonly number[];
  readonly end: readonly number[];
}

/** A range of the text as sent that holds a secret, whole or in part. */
interface Span {
  readonly start: number;
  readonly end: number;
}

function rawReading(text: string): Reading {
  const start: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < text.length; i++) {
    start.push(i);
    end.push(i + 1);
  }
  return { text, start, end };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '/': '/', '\\': '\\', '"': '"', "'": "'", n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
const NAMED_ENTITIES: Readonly<Record<string, string>> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", sol: '/' };

/** The character an escape at `at` stands for, and how long the escape is; null when there is none. */
function escapeAt(text: string, at: number): { readonly value: string; readonly length: number } | null {
  const char = text[at];
  if (char === '\\') {
    const next = text[at + 1] ?? '';
    const unicode = /^u([0-9A-Fa-f]{4})/.exec(text.slice(at + 1, at + 6));
    if (unicode?.[1]) return { value: String.fromCharCode(Number.parseInt(unicode[1], 16)), length: 6 };
    const hex = /^x([0-9A-Fa-f]{2})/.exec(text.slice(at + 1, at + 4));
    if (hex?.[1]) return { value: String.fromCharCode(Number.parseInt(hex[1], 16)), length: 4 };
    const simple = SIMPLE_ESCAPES[next];
    return simple === undefined ? null : { value: simple, length: 2 };
  }
  if (char === '%') return percentAt(text, at);
  if (char === '&') {
    const entity = /^&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([a-z]{2,6}));/.exec(text.slice(at, at + 12));
    if (!entity) return null;
    const code = entity[1] !== undefined ? Number.parseInt(entity[1], 10) : entity[2] !== undefined ? Number.parseInt(entity[2], 16) : null;
    if (code !== null) return code <= 0x10ffff ? { value: String.fromCodePoint(code), length: entity[0].length } : null;
    const named = NAMED_ENTITIES[entity[3] ?? ''];
    return named === undefined ? null : { value: named, length: entity[0].length };
  }
  return null;
}

/** A percent-encoded UTF-8 character at `at` (one to four `%XX`), decoded. */
function percentAt(text: string, at: number): { readonly value: string; readonly length: number } | null {
  const byte = (index: number): number | null => {
    const match = /^%([0-9A-Fa-f]{2})/.exec(text.slice(index, index + 3));
    return match?.[1] ? Number.parseInt(match[1], 16) : null;
  };
  const lead = byte(at);
  if (lead === null) return null;
  const size = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  let code = size === 1 ? lead : lead & (0xff >> (size + 1));
  for (let i = 1; i < size; i++) {
    const next = byte(at + 3 * i);
    // Not a whole UTF-8 sequence: take the byte as the Latin-1 character it names.
    if (next === null || (next & 0xc0) !== 0x80) return { value: String.fromCharCode(lead), length: 3 };
    code = (code << 6) | (next & 0x3f);
  }
  return code <= 0x10ffff ? { value: String.fromCodePoint(code), length: 3 * size } : null;
}

/**
 * Undoes one layer of the escaping vendors apply when they echo a value: JSON and JavaScript
 * string escapes (`\uXXXX`, `\/`, `\"`, `\xXX`), URL encoding (`%XX`, UTF-8 sequences
 * included) and HTML character references. Null when there was nothing to undo.
 */
function decodeOnce(reading: Reading): Reading | null {
  const { text } = reading;
  let changed = false;
  let out = '';
  const start: number[] = [];
  const end: number[] = [];
  for (let at = 0; at < text.length; ) {
    const escaped = escapeAt(text, at);
    const value = escaped?.value ?? text.charAt(at);
    const length = escaped?.length ?? 1;
    if (escaped) changed = true;
    const from = reading.start[at] ?? 0;
    const to = reading.end[at + length - 1] ?? from;
    // A character outside the BMP decodes to two UTF-16 units; both come from the whole escape.
    for (let unit = 0; unit < value.length; unit++) {
      start.push(from);
      end.push(to);
    }
    out += value;
    at += length;
  }
  return changed ? { text: out, start, end } : null;
}

/** The reading without spacing, for vendors that reflow, collapse or strip whitespace inside a value. */
function withoutSpacing(reading: Reading): Reading {
  let out = '';
  const start: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < reading.text.length; i++) {
    const char = reading.text.charAt(i);
    if (SPACING.test(char)) continue;
    out += char;
    start.push(reading.start[i] ?? 0);
    end.push(reading.end[i] ?? 0);
  }
  return { text: out, start, end };
}

function readingsOf(text: string): Reading[] {
  const readings: Reading[] = [rawReading(text)];
  for (let pass = 1; pass < DECODE_PASSES; pass++) {
    const last = readings[readings.length - 1];
    const decoded = last ? decodeOnce(last) : null;
    if (!decoded) break;
    readings.push(decoded);
  }
  return [...readings, ...readings.map(withoutSpacing)];
}

function stripSpacing(value: string): string {
  let out = '';
  for (const char of value) if (!SPACING.test(char)) out += char;
  return out;
}

function spanOf(reading: Reading, from: number, to: number): Span {
  return { start: reading.start[from] ?? 0, end: reading.end[to - 1] ?? 0 };
}

/** Every place `needle` occurs in the reading. */
function occurrences(reading: Reading, needle: string): Span[] {
  const spans: Span[] = [];
  for (let at = reading.text.indexOf(needle); at !== -1; at = reading.text.indexOf(needle, at + 1)) spans.push(spanOf(reading, at, at + needle.length));
  return spans;
}

/** Ellipses looked at in one text: a text made of dots must not cost a scan per dot. */
const MAX_ELLIPSES = 32;

/** Places where a text was cut: its two ends, and either side of an ellipsis. */
function cutPoints(text: string): { readonly before: number[]; readonly after: number[] } {
  const before = [text.length];
  const after = [0];
  for (const ellipsis of ELLIPSES) {
    for (let at = text.indexOf(ellipsis); at !== -1 && before.length <= MAX_ELLIPSES; at = text.indexOf(ellipsis, at + ellipsis.length)) {
      before.push(at);
      after.push(at + ellipsis.length);
    }
  }
  return { before, after };
}

/**
 * Pieces of `secret` of at least {@link MIN_FRAGMENT_LENGTH} characters that sit at a cut: its
 * beginning right before the end of the text or an ellipsis (the vendor clipped the value), or
 * its end right after the start of the text or an ellipsis.
 */
function fragments(reading: Reading, secret: string, cuts: ReturnType<typeof cutPoints>): Span[] {
  if (secret.length <= MIN_FRAGMENT_LENGTH) return [];
  const spans: Span[] = [];
  const { text } = reading;
  for (const at of cuts.before) {
    // Any fragment ends with these characters, which must then occur in the secret.
    if (at < MIN_FRAGMENT_LENGTH || !secret.includes(text.slice(at - MIN_FRAGMENT_LENGTH, at))) continue;
    for (let length = Math.min(secret.length - 1, at); length >= MIN_FRAGMENT_LENGTH; length--) {
      if (text.startsWith(secret.slice(0, length), at - length)) {
        spans.push(spanOf(reading, at - length, at));
        break;
      }
    }
  }
  for (const at of cuts.after) {
    if (!secret.includes(text.slice(at, at + MIN_FRAGMENT_LENGTH))) continue;
    for (let length = Math.min(secret.length - 1, text.length - at); length >= MIN_FRAGMENT_LENGTH; length--) {
      if (text.startsWith(secret.slice(secret.length - length), at)) {
        spans.push(spanOf(reading, at, at + length));
        break;
      }
    }
  }
  return spans;
}

/** The secrets worth looking for, each with the form it takes once spacing is stripped. */
function needles(secrets: readonly string[]): { readonly plain: string; readonly compact: string }[] {
  const seen = new Set<string>();
  const out: { plain: string; compact: string }[] = [];
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH || seen.has(secret)) continue;
    seen.add(secret);
    out.push({ plain: secret, compact: stripSpacing(secret) });
  }
  return out;
}

/** Replaces every span (merged where they overlap) with `[redacted]`. */
function replaceSpans(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].filter((span) => span.end > span.start).sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const span of sorted) {
    if (span.end <= at) continue;
    out += `${text.slice(at, Math.max(at, span.start))}${REDACTED}`;
    at = span.end;
  }
  return out + text.slice(at);
}

/**
 * Takes every secret out of a text, in every form a vendor may give it back: as written; with
 * one to three layers of JSON, JavaScript, URL or HTML escaping (mixed, even character by
 * character); with spacing inside it collapsed, removed or added; and cut short at either end of
 * the text or at an ellipsis, when at least {@link MIN_FRAGMENT_LENGTH} characters of it remain.
 * Each occurrence, as the vendor wrote it, becomes `[redacted]`.
 */
function scrub(text: string, secrets: readonly string[]): string {
  const wanted = needles(secrets);
  if (wanted.length === 0 || text === '') return text;
  const spans: Span[] = [];
  for (const reading of readingsOf(text)) {
    const cuts = cutPoints(reading.text);
    for (const { plain, compact } of wanted) {
      spans.push(...occurrences(reading, plain), ...fragments(reading, plain, cuts));
      if (compact !== plain && compact.length >= MIN_SECRET_LENGTH) spans.push(...occurrences(reading, compact), ...fragments(reading, compact, cuts));
    }
  }
  return replaceSpans(text, spans);
}

/**
 * Replaces every secret wherever it appears in a whole vendor body, as written and as it reads
 * inside a JSON string (escaped quotes, backslashes, control characters or slashes), with
 * `[redacted]`. Cheap enough for a body of megabytes: the body is only ever parsed afterwards,
 * and every string picked out of it then goes through {@link cleanVendorText}, which looks for
 * the other forms.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    const escaped = JSON.stringify(secret).slice(1, -1);
    for (const form of new Set([secret, escaped, escaped.replace(/\//g, '\\/')])) out = out.split(form).join(REDACTED);
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
 * The one cleaner for anything a vendor says (error details, request ids, field values echoed in
 * errors): secrets out in every form {@link scrub} knows, before flattening (so a secret with a
 * line break is still found) and once more after (in case the vendor flattened it itself); control
 * characters and runs of whitespace turned into single spaces; and at most 200 characters, cut
 * only after the secrets are gone, so that the cut cannot leave part of one behind. Null when
 * nothing is left.
 *
 * `secrets` should hold everything the text could echo: the account's credentials, the secrets
 * of the request that was answered and those of recent requests to the same account (a vendor may
 * quote an earlier request's value, as in a conflict with what already exists).
 */
export function cleanVendorText(text: string | null | undefined, secrets: readonly string[]): string | null {
  if (!text) return null;
  // A text cut here for speed ends in an ellipsis, so a secret cut by it counts as clipped.
  const scanned = text.length > MAX_SCANNED_TEXT ? `${text.slice(0, MAX_SCANNED_TEXT)}...` : text;
  const flat = flatten(scrub(scanned, secrets));
  const clean = clip(scrub(flat, secrets));
  return clean === '' ? null : clean;
}

/** A vendor's request id, only when it is a plain id that carries no secret in any form; null otherwise. */
export function cleanRequestId(value: string | null | undefined, secrets: readonly string[]): string | null {
  if (!value || !/^[A-Za-z0-9._:-]{1,128}$/.test(value)) return null;
  return scrub(value, secrets) === value ? value : null;
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
    vendorRequestId: cleanRequestId(parsed.vendorRequestId, secrets),
  };
}
