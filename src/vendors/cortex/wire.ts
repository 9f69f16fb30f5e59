import { z } from 'zod';

/**
 * Cortex's JSON for the PagerDuty integration, as the OpenAPI excerpt declares it
 * (docs/vendors/cortex/openapi-pagerduty.yaml). Objects are not strict: a field
 * Cortex adds later is dropped, not an error.
 */

/** `PagerdutyConfiguration`: both members are required in responses. */
export const pagerDutyConfiguration = z.object({
  isTokenReadonly: z.boolean(),
  lastFour: z.string(),
});
export type PagerDutyConfigurationData = z.output<typeof pagerDutyConfiguration>;

/** `ConfigurationsResponsePagerdutyConfiguration`, as add, replace and delete answer it. */
export const configurationsResponse = z.object({
  configurations: z.array(pagerDutyConfiguration),
});

/**
 * The same, for add and replace: a successful write that lists no configuration breaks the
 * contract (the saved configuration is what Patchbay shows back).
 */
export const savedConfigurationsResponse = z.object({
  configurations: z.array(pagerDutyConfiguration).min(1),
});

/** `IntegrationConfigValidation`: only `isValid` is required; Cortex may send nulls for the rest. */
export const configValidation = z.object({
  alias: z.string().nullish(),
  isValid: z.boolean(),
  message: z.string().nullish(),
});
export type ConfigValidationData = z.output<typeof configValidation>;

/** `MultipleIntegrationConfigValidation`. */
export const validationResponse = z.object({
  configurations: z.array(configValidation),
});

/**
 * `ErrorResponse`. `type` is an enum in the spec; it is read as any string so that a code Cortex
 * adds later still reaches the client as the vendor code.
 */
export const errorResponse = z.object({
  type: z.string().min(1),
  message: z.string(),
  details: z.string().nullish(),
  httpStatus: z.number().int().nullish(),
  gatewayHttpStatus: z.number().int().nullish(),
  requestId: z.string().nullish(),
});

/** `TooManyRequestsProblemDetail` (RFC 9457, `application/problem+json`), sent with 429. */
export const tooManyRequestsProblem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().nullish(),
  instance: z.string().nullish(),
  retryAfter: z.number().int().min(0).nullish(),
});
