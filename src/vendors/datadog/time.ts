/**
 * Datadog's Action Connection API writes `created_at` and `last_updated` with Go's default
 * `time.Time` formatting (`2024-12-11 20:32:27.173761 +0000 UTC`: fraction trimmed of trailing
 * zeros and left out when zero, numeric offset, zone abbreviation), not RFC 3339 (CONTRACT.md,
 * "Fields beyond the spec"). Other Datadog v2 APIs use RFC 3339, and the service may switch, so
 * both are read. Anything else is not a time: the caller decides what that costs.
 */

/** Go's `time.Time.String()`: date, time, optional fraction, `±hhmm`, zone name; an optional monotonic-clock suffix (`m=+…`). */
const GO_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))? ([+-])(\d{2})(\d{2})(?: [A-Za-z][A-Za-z0-9+-]{0,9})?(?: m=[+-]\d+(?:\.\d+)?)?$/;

/** RFC 3339 with a `T` (or space) separator, optional fraction and a `Z` or `±hh:mm` offset. */
const RFC_3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** The instant written in either format, or null when `raw` is neither (or names no real date). */
export function parseDatadogTime(raw: string): Date | null {
  const text = raw.trim();
  const go = GO_TIME.exec(text);
  if (go) return instant(go[1], go[2], go[3], `${go[4]}${go[5]}:${go[6]}`);
  const rfc = RFC_3339.exec(text);
  if (rfc) return instant(rfc[1], rfc[2], rfc[3], rfc[4] ? 'Z' : `${rfc[5]}${rfc[6]}:${rfc[7]}`);
  return null;
}

/** Builds the instant from checked parts; null when the calendar refuses them (e.g. 2025-02-30, 24:00:00). */
function instant(date: string | undefined, time: string | undefined, fraction: string | undefined, offset: string): Date | null {
  if (date === undefined || time === undefined) return null;
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute, second] = time.split(':').map(Number) as [number, number, number];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const midnight = Date.UTC(year, month - 1, day);
  const probe = new Date(midnight);
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  // JavaScript keeps milliseconds: the rest of Go's nanoseconds is dropped, not rounded.
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  // Computed rather than parsed from a rebuilt string: this runs for every Datadog connection read.
  const offsetHours = offset === 'Z' ? 0 : Number(offset.slice(1, 3));
  const offsetRest = offset === 'Z' ? 0 : Number(offset.slice(4, 6));
  if (offsetHours > 23 || offsetRest > 59) return null;
  const offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetRest);
  const at = new Date(midnight + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis);
  return Number.isNaN(at.getTime()) ? null : at;
}
