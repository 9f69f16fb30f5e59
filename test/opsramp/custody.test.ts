import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRequestContext } from '../../src/app/context.js';
import type { GatewayContext } from '../../src/app/context.js';
import { requireConnectionId } from '../../src/app/lookup.js';
import { ANONYMOUS } from '../../src/core/auth/authenticator.js';
import { InputValidationError, SecretsRequiredError } from '../../src/core/errors.js';
import { opsRampRuntime } from '../../src/vendors/opsramp/runtime.js';
import { OPSRAMP_SEED_IDS } from '../../src/simulators/opsramp/seed.js';
import { createOpsRampSimulator, type OpsRampSimulator } from '../../src/simulators/opsramp/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { CLIENT_ID, CLIENT_SECRET, INSTALL, TENANT, UNINSTALL, UPDATE, account, field, integrationId } from './support.js';

/*
 * Key custody through OpsRamp: Patchbay keeps a keyed fingerprint of every secret it writes (by the
 * field its hint names), never the value; a rotation re-sends the notifier whole, because OpsRamp's
 * update replaces a notifier it is given.
 */

const MAIN = 'or-custody';
const NOTIFIER = 'outboundConfig.baseNotifier';
/** Distinctive values: they may reach the simulator and nowhere else. */
const CANARY = {
  password: 'CustodyCanaryPw-4tV8qL2x',
  apiKey: 'CustodyCanaryKey-9mR3wZ7p',
  apiSecret: 'CustodyCanarySecret-6hN1cB5k',
  basic: 'CustodyCanaryBasic-2jX7vQ0s',
  rotated: 'CustodyCanaryRotated-8dK4fW1y',
} as const;

let sim: OpsRampSimulator;
let h: Harness;

beforeAll(async () => {
  sim = createOpsRampSimulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tenantId: TENANT });
  const baseUrl = await sim.server.listen();
  h = await startHarness({ accounts: [account(MAIN, baseUrl)] });
});
afterAll(async () => {
  await h.close();
  await sim.server.close();
});
beforeEach(() => sim.server.reset());

const fingerprintOf = (value: string): string => h.runtime.deps.custodyKey.fingerprint(value);

async function rows(id: string): Promise<{ field: string; fingerprint: string }[]> {
  return (await h.store.listFingerprints([id])).map((row) => ({ field: row.field, fingerprint: row.fingerprint }));
}

/** Neither the fingerprint rows nor the audit rows hold a canary. */
async function expectNoCanaryStored(): Promise<void> {
  const stored = JSON.stringify([await h.store.listFingerprints(), await h.store.listAudit({ limit: 1000 })]);
  for (const value of Object.values(CANARY)) expect(stored).not.toContain(value);
}

function occurrences(text: string, value: string): number {
  return text.split(value).length - 1;
}

const OAUTH2_NOTIFIER = {
  type: 'REST_API',
  baseUri: 'https://tickets.example.com/api',
  authType: 'OAUTH2',
  grantType: 'PASSWORD',
  userName: 'opsramp-bot',
  password: CANARY.password,
  accessTokenUri: 'https://tickets.example.com/oauth/token',
  apiKey: CANARY.apiKey,
  apiSecret: CANARY.apiSecret,
};

async function install(): Promise<string> {
  const result = field(
    await h.gql(INSTALL, { input: { account: MAIN, integrationId: 'JIRA', displayName: 'Custody JIRA', outboundConfig: { baseNotifier: OAUTH2_NOTIFIER } } }),
    'installOpsRampIntegration',
  );
  const integration = result['integration'] as Record<string, unknown>;
  expect(integration['__typename']).toBe('OpsRampInstalledIntegration');
  return integration['id'] as string;
}

describe('fingerprints of the secrets written through Patchbay', () => {
  it('records one row per secret field after an install, under the hint’s field, never the value', async () => {
    const id = await install();
    expect(await rows(id)).toEqual([
      { field: `${NOTIFIER}.apiKey`, fingerprint: fingerprintOf(CANARY.apiKey) },
      { field: `${NOTIFIER}.apiSecret`, fingerprint: fingerprintOf(CANARY.apiSecret) },
      { field: `${NOTIFIER}.password`, fingerprint: fingerprintOf(CANARY.password) },
    ]);
    // The rows' fields are exactly the hints the integration shows.
    const read = field(await h.gql(`query($id: ID!) { connection(id: $id) { ... on OpsRampInstalledIntegration { secrets { field isSet } } } }`, { id }), 'connection');
    const hinted = (read['secrets'] as { field: string; isSet: boolean }[]).filter((hint) => hint.field.startsWith(NOTIFIER)).map((hint) => hint.field);
    expect(hinted.sort()).toEqual((await rows(id)).map((row) => row.field));
    await expectNoCanaryStored();
    for (const line of h.logger.lines) for (const value of Object.values(CANARY)) expect(line).not.toContain(value);
  });

  it('replaces them when a notifier is sent again (it replaces the old one whole), keeps them on other updates, and drops them on uninstall', async () => {
    const id = await install();
    const update = await h.gql(UPDATE, {
      input: { id, outboundConfig: { baseNotifier: { type: 'REST_API', baseUri: 'https://tickets.example.com/api', authType: 'BASIC', userName: 'svc', password: CANARY.basic } } },
    });
    expect(field(update, 'updateOpsRampInstalledIntegration')['integration']).toBeTruthy();
    expect(await rows(id)).toEqual([{ field: `${NOTIFIER}.password`, fingerprint: fingerprintOf(CANARY.basic) }]);

    field(await h.gql(UPDATE, { input: { id, displayName: 'Renamed' } }), 'updateOpsRampInstalledIntegration');
    expect(await rows(id)).toEqual([{ field: `${NOTIFIER}.password`, fingerprint: fingerprintOf(CANARY.basic) }]);

    const gone = field(await h.gql(UNINSTALL, { input: { id, reason: 'custody test' } }), 'uninstallOpsRampIntegration');
    expect(gone['uninstalledId']).toBe(id);
    expect(await rows(id)).toEqual([]);
    await expectNoCanaryStored();
  });

  it('records nothing when the write fails', async () => {
    const id = integrationId(MAIN, OPSRAMP_SEED_IDS.serviceNow);
    sim.server.addFault({
      match: { method: 'POST', path: `/installed/${OPSRAMP_SEED_IDS.serviceNow}$` },
      times: 1,
      response: { status: 400, body: { error: 'invalid_request', error_description: 'no' } },
    });
    const update = field(
      await h.gql(UPDATE, { input: { id, outboundConfig: { baseNotifier: { type: 'REST_API', baseUri: 'https://x.example.com', authType: 'BASIC', userName: 'svc', password: CANARY.basic } } } }),
      'updateOpsRampInstalledIntegration',
    );
    expect(update['__typename']).toBe('VendorValidationError');
    expect(await rows(id)).toEqual([]);
  });
});

describe('custody.rotate and requiredWith against the simulator', () => {
  const context = (): GatewayContext => createRequestContext(h.runtime.deps, undefined, ANONYMOUS);

  async function target(seedId: string) {
    const ctx = context();
    const { entry, key } = requireConnectionId(ctx, opsRampRuntime, integrationId(MAIN, seedId));
    const current = await opsRampRuntime.read(ctx, entry, key);
    return { ctx, entry, key, current };
  }

  it('requires the notifier’s other secrets (it is replaced whole) and nothing for an inbound credential', async () => {
    const { current } = await target(OPSRAMP_SEED_IDS.jira);
    expect(opsRampRuntime.custody.requiredWith(current, `${NOTIFIER}.apiKey`)).toEqual([`${NOTIFIER}.password`, `${NOTIFIER}.apiSecret`]);
    expect(opsRampRuntime.custody.requiredWith(current, `${NOTIFIER}.password`)).toEqual([`${NOTIFIER}.apiKey`, `${NOTIFIER}.apiSecret`]);
    expect(opsRampRuntime.custody.requiredWith(current, 'inboundConfig.authentication.token')).toEqual([]);
    const basic = await target(OPSRAMP_SEED_IDS.serviceNow);
    expect(opsRampRuntime.custody.requiredWith(basic.current, `${NOTIFIER}.password`)).toEqual([]);
  });

  it('refuses a rotation without the other secrets itself, and sends nothing', async () => {
    const { ctx, entry, key, current } = await target(OPSRAMP_SEED_IDS.jira);
    const rotation = opsRampRuntime.custody.rotate(ctx, entry, key, current, `${NOTIFIER}.apiKey`, CANARY.rotated, new Map([[`${NOTIFIER}.password`, CANARY.password]]));
    await expect(rotation).rejects.toBeInstanceOf(SecretsRequiredError);
    await expect(rotation).rejects.toMatchObject({ fields: [`${NOTIFIER}.apiSecret`] });
    await expect(rotation).rejects.not.toHaveProperty('message', expect.stringContaining(CANARY.rotated));
    expect(sim.writes()).toEqual([]);
  });

  it('refuses to set an inbound credential, which OpsRamp generates', async () => {
    const { ctx, entry, key, current } = await target(OPSRAMP_SEED_IDS.jira);
    await expect(opsRampRuntime.custody.rotate(ctx, entry, key, current, 'inboundConfig.authentication.token', CANARY.rotated, new Map())).rejects.toBeInstanceOf(InputValidationError);
    expect(sim.writes()).toEqual([]);
  });

  it('rotates the OAuth2 API key with one POST of the whole notifier: the new value once, the hint shows it, the rest untouched', async () => {
    const { ctx, entry, key, current } = await target(OPSRAMP_SEED_IDS.jira);
    const before = sim.stored(OPSRAMP_SEED_IDS.jira);
    const supplied = new Map([
      [`${NOTIFIER}.password`, CANARY.password],
      [`${NOTIFIER}.apiSecret`, CANARY.apiSecret],
    ]);
    const rotated = await opsRampRuntime.custody.rotate(ctx, entry, key, current, `${NOTIFIER}.apiKey`, CANARY.rotated, supplied);

    expect(sim.writes().map((write) => `${write.method} ${write.path}`)).toEqual([`POST /api/v2/tenants/${TENANT}/integrations/installed/${OPSRAMP_SEED_IDS.jira}`]);
    const after = sim.stored(OPSRAMP_SEED_IDS.jira);
    expect(occurrences(JSON.stringify(after), CANARY.rotated)).toBe(1);
    expect(after?.outboundConfig?.baseNotifier).toEqual({ ...before?.outboundConfig?.baseNotifier, apiKey: CANARY.rotated, password: CANARY.password, apiSecret: CANARY.apiSecret });
    // Everything outside the notifier is as it was (OpsRamp merges the rest of an update).
    const { outboundConfig: outAfter, updatedBy: _a, updatedTime: _b, ...restAfter } = after ?? { outboundConfig: undefined };
    const { outboundConfig: outBefore, updatedBy: _c, updatedTime: _d, ...restBefore } = before ?? { outboundConfig: undefined };
    expect(restAfter).toEqual(restBefore);
    expect(outAfter?.mapAttributes).toEqual(outBefore?.mapAttributes);
    // OpsRamp shows the API key in clear: its hint's tail is the new value's.
    expect(rotated.secrets.find((hint) => hint.field === `${NOTIFIER}.apiKey`)).toEqual({ field: `${NOTIFIER}.apiKey`, isSet: true, lastFour: CANARY.rotated.slice(-4) });
    expect(rotated.outbound?.baseNotifier?.userName).toBe('opsramp-bot@acme.example');
    // A read through the same context sees the rotated integration (the loader was primed), with no further GET.
    const requests = sim.server.requests.length;
    expect((await opsRampRuntime.read(ctx, entry, key)).secrets).toEqual(rotated.secrets);
    expect(sim.server.requests.length).toBe(requests);
    for (const line of h.logger.lines) expect(line).not.toContain(CANARY.rotated);
  });

  it('rotates a BASIC password alone: nothing else to send', async () => {
    const { ctx, entry, key, current } = await target(OPSRAMP_SEED_IDS.serviceNow);
    const before = sim.stored(OPSRAMP_SEED_IDS.serviceNow);
    const rotated = await opsRampRuntime.custody.rotate(ctx, entry, key, current, `${NOTIFIER}.password`, CANARY.rotated, new Map());
    const after = sim.stored(OPSRAMP_SEED_IDS.serviceNow);
    expect(occurrences(JSON.stringify(after), CANARY.rotated)).toBe(1);
    expect(after?.outboundConfig).toEqual({ ...before?.outboundConfig, baseNotifier: { ...before?.outboundConfig?.baseNotifier, password: CANARY.rotated } });
    // The password is write-only at OpsRamp: set, no tail to show.
    expect(rotated.secrets).toEqual([{ field: `${NOTIFIER}.password`, isSet: true, lastFour: null }]);
  });
});
