import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import {
  API_PATHS,
  APP_KEYS,
  CREATE,
  DELETE,
  FLAT_CASES,
  GET,
  LIST,
  NODE,
  UPDATE,
  at,
  camelCase,
  createInputFor,
  datadogAccount,
  field,
  list,
  obj,
  startDatadogEnv,
  text,
  unique,
  type DatadogEnv,
} from './support.js';

/*
 * Acceptance, issue 2: a unique secret sent in any credential field never appears in a GraphQL
 * response, a log line, an audit row or an error, even when Datadog echoes it back; a SecretHint
 * shows at most its last four characters.
 */

const ACCOUNT = 'dd-secrets';
const ACCOUNT_KEYS = { apiKey: `acct-api-${randomBytes(12).toString('hex')}`, appKey: `acct-app-${randomBytes(12).toString('hex')}` };
const WRONG_KEYS = { apiKey: `wrong-api-${randomBytes(12).toString('hex')}`, appKey: `wrong-app-${randomBytes(12).toString('hex')}` };

/** Every secret this file sends; checked against everything the gateway produced, at the end. */
const sentSecrets: string[] = [ACCOUNT_KEYS.apiKey, ACCOUNT_KEYS.appKey, WRONG_KEYS.apiKey, WRONG_KEYS.appKey];
/** Every raw GraphQL response body this file received. */
const responses: string[] = [];

let env: DatadogEnv;
let authSim: DatadogSimulator;

/** A secret no other value contains, long enough for a hint to show its last four. */
function secret(label: string): string {
  const value = `S3cr3t-${label.replace(/[^A-Za-z0-9]/g, '')}-${randomBytes(10).toString('hex')}`;
  sentSecrets.push(value);
  return value;
}

async function gql(query: string, variables?: Record<string, unknown>) {
  const response = await env.gql(query, variables);
  responses.push(response.raw);
  return response;
}

/** Every SecretHint-shaped object in a JSON value. */
function hintsIn(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(hintsIn);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const own = 'isSet' in record && 'lastFour' in record ? [record] : [];
  return [...own, ...Object.values(record).flatMap(hintsIn)];
}

function expectNoSecretIn(haystack: string, secrets: readonly string[], where: string): void {
  const found = secrets.filter((s) => haystack.includes(s));
  expect(found, `secrets found in ${where}`).toEqual([]);
}

beforeAll(async () => {
  authSim = createDatadogSimulator({ apiKey: 'only-this-api-key', appKey: 'only-this-app-key' });
  const authUrl = await authSim.server.listen();
  env = await startDatadogEnv({
    accounts: [ACCOUNT],
    keys: ACCOUNT_KEYS,
    simulator: { echoSecrets: true },
    extraAccounts: [datadogAccount('dd-secrets-wrong', authUrl, WRONG_KEYS)],
  });
});

afterAll(async () => {
  await env?.close();
  await authSim?.server.close();
});

afterEach(() => {
  env.sim.server.clearFaults();
});

// AWS is the one type without a secret field.
const WITH_SECRETS = FLAT_CASES.filter((row) => row.variant.fields.some((f) => f.secret));

describe.each(WITH_SECRETS.map((row) => [row.label, row] as const))('%s: every secret field', (_label, row) => {
  it('is write-only even though Datadog echoes it: hints show its last four characters at most', async () => {
    const input = createInputFor(row, (wire) => secret(`${row.label}-${wire}`));
    const name = unique(`Secrets ${row.label}`);
    const created = field(await gql(CREATE, { input: { account: ACCOUNT, name, integration: input.integration } }));
    expect(created['__typename'], JSON.stringify(created)).toBe('DatadogActionConnectionPayload');
    const id = text(at(created, 'connection', 'id'));
    const connectionId = text(at(created, 'connection', 'connectionId'));
    const secretHints = (connection: unknown) => Object.fromEntries(row.variant.fields.filter((f) => f.secret).map((f) => [f.wire, at(connection, 'integration', camelCase(f.wire))]));
    // The simulator echoes secrets here: the hint shows their last four characters, never more.
    expect(secretHints(at(created, 'connection'))).toEqual(
      Object.fromEntries(Object.entries(input.secrets).map(([wire, value]) => [wire, { field: camelCase(wire), isSet: true, lastFour: value.slice(-4) }])),
    );

    const read = field(await gql(GET, { id }));
    expect(read['__typename']).toBe('DatadogActionConnection');
    await gql(NODE, { id });
    await gql(LIST, { filter: { accounts: [ACCOUNT], search: name } });

    // Rotate every secret, then read again.
    const rotated: Record<string, string> = {};
    const fields: Record<string, string> = {};
    for (const f of row.variant.fields.filter((x) => x.secret)) {
      rotated[f.wire] = secret(`${row.label}-${f.wire}-rotated`);
      fields[camelCase(f.wire)] = rotated[f.wire] as string;
    }
    const updated = field(await gql(UPDATE, { input: { id, integration: { [row.spec.key]: row.spec.variants.length > 1 ? { [row.variant.key]: fields } : fields } } }));
    expect(updated['__typename'], JSON.stringify(updated)).toBe('DatadogActionConnectionPayload');
    expect(secretHints(at(updated, 'connection'))).toEqual(
      Object.fromEntries(Object.entries(rotated).map(([wire, value]) => [wire, { field: camelCase(wire), isSet: true, lastFour: value.slice(-4) }])),
    );
    const stored = env.sim.storedConnection(connectionId)?.integration;
    if (stored?.kind !== 'fields') throw new Error('expected flat credentials');
    for (const [wire, value] of Object.entries(rotated)) expect(stored.fields[wire]).toBe(value);
    await gql(GET, { id });
    await gql(DELETE, { id });

    const secrets = [...Object.values(input.secrets), ...Object.values(rotated)];
    expect(secrets.length).toBeGreaterThan(0);
    expectNoSecretIn(responses.join('\n'), secrets, 'GraphQL responses');
  });
});

describe('HTTP tokens, header values, URL parameter values and body', () => {
  it('never come back, even echoed', async () => {
    const token = secret('http-token');
    const headerSecret = secret('http-header');
    const parameterSecret = secret('http-param');
    const bodySecret = secret('http-body');
    const created = field(
      await gql(CREATE, {
        input: {
          account: ACCOUNT,
          name: unique('Secrets HTTP'),
          integration: {
            http: {
              baseUrl: 'https://hooks.example.com',
              tokens: [{ name: 'hookToken', value: token }],
              headers: [{ name: 'Authorization', value: `Bearer ${headerSecret}` }],
              urlParameters: [{ name: 'sig', value: parameterSecret }],
              body: { content: `{"key":"${bodySecret}"}`, contentType: 'application/json' },
            },
          },
        },
      }),
    );
    expect(created['__typename'], JSON.stringify(created)).toBe('DatadogActionConnectionPayload');
    const id = text(at(created, 'connection', 'id'));
    const integration = obj(at(created, 'connection', 'integration'));
    expect(at(integration, 'tokens', 0, 'value')).toEqual({ field: 'tokens.hookToken', isSet: true, lastFour: token.slice(-4) });
    expect(at(integration, 'headers', 0, 'value')).toEqual({ field: 'headers.Authorization', isSet: true, lastFour: headerSecret.slice(-4) });
    expect(at(integration, 'urlParameters', 0, 'value')).toEqual({ field: 'urlParameters.sig', isSet: true, lastFour: parameterSecret.slice(-4) });
    expect(at(integration, 'bodyContent')).toMatchObject({ isSet: true });

    const newToken = secret('http-token-rotated');
    const newHeader = secret('http-header-added');
    const updated = field(await gql(UPDATE, { input: { id, integration: { http: { tokens: [{ name: 'hookToken', value: newToken }], headers: [{ name: 'X-Extra', value: newHeader }] } } } }));
    expect(updated['__typename'], JSON.stringify(updated)).toBe('DatadogActionConnectionPayload');
    await gql(GET, { id });
    await gql(DELETE, { id });
    expectNoSecretIn(responses.join('\n'), [token, headerSecret, parameterSecret, bodySecret, newToken, newHeader], 'GraphQL responses');
  });
});

describe("Datadog's error echoing the secret", () => {
  const openAi = (value: string) => ({ account: ACCOUNT, name: unique('Secrets echo'), integration: { openAi: { apiToken: value } } });

  it('a 400 whose detail, title and source pointer repeat the secret', async () => {
    const value = secret('echo-400');
    env.sim.server.addFault({
      match: { method: 'POST', path: `^${API_PATHS.connections}$` },
      times: 1,
      response: {
        status: 400,
        headers: { 'content-type': 'application/vnd.api+json' },
        body: {
          errors: [
            {
              title: `Invalid token ${value}`,
              detail: `error creating connection: rpc error: code = InvalidArgument desc = api_token "${value}" is not a valid OpenAI key`,
              source: { pointer: `/data/attributes/integration/credentials/${value}` },
            },
          ],
        },
      },
    });
    const response = await gql(CREATE, { input: openAi(value) });
    const result = field(response);
    expect(result).toMatchObject({ __typename: 'VendorValidationError', httpStatus: 400 });
    expect(text(result['message'])).toContain('[redacted]');
    expectNoSecretIn(response.raw, [value], 'the VendorValidationError');
  });

  it('a 409 and a 404 that repeat the secret', async () => {
    const value = secret('echo-409');
    env.sim.server.addFault({
      match: { method: 'POST' },
      times: 1,
      response: { status: 409, body: { errors: [{ title: 'Conflict', detail: `a connection with token ${value} already exists` }] } },
    });
    const conflict = await gql(CREATE, { input: openAi(value) });
    expect(field(conflict)).toMatchObject({ __typename: 'ConflictError', httpStatus: 409 });
    expectNoSecretIn(conflict.raw, [value], 'the ConflictError');

    const created = field(await gql(CREATE, { input: openAi(secret('echo-404-original')) }));
    const id = text(at(created, 'connection', 'id'));
    const rotated = secret('echo-404');
    env.sim.server.addFault({
      match: { method: 'PATCH' },
      times: 1,
      response: { status: 404, body: { errors: [{ title: 'Generic Error', detail: `error updating connection: rpc error: code = NotFound desc = no connection holds ${rotated}` }] } },
    });
    const notFound = await gql(UPDATE, { input: { id, integration: { openAi: { apiToken: rotated } } } });
    expect(field(notFound)).toMatchObject({ __typename: 'NotFoundError' });
    expectNoSecretIn(notFound.raw, [rotated], 'the NotFoundError');
    await gql(DELETE, { id });
  });

  it('a long detail whose summary is cut in the middle of the secret leaks no part of it', async () => {
    const value = secret('echo-long');
    // The summary keeps 197 characters: the secret starts at 173, so a cut keeps its first 24.
    const detail = `error creating connection: rpc error: code = InvalidArgument desc = ${'x'.repeat(172)} ${value} is invalid`;
    env.sim.server.addFault({ match: { method: 'POST' }, times: 1, response: { status: 400, body: { errors: [{ title: 'Generic Error', detail }] } } });
    const response = await gql(CREATE, { input: openAi(value) });
    expect(field(response)).toMatchObject({ __typename: 'VendorValidationError' });
    expectNoSecretIn(response.raw, [value], 'the VendorValidationError');
    // Nor the start of its random part.
    const randomPart = value.slice(-20, -12);
    expect(response.raw, response.raw).not.toContain(randomPart);
  });
});

describe('vendor failures while a secret is in flight', () => {
  it('are logged without the secret', async () => {
    const value = secret('logged-failure');
    const input = { account: ACCOUNT, name: unique('Secrets logged'), integration: { openAi: { apiToken: value } } };
    env.sim.server.addFault({
      match: { method: 'POST' },
      times: 1,
      response: {
        status: 200,
        body: { data: { id: 7, type: 'action_connection', attributes: { name: value, integration: { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: value } } } } },
      },
    });
    expect(field(await gql(CREATE, { input }))).toMatchObject({ __typename: 'VendorContractError' });
    env.sim.server.addFault({ match: { method: 'POST' }, times: 1, action: 'reset' });
    expect(field(await gql(CREATE, { input }))).toMatchObject({ __typename: 'OutcomeUnknownError' });
    const lines = env.h.logger.lines.join('\n');
    expect(lines).toContain('vendor answer breaks its contract');
    expect(lines).toContain('vendor call failed in transport');
    expectNoSecretIn(lines, [value], 'log lines');
  });
});

describe('inputs the gateway refuses', () => {
  it('an InputValidationError does not repeat a secret given alongside the bad field', async () => {
    const value = secret('refused-input');
    const response = await gql(CREATE, {
      input: { account: ACCOUNT, name: 'x', tags: ['nocolon'], integration: { http: { baseUrl: 'https://x.example.com', headers: [{ name: '1bad', value }], tokens: [{ name: 'bad-name', value }] } } },
    });
    expect(field(response)['__typename']).toBe('InputValidationError');
    expectNoSecretIn(response.raw, [value], 'the InputValidationError');
  });

  it('a GraphQL input error (misspelt field, two @oneOf members) does not echo the secret back', async () => {
    // Sent with env.gql, not gql: these responses are checked here only, so that a leak here
    // does not also fail the file-wide check below.
    const typo = secret('typo-field');
    const misspelt = await env.gql(CREATE, { input: { account: ACCOUNT, name: 'x', integration: { openAi: { apiTokn: typo } } } });
    expect(misspelt.errors?.length).toBeGreaterThan(0);
    const twice = secret('two-members');
    const both = await env.gql(CREATE, { input: { account: ACCOUNT, name: 'x', integration: { openAi: { apiToken: twice }, gemini: { apiKey: twice } } } });
    expect(both.errors?.length).toBeGreaterThan(0);
    expectNoSecretIn(`${misspelt.raw}\n${both.raw}`, [typo, twice], 'GraphQL request errors');
  });
});

describe('account credentials', () => {
  it('are never shown, not even when Datadog refuses them', async () => {
    const accounts = await gql(`{ accounts { id key vendor displayName baseUrl } }`);
    expect(accounts.errors).toBeUndefined();
    const refused = field(await gql(APP_KEYS, { account: 'dd-secrets-wrong' }));
    expect(refused).toMatchObject({ __typename: 'VendorAuthError', httpStatus: 403 });
    expectNoSecretIn(`${accounts.raw}\n${JSON.stringify(refused)}`, [ACCOUNT_KEYS.apiKey, ACCOUNT_KEYS.appKey, WRONG_KEYS.apiKey, WRONG_KEYS.appKey], 'responses');
  });
});

describe('everything this file produced', () => {
  it('no secret in any response, log line or audit row; no hint longer than four characters', async () => {
    expect(responses.length).toBeGreaterThan(100);
    expect(sentSecrets.length).toBeGreaterThan(40);
    expectNoSecretIn(responses.join('\n'), sentSecrets, 'GraphQL responses');
    expect(env.sim.server.requests.length).toBeGreaterThan(100);
    expect(env.h.logger.lines.length).toBeGreaterThan(0);
    expectNoSecretIn(env.h.logger.lines.join('\n'), sentSecrets, 'log lines');
    const audit = await env.h.store.listAudit({ limit: 1000 });
    expect(audit.length).toBeGreaterThan(50);
    expectNoSecretIn(JSON.stringify(audit), sentSecrets, 'audit rows');
    const tracked = await env.h.store.listTrackedDatadogConnections();
    expectNoSecretIn(JSON.stringify(tracked), sentSecrets, 'tracked connections');
    const hints = responses.flatMap((raw) => hintsIn(JSON.parse(raw) as unknown));
    expect(hints.length).toBeGreaterThan(50);
    for (const hint of hints) {
      expect(hint['lastFour'] === null || (typeof hint['lastFour'] === 'string' && hint['lastFour'].length <= 4), JSON.stringify(hint)).toBe(true);
    }
    expect(list(hints.map((h) => h['lastFour']).filter((v) => v !== null)).length).toBeGreaterThan(20);
  });
});
