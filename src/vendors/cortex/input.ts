import { InputChecks, type BuiltRequest } from '../../core/input-check.js';
import { TOKEN_FIELD } from './map.js';

/**
 * What the add and replace mutations hand the builder: GraphQL guarantees both fields (`String!`,
 * `Boolean!`), not what the token looks like.
 */
export interface CortexConfigurationInput {
  readonly token: string;
  readonly isTokenReadonly: boolean;
}

/** `PagerdutyConfigurationRequest`, the POST and PUT body (docs/vendors/cortex/CONTRACT.md, Endpoints): both members required. */
interface CortexConfigurationRequest {
  readonly token: string;
  readonly isTokenReadonly: boolean;
}

/**
 * The body of an add or replace, and the token it carries: to scrub from vendor errors
 * (`sensitive`) and, under the hint field `token` (`secrets`), to fingerprint after the write.
 */
export type BuiltConfiguration = BuiltRequest<CortexConfigurationRequest>;

/**
 * Far longer than any PagerDuty API key (20 characters); keeps a pasted document from being
 * sent as a token, well inside Cortex's 2 MB request limit.
 */
const MAX_TOKEN_LENGTH = 1024;

/**
 * Checks the token the way Cortex's `PagerdutyConfigurationRequest` requires (non-blank) and
 * builds the body. Whitespace and control characters are refused too: PagerDuty keys have none,
 * and a pasted trailing newline would otherwise be stored as part of the token. Throws
 * `InputValidationError` listing every problem.
 */
export function buildConfigurationBody(input: CortexConfigurationInput): BuiltConfiguration {
  const out = new InputChecks();
  checkToken(input.token, out);
  out.throwIfAny();
  // The field is the one the read-back hint names (map.ts, `tokenHint`).
  out.secret(TOKEN_FIELD, input.token);
  return { body: { token: input.token, isTokenReadonly: input.isTokenReadonly }, sensitive: out.sensitive, secrets: out.secrets };
}

function checkToken(token: string, out: InputChecks): void {
  // GraphQL lets an empty string through as a `String!`.
  if (token.length === 0) out.fail(['token'], 'is required');
  else if (/[\s\u0000-\u001f\u007f]/.test(token)) out.fail(['token'], 'must not contain whitespace or control characters');
  else out.maxLength(token, ['token'], MAX_TOKEN_LENGTH);
}
