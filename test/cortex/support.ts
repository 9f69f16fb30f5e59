import { expect } from 'vitest';
import { encodeGlobalId } from '../../src/core/ids.js';
import type { GqlResponse } from '../support/harness.js';

/** Fields of a configuration every test reads. */
export const CONFIGURATION_FIELDS = `
  id vendor name service createdAt updatedAt isTokenReadonly
  account { key vendor }
  token { field isSet lastFour }
  secrets { field isSet lastFour }
`;

/** Fields of every error a read can return (`errorAccount`: a configuration's `account` is an object). */
export const READ_ERROR_FIELDS = `
  __typename
  ... on Error { message }
  ... on VendorError { vendor errorAccount: account httpStatus vendorCode retryable retryAfterSeconds vendorRequestId }
  ... on InputValidationError { fieldErrors { path message } }
  ... on NotFoundError { resourceId }
`;

/** Fields of every error a write can return. */
export const ERROR_FIELDS = `
  ${READ_ERROR_FIELDS}
  ... on VendorValidationError { fieldErrors { path message } }
  ... on OutcomeUnknownError { check }
`;

export const ADD = `mutation($input: AddCortexPagerDutyConfigurationInput!) {
  addCortexPagerDutyConfiguration(input: $input) {
    ... on CortexPagerDutyConfigurationPayload { configuration { ${CONFIGURATION_FIELDS} } }
    ${ERROR_FIELDS}
  }
}`;

export const REPLACE = `mutation($input: ReplaceCortexPagerDutyConfigurationInput!) {
  replaceCortexPagerDutyConfiguration(input: $input) {
    ... on CortexPagerDutyConfigurationPayload { configuration { ${CONFIGURATION_FIELDS} } }
    ${ERROR_FIELDS}
  }
}`;

export const VALIDATE = `mutation($input: ValidateCortexPagerDutyConfigurationInput!) {
  validateCortexPagerDutyConfiguration(input: $input) {
    ... on ValidateCortexPagerDutyConfigurationPayload { results { alias isValid message } }
    ${ERROR_FIELDS}
  }
}`;

export const DELETE = `mutation($input: DeleteCortexPagerDutyConfigurationInput!) {
  deleteCortexPagerDutyConfiguration(input: $input) {
    ... on DeletedConnectionPayload { deletedId }
    ${ERROR_FIELDS}
  }
}`;

export const CONNECTION = `query($id: ID!) {
  connection(id: $id) {
    ... on CortexPagerDutyConfiguration { ${CONFIGURATION_FIELDS} }
    ${READ_ERROR_FIELDS}
  }
}`;

/** The global id of an account's configuration. */
export function configurationId(account: string): string {
  return encodeGlobalId('CortexPagerDutyConfiguration', account);
}

/** The one root field of a response, after checking there were no top-level errors. */
export function field(response: GqlResponse, name: string): Record<string, unknown> {
  expect(response.errors, response.raw).toBeUndefined();
  const value = response.data?.[name];
  expect(value, response.raw).toBeTypeOf('object');
  return value as Record<string, unknown>;
}
