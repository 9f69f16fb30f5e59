import { expect } from 'vitest';
import type { AccountConfig } from '../../src/core/config/schema.js';
import { encodeGlobalId, innerId } from '../../src/core/ids.js';
import { OPSRAMP_DEMO_TENANT } from '../../src/simulators/opsramp/seed.js';
import type { OpsRampSimulator } from '../../src/simulators/opsramp/simulator.js';
import type { GqlResponse } from '../support/harness.js';

export const TENANT = OPSRAMP_DEMO_TENANT;
export const CLIENT_ID = 'opsramp-client-id-7d2b';
export const CLIENT_SECRET = 'opsramp-client-secret-Qm8Zr3Lw';
export const API = `/api/v2/tenants/${TENANT}/integrations`;
export const TOKEN_PATH = '/tenancy/auth/oauth/token';

/** An OpsRamp account on the simulator, under its own key (each key has its own quota and breaker). */
export function account(id: string, baseUrl: string, overrides: Partial<{ tenantId: string; clientId: string; clientSecret: string; tokenPath: string }> = {}): AccountConfig {
  return { id, vendor: 'opsramp', baseUrl, tenantId: TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...overrides };
}

/** The global id of an installed integration read through `accountKey`. */
export function integrationId(accountKey: string, installedId: string, tenant = TENANT): string {
  return encodeGlobalId('OpsRampInstalledIntegration', innerId(accountKey, tenant, installedId));
}

const HINT = '{ field isSet lastFour }';

export const MAP_FIELDS = `name attrName entityType thirdPartyAttrName thirdPartyEntityType mode attrValues { attrValue thirdPartyAttrValue }`;

/** Every field of an installed integration. */
export const INTEGRATION_FIELDS = `
  __typename id vendor name service createdAt updatedAt
  account { key vendor }
  secrets ${HINT}
  tenantId installedId displayName description status statusText category categoryText direction installedBy installedAt ticketType parentIntegrationId
  integration { id name kind service multipleInstallations }
  alertSource { id name displayName techUid }
  inboundConfig {
    authentication { authType roleUniqueId roleName token ${HINT} apiKeyPairs { key ${HINT} secret ${HINT} } }
    mapAttributes { ${MAP_FIELDS} }
    dropAlerts entityTypes webhookUrl webhookUris { entityType url }
  }
  outboundConfig {
    mapAttributes { ${MAP_FIELDS} }
    baseNotifier {
      type baseUri authType
      auth {
        __typename
        ... on OpsRampNoNotifierAuth { authType }
        ... on OpsRampBasicNotifierAuth { userName password ${HINT} }
        ... on OpsRampOAuth2NotifierAuth { grantType accessTokenUri apiKey ${HINT} apiSecret ${HINT} userName password ${HINT} }
        ... on OpsRampJwtNotifierAuth {
          userName tokenUrl password ${HINT} tokenPayload ${HINT}
          tokenHeaders { key value ${HINT} } tokensPath { key value } resourceAuthHeaders { key value ${HINT} }
        }
        ... on OpsRampUnknownNotifierAuth { authTypeText }
      }
    }
  }
`;

/** Fields of every error a read can return. */
export const READ_ERROR_FIELDS = `
  __typename
  ... on Error { message }
  ... on VendorError { vendor errorAccount: account httpStatus vendorCode retryable retryAfterSeconds }
  ... on InputValidationError { fieldErrors { path message } }
  ... on NotFoundError { resourceId }
`;

/** Fields of every error a write can return. */
export const ERROR_FIELDS = `
  ${READ_ERROR_FIELDS}
  ... on VendorValidationError { fieldErrors { path message } }
  ... on OutcomeUnknownError { check }
`;

export const CONNECTION = `query($id: ID!) { connection(id: $id) { ... on OpsRampInstalledIntegration { ${INTEGRATION_FIELDS} } ${READ_ERROR_FIELDS} } }`;

export const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on OpsRampInstalledIntegration { installedId name } } }`;

export const CONNECTIONS = `query($filter: ConnectionFilter, $first: Int) {
  connections(filter: $filter, first: $first) {
    totalCount
    nodes { ... on OpsRampInstalledIntegration { id installedId name service status category categoryText integration { id kind } } }
    failures { account { key } error { __typename ... on Error { message } ... on VendorError { httpStatus vendorCode } } }
  }
}`;

export const INSTALL = `mutation($input: InstallOpsRampIntegrationInput!) {
  installOpsRampIntegration(input: $input) {
    ... on OpsRampInstalledIntegrationPayload { integration { ${INTEGRATION_FIELDS} } }
    ${ERROR_FIELDS}
  }
}`;

export const UPDATE = `mutation($input: UpdateOpsRampInstalledIntegrationInput!) {
  updateOpsRampInstalledIntegration(input: $input) {
    ... on OpsRampInstalledIntegrationPayload { integration { ${INTEGRATION_FIELDS} } }
    ${ERROR_FIELDS}
  }
}`;

export const UNINSTALL = `mutation($input: UninstallOpsRampIntegrationInput!) {
  uninstallOpsRampIntegration(input: $input) {
    ... on OpsRampUninstalledIntegrationPayload { uninstalledId }
    ${ERROR_FIELDS}
  }
}`;

export const ENABLE = `mutation($input: OpsRampInstalledIntegrationIdInput!) {
  enableOpsRampInstalledIntegration(input: $input) {
    ... on OpsRampIntegrationStatusPayload { id enabled integration { installedId status statusText } }
    ${ERROR_FIELDS}
  }
}`;

export const DISABLE = ENABLE.replace('enableOpsRampInstalledIntegration', 'disableOpsRampInstalledIntegration');

export const AVAILABLE = `query($account: String!, $search: String) {
  opsRampAvailableIntegrations(account: $account, search: $search) {
    ... on OpsRampAvailableIntegrationList { totalCount nodes { id name kind service multipleInstallations } }
    ${READ_ERROR_FIELDS}
  }
}`;

/** The value of a root field, after checking the response has no top-level errors. */
export function field(response: GqlResponse, name: string): Record<string, unknown> {
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  const value = response.data?.[name];
  expect(value).toBeTypeOf('object');
  return value as Record<string, unknown>;
}

/** The requests the simulator received, as `METHOD path`. */
export function calls(sim: OpsRampSimulator): string[] {
  return sim.server.requests.map((r) => `${r.method} ${r.path}`);
}

/** The API requests (not the token endpoint) the simulator received. */
export function apiCalls(sim: OpsRampSimulator): string[] {
  return calls(sim).filter((c) => !c.endsWith(TOKEN_PATH));
}

/** How many token requests the simulator received. */
export function tokenCalls(sim: OpsRampSimulator): number {
  return calls(sim).filter((c) => c === `POST ${TOKEN_PATH}`).length;
}
