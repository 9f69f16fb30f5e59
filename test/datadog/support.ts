import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { expect } from 'vitest';
import type { AccountConfig, GatewayConfig } from '../../src/core/config/schema.js';
import { encodeGlobalId, innerId } from '../../src/core/ids.js';
import { createDatadogSimulator, type DatadogSimulator, type DatadogSimulatorOptions } from '../../src/simulators/datadog/simulator.js';
import type { Store } from '../../src/core/store/store.js';
import { DATADOG_INTEGRATIONS, type CredentialField, type CredentialVariant, type IntegrationSpec } from '../../src/vendors/datadog/catalogue.js';
import { startHarness, type GqlResponse, type Harness } from '../support/harness.js';

/*
 * Helpers shared by the Datadog acceptance tests: a simulator plus a gateway over it, the
 * GraphQL documents every file sends, and narrowing helpers for untyped GraphQL JSON.
 */

export const API_PATHS = {
  connections: '/api/v2/actions/connections',
  appKeys: '/api/v2/actions/app_key_registrations',
} as const;

/** The id Datadog's own recordings use for a well-formed UUID that does not exist. */
export const MISSING_UUID = 'aaa11111-aa11-aa11-aaaa-aaaaaa111111';

// ---------------------------------------------------------------------------------------------
// Narrowing untyped JSON

/** The value as an object, failing the test with the value shown when it is not one. */
export function obj(value: unknown, where = 'value'): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where} is not an object: ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

export function list(value: unknown, where = 'value'): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} is not a list: ${JSON.stringify(value)}`);
  return value;
}

export function text(value: unknown, where = 'value'): string {
  if (typeof value !== 'string') throw new Error(`${where} is not a string: ${JSON.stringify(value)}`);
  return value;
}

/** Follows a path of keys and indexes into JSON. */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current = value;
  const walked: (string | number)[] = [];
  for (const step of path) {
    walked.push(step);
    current = typeof step === 'number' ? list(current, walked.slice(0, -1).join('.'))[step] : obj(current, walked.slice(0, -1).join('.') || 'root')[step];
  }
  return current;
}

/** `data[field]` of a response that must have no top-level errors. */
export function field(response: GqlResponse, name = 'result'): Record<string, unknown> {
  expect(response.errors, `top-level errors in ${response.raw}`).toBeUndefined();
  return obj(response.data?.[name], `data.${name}`);
}

// ---------------------------------------------------------------------------------------------
// Gateway and simulator

export interface DatadogEnv {
  readonly sim: DatadogSimulator;
  readonly h: Harness;
  readonly baseUrl: string;
  /** Sends a document and returns the response (same as `h.gql`). */
  gql(query: string, variables?: Record<string, unknown>): Promise<GqlResponse>;
  close(): Promise<void>;
}

/** A Datadog account with made-up keys, as a config file would give it. */
export function datadogAccount(id: string, baseUrl: string, keys: { apiKey?: string; appKey?: string } = {}): AccountConfig {
  return { id, vendor: 'datadog', baseUrl, apiKey: keys.apiKey ?? 'test-dd-api-key', appKey: keys.appKey ?? 'test-dd-app-key' };
}

/** Starts a Datadog simulator and a gateway with one account per key, all pointing at it. */
export async function startDatadogEnv(options: {
  accounts: readonly string[];
  /** Keys every account in `accounts` uses (default: fixed made-up keys). */
  keys?: { apiKey: string; appKey: string };
  simulator?: DatadogSimulatorOptions;
  extraAccounts?: readonly AccountConfig[];
  gateway?: Partial<GatewayConfig>;
  store?: Store;
  exposeVendorCalls?: boolean;
  /** Retry, breaker and clock overrides of the HTTP layer. */
  resilience?: Parameters<typeof startHarness>[0]['resilience'];
}): Promise<DatadogEnv> {
  const sim = createDatadogSimulator(options.simulator ?? {});
  const baseUrl = await sim.server.listen();
  const h = await startHarness({
    accounts: [...options.accounts.map((id) => datadogAccount(id, baseUrl, options.keys)), ...(options.extraAccounts ?? [])],
    ...(options.gateway ? { gateway: options.gateway } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.exposeVendorCalls === undefined ? {} : { exposeVendorCalls: options.exposeVendorCalls }),
    ...(options.resilience ? { resilience: options.resilience } : {}),
  });
  return {
    sim,
    h,
    baseUrl,
    gql: (query, variables) => h.gql(query, variables),
    close: async () => {
      await h.close();
      await sim.server.close();
    },
  };
}

/** A 127.0.0.1 port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('unexpected address');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

/** The global id Patchbay gives a Datadog connection. */
export function connectionGid(account: string, connectionId: string): string {
  return encodeGlobalId('DatadogActionConnection', innerId(account, connectionId));
}

/** A string no other test uses. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** Creates a connection straight at the simulator, as someone using Datadog's UI would. */
export async function createAtSimulator(sim: DatadogSimulator, name: string, integration: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${sim.server.baseUrl}${API_PATHS.connections}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'DD-API-KEY': 'outside', 'DD-APPLICATION-KEY': 'outside' },
    body: JSON.stringify({ data: { type: 'action_connection', attributes: { name, integration } } }),
  });
  expect(response.status).toBe(201);
  return text(at(await response.json(), 'data', 'id'));
}

/** Requests the simulator received for `method` (control calls are never logged). */
export function requestsOf(sim: DatadogSimulator, method?: string): { method: string; path: string; query: Readonly<Record<string, string | string[]>> }[] {
  return sim.server.requests.filter((r) => method === undefined || r.method === method).map((r) => ({ method: r.method, path: r.path, query: r.query }));
}

// ---------------------------------------------------------------------------------------------
// The catalogue as the tests see it

/** GraphQL name of a wire field, derived here independently of the implementation. */
export function camelCase(wire: string): string {
  return wire.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Every distinct credential field of an integration over its variants. */
export function specFields(spec: IntegrationSpec): CredentialField[] {
  const seen = new Map<string, CredentialField>();
  for (const variant of spec.variants) for (const f of variant.fields) if (!seen.has(f.wire)) seen.set(f.wire, f);
  return [...seen.values()];
}

/** One credential variant of one integration type: a row of the table-driven tests. */
export interface VariantCase {
  readonly spec: IntegrationSpec;
  readonly variant: CredentialVariant;
  /** `aws`, or `cloudflare.apiToken` for integrations with several variants. */
  readonly label: string;
}

export const FLAT_CASES: readonly VariantCase[] = DATADOG_INTEGRATIONS.filter((spec) => spec.type !== 'HTTP').flatMap((spec) =>
  spec.variants.map((variant) => ({ spec, variant, label: spec.variants.length > 1 ? `${spec.key}.${variant.key}` : spec.key })),
);

/** Made-up values that satisfy Datadog's rules for each non-secret field. */
export function plainValue(wire: string): string {
  switch (wire) {
    case 'account_id':
      return '123456789012';
    case 'role':
      return 'PatchbayWorkflowsRole';
    case 'tenant_id':
      return '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
    case 'app_client_id':
      return '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
    case 'custom_scopes':
      return 'https://graph.microsoft.com/.default';
    case 'auth_email':
      return 'ops@example.com';
    case 'datacenter':
      return 'us1';
    case 'subdomain':
      return 'acme';
    case 'domain':
      return 'acme.example.com';
    case 'service_account_email':
      return 'workflows@acme-prod.iam.gserviceaccount.com';
    case 'instance':
      return 'acmecorp';
    case 'username':
    case 'api_username':
      return 'svc-patchbay';
    default:
      return `plain-${wire.replace(/_/g, '-')}`;
  }
}

/** The value a non-secret field gets in the update step. */
export function changedPlainValue(wire: string): string {
  return wire === 'account_id' ? '210987654321' : `${plainValue(wire)}-v2`;
}

/** The GraphQL `integration` input of a row, and the wire values it must store. */
export function createInputFor(
  row: VariantCase,
  secretFor: (wire: string) => string,
): {
  integration: Record<string, unknown>;
  plain: Record<string, string>;
  secrets: Record<string, string>;
} {
  const fields: Record<string, string> = {};
  const plain: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const f of row.variant.fields) {
    if (f.readOnly) continue;
    const value = f.secret ? secretFor(f.wire) : plainValue(f.wire);
    fields[camelCase(f.wire)] = value;
    (f.secret ? secrets : plain)[f.wire] = value;
  }
  const member = row.spec.variants.length > 1 ? { [row.variant.key]: fields } : fields;
  return { integration: { [row.spec.key]: member }, plain, secrets };
}

// ---------------------------------------------------------------------------------------------
// GraphQL documents

const HINT = '{ field isSet lastFour }';

function integrationSelection(): string {
  const flat = DATADOG_INTEGRATIONS.filter((spec) => spec.type !== 'HTTP').map((spec) => {
    const fields = specFields(spec).map((f) => (f.secret ? `${camelCase(f.wire)} ${HINT}` : camelCase(f.wire)));
    return `... on ${spec.typeName} { credentialType ${fields.join(' ')} }`;
  });
  return `{ __typename ${flat.join(' ')}
    ... on DatadogHttpIntegration { credentialType baseUrl headers { name value ${HINT} } tokens { name value ${HINT} } urlParameters { name value ${HINT} } bodyContentType bodyContent ${HINT} }
    ... on DatadogUnknownIntegration { integrationType credentialType } }`;
}

/** Every field of a Datadog connection, every integration member included. */
export const CONNECTION = `{ __typename id connectionId name tags vendor service createdAt updatedAt createdByUserId actingUserCanResolve
  account { key vendor }
  secrets ${HINT}
  integration ${integrationSelection()} }`;

/** Every field of the errors a read can return. `account` is aliased: it is an object on connections. */
export const READ_ERROR = `
  ... on Error { message }
  ... on VendorError { vendor accountKey: account httpStatus vendorCode retryable retryAfterSeconds vendorRequestId }
  ... on InputValidationError { fieldErrors { path message } }
  ... on NotFoundError { resourceId }`;

/** Every field of every error type a mutation can return. */
export const ERROR = `${READ_ERROR}
  ... on VendorValidationError { fieldErrors { path message } }
  ... on OutcomeUnknownError { check }`;

export const CREATE = `mutation Create($input: CreateDatadogActionConnectionInput!) {
  result: createDatadogActionConnection(input: $input) { __typename ... on DatadogActionConnectionPayload { connection ${CONNECTION} } ${ERROR} } }`;

export const UPDATE = `mutation Update($input: UpdateDatadogActionConnectionInput!) {
  result: updateDatadogActionConnection(input: $input) { __typename ... on DatadogActionConnectionPayload { connection ${CONNECTION} } ${ERROR} } }`;

export const DELETE = `mutation Delete($id: ID!) {
  result: deleteDatadogActionConnection(input: { id: $id }) { __typename ... on DeletedConnectionPayload { deletedId } ${ERROR} } }`;

export const TRACK = `mutation Track($account: String!, $connectionId: String!) {
  result: trackDatadogActionConnection(input: { account: $account, connectionId: $connectionId }) { __typename ... on DatadogActionConnectionPayload { connection ${CONNECTION} } ${ERROR} } }`;

export const UNTRACK = `mutation Untrack($id: ID!) {
  result: untrackDatadogActionConnection(input: { id: $id }) { __typename ... on DeletedConnectionPayload { deletedId } ${ERROR} } }`;

export const REGISTER = `mutation Register($account: String!, $appKeyId: String!) {
  result: registerDatadogAppKey(input: { account: $account, appKeyId: $appKeyId }) { __typename ... on DatadogAppKeyRegistrationPayload { registration { appKeyId type account { key } } } ${ERROR} } }`;

export const UNREGISTER = `mutation Unregister($account: String!, $appKeyId: String!) {
  result: unregisterDatadogAppKey(input: { account: $account, appKeyId: $appKeyId }) { __typename ... on DatadogAppKeyUnregisteredPayload { appKeyId } ${ERROR} } }`;

export const GET = `query Get($id: ID!) { result: connection(id: $id) { __typename ... on DatadogActionConnection ${CONNECTION} ${READ_ERROR} } }`;

export const NODE = `query Node($id: ID!) { node(id: $id) { __typename id ... on DatadogActionConnection ${CONNECTION} } }`;

export const LIST = `query List($filter: ConnectionFilter, $first: Int, $after: String) {
  connections(filter: $filter, first: $first, after: $after) {
    totalCount
    nodes { __typename ... on DatadogActionConnection { id name connectionId account { key } } }
    edges { cursor node { __typename ... on DatadogActionConnection { id } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    failures { account { key } error { __typename message ... on VendorError { accountKey: account httpStatus retryable retryAfterSeconds } } }
    itemFailures { account { key } part vendorId error { __typename message ... on VendorError { accountKey: account httpStatus vendorCode retryable } } }
  } }`;

export const APP_KEYS = `query AppKeys($account: String!, $first: Int, $after: String) {
  result: datadogAppKeyRegistrations(account: $account, first: $first, after: $after) {
    __typename
    ... on DatadogAppKeyRegistrationPage {
      nodes { appKeyId type account { key } }
      itemFailures { account { key } part vendorId error { __typename message ... on VendorError { accountKey: account httpStatus } } }
      totalCount endCursor hasNextPage }
    ${READ_ERROR} } }`;
