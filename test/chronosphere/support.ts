import { createServer } from 'node:net';
import { expect } from 'vitest';
import type { AccountConfig } from '../../src/core/config/schema.js';
import { encodeGlobalId, innerId } from '../../src/core/ids.js';
import { createChronosphereSimulator, type ChronosphereSimulator, type ChronosphereSimulatorOptions } from '../../src/simulators/chronosphere/simulator.js';
import { startHarness, type GqlResponse, type Harness } from '../support/harness.js';

/** The token the test simulators insist on. */
export const TOKEN = 'cs-test-token-7e1a90';
export const CONNECTIONS = '/api/v1/config/external-connections';

export const HINT = 'fragment Hint on SecretHint { field isSet lastFour }';
export const HTTP = 'fragment Http on ChronosphereHttpConfig { basicAuth { username password { ...Hint } } bearerToken { ...Hint } tlsConfig { insecureSkipVerify } }';
export const TARGET = `fragment Target on ChronosphereConnectionTarget {
  __typename
  ... on ChronosphereSlackTarget { apiUrlHint { ...Hint } apiUrlHost token { ...Hint } }
  ... on ChronospherePagerDutyTarget { events { version apiKey { ...Hint } } rest { apiKey { ...Hint } } }
  ... on ChronosphereWebhookTarget { url httpConfig { ...Http } }
  ... on ChronosphereVictorOpsTarget { apiKey { ...Hint } apiUrl }
  ... on ChronosphereOpsGenieTarget { apiKey { ...Hint } apiUrl httpConfig { ...Http } }
  ... on ChronosphereCloudflareTarget { apiToken { ...Hint } }
  ... on ChronosphereMongoDbAtlasTarget { clientId clientSecret { ...Hint } }
  ... on ChronosphereSendGridTarget { apiKey { ...Hint } }
  ... on ChronosphereDatadogTarget { apiKey { ...Hint } appKey { ...Hint } site }
  ... on ChronosphereUnknownTarget { blocks }
}`;
export const CONN = `fragment Conn on ChronosphereExternalConnection {
  id slug name service vendor createdAt updatedAt account { key } secrets { ...Hint } target { ...Target }
}
${TARGET}
${HTTP}
${HINT}`;

/** The fields of the errors any read may return. */
export const READ_ERR = `... on Error { __typename message }
  ... on VendorError { httpStatus vendorCode retryable retryAfterSeconds }
  ... on InputValidationError { fieldErrors { path message } }`;

/** What a write asked with `dryRun: true` answers. */
export const PREVIEW = `... on WritePreview {
    operation account targetId vendorValidated notes
    current { __typename ... on ChronosphereExternalConnection { slug name } }
    before { path value secret isSet }
    after { path value secret isSet }
    changes { path kind secret before after }
  }`;

/** Every typed error's fields, and the preview, for write result unions. */
export const ERR = `${READ_ERR}
  ${PREVIEW}
  ... on VendorValidationError { fieldErrors { path message } }
  ... on OutcomeUnknownError { check }`;

export const CREATE = `mutation($input: CreateChronosphereExternalConnectionInput!) {
  createChronosphereExternalConnection(input: $input) {
    __typename
    ... on ChronosphereExternalConnectionPayload { dryRun unsetSecrets connection { ...Conn } }
    ${ERR}
  }
}
${CONN}`;

export const UPDATE = `mutation($input: UpdateChronosphereExternalConnectionInput!) {
  updateChronosphereExternalConnection(input: $input) {
    __typename
    ... on ChronosphereExternalConnectionPayload { dryRun unsetSecrets connection { ...Conn } }
    ${ERR}
  }
}
${CONN}`;

export const DELETE = `mutation($input: ChronosphereExternalConnectionIdInput!) {
  deleteChronosphereExternalConnection(input: $input) {
    __typename
    ... on ChronosphereExternalConnectionDeletedPayload { deletedId slug }
    ${ERR}
  }
}`;

export const READ = `query($id: ID!) { connection(id: $id) { __typename ... on ChronosphereExternalConnection { ...Conn } ${READ_ERR} } }
${CONN}`;

export const LIST = `query($account: String!, $filter: ChronosphereExternalConnectionFilter, $first: Int, $after: String) {
  chronosphereExternalConnections(account: $account, filter: $filter, first: $first, after: $after) {
    __typename
    ... on ChronosphereExternalConnectionPage { endCursor hasNextPage nodes { ...Conn } itemFailures { account { key } part vendorId error { __typename message } } }
    ${READ_ERR}
    ... on VendorValidationError { fieldErrors { path message } }
  }
}
${CONN}`;

/** The global id Patchbay gives a Chronosphere connection. */
export function csId(account: string, slug: string): string {
  return encodeGlobalId('ChronosphereExternalConnection', innerId(account, slug));
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface Rig {
  readonly sim: ChronosphereSimulator;
  readonly h: Harness;
  close(): Promise<void>;
}

/**
 * A simulator requiring TOKEN and a gateway with account `cs` on it, plus whatever extra accounts
 * a test file needs. Retries are off and the breaker is lenient, so every injected fault shows
 * its own typed error at once.
 */
export async function startRig(options: { sim?: ChronosphereSimulatorOptions; extraAccounts?: (baseUrl: string) => AccountConfig[] } = {}): Promise<Rig> {
  const sim = createChronosphereSimulator({ apiToken: TOKEN, ...options.sim });
  const baseUrl = await sim.server.listen();
  const h = await startHarness({
    accounts: [{ id: 'cs', vendor: 'chronosphere', baseUrl, apiToken: TOKEN }, ...(options.extraAccounts?.(baseUrl) ?? [])],
    resilience: { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, breaker: { consecutiveFailures: 1000, halfOpenAfterMs: 1000 } },
  });
  return {
    sim,
    h,
    close: async () => {
      await h.close();
      await sim.server.close();
    },
  };
}

/** The value of a root field, failing the test on a top-level GraphQL error. */
export function field(result: GqlResponse, name: string): Record<string, unknown> {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  const value = result.data?.[name];
  expect(value).toBeTypeOf('object');
  return value as Record<string, unknown>;
}

/** Requests the simulator received since `from` (an index into its log). */
export function requestsSince(sim: ChronosphereSimulator, from: number) {
  return sim.server.requests.slice(from);
}
