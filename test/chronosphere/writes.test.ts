import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHRONOSPHERE_SEED_SLUGS as S } from '../../src/simulators/chronosphere/seed.js';
import { CONNECTIONS, CREATE, DELETE, READ, UPDATE, csId, field, requestsSince, startRig, type Rig } from './support.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ sim: { now: () => new Date('2026-07-01T10:00:00Z') } });
});
beforeEach(() => {
  rig.sim.server.reset();
});
afterAll(async () => {
  await rig.close();
});

const create = async (input: Record<string, unknown>) => field(await rig.h.gql(CREATE, { input: { account: 'cs', ...input } }), 'createChronosphereExternalConnection');
const update = async (input: Record<string, unknown>) => field(await rig.h.gql(UPDATE, { input: { account: 'cs', ...input } }), 'updateChronosphereExternalConnection');
const remove = async (id: string) => field(await rig.h.gql(DELETE, { input: { id } }), 'deleteChronosphereExternalConnection');

interface Case {
  readonly slug: string;
  readonly target: Record<string, unknown>;
  /** The block Chronosphere must receive, by its JSON name, exactly. */
  readonly wire: Record<string, unknown>;
  readonly typename: string;
  readonly service: string;
  readonly unsetSecrets: readonly string[];
}

// One made-up connection of every type, with the JSON each must become (swagger field names).
const CASES: readonly Case[] = [
  {
    slug: 'w-slack',
    target: { slack: { apiUrl: 'https://hooks.slack.com/services/T1/B1/madeup', token: 'xoxb-made-up-token' } },
    wire: { slack: { api_url: 'https://hooks.slack.com/services/T1/B1/madeup', token: 'xoxb-made-up-token' } },
    typename: 'ChronosphereSlackTarget',
    service: 'SLACK',
    unsetSecrets: [],
  },
  {
    slug: 'w-pagerduty-v1',
    target: { pagerduty: { events: { apiKey: 'made-up-service-key', version: 'V1' } } },
    wire: { pagerduty: { events: { api_key: 'made-up-service-key', version: 'PAGERDUTY_EVENTS_VERSION_V1' } } },
    typename: 'ChronospherePagerDutyTarget',
    service: 'PAGERDUTY',
    unsetSecrets: ['rest.apiKey'],
  },
  {
    slug: 'w-pagerduty-rest',
    target: { pagerduty: { rest: { apiKey: 'made-up-rest-key' } } },
    wire: { pagerduty: { rest: { api_key: 'made-up-rest-key' } } },
    typename: 'ChronospherePagerDutyTarget',
    service: 'PAGERDUTY',
    unsetSecrets: ['events.apiKey'],
  },
  {
    slug: 'w-webhook',
    target: { webhook: { url: 'https://hooks.example/in', httpConfig: { basicAuth: { username: 'alice', password: 'made-up-pass' }, tlsConfig: { insecureSkipVerify: true } } } },
    wire: { webhook: { url: 'https://hooks.example/in', http_config: { basic_auth: { username: 'alice', password: 'made-up-pass' }, tls_config: { insecure_skip_verify: true } } } },
    typename: 'ChronosphereWebhookTarget',
    service: 'WEBHOOK',
    unsetSecrets: ['httpConfig.bearerToken'],
  },
  {
    slug: 'w-victorops',
    target: { victorOps: { apiKey: 'made-up-vo-key', apiUrl: 'https://alert.victorops.example/x' } },
    wire: { victor_ops: { api_key: 'made-up-vo-key', api_url: 'https://alert.victorops.example/x' } },
    typename: 'ChronosphereVictorOpsTarget',
    service: 'VICTOROPS',
    unsetSecrets: [],
  },
  {
    slug: 'w-opsgenie',
    target: { opsGenie: { apiKey: 'made-up-og-key', apiUrl: 'https://api.opsgenie.example', httpConfig: { bearerToken: 'made-up-bearer', tlsConfig: { insecureSkipVerify: false } } } },
    wire: { ops_genie: { api_key: 'made-up-og-key', api_url: 'https://api.opsgenie.example', http_config: { bearer_token: 'made-up-bearer', tls_config: { insecure_skip_verify: false } } } },
    typename: 'ChronosphereOpsGenieTarget',
    service: 'OPSGENIE',
    unsetSecrets: ['httpConfig.basicAuth.password'],
  },
  {
    slug: 'w-cloudflare',
    target: { cloudflare: { apiToken: 'cfut_madeUpUserToken1234' } },
    wire: { cloudflare: { api_token: 'cfut_madeUpUserToken1234' } },
    typename: 'ChronosphereCloudflareTarget',
    service: 'CLOUDFLARE',
    unsetSecrets: [],
  },
  {
    slug: 'w-atlas',
    target: { mongodbAtlas: { clientId: 'mdb_sa_id_madeup', clientSecret: 'mdb_sa_sk_madeup' } },
    wire: { mongodb_atlas: { client_id: 'mdb_sa_id_madeup', client_secret: 'mdb_sa_sk_madeup' } },
    typename: 'ChronosphereMongoDbAtlasTarget',
    service: 'MONGODB_ATLAS',
    unsetSecrets: [],
  },
  {
    slug: 'w-sendgrid',
    target: { sendgrid: { apiKey: 'SG.made-up-key' } },
    wire: { sendgrid: { api_key: 'SG.made-up-key' } },
    typename: 'ChronosphereSendGridTarget',
    service: 'SENDGRID',
    unsetSecrets: [],
  },
  {
    slug: 'w-datadog',
    target: { datadog: { apiKey: 'made-up-dd-api', appKey: 'made-up-dd-app', site: 'us5.datadoghq.com' } },
    wire: { datadog: { api_key: 'made-up-dd-api', app_key: 'made-up-dd-app', site: 'us5.datadoghq.com' } },
    typename: 'ChronosphereDatadogTarget',
    service: 'DATADOG',
    unsetSecrets: [],
  },
];

describe('createChronosphereExternalConnection', () => {
  it.each(CASES)('creates a $typename, sending exactly the swagger fields', async (c) => {
    const result = await create({ slug: c.slug, name: `Made-up ${c.slug}`, target: c.target });
    expect(result).toMatchObject({
      __typename: 'ChronosphereExternalConnectionPayload',
      dryRun: false,
      unsetSecrets: [...c.unsetSecrets],
      connection: { id: csId('cs', c.slug), slug: c.slug, service: c.service, createdAt: '2026-07-01T10:00:00.000Z', target: { __typename: c.typename } },
    });
    const stored = rig.sim.stored(c.slug);
    const [block, config] = Object.entries(c.wire)[0] as [string, Record<string, unknown>];
    expect(stored?.block).toBe(block);
    // Version defaults are filled in by Chronosphere, never by Patchbay.
    expect(stored?.config).toEqual(config);
    const connection = result['connection'] as { secrets: { field: string; isSet: boolean; lastFour: string | null }[] };
    const set = connection.secrets.filter((s) => s.isSet).map((s) => s.field);
    expect(set.every((f) => !c.unsetSecrets.includes(f))).toBe(true);
  });

  it('lets Chronosphere generate the slug from the name when none is given', async () => {
    const result = await create({ name: 'Payments PagerDuty (EU)', target: { pagerduty: { events: { apiKey: 'made-up-routing' } } } });
    expect(result).toMatchObject({ connection: { slug: 'payments-pagerduty-eu', id: csId('cs', 'payments-pagerduty-eu'), target: { events: { version: 'V2' } } } });
    expect(rig.sim.stored('payments-pagerduty-eu')?.config).toEqual({ events: { api_key: 'made-up-routing', version: 'PAGERDUTY_EVENTS_VERSION_V2' } });
  });

  it('answers ConflictError (409) when the slug exists', async () => {
    const result = await create({ slug: S.slackSre, name: 'Again', target: { slack: { token: 'xoxb-again' } } });
    expect(result).toMatchObject({
      __typename: 'ConflictError',
      httpStatus: 409,
      vendorCode: '6',
      retryable: false,
      message: `Chronosphere reports a conflict: external connection with slug "${S.slackSre}" already exists`,
    });
  });

  it('previews on a dry run, validated by Chronosphere: a WritePreview, nothing stored', async () => {
    const before = rig.sim.slugs();
    const from = rig.sim.server.requests.length;
    const result = await create({ slug: 'dry-one', name: 'Dry', target: { sendgrid: { apiKey: 'SG.dry' } }, dryRun: true });
    expect(result).toMatchObject({ __typename: 'WritePreview', operation: 'createChronosphereExternalConnection', vendorValidated: true, current: null, before: null, targetId: null });
    expect(rig.sim.slugs()).toEqual(before);
    // Chronosphere's own `dry_run` validated it: the only request, and it writes nothing.
    expect(requestsSince(rig.sim, from).map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${CONNECTIONS}`]);
    expect(rig.sim.writes()).toEqual([{ method: 'POST', path: CONNECTIONS, dryRun: true }]);
  });

  it('reports what a dry run would refuse, as the real call would', async () => {
    const result = await create({ slug: S.cloudflareEdge, name: 'Dry', target: { cloudflare: { apiToken: 'cfat_dry' } }, dryRun: true });
    expect(result).toMatchObject({ __typename: 'ConflictError', httpStatus: 409 });
  });

  it('records an audit row per outcome, without secrets', async () => {
    await create({ slug: 'audited-one', name: 'Audited', target: { sendgrid: { apiKey: 'SG.audit-secret-canary' } } });
    await create({ slug: 'audited-one', name: 'Audited', target: { sendgrid: { apiKey: 'SG.audit-secret-canary' } } });
    const rows = await rig.h.store.listAudit({ operation: 'createChronosphereExternalConnection' });
    expect(rows.slice(0, 2).map((r) => r.outcome)).toEqual(['ConflictError', 'OK']);
    expect(rows[1]?.targetId).toBe(csId('cs', 'audited-one'));
    expect(JSON.stringify(rows)).not.toContain('audit-secret-canary');
  });

  it('sends a repeated idempotency key once', async () => {
    const from = rig.sim.server.requests.length;
    const input = { idempotencyKey: 'cs-create-once-1', slug: 'once', name: 'Once', target: { sendgrid: { apiKey: 'SG.once' } } };
    const first = await create(input);
    const second = await create(input);
    expect(second).toEqual(first);
    expect(requestsSince(rig.sim, from).filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('updateChronosphereExternalConnection', () => {
  it('replaces the whole connection and says which secrets it left unset', async () => {
    const seeded = rig.sim.stored(S.opsgeniePlatform);
    const result = await update({
      slug: S.opsgeniePlatform,
      name: 'Opsgenie: platform team (US)',
      target: { opsGenie: { apiKey: 'made-up-new-og-key', apiUrl: 'https://api.opsgenie.com' } },
    });
    expect(result).toMatchObject({
      __typename: 'ChronosphereExternalConnectionPayload',
      dryRun: false,
      unsetSecrets: ['httpConfig.basicAuth.password', 'httpConfig.bearerToken'],
      connection: {
        slug: S.opsgeniePlatform,
        name: 'Opsgenie: platform team (US)',
        updatedAt: '2026-07-01T10:00:00.000Z',
        target: { __typename: 'ChronosphereOpsGenieTarget', apiUrl: 'https://api.opsgenie.com', httpConfig: null },
      },
    });
    expect(result['connection']).toMatchObject({ createdAt: new Date(seeded?.createdAt ?? '').toISOString() });
    expect(rig.sim.stored(S.opsgeniePlatform)?.config).toEqual({ api_key: 'made-up-new-og-key', api_url: 'https://api.opsgenie.com' });
  });

  it('clears a secret the input leaves out (PUT is a full replace) and never re-sends the one it read', async () => {
    // Read first: the bearer token comes back as **REDACTED**, shown as a hint only.
    const read = field(await rig.h.gql(READ, { id: csId('cs', S.webhookBridge) }), 'connection');
    expect(read).toMatchObject({ target: { httpConfig: { bearerToken: { isSet: true, lastFour: null } } } });
    const result = await update({ slug: S.webhookBridge, name: 'Incident bridge webhook', target: { webhook: { url: 'https://bridge.acme-demo.example/hooks/chronosphere' } } });
    expect(result).toMatchObject({ unsetSecrets: ['httpConfig.basicAuth.password', 'httpConfig.bearerToken'], connection: { target: { httpConfig: null } } });
    expect(rig.sim.stored(S.webhookBridge)?.config).toEqual({ url: 'https://bridge.acme-demo.example/hooks/chronosphere' });
    expect(rig.sim.redactedPlaceholderWrites()).toBe(0);
  });

  it('keeps a secret only by being given it again', async () => {
    const result = await update({
      slug: S.webhookBridge,
      name: 'Incident bridge webhook',
      target: { webhook: { url: 'https://bridge.acme-demo.example/hooks/chronosphere', httpConfig: { bearerToken: 'made-up-rotated-bearer' } } },
    });
    expect(result).toMatchObject({ unsetSecrets: ['httpConfig.basicAuth.password'], connection: { target: { httpConfig: { bearerToken: { isSet: true, lastFour: null } } } } });
    expect(rig.sim.stored(S.webhookBridge)?.config).toEqual({ url: 'https://bridge.acme-demo.example/hooks/chronosphere', http_config: { bearer_token: 'made-up-rotated-bearer' } });
  });

  it('refuses the **REDACTED** placeholder as a secret, before calling Chronosphere', async () => {
    const from = rig.sim.server.requests.length;
    const result = await update({
      slug: S.datadogEu,
      name: 'Datadog EU org (events forwarding)',
      target: { datadog: { apiKey: '**REDACTED**', appKey: '**REDACTED**', site: 'datadoghq.eu' } },
    });
    expect(result).toMatchObject({
      __typename: 'InputValidationError',
      fieldErrors: [
        { path: ['target', 'datadog', 'apiKey'], message: expect.stringContaining('masked value') },
        { path: ['target', 'datadog', 'appKey'], message: expect.stringContaining('masked value') },
      ],
    });
    expect(requestsSince(rig.sim, from)).toHaveLength(0);
    expect(rig.sim.redactedPlaceholderWrites()).toBe(0);
  });

  it('answers NotFoundError for an unknown slug unless createIfMissing', async () => {
    const input = { slug: 'upserted-slack', name: 'Upserted Slack', target: { slack: { token: 'xoxb-upsert' } } };
    expect(await update(input)).toMatchObject({ __typename: 'NotFoundError' });
    expect(rig.sim.stored('upserted-slack')).toBeUndefined();
    const created = await update({ ...input, createIfMissing: true });
    expect(created).toMatchObject({ dryRun: false, connection: { slug: 'upserted-slack', createdAt: '2026-07-01T10:00:00.000Z', target: { __typename: 'ChronosphereSlackTarget' } } });
    expect(rig.sim.stored('upserted-slack')?.config).toEqual({ token: 'xoxb-upsert' });
  });

  it('previews on a dry run, for existing and missing slugs alike, writing nothing', async () => {
    const before = rig.sim.stored(S.sendgridStatus);
    const dry = await update({ slug: S.sendgridStatus, name: 'Renamed', target: { sendgrid: { apiKey: 'SG.dry-run' } }, dryRun: true });
    expect(dry).toMatchObject({ __typename: 'WritePreview', vendorValidated: true, targetId: csId('cs', S.sendgridStatus), current: { slug: S.sendgridStatus } });
    expect(rig.sim.stored(S.sendgridStatus)).toEqual(before);
    expect(await update({ slug: 'dry-missing', name: 'x', target: { sendgrid: { apiKey: 'SG.x' } }, dryRun: true })).toMatchObject({ __typename: 'NotFoundError' });
    const upsertDry = await update({ slug: 'dry-missing', name: 'x', target: { sendgrid: { apiKey: 'SG.x' } }, dryRun: true, createIfMissing: true });
    expect(upsertDry).toMatchObject({ __typename: 'WritePreview', vendorValidated: true, current: null, targetId: null });
    expect(rig.sim.stored('dry-missing')).toBeUndefined();
  });

  it('may change the type of a connection', async () => {
    const result = await update({ slug: S.victoropsNoc, name: 'NOC (moved to Opsgenie)', target: { opsGenie: { apiKey: 'made-up-og' } } });
    expect(result).toMatchObject({ connection: { service: 'OPSGENIE', target: { __typename: 'ChronosphereOpsGenieTarget' } } });
  });
});

describe('deleteChronosphereExternalConnection', () => {
  it('deletes a connection no policy uses', async () => {
    const id = csId('cs', S.cloudflareEdge);
    expect(await remove(id)).toEqual({ __typename: 'ChronosphereExternalConnectionDeletedPayload', deletedId: id, slug: S.cloudflareEdge });
    expect(rig.sim.stored(S.cloudflareEdge)).toBeUndefined();
    expect(field(await rig.h.gql(READ, { id }), 'connection')).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('answers VendorValidationError (400) while a notification policy uses it', async () => {
    const result = await remove(csId('cs', S.pagerdutyPayments));
    expect(result).toEqual({
      __typename: 'VendorValidationError',
      message: `Chronosphere refused the input: cannot delete external connection "${S.pagerdutyPayments}": it is in use by notification policy "payments-critical"`,
      httpStatus: 400,
      vendorCode: '9',
      retryable: false,
      retryAfterSeconds: null,
      fieldErrors: [],
    });
    expect(rig.sim.stored(S.pagerdutyPayments)).toBeDefined();
  });

  it('answers NotFoundError for a slug Chronosphere does not have, and for ids that are not ours without a call', async () => {
    expect(await remove(csId('cs', 'gone-already'))).toMatchObject({ __typename: 'NotFoundError' });
    const from = rig.sim.server.requests.length;
    expect(await remove('not-an-id')).toMatchObject({ __typename: 'NotFoundError' });
    expect(await remove(csId('unknown-account', S.sendgridStatus))).toMatchObject({ __typename: 'NotFoundError' });
    expect(requestsSince(rig.sim, from)).toHaveLength(0);
  });
});

describe('inputs GraphQL refuses before the builder sees them', () => {
  // The builder takes the GraphQL-typed input and no longer re-checks what GraphQL guarantees;
  // these inputs must still be refused, by GraphQL, with no Chronosphere call.
  it.each([
    ['an unknown target member', { name: 'x', target: { teams: { url: 'https://t.example' } } }, /"teams" is not defined/],
    ['an unknown Slack field', { name: 'x', target: { slack: { token: 't', channel: '#x' } } }, /"channel" is not defined/],
    ['a null target', { name: 'x', target: null }, /not to be null/],
    ['two target members', { name: 'x', target: { slack: { token: 't' }, webhook: { url: 'https://w.example' } } }, /Exactly one key must be specified/],
  ])('%s', async (_case, input, message) => {
    const before = rig.sim.server.requests.length;
    const result = await rig.h.gql(CREATE, { input: { account: 'cs', ...input } });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.map((e) => e.message).join('\n')).toMatch(message);
    expect(requestsSince(rig.sim, before)).toEqual([]);
  });
});
