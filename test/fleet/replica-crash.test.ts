import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChronosphereSimulator, type ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { createDatadogSimulator, type DatadogSimulator } from '../../src/simulators/datadog/simulator.js';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.js';
import { freshSchema, PG_URL } from '../support/pg-schema.js';
import { type GraphQLAnswer, gql, until } from './support.js';

/*
 * Issue 13's acceptance: two gateway processes on one PostgreSQL; one is killed (SIGKILL) during
 * a burst of keyed writes while the vendors are still working on them; every key is then retried
 * on the survivor. At the simulators: no write doubled, and none silently lost: each key is
 * confirmed, settled by read-back, or reported unconfirmed (OutcomeUnknownError, and the write
 * intent listed in `unconfirmedWrites`).
 */

const TOKEN = 'cs-fleet-token';
const LEASE_SECONDS = 2;
const VENDOR_DELAY_MS = 1_500;
const ON_VICTIM = 5;
const ON_SURVIVOR = 2;

const CS_CREATE = `mutation($input: CreateChronosphereExternalConnectionInput!) { createChronosphereExternalConnection(input: $input) {
  __typename ... on Error { message } ... on ChronosphereExternalConnectionPayload { connection { slug name } }
} }`;
const DD_CREATE = `mutation($input: CreateDatadogActionConnectionInput!) { createDatadogActionConnection(input: $input) {
  __typename ... on Error { message } ... on OutcomeUnknownError { check } ... on DatadogActionConnectionPayload { connection { connectionId name } }
} }`;

type AnswerData = Record<string, Record<string, unknown> | null> | null;

const csInput = (i: number) => ({ account: 'cs', idempotencyKey: `fleet-cs-${i}`, slug: `fleet-cs-${i}`, name: `Fleet ${i}`, target: { sendgrid: { apiKey: `SG.fleet-${i}` } } });
const ddInput = (i: number) => ({ account: 'dd', idempotencyKey: `fleet-dd-${i}`, name: `fleet-dd-${i}`, integration: { openAi: { apiToken: `sk-fleet-${i}-0123456789abcdef` } } });
const posts = (sim: { server: { requests: readonly { method: string }[] } }) => sim.server.requests.filter((r) => r.method === 'POST').length;

describe.skipIf(PG_URL === '')('two replicas on one PostgreSQL, one killed mid-burst', () => {
  let dir: string;
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let cs: ChronosphereSimulator;
  let dd: DatadogSimulator;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchbay-fleet-'));
    schema = await freshSchema('patchbay_fleet');
    cs = createChronosphereSimulator({ apiToken: TOKEN });
    dd = createDatadogSimulator();
    const csUrl = await cs.server.listen();
    const ddUrl = await dd.server.listen();
    const config = join(dir, 'patchbay.yaml');
    await writeFile(
      config,
      [
        'accounts:',
        `  - { id: cs, vendor: chronosphere, baseUrl: "${csUrl}", apiToken: ${TOKEN} }`,
        `  - { id: dd, vendor: datadog, baseUrl: "${ddUrl}", apiKey: k, appKey: a }`,
        'auth:',
        '  mode: none',
        'gateway:',
        `  idempotencyLeaseSeconds: ${LEASE_SECONDS}`,
        '',
      ].join('\n'),
    );
    const env = { PATCHBAY_CONFIG: config, PATCHBAY_DATABASE_URL: schema.url };
    gateways.push(startGatewayProcess(env), startGatewayProcess(env));
    await Promise.all(gateways.map((g) => g.url));
  }, 40_000);

  afterAll(async () => {
    for (const gateway of gateways) gateway.child.kill('SIGKILL');
    await Promise.all(gateways.map((g) => g.exit));
    await cs.server.close();
    await dd.server.close();
    await schema.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('no write doubled, none silently lost', async () => {
    const [victim, survivor] = gateways as [GatewayProcess, GatewayProcess];
    const [victimUrl, survivorUrl] = [await victim.url, await survivor.url];
    const total = ON_VICTIM + ON_SURVIVOR;
    // The vendors take their time, so writes are in flight when the victim dies.
    cs.server.addFault({ match: { method: 'POST' }, times: total, delayMs: VENDOR_DELAY_MS });
    dd.server.addFault({ match: { method: 'POST' }, times: total, delayMs: VENDOR_DELAY_MS });
    cs.server.clearRequests();
    dd.server.clearRequests();

    const burst: Promise<GraphQLAnswer<AnswerData> | null>[] = [];
    for (let i = 0; i < total; i++) {
      const url = i < ON_VICTIM ? victimUrl : survivorUrl;
      burst.push(gql<AnswerData>(url, CS_CREATE, { input: csInput(i) }).catch(() => null));
      burst.push(gql<AnswerData>(url, DD_CREATE, { input: ddInput(i) }).catch(() => null));
    }
    // Every write has reached the vendors (which are still working on them): kill the victim now.
    await until(() => posts(cs) === total && posts(dd) === total, 10_000);
    victim.child.kill('SIGKILL');
    await victim.exit;
    const first = await Promise.all(burst);
    // The victim's callers got no answer; the survivor's got theirs.
    expect(first.filter((a) => a === null)).toHaveLength(2 * ON_VICTIM);

    // Once the victim's leases lapse, every key is retried on the survivor.
    await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 1000 + 300));
    const retry = async () => {
      const answers: { cs: Record<string, unknown>; dd: Record<string, unknown> }[] = [];
      for (let i = 0; i < total; i++) {
        const [c, d] = await Promise.all([gql<AnswerData>(survivorUrl, CS_CREATE, { input: csInput(i) }), gql<AnswerData>(survivorUrl, DD_CREATE, { input: ddInput(i) })]);
        answers.push({ cs: c?.data?.['createChronosphereExternalConnection'] ?? {}, dd: d?.data?.['createDatadogActionConnection'] ?? {} });
      }
      return answers;
    };
    const answers = await retry();

    // Nothing doubled: no retry wrote again, and each vendor holds exactly one object per key.
    expect(posts(cs)).toBe(total);
    expect(posts(dd)).toBe(total);
    const ddNames = dd
      .connectionIds()
      .map((id) => dd.storedConnection(id)?.name ?? '')
      .filter((name) => name.startsWith('fleet-dd-'));
    expect([...ddNames].sort()).toEqual(Array.from({ length: total }, (_, i) => `fleet-dd-${i}`).sort());

    // None lost: Chronosphere's are all confirmed or settled by reading the slug back.
    for (const [i, answer] of answers.entries()) {
      expect(answer.cs).toMatchObject({ __typename: 'ChronosphereExternalConnectionPayload', connection: { slug: `fleet-cs-${i}`, name: `Fleet ${i}` } });
      expect(cs.stored(`fleet-cs-${i}`)).toBeDefined();
    }
    // Datadog's: confirmed (the survivor's own), or reported unconfirmed and listed for an operator.
    const listed = await gql<AnswerData>(survivorUrl, '{ unconfirmedWrites { summary reason operation } }');
    const unconfirmed = (listed?.data?.['unconfirmedWrites'] as unknown as { summary: string; reason: string }[]).map((w) => w.summary);
    for (const [i, answer] of answers.entries()) {
      if (i >= ON_VICTIM) {
        expect(answer.dd).toMatchObject({ __typename: 'DatadogActionConnectionPayload', connection: { name: `fleet-dd-${i}` } });
      } else {
        expect(answer.dd).toMatchObject({ __typename: 'OutcomeUnknownError' });
        expect(String(answer.dd['check'])).not.toMatch(/use a new key/i);
        expect(unconfirmed).toContain(`fleet-dd-${i}`);
      }
    }

    // Asking again answers the same, still without a vendor write.
    expect(await retry()).toEqual(answers);
    expect(posts(cs)).toBe(total);
    expect(posts(dd)).toBe(total);
  }, 40_000);
});
