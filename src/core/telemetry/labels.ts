/** The label value that stands for every value past a label's cap, or one that fails its pattern. */
export const OTHER = 'other';

/** The label value of a fact that is absent (no status: the vendor never answered). */
export const NONE = 'none';

/**
 * One label's values, bounded: a value is kept as it is only when it matches `pattern` and is
 * one of the first `cap` distinct values seen; any other becomes {@link OTHER}. Every series a
 * caller can influence goes through one of these, so that no request can grow the scrape (or the
 * memory behind it) without bound. Values are the code's own (route templates, error class
 * names) or the config file's (account keys) in practice; the cap is the guard, not the rule.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly cap: number,
    private readonly pattern: RegExp,
  ) {}

  of(raw: string | null | undefined): string {
    if (raw === null || raw === undefined || raw === '') return NONE;
    if (this.seen.has(raw)) return raw;
    if (!this.pattern.test(raw) || this.seen.size >= this.cap) return OTHER;
    this.seen.add(raw);
    return raw;
  }
}

/** `2xx` … `5xx` for an HTTP status, {@link NONE} when no answer came. */
export function statusClass(status: number | null): string {
  if (status === null || !Number.isInteger(status) || status < 100 || status > 599) return NONE;
  return `${Math.floor(status / 100)}xx`;
}

/** A config key (src/core/config/schema.ts `CONFIG_KEY_PATTERN`) or a vendor id. */
export const KEY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** A route template as the vendor clients write them: a path with `{name}` placeholders, never a filled-in id. */
export const ROUTE_PATTERN = /^[A-Za-z0-9/_.:{}~-]{1,200}$/;

/** An error class name or a GraphQL error code. */
export const CODE_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
