import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, findJsonSyntaxError } from '../../src/core/config/load.js';
import { accountSecrets, loadConfigFile, parseConfigText } from '../../src/server/config.js';
import type { ConfigFormat } from '../../src/core/config/load.js';
import { publicAccount } from '../../src/core/config/redact.js';
import { DEFAULT_OPERATION_LIMITS, type AccountConfig, type PatchbayConfig } from '../../src/core/config/schema.js';
import { DEFAULT_DENY_RANGES } from '../../src/core/http/egress.js';

const GROUP_A = '5f1e2d3c4b5a69788796a5b4';
const GROUP_B = 'AABBCCDDEEFF001122334455';

/** A value no message may ever contain. */
const SECRET = 'sekret-Zq9-PATCHBAY-4f7c1e';

const ENV = {
  DD_API_KEY: 'dd-api-from-env',
  DD_APP_KEY: 'dd-app-from-env',
  CHRONO_TOKEN: 'chrono-from-env',
};

const ALL_VENDORS_YAML = `
accounts:
  - id: dd-prod
    vendor: datadog
    baseUrl: https://api.datadoghq.eu/
    displayName: Datadog (EU)
    apiKey: \${DD_API_KEY}
    appKey: \${DD_APP_KEY}
    callTimeoutMs: 5000
    maxRequestsPerMinute: 600
  - id: chrono
    vendor: chronosphere
    baseUrl: http://127.0.0.1:4010/chronosphere
    apiToken: \${CHRONO_TOKEN}
  - id: mongo.cm
    vendor: mongodb
    baseUrl: https://cloud.mongodb.com
    publicKey: pubkey
    privateKey: privkey
    groupIds: [${GROUP_A}, "${GROUP_B}"]
  - id: cortex_1
    vendor: cortex
    baseUrl: https://cortex.example.com/api
    token: cortex-token
  - id: OpsRamp
    vendor: opsramp
    baseUrl: https://acme.api.opsramp.com
    tenantId: client_123
    clientId: opsramp-client
    clientSecret: opsramp-secret
gateway:
  requestDeadlineMs: 20000
  exposeVendorCalls: true
`;

function allVendorsObject(): { accounts: Record<string, unknown>[]; gateway?: Record<string, unknown> } {
  return {
    accounts: [
      {
        id: 'dd-prod',
        vendor: 'datadog',
        baseUrl: 'https://api.datadoghq.eu/',
        displayName: 'Datadog (EU)',
        apiKey: '${DD_API_KEY}',
        appKey: '${DD_APP_KEY}',
        callTimeoutMs: 5000,
        maxRequestsPerMinute: 600,
      },
      {
        id: 'chrono',
        vendor: 'chronosphere',
        baseUrl: 'http://127.0.0.1:4010/chronosphere',
        apiToken: '${CHRONO_TOKEN}',
      },
      {
        id: 'mongo.cm',
        vendor: 'mongodb',
        baseUrl: 'https://cloud.mongodb.com',
        publicKey: 'pubkey',
        privateKey: 'privkey',
        groupIds: [GROUP_A, GROUP_B],
      },
      { id: 'cortex_1', vendor: 'cortex', baseUrl: 'https://cortex.example.com/api', token: 'cortex-token' },
      {
        id: 'OpsRamp',
        vendor: 'opsramp',
        baseUrl: 'https://acme.api.opsramp.com',
        tenantId: 'client_123',
        clientId: 'opsramp-client',
        clientSecret: 'opsramp-secret',
      },
    ],
    gateway: { requestDeadlineMs: 20000, exposeVendorCalls: true },
  };
}

/** One valid account per vendor, to be broken by the tests. */
const VALID_ACCOUNTS: Record<string, Record<string, unknown>> = {
  datadog: { id: 'd', vendor: 'datadog', baseUrl: 'https://api.datadoghq.com', apiKey: 'a', appKey: 'b' },
  chronosphere: { id: 'c', vendor: 'chronosphere', baseUrl: 'https://x.chronosphere.io', apiToken: 't' },
  mongodb: {
    id: 'm',
    vendor: 'mongodb',
    baseUrl: 'https://cloud.mongodb.com',
    publicKey: 'p',
    privateKey: 'q',
    groupIds: [GROUP_A],
  },
  cortex: { id: 'x', vendor: 'cortex', baseUrl: 'https://cortex.example.com', token: 't' },
  opsramp: {
    id: 'o',
    vendor: 'opsramp',
    baseUrl: 'https://acme.api.opsramp.com',
    tenantId: 't',
    clientId: 'c',
    clientSecret: 's',
  },
};

function account(vendor: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  const base = VALID_ACCOUNTS[vendor];
  if (base === undefined) throw new Error(`no sample for ${vendor}`);
  return { ...base, ...patch };
}

function parseJson(value: unknown, env: Record<string, string | undefined> = ENV): PatchbayConfig {
  return parseConfigText(JSON.stringify(value), 'json', env);
}

/** Runs fn, which must throw a ConfigError, and returns it. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error;
    throw new Error(`expected a ConfigError, got ${String(error)}`);
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

function expectIssue(error: ConfigError, path: string, message: string | RegExp): void {
  const matching = error.issues.filter((issue) => issue.path === path);
  expect(matching, `issues: ${JSON.stringify(error.issues)}`).not.toHaveLength(0);
  expect(matching.map((issue) => issue.message)).toContainEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  const line = typeof message === 'string' ? `${path}: ${message}` : path;
  expect(error.message).toContain(line);
}

function checkAllVendors(config: PatchbayConfig): void {
  expect(config.accounts.map((a) => a.vendor)).toEqual(['datadog', 'chronosphere', 'mongodb', 'cortex', 'opsramp']);
  const [dd, chrono, mongo, cortex, opsramp] = config.accounts;
  expect(dd).toEqual({
    id: 'dd-prod',
    vendor: 'datadog',
    baseUrl: 'https://api.datadoghq.eu',
    displayName: 'Datadog (EU)',
    apiKey: 'dd-api-from-env',
    appKey: 'dd-app-from-env',
    callTimeoutMs: 5000,
    maxRequestsPerMinute: 600,
  });
  expect(chrono).toEqual({
    id: 'chrono',
    vendor: 'chronosphere',
    baseUrl: 'http://127.0.0.1:4010/chronosphere',
    apiToken: 'chrono-from-env',
  });
  expect(mongo).toEqual({
    id: 'mongo.cm',
    vendor: 'mongodb',
    baseUrl: 'https://cloud.mongodb.com',
    publicKey: 'pubkey',
    privateKey: 'privkey',
    groupIds: [GROUP_A, GROUP_B],
  });
  expect(cortex).toEqual({
    id: 'cortex_1',
    vendor: 'cortex',
    baseUrl: 'https://cortex.example.com/api',
    token: 'cortex-token',
  });
  expect(opsramp).toEqual({
    id: 'OpsRamp',
    vendor: 'opsramp',
    baseUrl: 'https://acme.api.opsramp.com',
    tenantId: 'client_123',
    clientId: 'opsramp-client',
    clientSecret: 'opsramp-secret',
  });
  expect(config.gateway).toEqual({
    requestDeadlineMs: 20000,
    vendorCallTimeoutMs: 10000,
    exposeVendorCalls: true,
    maxResponseBytes: 5 * 1024 * 1024,
    egress: { denyRanges: [...DEFAULT_DENY_RANGES] },
    vendorHttp: { connectionsPerOrigin: 256, keepAliveTimeoutMs: 10000, allowH2: false },
    http: { corsOrigins: [], allowedHosts: [] },
    metrics: { enabled: true, path: '/metrics' },
    limits: { ...DEFAULT_OPERATION_LIMITS },
    ...FLEET_DEFAULTS,
    idempotencyLeaseSeconds: 30,
  });
}

/** The store, retention and shutdown defaults (issue 13). */
const FLEET_DEFAULTS = {
  store: {
    poolSize: 10,
    connectionTimeoutMs: 5000,
    statementTimeoutMs: 30000,
    lockTimeoutMs: 2000,
    idleInTransactionTimeoutMs: 60000,
    applicationName: 'patchbay',
    migrate: true,
    startupParameters: true,
  },
  retention: { auditDays: 90, idempotencyHours: 24, intervalMinutes: 60 },
  history: { scanIntervalSeconds: 300, scanJitter: 0.2, scanConcurrency: 2 },
  shutdown: { drainDelayMs: 0, graceMs: 10000 },
};

describe('gateway.store, gateway.retention and gateway.shutdown', () => {
  it('takes every setting within its range', () => {
    const config = parseJson({
      accounts: [],
      gateway: {
        store: {
          poolSize: 3,
          connectionTimeoutMs: 500,
          statementTimeoutMs: 0,
          lockTimeoutMs: 250,
          idleInTransactionTimeoutMs: 1000,
          applicationName: 'patchbay-eu1:a',
          migrate: false,
          startupParameters: false,
        },
        retention: { auditDays: 0, idempotencyHours: 1, intervalMinutes: 5 },
        shutdown: { drainDelayMs: 5000, graceMs: 30000 },
      },
    });
    expect(config.gateway.store).toEqual({
      poolSize: 3,
      connectionTimeoutMs: 500,
      statementTimeoutMs: 0,
      lockTimeoutMs: 250,
      idleInTransactionTimeoutMs: 1000,
      applicationName: 'patchbay-eu1:a',
      migrate: false,
      startupParameters: false,
    });
    expect(config.gateway.retention).toEqual({ auditDays: 0, idempotencyHours: 1, intervalMinutes: 5 });
    expect(config.gateway.shutdown).toEqual({ drainDelayMs: 5000, graceMs: 30000 });
  });

  it.each([
    [{ store: { poolSize: 0 } }, 'gateway.store.poolSize', 'at least 1'],
    [{ store: { poolSize: 2.5 } }, 'gateway.store.poolSize', ''],
    [{ store: { connectionTimeoutMs: 10 } }, 'gateway.store.connectionTimeoutMs', 'at least 100'],
    [{ store: { lockTimeoutMs: -1 } }, 'gateway.store.lockTimeoutMs', 'at least 0'],
    [{ store: { applicationName: "x'; DROP" } }, 'gateway.store.applicationName', 'must be 1-63 characters'],
    [{ store: { migrate: 'no' } }, 'gateway.store.migrate', ''],
    [{ store: { pool: 3 } }, 'gateway.store', ''],
    [{ retention: { auditDays: -1 } }, 'gateway.retention.auditDays', 'at least 0'],
    [{ retention: { intervalMinutes: 0 } }, 'gateway.retention.intervalMinutes', 'at least 1'],
    [{ history: { scanJitter: 0.9 } }, 'gateway.history.scanJitter', 'at most 0.5'],
    [{ history: { scanIntervalSeconds: -5 } }, 'gateway.history.scanIntervalSeconds', 'at least 0'],
    [{ shutdown: { graceMs: 700_000 } }, 'gateway.shutdown.graceMs', 'at most 600000'],
  ])('refuses %j at %s', (gateway, path, message) => {
    let error: unknown;
    try {
      parseJson({ accounts: [], gateway });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain(message);
    // Never quotes the value it refuses.
    expect((error as Error).message).not.toContain('DROP');
  });
});

describe('valid configs', () => {
  it('parses YAML with all five vendors', () => {
    checkAllVendors(parseConfigText(ALL_VENDORS_YAML, 'yaml', ENV));
  });

  it('parses JSON with all five vendors', () => {
    checkAllVendors(parseConfigText(JSON.stringify(allVendorsObject(), null, 2), 'json', ENV));
  });

  it('fills in gateway defaults when gateway is absent', () => {
    const config = parseJson({ accounts: [account('cortex')] });
    expect(config.gateway).toEqual({
      requestDeadlineMs: 30000,
      vendorCallTimeoutMs: 10000,
      exposeVendorCalls: false,
      maxResponseBytes: 5242880,
      egress: { denyRanges: [...DEFAULT_DENY_RANGES] },
      vendorHttp: { connectionsPerOrigin: 256, keepAliveTimeoutMs: 10000, allowH2: false },
      http: { corsOrigins: [], allowedHosts: [] },
      metrics: { enabled: true, path: '/metrics' },
      limits: { ...DEFAULT_OPERATION_LIMITS },
      ...FLEET_DEFAULTS,
      idempotencyLeaseSeconds: 30,
    });
  });

  it('gateway.idempotencyLeaseSeconds: a whole number of seconds from 1 to 600', () => {
    expect(parseJson({ accounts: [], gateway: { idempotencyLeaseSeconds: 2 } }).gateway.idempotencyLeaseSeconds).toBe(2);
    for (const [value, message] of [
      [0, 'must be at least 1'],
      [601, 'must be at most 600'],
      [1.5, 'must be a whole number of seconds'],
    ] as const) {
      expect(() => parseJson({ accounts: [], gateway: { idempotencyLeaseSeconds: value } })).toThrow(message);
    }
  });

  it('accepts an empty account list', () => {
    expect(parseJson({ accounts: [] }).accounts).toEqual([]);
  });

  it('accepts ids at the edges of the allowed shape', () => {
    const id = `A-z_0.${'x'.repeat(58)}`;
    expect(id).toHaveLength(64);
    expect(parseJson({ accounts: [account('cortex', { id })] }).accounts[0]?.id).toBe(id);
  });
});

describe('loadConfigFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchbay-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['patchbay.yaml', ALL_VENDORS_YAML],
    ['patchbay.yml', ALL_VENDORS_YAML],
    ['patchbay.json', JSON.stringify(allVendorsObject())],
    ['patchbay.conf', JSON.stringify(allVendorsObject())],
    ['patchbay', ALL_VENDORS_YAML],
  ])('reads %s', async (name, text) => {
    const path = join(dir, name);
    await writeFile(path, text);
    checkAllVendors(await loadConfigFile(path, ENV));
  });

  it('uses the extension to choose the parser', async () => {
    const path = join(dir, 'yaml-in-disguise.json');
    await writeFile(path, ALL_VENDORS_YAML);
    const error = await loadConfigFile(path, ENV).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/JSON syntax error at line 2, column 1/);
  });

  it('names the file in errors, including a missing file', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, 'accounts:\n  - id: a\n    vendor: nope\n');
    const bad = await loadConfigFile(path, ENV).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    expect((bad as ConfigError).source).toBe(path);
    expect((bad as ConfigError).message).toContain(path);
    expect((bad as ConfigError).message).toContain('accounts[0].vendor: must be one of');

    const missing = join(dir, 'absent.yaml');
    const notFound = await loadConfigFile(missing, ENV).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ConfigError);
    expect((notFound as ConfigError).message).toContain(missing);
    expect((notFound as ConfigError).message).toContain('ENOENT');
  });

  it('defaults env to process.env', async () => {
    const path = join(dir, 'env.yaml');
    await writeFile(path, 'accounts:\n  - {id: a, vendor: cortex, baseUrl: "https://h", token: "${PATCHBAY_TEST_TOKEN_VAR}"}\n');
    process.env['PATCHBAY_TEST_TOKEN_VAR'] = 'from-process-env';
    try {
      const config = await loadConfigFile(path);
      expect(config.accounts[0]).toMatchObject({ token: 'from-process-env' });
    } finally {
      delete process.env['PATCHBAY_TEST_TOKEN_VAR'];
    }
  });
});

describe('${VAR} interpolation', () => {
  it('substitutes variables anywhere in a string, several per string', () => {
    const config = parseJson({ accounts: [account('cortex', { token: 'Bearer-${A}-mid-${B}${A}', baseUrl: 'https://${HOST}:8443/x' })] }, { A: 'one', B: 'two', HOST: 'cortex.local' });
    expect(config.accounts[0]).toMatchObject({ token: 'Bearer-one-mid-twoone', baseUrl: 'https://cortex.local:8443/x' });
  });

  it('substitutes in list items and in every field, not in keys', () => {
    const config = parseJson({ accounts: [account('mongodb', { id: '${ID}', groupIds: ['${G}', GROUP_B] })] }, { ID: 'mongo-from-env', G: GROUP_A });
    expect(config.accounts[0]).toMatchObject({ id: 'mongo-from-env', groupIds: [GROUP_A, GROUP_B] });
  });

  it('treats $${ as a literal ${ and leaves other dollars alone', () => {
    const config = parseJson({ accounts: [account('cortex', { token: 'a$${NOT_A_VAR}b $5 $$ ${X}' })] }, { X: 'x', NOT_A_VAR: 'should-not-appear' });
    expect(config.accounts[0]).toMatchObject({ token: 'a${NOT_A_VAR}b $5 $$ x' });
  });

  it('does not re-scan substituted values', () => {
    const config = parseJson({ accounts: [account('cortex', { token: '${X}' })] }, { X: '${Y}', Y: 'nope' });
    expect(config.accounts[0]).toMatchObject({ token: '${Y}' });
  });

  it('interpolates in YAML too', () => {
    const yaml = 'accounts:\n  - id: a\n    vendor: cortex\n    baseUrl: https://h\n    token: "pre-${T}"\n';
    expect(parseConfigText(yaml, 'yaml', { T: 'tok' }).accounts[0]).toMatchObject({ token: 'pre-tok' });
  });

  it('an empty variable is substituted, then validated', () => {
    const error = configError(() => parseJson({ accounts: [account('cortex', { token: '${EMPTY}' })] }, { EMPTY: '' }));
    expectIssue(error, 'accounts[0].token', 'must not be empty');
  });

  it('names the path and variable of a missing variable, never a value', () => {
    const error = configError(() =>
      parseJson(
        {
          accounts: [account('cortex'), account('datadog', { id: 'dd', apiKey: `${SECRET}-\${DD_MISSING_KEY}`, appKey: '${DD_APP_KEY}' })],
        },
        { DD_APP_KEY: SECRET },
      ),
    );
    expect(error.issues).toEqual([{ path: 'accounts[1].apiKey', message: 'environment variable DD_MISSING_KEY is not set' }]);
    expect(error.message).toContain('accounts[1].apiKey: environment variable DD_MISSING_KEY is not set');
    expect(error.message).not.toContain(SECRET);
  });

  it('reports every missing variable alongside schema errors', () => {
    const error = configError(() => parseJson({ accounts: [account('datadog', { apiKey: '${NOPE_1}', appKey: '${NOPE_2}', baseUrl: 'ftp://x' })] }, {}));
    expectIssue(error, 'accounts[0].apiKey', 'environment variable NOPE_1 is not set');
    expectIssue(error, 'accounts[0].appKey', 'environment variable NOPE_2 is not set');
    expectIssue(error, 'accounts[0].baseUrl', 'must use http or https');
    expect(error.issues).toHaveLength(3);
  });

  it.each([
    ['unterminated', 'abc${OPEN', /unterminated "\$\{"/],
    ['bad name', 'x${1BAD}y', /invalid "\$\{\.\.\.\}" reference/],
    ['empty name', '${}', /invalid "\$\{\.\.\.\}" reference/],
  ])('rejects a malformed reference (%s)', (_label, token, message) => {
    const error = configError(() => parseJson({ accounts: [account('cortex', { token })] }, {}));
    expectIssue(error, 'accounts[0].token', message);
    expect(error.issues).toHaveLength(1);
  });
});

describe('schema errors name the bad key', () => {
  it('unknown vendor', () => {
    const error = configError(() => parseJson({ accounts: [account('cortex'), account('cortex', { id: 'y', vendor: 'splunk' })] }));
    expectIssue(error, 'accounts[1].vendor', 'must be one of datadog, chronosphere, mongodb, cortex, opsramp');
    expect(error.issues).toHaveLength(1);
  });

  it('missing vendor', () => {
    const { vendor: _vendor, ...noVendor } = account('cortex');
    const error = configError(() => parseJson({ accounts: [noVendor] }));
    expectIssue(error, 'accounts[0].vendor', 'Required: must be one of datadog, chronosphere, mongodb, cortex, opsramp');
  });

  it.each([
    ['datadog', 'apiKey'],
    ['datadog', 'appKey'],
    ['chronosphere', 'apiToken'],
    ['mongodb', 'publicKey'],
    ['mongodb', 'privateKey'],
    ['mongodb', 'groupIds'],
    ['cortex', 'token'],
    ['opsramp', 'tenantId'],
    ['opsramp', 'clientId'],
    ['opsramp', 'clientSecret'],
    ['cortex', 'id'],
    ['cortex', 'baseUrl'],
  ])('%s without %s', (vendor, field) => {
    const broken = account(vendor);
    delete broken[field];
    const error = configError(() => parseJson({ accounts: [account('cortex', { id: 'first' }), broken] }));
    expect(error.issues).toEqual([{ path: `accounts[1].${field}`, message: 'Required' }]);
    expect(error.message).toContain(`accounts[1].${field}: Required`);
  });

  it('a credential of the wrong type or empty', () => {
    const error = configError(() => parseJson({ accounts: [account('datadog', { apiKey: 12345, appKey: '' })] }));
    expectIssue(error, 'accounts[0].apiKey', 'expected a string, got a number');
    expectIssue(error, 'accounts[0].appKey', 'must not be empty');
  });

  it.each([
    ['empty list', [], 'accounts[0].groupIds', 'must list at least one project id'],
    ['not hex', ['zz1e2d3c4b5a69788796a5b4'], 'accounts[0].groupIds[0]', 'must be a 24-character hexadecimal project id'],
    ['too short', [GROUP_A, '5f1e2d3c4b5a69788796a5b'], 'accounts[0].groupIds[1]', 'must be a 24-character hexadecimal project id'],
    ['too long', [`${GROUP_A}0`], 'accounts[0].groupIds[0]', 'must be a 24-character hexadecimal project id'],
    ['not a list', GROUP_A, 'accounts[0].groupIds', 'expected a list, got a string'],
    ['number item', [42], 'accounts[0].groupIds[0]', 'expected a string, got a number'],
  ])('bad groupIds: %s', (_label, groupIds, path, message) => {
    const error = configError(() => parseJson({ accounts: [account('mongodb', { groupIds })] }));
    expectIssue(error, path, message);
    expect(error.issues).toHaveLength(1);
  });

  it('duplicate ids, naming the duplicate', () => {
    const error = configError(() =>
      parseJson({
        accounts: [account('cortex', { id: 'prod' }), account('datadog', { id: 'other' }), account('opsramp', { id: 'prod' }), account('chronosphere', { id: 'other' })],
      }),
    );
    expectIssue(error, 'accounts[2].id', 'duplicate account id "prod" (already used by accounts[0])');
    expectIssue(error, 'accounts[3].id', 'duplicate account id "other" (already used by accounts[1])');
    expect(error.issues).toHaveLength(2);
  });

  it('duplicate ids are reported along with other errors', () => {
    const error = configError(() => parseJson({ accounts: [account('cortex', { id: 'prod' }), account('cortex', { id: 'prod', token: undefined })] }));
    expectIssue(error, 'accounts[1].token', 'Required');
    expectIssue(error, 'accounts[1].id', /duplicate account id "prod"/);
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(65)],
    ['space', 'my account'],
    ['slash', 'a/b'],
    ['colon', 'dd:prod'],
  ])('bad id: %s', (_label, id) => {
    const error = configError(() => parseJson({ accounts: [account('cortex', { id })] }));
    expectIssue(error, 'accounts[0].id', /^must be 1-64 characters/);
  });

  it('unknown key in an account (strict)', () => {
    const error = configError(() => parseJson({ accounts: [account('datadog', { apiKye: 'typo', appkey: 'typo2' })] }));
    expect(error.issues).toEqual([
      { path: 'accounts[0].apiKye', message: 'unknown key' },
      { path: 'accounts[0].appkey', message: 'unknown key' },
    ]);
    expect(error.message).toContain('accounts[0].apiKye: unknown key');
  });

  it("another vendor's credential is an unknown key", () => {
    const error = configError(() => parseJson({ accounts: [account('cortex', { apiToken: 't' })] }));
    expect(error.issues).toEqual([{ path: 'accounts[0].apiToken', message: 'unknown key' }]);
  });

  it('unknown keys at the top level and in gateway', () => {
    const error = configError(() => parseJson({ accounts: [], acounts: [], gateway: { requestDeadline: 5 } }));
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'acounts', message: 'unknown key' },
        { path: 'gateway.requestDeadline', message: 'unknown key' },
      ]),
    );
  });

  it.each([
    ['relative', 'api.datadoghq.com', 'must be an absolute http(s) URL'],
    ['not a URL', 'http://', 'must be an absolute http(s) URL'],
    ['ftp', 'ftp://files.example.com', 'must use http or https'],
    ['javascript', 'javascript:alert(1)', 'must use http or https'],
    ['user info', `https://user:${SECRET}@api.example.com`, /^must not contain credentials/],
    ['user only', `https://${SECRET}@api.example.com`, /^must not contain credentials/],
    ['query', `https://api.example.com/?api_key=${SECRET}`, 'must not contain a query string or fragment'],
    ['empty query', 'https://api.example.com/?', 'must not contain a query string or fragment'],
    ['fragment', 'https://api.example.com/#x', 'must not contain a query string or fragment'],
    ['number', 8080, 'expected a string, got a number'],
  ])('bad baseUrl: %s', (_label, baseUrl, message) => {
    const error = configError(() => parseJson({ accounts: [account('cortex', { baseUrl })] }));
    expectIssue(error, 'accounts[0].baseUrl', message);
    expect(error.issues).toHaveLength(1);
    expect(error.message).not.toContain(SECRET);
  });

  it('accepts any http(s) baseUrl and strips trailing slashes', () => {
    const urls = ['http://127.0.0.1:4010', 'https://API.example.com/', 'http://[::1]:8080/prefix//', 'https://h/a/b'];
    const config = parseJson({ accounts: urls.map((baseUrl, i) => account('cortex', { id: `c${i}`, baseUrl })) });
    expect(config.accounts.map((a) => a.baseUrl)).toEqual(['http://127.0.0.1:4010', 'https://api.example.com', 'http://[::1]:8080/prefix', 'https://h/a/b']);
  });

  it.each([
    ['callTimeoutMs', 99, 'must be at least 100'],
    ['callTimeoutMs', 120_001, 'must be at most 120000'],
    ['callTimeoutMs', 1000.5, 'expected an integer, got a number'],
    ['maxRequestsPerMinute', 0, 'must be greater than 0'],
    ['maxRequestsPerMinute', '60', 'expected an integer, got a string'],
    ['displayName', '', 'must not be empty'],
  ])('bad optional account field %s = %j', (field, value, message) => {
    const error = configError(() => parseJson({ accounts: [account('cortex', { [field]: value })] }));
    expectIssue(error, `accounts[0].${field}`, message);
  });

  it.each([
    ['requestDeadlineMs', 50, 'must be at least 100'],
    ['vendorCallTimeoutMs', 'fast', 'expected an integer, got a string'],
    ['exposeVendorCalls', 'yes', 'expected true or false, got a string'],
    ['maxResponseBytes', -1, 'must be greater than 0'],
  ])('bad gateway field %s = %j', (field, value, message) => {
    const error = configError(() => parseJson({ accounts: [], gateway: { [field]: value } }));
    expectIssue(error, `gateway.${field}`, message);
  });

  it.each([
    ['connectionsPerOrigin', 0, 'must be at least 1'],
    ['connectionsPerOrigin', 65_537, 'must be at most 65536'],
    ['keepAliveTimeoutMs', 99, 'must be at least 100'],
  ])('bad gateway.vendorHttp field %s = %j', (field, value, message) => {
    const error = configError(() => parseJson({ accounts: [], gateway: { vendorHttp: { [field]: value } } }));
    expectIssue(error, `gateway.vendorHttp.${field}`, message);
  });

  it('takes vendor pool sizes and a Datadog read cap', () => {
    const config = parseJson({ accounts: [account('datadog', { maxConcurrentReads: 64 })], gateway: { vendorHttp: { connectionsPerOrigin: 1024 } } });
    expect(config.gateway.vendorHttp).toEqual({ connectionsPerOrigin: 1024, keepAliveTimeoutMs: 10000, allowH2: false });
    expect(config.accounts[0]).toMatchObject({ maxConcurrentReads: 64 });
    expectIssue(
      configError(() => parseJson({ accounts: [account('datadog', { maxConcurrentReads: 0 })] })),
      'accounts[0].maxConcurrentReads',
      'must be at least 1',
    );
  });

  it('missing accounts, non-object root, non-object account', () => {
    expectIssue(
      configError(() => parseJson({})),
      'accounts',
      'Required',
    );
    expect(configError(() => parseJson([])).message).toContain('expected a mapping, got a list');
    expect(configError(() => parseConfigText('', 'yaml', {})).message).toContain('the config is empty');
    expect(configError(() => parseConfigText('# only a comment\n', 'yaml', {})).message).toContain('the config is empty');
    expect(configError(() => parseJson(null)).message).toContain('the config is empty');
    expectIssue(
      configError(() => parseJson({ accounts: ['dd'] })),
      'accounts[0]',
      'expected a mapping, got a string',
    );
  });

  it('lists every problem, one line each', () => {
    const error = configError(() =>
      parseJson({
        accounts: [account('datadog', { apiKey: undefined }), account('mongodb', { id: 'm2', groupIds: [] }), { id: 'z', vendor: 'nope' }],
      }),
    );
    expect(error.message.split('\n').slice(1)).toEqual([
      '  accounts[0].apiKey: Required',
      '  accounts[1].groupIds: must list at least one project id',
      '  accounts[2].vendor: must be one of datadog, chronosphere, mongodb, cortex, opsramp',
    ]);
    expect(error.name).toBe('ConfigError');
    expect(error).toBeInstanceOf(Error);
  });
});

describe('syntax errors', () => {
  it('YAML: reports line and column', () => {
    const text = 'accounts:\n  - id: a\n    vendor: cortex\n   token: [unclosed\n';
    const error = configError(() => parseConfigText(text, 'yaml', {}));
    expect(error.issues.length).toBeGreaterThan(0);
    const first = error.issues[0];
    expect(first?.path).toBe('');
    expect(first?.line).toBe(4);
    expect(first?.column).toBeTypeOf('number');
    expect(error.message).toMatch(/YAML syntax error at line 4, column \d+: /);
  });

  it('YAML: duplicate keys are an error', () => {
    const text = 'accounts: []\naccounts: []\n';
    const error = configError(() => parseConfigText(text, 'yaml', {}));
    expect(error.message).toContain('YAML syntax error at line 2, column 1: duplicate key');
  });

  it('YAML: more than one document is an error', () => {
    const error = configError(() => parseConfigText('accounts: []\n---\naccounts: []\n', 'yaml', {}));
    expect(error.message).toMatch(/single YAML document/);
  });

  it('JSON: reports line and column', () => {
    const text = '{\n  "accounts": [\n    {"id": "a" "vendor": "cortex"}\n  ]\n}';
    const error = configError(() => parseConfigText(text, 'json', {}));
    expect(error.issues).toEqual([{ path: '', message: "JSON syntax error at line 3, column 16: expected ',' or '}'", line: 3, column: 16 }]);
  });

  it.each([
    ['{"a": 1,}', 1, 9, 'expected a property name in double quotes'],
    ['{"a": tru}', 1, 7, 'unexpected character'],
    ['{"a": ', 1, 7, 'unexpected end of input'],
    ['{"a": "x\\qy"}', 1, 9, 'invalid escape sequence'],
    ['{"a": 01}', 1, 8, "expected ',' or '}'"],
    ['[1, 2] 3', 1, 8, 'unexpected content after the end of the JSON value'],
    ['\n\n  {"a": "b\nc"}', 3, 11, 'control character in a string (escape it)'],
  ])('JSON position of %j', (text, line, column, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    const error = configError(() => parseConfigText(text, 'json', {}));
    expect(error.message).toContain(`JSON syntax error at line ${line}, column ${column}: ${reason}`);
  });

  it('the JSON scanner accepts what JSON.parse accepts', () => {
    const samples = [JSON.stringify(allVendorsObject(), null, 2), '[]', '{}', ' -0.5e+10 ', '"\\u00e9\\n\\"\\\\"', '[true, false, null, {"a": [{}]}]'];
    for (const text of samples) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonSyntaxError(text)).toBeUndefined();
    }
  });

  it('a UTF-8 byte order mark is ignored', () => {
    const text = `\uFEFF${JSON.stringify({ accounts: [account('cortex')] })}`;
    expect(parseConfigText(text, 'json', {}).accounts).toHaveLength(1);
    expect(parseConfigText(`\uFEFFaccounts: []\n`, 'yaml', {}).accounts).toEqual([]);
  });
});

describe('credential values never appear in error messages', () => {
  const cases: [string, string, ConfigFormat][] = [
    ['secret as the id', JSON.stringify({ accounts: [account('cortex', { id: `${SECRET} x` })] }), 'json'],
    ['secret as a number field', JSON.stringify({ accounts: [account('cortex', { callTimeoutMs: SECRET })] }), 'json'],
    ['secret as the vendor', JSON.stringify({ accounts: [account('cortex', { vendor: SECRET })] }), 'json'],
    ['secret in a groupId', JSON.stringify({ accounts: [account('mongodb', { groupIds: [SECRET] })] }), 'json'],
    ['secret as a groupIds list', JSON.stringify({ accounts: [account('mongodb', { groupIds: SECRET })] }), 'json'],
    ['secret as the baseUrl', JSON.stringify({ accounts: [account('cortex', { baseUrl: SECRET })] }), 'json'],
    ['secret as a boolean', JSON.stringify({ accounts: [], gateway: { exposeVendorCalls: SECRET } }), 'json'],
    ['secret as the whole config', JSON.stringify(SECRET), 'json'],
    ['secret as an account', JSON.stringify({ accounts: [SECRET] }), 'json'],
    ['secret as the accounts', JSON.stringify({ accounts: SECRET }), 'json'],
    ['secret with a wrong-type neighbour', JSON.stringify({ accounts: [account('datadog', { apiKey: SECRET, appKey: 5 })] }), 'json'],
    ['secret with a typo key', JSON.stringify({ accounts: [account('datadog', { apiKey: SECRET, apiKye: SECRET })] }), 'json'],
    ['secret with a missing variable', JSON.stringify({ accounts: [account('cortex', { token: `${SECRET}\${MISSING}` })] }), 'json'],
    ['secret with a bad reference', JSON.stringify({ accounts: [account('cortex', { token: `\${${SECRET}}` })] }), 'json'],
    ['secret next to a JSON syntax error', `{"accounts": [{"token": "${SECRET}" x}]}`, 'json'],
    ['secret in a broken JSON string', `{"accounts": [{"token": "${SECRET}\\q"}]}`, 'json'],
    ['secret in an unterminated JSON string', `{"accounts": [{"token": "${SECRET}`, 'json'],
    ['secret next to a YAML syntax error', `accounts:\n  - token: "${SECRET}" extra\n`, 'yaml'],
    ['secret in a bad YAML escape', `accounts:\n  - token: "${SECRET}\\q"\n`, 'yaml'],
    ['secret in a YAML block scalar header', `accounts:\n  - token: |${SECRET}\n      x\n`, 'yaml'],
    ['secret in an unknown YAML tag', `accounts:\n  - token: !${SECRET} x\n`, 'yaml'],
    ['secret as a YAML plain scalar start', `accounts:\n  - token: @${SECRET}\n`, 'yaml'],
    ['secret in a duplicate YAML key', `accounts: []\ntoken: ${SECRET}\ntoken: ${SECRET}\n`, 'yaml'],
  ];

  it.each(cases)('%s', (_label, text, format) => {
    expect(text).toContain(SECRET);
    const error = configError(() => parseConfigText(text, format, { SECRET_VAR: SECRET }));
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.message).not.toContain(SECRET);
    // Not even a fragment of it.
    expect(error.message).not.toContain('PATCHBAY-4f7c1e');
    expect(JSON.stringify(error.issues)).not.toContain('PATCHBAY-4f7c1e');
  });

  it('interpolated secrets never appear either', () => {
    const text = JSON.stringify({
      accounts: [account('datadog', { apiKey: '${SECRET_VAR}', appKey: '${SECRET_VAR}', callTimeoutMs: '${SECRET_VAR}', id: '${SECRET_VAR}' })],
    });
    const error = configError(() => parseConfigText(text, 'json', { SECRET_VAR: SECRET }));
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.message).not.toContain(SECRET);
  });
});

describe('redact', () => {
  const config = parseConfigText(ALL_VENDORS_YAML, 'yaml', ENV);
  const byVendor = (vendor: AccountConfig['vendor']): AccountConfig => {
    const found = config.accounts.find((a) => a.vendor === vendor);
    if (found === undefined) throw new Error(vendor);
    return found;
  };

  it('publicAccount keeps only id, vendor, baseUrl, displayName', () => {
    expect(publicAccount(byVendor('datadog'))).toEqual({
      id: 'dd-prod',
      vendor: 'datadog',
      baseUrl: 'https://api.datadoghq.eu',
      displayName: 'Datadog (EU)',
    });
    for (const account of config.accounts) {
      const pub = publicAccount(account);
      expect(Object.keys(pub).sort()).toEqual(['baseUrl', 'displayName', 'id', 'vendor']);
      for (const secret of accountSecrets(account)) {
        expect(JSON.stringify(pub)).not.toContain(secret);
      }
    }
  });

  it('publicAccount defaults displayName to the id', () => {
    expect(publicAccount(byVendor('cortex')).displayName).toBe('cortex_1');
  });

  it('accountSecrets lists each vendor’s credential values', () => {
    expect(accountSecrets(byVendor('datadog'))).toEqual(['dd-api-from-env', 'dd-app-from-env']);
    expect(accountSecrets(byVendor('chronosphere'))).toEqual(['chrono-from-env']);
    expect(accountSecrets(byVendor('mongodb'))).toEqual(['pubkey', 'privkey']);
    expect(accountSecrets(byVendor('cortex'))).toEqual(['cortex-token']);
    expect(accountSecrets(byVendor('opsramp'))).toEqual(['opsramp-client', 'opsramp-secret']);
  });
});
