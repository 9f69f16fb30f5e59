import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRequestContext, type GatewayContext } from '../../src/app/context.js';
import { withCustodyNotes } from '../../src/app/custody.js';
import { ANONYMOUS } from '../../src/core/auth/authenticator.js';
import { InputValidationError, SecretsRequiredError } from '../../src/core/errors.js';
import type { AccountEntry } from '../../src/app/accounts.js';
import type { CortexClient } from '../../src/vendors/cortex/client.js';
import type { CortexPagerDutyConfiguration } from '../../src/vendors/cortex/map.js';
import { cortexRuntime } from '../../src/vendors/cortex/runtime.js';
import { CORTEX_SEED_CONFIGURATION } from '../../src/simulators/cortex/seed.js';
import { createCortexSimulator, type CortexSimulator } from '../../src/simulators/cortex/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { ADD, CONNECTION, DELETE, REPLACE, configurationId, field } from './support.js';

const ACCOUNT = 'cortex-custody';
const CORTEX_KEY = 'ctx-api-key-Cu5t0dy9';
/** A distinctive PagerDuty token: it must never leave the simulator. */
const CANARY = 'PdCanary-k3Y7cUsT0dY1';
const OTHER = 'PdOther-9bN4wQ2zR8aL';
const ROTATED = 'PdRotated-5hJ8mV1xE6sD';
const ID = configurationId(ACCOUNT);
const PATH = '/api/v1/pagerduty';

let sim: CortexSimulator;
let h: Harness;

beforeAll(async () => {
  sim = createCortexSimulator({ token: CORTEX_KEY });
  const baseUrl = await sim.server.listen();
  h = await startHarness({ accounts: [{ id: ACCOUNT, vendor: 'cortex', baseUrl, token: CORTEX_KEY }] });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});
beforeEach(async () => {
  sim.server.reset();
  // One store per test file: start each test without the fingerprints an earlier one left.
  await h.store.applyFingerprints([{ connectionId: ID, account: '', vendor: '', service: '', set: [], clear: 'all' }]);
});

function calls(method: string): number {
  return sim.server.requests.filter((r) => r.method === method && r.path.startsWith(PATH)).length;
}

/** How often `value` occurs in the simulator's state. */
function occurrencesInState(value: string): number {
  return JSON.stringify(sim.storedConfiguration()).split(value).length - 1;
}

async function fingerprintRows() {
  return h.store.listFingerprints([ID]);
}

/** The stored rows and every audit row: nothing of the secret itself may be in them. */
async function expectNoSecretStored(...values: string[]): Promise<void> {
  const stored = JSON.stringify({ fingerprints: await h.store.listFingerprints(), audit: await h.store.listAudit({ limit: 1000 }) });
  for (const value of values) expect(stored).not.toContain(value);
  for (const line of h.logger.lines) for (const value of values) expect(line).not.toContain(value);
}

describe('fingerprints of writes through Patchbay', () => {
  it('records one row for the token after a replace, keyed by the custody key, never the value', async () => {
    const response = await h.gql(REPLACE, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } });
    expect(field(response, 'replaceCortexPagerDutyConfiguration')['__typename']).toBe('CortexPagerDutyConfigurationPayload');
    expect(response.raw).not.toContain(CANARY);

    const rows = await fingerprintRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ connectionId: ID, field: 'token', account: ACCOUNT, vendor: 'cortex', service: 'PAGERDUTY', lastFour: CANARY.slice(-4) });
    const fingerprint = rows[0]?.fingerprint ?? '';
    expect(h.runtime.deps.custodyKey.matches(CANARY, fingerprint)).toBe(true);
    expect(fingerprint).not.toContain(CANARY);
    // The field is the one the hint read back names.
    const read = field(await h.gql(CONNECTION, { id: ID }), 'connection');
    expect((read['secrets'] as { field: string }[]).map((hint) => hint.field)).toEqual(rows.map((row) => row.field));
    await expectNoSecretStored(CANARY);
  });

  it('replaces the row on the next replace, drops it on delete, and records it again on add', async () => {
    await h.gql(REPLACE, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } });
    await h.gql(REPLACE, { input: { account: ACCOUNT, token: OTHER, isTokenReadonly: false } });
    let rows = await fingerprintRows();
    expect(rows.map((row) => [row.field, row.lastFour])).toEqual([['token', OTHER.slice(-4)]]);
    expect(h.runtime.deps.custodyKey.matches(OTHER, rows[0]?.fingerprint ?? '')).toBe(true);
    expect(h.runtime.deps.custodyKey.matches(CANARY, rows[0]?.fingerprint ?? '')).toBe(false);

    expect(field(await h.gql(DELETE, { input: { account: ACCOUNT } }), 'deleteCortexPagerDutyConfiguration')['deletedId']).toBe(ID);
    expect(await fingerprintRows()).toEqual([]);

    const added = await h.gql(ADD, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } });
    expect(field(added, 'addCortexPagerDutyConfiguration')['__typename']).toBe('CortexPagerDutyConfigurationPayload');
    rows = await fingerprintRows();
    expect(rows.map((row) => [row.field, row.lastFour])).toEqual([['token', CANARY.slice(-4)]]);
    expect(h.runtime.deps.custodyKey.matches(CANARY, rows[0]?.fingerprint ?? '')).toBe(true);
    await expectNoSecretStored(CANARY, OTHER);
  });

  it('records nothing when the write fails', async () => {
    // The seeded workspace has a configuration: Cortex refuses a second add.
    const result = field(await h.gql(ADD, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } }), 'addCortexPagerDutyConfiguration');
    expect(result['__typename']).toBe('ConflictError');
    expect(await fingerprintRows()).toEqual([]);
  });

  it('drops the rows when the delete finds the configuration already gone', async () => {
    await h.gql(REPLACE, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: true } });
    expect(await fingerprintRows()).toHaveLength(1);
    await h.gql(DELETE, { input: { account: ACCOUNT } });
    expect(await fingerprintRows()).toEqual([]);
  });
});

describe('custody.rotate and requiredWith', () => {
  function request(): { context: GatewayContext; entry: AccountEntry<CortexClient> } {
    const context = createRequestContext(h.runtime.deps, undefined, ANONYMOUS);
    const entry = context.deps.accounts.ofVendor(ACCOUNT, cortexRuntime);
    if (entry === undefined) throw new Error('the Cortex account is configured');
    return { context, entry };
  }

  it('needs no other secret: the configuration holds only the token', async () => {
    const { context, entry } = request();
    const current = await cortexRuntime.read(context, entry, ACCOUNT);
    expect(current.secrets.map((hint) => hint.field)).toEqual(['token']);
    expect(cortexRuntime.custody.requiredWith(current, 'token')).toEqual([]);
  });

  it('PUTs the new token with the read-only flag as it is, once; the hint shows it and nothing else changes', async () => {
    await h.gql(REPLACE, { input: { account: ACCOUNT, token: CANARY, isTokenReadonly: false } });
    sim.server.clearRequests();
    const { context, entry } = request();
    const current = await cortexRuntime.read(context, entry, ACCOUNT);
    const noted = await withCustodyNotes(() => cortexRuntime.custody.rotate(context, entry, ACCOUNT, current, 'token', ROTATED, new Map()));
    const rotated = noted.result;

    expect(rotated).toMatchObject({ isTokenReadonly: false, token: { field: 'token', isSet: true, lastFour: ROTATED.slice(-4) } });
    expect(sim.storedConfiguration()).toEqual({ token: ROTATED, isTokenReadonly: false });
    expect(occurrencesInState(ROTATED)).toBe(1);
    expect(occurrencesInState(CANARY)).toBe(0);
    expect(sim.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${PATH}/default-configuration`, `PUT ${PATH}/configuration`]);

    // The loader was primed with the answer: reading again in the request sends nothing.
    expect(await cortexRuntime.read(context, entry, ACCOUNT)).toEqual(rotated);
    expect(calls('GET')).toBe(1);
    // A fresh read through Patchbay shows the new tail.
    const read = field(await h.gql(CONNECTION, { id: ID }), 'connection');
    expect(read).toMatchObject({ isTokenReadonly: false, token: { lastFour: ROTATED.slice(-4) } });

    // The fingerprint change noted for the mutation running it: the token, replacing the rest.
    expect(noted.fingerprints).toHaveLength(1);
    expect(noted.fingerprints[0]).toMatchObject({ connectionId: ID, account: ACCOUNT, vendor: 'cortex', service: 'PAGERDUTY', clear: 'others' });
    expect(noted.fingerprints[0]?.set.map((row) => [row.field, row.lastFour])).toEqual([['token', ROTATED.slice(-4)]]);
    expect(h.runtime.deps.custodyKey.matches(ROTATED, noted.fingerprints[0]?.set[0]?.fingerprint ?? '')).toBe(true);
    expect(JSON.stringify(noted.fingerprints)).not.toContain(ROTATED);
    for (const line of h.logger.lines) expect(line).not.toContain(ROTATED);
  });

  it('keeps a read-only flag that is set', async () => {
    const { context, entry } = request();
    const current = await cortexRuntime.read(context, entry, ACCOUNT);
    expect(current.isTokenReadonly).toBe(CORTEX_SEED_CONFIGURATION.isTokenReadonly);
    await cortexRuntime.custody.rotate(context, entry, ACCOUNT, current, 'token', ROTATED, new Map());
    expect(sim.storedConfiguration()).toEqual({ token: ROTATED, isTokenReadonly: CORTEX_SEED_CONFIGURATION.isTokenReadonly });
  });

  it('refuses a field that is not the token, and another set secret it was not given, before any write', async () => {
    const { context, entry } = request();
    const current = await cortexRuntime.read(context, entry, ACCOUNT);
    sim.server.clearRequests();
    await expect(cortexRuntime.custody.rotate(context, entry, ACCOUNT, current, 'password', ROTATED, new Map())).rejects.toBeInstanceOf(InputValidationError);

    // Should Cortex ever add a second secret, a PUT must not silently unset it.
    const second = { field: 'webhookSecret', isSet: true, lastFour: null };
    const twoSecrets: CortexPagerDutyConfiguration = { ...current, secrets: [...current.secrets, second] };
    expect(cortexRuntime.custody.requiredWith(twoSecrets, 'token')).toEqual(['webhookSecret']);
    const refused = cortexRuntime.custody.rotate(context, entry, ACCOUNT, twoSecrets, 'token', ROTATED, new Map());
    await expect(refused).rejects.toBeInstanceOf(SecretsRequiredError);
    await expect(refused).rejects.toMatchObject({ fields: ['webhookSecret'] });
    await expect(refused).rejects.not.toHaveProperty('message', expect.stringContaining(ROTATED));
    expect(sim.server.requests).toEqual([]);
    expect(sim.storedConfiguration()).toEqual(CORTEX_SEED_CONFIGURATION);
  });

  it('refuses a blank token before sending anything', async () => {
    const { context, entry } = request();
    const current = await cortexRuntime.read(context, entry, ACCOUNT);
    sim.server.clearRequests();
    await expect(cortexRuntime.custody.rotate(context, entry, ACCOUNT, current, 'token', ' ', new Map())).rejects.toBeInstanceOf(InputValidationError);
    expect(sim.server.requests).toEqual([]);
    expect(sim.storedConfiguration()).toEqual(CORTEX_SEED_CONFIGURATION);
  });

  it('answers the typed error of a refused PUT, and the request reads the workspace again after it', async () => {
    const { context, entry } = request();
    const current = await cortexRuntime.read(context, entry, ACCOUNT);
    sim.server.addFault({ match: { method: 'PUT', path: `${PATH}/configuration$` }, times: 1, response: { status: 400, body: { type: 'BAD_REQUEST', message: 'refused' } } });
    sim.server.clearRequests();
    const refused = cortexRuntime.custody.rotate(context, entry, ACCOUNT, current, 'token', ROTATED, new Map());
    await expect(refused).rejects.toMatchObject({ name: 'VendorValidationError' });
    expect(sim.storedConfiguration()).toEqual(CORTEX_SEED_CONFIGURATION);
    await cortexRuntime.read(context, entry, ACCOUNT);
    expect(sim.server.requests.map((r) => r.method)).toEqual(['PUT', 'GET']);
  });

  it('settles a PUT whose answer was unreadable by reading back: the new token is there once', async () => {
    const { context, entry } = request();
    const current = await cortexRuntime.read(context, entry, ACCOUNT);
    sim.server.addFault({ match: { method: 'PUT', path: `${PATH}/configuration$` }, times: 1, action: 'applied-malformed' });
    sim.server.clearRequests();
    const rotated = await cortexRuntime.custody.rotate(context, entry, ACCOUNT, current, 'token', ROTATED, new Map());
    expect(rotated.token.lastFour).toBe(ROTATED.slice(-4));
    expect(occurrencesInState(ROTATED)).toBe(1);
    expect(calls('PUT')).toBe(1);
  });
});
