import { InputValidationError, type FieldError } from '../../core/errors.js';

/** A request body for Cortex plus the secret values it carries (to scrub from vendor errors). */
export interface BuiltBody {
  readonly body: { readonly token: string; readonly isTokenReadonly: boolean };
  readonly sensitive: readonly string[];
}

/**
 * Far longer than any PagerDuty API key (20 characters); keeps a pasted document from being
 * sent as a token, well inside Cortex's 2 MB request limit.
 */
export const MAX_TOKEN_LENGTH = 1024;

/**
 * Validates an add or replace input the way Cortex's `PagerdutyConfigurationRequest` requires
 * (both members present, a non-blank token) and builds the body. Whitespace and control
 * characters are refused too: PagerDuty keys have none, and a pasted trailing newline would
 * otherwise be stored as part of the token. Throws `InputValidationError` listing every problem.
 */
export function buildConfigurationBody(input: { token: unknown; isTokenReadonly: unknown }): BuiltBody {
  const errors: FieldError[] = [];
  const token = checkToken(input.token, errors);
  const isTokenReadonly = typeof input.isTokenReadonly === 'boolean' ? input.isTokenReadonly : null;
  if (isTokenReadonly === null) errors.push({ path: ['isTokenReadonly'], message: 'is required (true or false)' });
  const first = errors[0];
  if (first || token === null || isTokenReadonly === null) {
    const summary = first ? `${first.path.join('.')}: ${first.message}` : 'invalid input';
    throw new InputValidationError(
      errors.length <= 1 ? `Invalid input (${summary}).` : `Invalid input (${summary}, and ${errors.length - 1} more).`,
      errors,
    );
  }
  return { body: { token, isTokenReadonly }, sensitive: [token] };
}

function checkToken(token: unknown, errors: FieldError[]): string | null {
  if (typeof token !== 'string' || token.length === 0) {
    errors.push({ path: ['token'], message: 'is required' });
    return null;
  }
  if (/[\s\u0000-\u001f\u007f]/.test(token)) {
    errors.push({ path: ['token'], message: 'must not contain whitespace or control characters' });
    return null;
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    errors.push({ path: ['token'], message: `must be at most ${MAX_TOKEN_LENGTH} characters` });
    return null;
  }
  return token;
}
