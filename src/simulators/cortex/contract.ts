/**
 * What Cortex's REST API says about its PagerDuty integration, as the simulator reads it from
 * docs/vendors/cortex/CONTRACT.md and openapi-pagerduty.yaml.
 */

/** The integration's path prefix: one workspace-level configuration, no per-alias routes. */
export const PAGERDUTY_PATH = '/api/v1/pagerduty';

/** 1000 requests per minute per API key (docs.cortex.io/api). */
export const RATE_LIMIT_PER_MINUTE = 1000;
export const RATE_WINDOW_MS = 60_000;

/** How many trailing characters of the token reads show (`PagerdutyConfiguration.lastFour`). */
export const VISIBLE_TOKEN_CHARACTERS = 4;

/** The 429 body's media type (`TooManyRequestsProblemDetail`). */
export const PROBLEM_JSON_MEDIA_TYPE = 'application/problem+json';

/** The `ErrorResponse.type` values the simulator answers with (a subset of the spec's enum). */
export type ErrorType = 'BAD_REQUEST' | 'ILLEGAL_ARGUMENT_ERROR' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT';
