import { InputValidationError, type FieldError } from './errors.js';

/** A GraphQL input object as resolvers receive it. */
export type InputRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is InputRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Gathers every problem of one input (so the caller learns them all at once) and the secret
 * values it carries (to scrub from anything the vendor says back). Vendor input builders share it.
 */
export class InputChecks {
  readonly errors: FieldError[] = [];
  readonly sensitive: string[] = [];

  fail(path: readonly string[], message: string): void {
    this.errors.push({ path, message });
  }

  /** Throws one `InputValidationError` listing every problem, when there is any. */
  throwIfAny(): void {
    const first = this.errors[0];
    if (first === undefined) return;
    const summary = `${first.path.join('.')}: ${first.message}`;
    throw new InputValidationError(
      this.errors.length === 1 ? `Invalid input (${summary}).` : `Invalid input (${summary}, and ${this.errors.length - 1} more).`,
      this.errors,
    );
  }
}
