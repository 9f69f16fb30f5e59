import { z } from 'zod';
import { tolerantList } from '../../core/http/tolerant.js';

/**
 * Cortex's JSON for the PagerDuty integration, as the OpenAPI excerpt declares it
 * (docs/vendors/cortex/openapi-pagerduty.yaml). Objects are not strict: a field
 * Cortex adds later is dropped, not an error.
 */

/**
 * `PagerdutyConfiguration`. The spec marks both members required; `lastFour` is read as absent
 * when Cortex leaves it out or sends null (a token with nothing to show), so only a configuration
 * without a readable `isTokenReadonly` breaks the contract.
 */
export const pagerDutyConfiguration = z.object({
  isTokenReadonly: z.boolean(),
  lastFour: z.string().nullish(),
});
export type PagerDutyConfigurationData = z.output<typeof pagerDutyConfiguration>;

/**
 * Configurations read one by one, so a broken one is an item failure beside the others. A
 * PagerDuty configuration carries no id (there is one per workspace, named by the account);
 * `alias`, the name of a configuration in Cortex's multi-configuration integrations
 * * (CONTRACT.md, Endpoints), names it in the failure should Cortex ever send one.
 */
const configurationList = tolerantList(pagerDutyConfiguration, { idField: 'alias', what: 'PagerDuty configuration' });

/**
 * `GET /default-configuration` answers the configuration itself: it is read as a list of one, so
 * a configuration that breaks the contract is an item failure of the account (reachable, its
 * key accepted) rather than a failure of the whole account. A body that is not an object at all
 * still breaks the answer.
 */
export const defaultConfigurationResponse = z
  .looseObject({})
  .transform((configuration): unknown[] => [configuration])
  .pipe(configurationList);

/** `ConfigurationsResponsePagerdutyConfiguration`, as add, replace and delete answer it. */
export const configurationsResponse = z.object({
  configurations: configurationList,
});

/**
 * The same, for add and replace: a successful write that lists no configuration breaks the
 * contract (the saved configuration is what Patchbay shows back).
 */
export const savedConfigurationsResponse = z.object({
  configurations: z.array(z.unknown()).min(1).pipe(configurationList),
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
