import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountRef } from '../../src/core/domain.js';
import { NotFoundError, VendorContractError, VendorValidationError } from '../../src/core/errors.js';
import { createDispatcher } from '../../src/core/http/dispatcher.js';
import { VendorHttp } from '../../src/core/http/vendor-http.js';
import { silentLogger } from '../../src/core/logger.js';
import { CHRONOSPHERE_SEED_SLUGS as S, chronosphereSeedConnections } from '../../src/simulators/chronosphere/seed.js';
import { createChronosphereSimulator, type ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { ChronosphereClient, chronosphereAuth } from '../../src/vendors/chronosphere/client.js';
import { parseChronosphereError } from '../../src/vendors/chronosphere/errors.js';
import { buildConnection } from '../../src/vendors/chronosphere/input.js';
import { CONNECTIONS, TOKEN } from './support.js';

const dispatcher = createDispatcher();
let sim: ChronosphereSimulator;
let client: ChronosphereClient;
const scope = {};

beforeAll(async () => {
  sim = createChronosphereSimulator({ apiToken: TOKEN, defaultPageSize: 2 });
  const baseUrl = await sim.server.listen();
  const account: AccountRef = { key: 'direct', vendor: 'chronosphere', displayName: 'Direct', baseUrl };
  const http = new VendorHttp({
    vendor: 'chronosphere',
    vendorName: 'Chronosphere',
    account: 'direct',
    baseUrl,
    dispatcher,
    auth: chronosphereAuth(TOKEN),
    parseError: parseChronosphereError,
    logger: silentLogger,
    retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
  });
  client = new ChronosphereClient(account, http);
});
beforeEach(() => {
  sim.server.reset();
});
afterAll(async () => {
  await sim.server.close();
  await dispatcher.close();
});

const SEED_COUNT = chronosphereSeedConnections().length;

describe('ChronosphereClient paging', () => {
  it('follows every page token and sends the API-Token header', async () => {
    const all = await client.listAll(scope);
    expect(all.items).toHaveLength(SEED_COUNT);
    expect(all.failures).toEqual([]);
    expect(sim.server.requests).toHaveLength(Math.ceil(SEED_COUNT / 2));
    expect(sim.server.requests.every((r) => r.headerNames.includes('api-token'))).toBe(true);
  });

  it('returns one page at a time with its next token, null on the last', async () => {
    const first = await client.listPage(scope, { pageSize: 10 });
    expect(first.connections).toHaveLength(10);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const last = await client.listPage(scope, { pageSize: 10, pageToken: first.nextPageToken });
    expect(last.connections).toHaveLength(SEED_COUNT - 10);
    expect(last.nextPageToken).toBeNull();
  });

  it('stops after the page limit with VendorContractError', async () => {
    const error = await client.listAll(scope, {}, 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorContractError);
    expect((error as Error).message).toBe("Chronosphere's connection list still had more pages after 3; Patchbay stopped following it.");
    expect(sim.server.requests).toHaveLength(3);
  });

  it('stops when a page token comes back again', async () => {
    sim.server.addFault({ match: { method: 'GET', path: `^${CONNECTIONS}$` }, response: { status: 200, body: { external_connections: [], page: { next_token: 'same-again' } } } });
    const error = await client.listAll(scope).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorContractError);
    expect((error as Error).message).toContain('returned the page token of an earlier page again after 2 pages');
    expect(sim.server.requests).toHaveLength(2);
  });

  it('filters at the vendor', async () => {
    const found = await client.listAll(scope, { connectionTypes: ['PAGERDUTY'], names: ['PagerDuty REST: payments note polling'] });
    expect(found.items.map((c) => c.slug)).toEqual([S.pagerdutyNotes]);
  });

  it('keeps paging past a broken item, reporting it by slug and the unreadable one by position', async () => {
    const slugs = sim.slugs();
    const [onSecondPage, onLastPage] = [slugs[2] as string, slugs[SEED_COUNT - 1] as string];
    sim.breakContract(onSecondPage, { created_at: 'yesterday' });
    sim.breakContract(onLastPage, { slug: undefined });
    const all = await client.listAll(scope);
    expect(all.items.map((c) => c.slug)).toEqual(slugs.filter((slug) => slug !== onSecondPage && slug !== onLastPage));
    expect(all.failures.map((f) => ({ vendorId: f.vendorId, index: f.index }))).toEqual([
      { vendorId: onSecondPage, index: 0 },
      { vendorId: null, index: (SEED_COUNT - 1) % 2 },
    ]);
    expect(all.failures.every((f) => f.error instanceof VendorContractError && f.error.facts.httpStatus === 200)).toBe(true);
    expect(sim.server.requests).toHaveLength(Math.ceil(SEED_COUNT / 2));
    const page = await client.listPage(scope, { pageSize: 4 });
    expect(page.connections).toHaveLength(3);
    expect(page.itemFailures.map((f) => f.vendorId)).toEqual([onSecondPage]);
    // The simulator's break lasts until reset.
    sim.server.reset();
    expect((await client.listAll(scope)).failures).toEqual([]);
  });

  it('reads one, and maps 404 to NotFoundError', async () => {
    expect((await client.readConnection(scope, S.datadogEu)).target).toMatchObject({ type: 'datadog', site: 'datadoghq.eu' });
    await expect(client.readConnection(scope, 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('accepts an empty body or 204 for a delete', async () => {
    sim.server.addFault({ match: { method: 'DELETE' }, times: 1, response: { status: 204 } });
    await expect(client.deleteConnection(scope, S.sendgridStatus)).resolves.toEqual({ alreadyGone: false });
  });
});

describe('parseChronosphereError', () => {
  it('reads apiError and genericError bodies', () => {
    expect(parseChronosphereError(404, { code: 5, message: 'external connection "x" not found' })).toEqual({ vendorCode: '5', summary: 'external connection "x" not found' });
    expect(parseChronosphereError(403, { error: 'forbidden' })).toEqual({ vendorCode: null, summary: 'forbidden' });
    expect(parseChronosphereError(502, undefined)).toEqual({ vendorCode: null, summary: null });
    expect(parseChronosphereError(400, ['not', 'an', 'object'])).toEqual({ vendorCode: null, summary: null });
    expect(parseChronosphereError(400, { code: 3.5, message: 42 })).toEqual({ vendorCode: null, summary: null });
  });

  it('keeps messages short and on one line (cleaned where every vendor text is: the HTTP layer)', async () => {
    sim.server.addFault({ match: { method: 'GET' }, times: 1, response: { status: 400, body: { code: 3, message: `first line\n\tsecond ${'x'.repeat(400)}` } } });
    const error = await client.readConnection(scope, S.pagerdutyPayments).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VendorValidationError);
    const summary = (error as VendorValidationError).message.match(/first line.*/)?.[0] ?? '';
    expect(summary.startsWith('first line second x')).toBe(true);
    expect(summary).not.toMatch(/[\n\t]/);
    expect(summary.replace(/[).]*$/, '').length).toBeLessThanOrEqual(200);
  });
});

describe('buildConnection', () => {
  it('builds only the fields given, lists the secrets sent and the ones left unset', () => {
    const built = buildConnection({
      name: 'Ops',
      target: { opsGenie: { apiKey: 'og-key', apiUrl: null, httpConfig: { basicAuth: { username: 'u', password: 'pw' }, bearerToken: null, tlsConfig: null } } },
    });
    expect(built).toEqual({
      body: { name: 'Ops', ops_genie: { api_key: 'og-key', http_config: { basic_auth: { username: 'u', password: 'pw' } } } },
      sensitive: ['og-key', 'pw'],
      // By the hint field map.ts reads each back under (key custody fingerprints them so).
      secrets: new Map([
        ['apiKey', 'og-key'],
        ['httpConfig.basicAuth.password', 'pw'],
      ]),
      unsetSecrets: ['httpConfig.bearerToken'],
      block: 'ops_genie',
    });
  });
});
