/**
 * The benchmark's baseline (`npm run bench`): the same vendor calls Patchbay makes for each
 * workload, made with undici directly and answered with JSON built by hand — no GraphQL, no
 * validation, no store, no retries. It runs as its own process, serves a small HTTP endpoint on
 * 127.0.0.1 (one route per workload) and is driven by the same load driver as Patchbay, so the two
 * are measured the same way: CPU from /proc, latency at the driver.
 *
 * It reads its accounts from BENCH_RAW_CONFIG (JSON: {@link RawConfig}) and prints `port N` once
 * it listens. Auth as the vendors want it: Datadog keys, Chronosphere token, Cortex bearer,
 * OpsRamp OAuth token fetched once, Cloud Manager Digest (Patchbay's digest helper, one challenge
 * reused with a growing nonce count, as Patchbay does).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { digestResponse, pickChallenge } from '../src/vendors/mongodb/digest.js';

/** One account as the raw client needs it: the fields of Patchbay's account config it uses. */
export interface RawAccount {
  readonly id: string;
  readonly vendor: string;
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly appKey?: string;
  readonly apiToken?: string;
  readonly token?: string;
  readonly publicKey?: string;
  readonly privateKey?: string;
  readonly groupIds?: readonly string[];
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

export interface RawConfig {
  readonly accounts: readonly RawAccount[];
  /** Datadog cannot list: the connection ids tracked per account, as Patchbay's store keeps them. */
  readonly datadogTracked: Readonly<Record<string, readonly string[]>>;
}

interface Item {
  readonly vendor: string;
  readonly account: string;
  readonly id: string;
  readonly name: string | null;
}

type Json = Record<string, unknown>;

const OPSRAMP_PAGE_SIZE = 100;
const INVENTORY_PAGE = 100;

async function call(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; json: Json | null; headers: Record<string, string | string[] | undefined> }> {
  const response = await request(url, { method, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) });
  const text = await response.body.text();
  return { status: response.statusCode, json: text === '' ? null : (JSON.parse(text) as Json), headers: response.headers };
}

async function expectOk(method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>, body?: unknown): Promise<Json> {
  const answer = await call(method, url, headers, body);
  if (answer.status >= 300) throw new Error(`${method} ${new URL(url).pathname}: ${answer.status}`);
  return answer.json ?? {};
}

const datadogHeaders = (a: RawAccount) => ({ 'DD-API-KEY': a.apiKey ?? '', 'DD-APPLICATION-KEY': a.appKey ?? '', accept: 'application/json' });
const chronosphereHeaders = (a: RawAccount) => ({ 'API-Token': a.apiToken ?? '', accept: 'application/json' });
const cortexHeaders = (a: RawAccount) => ({ authorization: `Bearer ${a.token ?? ''}`, accept: 'application/json' });

async function datadogRead(account: RawAccount, id: string): Promise<Item> {
  const body = await expectOk('GET', `${account.baseUrl}/api/v2/actions/connections/${encodeURIComponent(id)}`, datadogHeaders(account));
  const data = body['data'] as { id: string; attributes?: { name?: string } };
  return { vendor: 'DATADOG', account: account.id, id: data.id, name: data.attributes?.name ?? null };
}

async function chronosphereRead(account: RawAccount, slug: string): Promise<Item> {
  const body = await expectOk('GET', `${account.baseUrl}/api/v1/config/external-connections/${encodeURIComponent(slug)}`, chronosphereHeaders(account));
  const connection = body['external_connection'] as { slug: string; name?: string };
  return { vendor: 'CHRONOSPHERE', account: account.id, id: connection.slug, name: connection.name ?? null };
}

async function chronosphereList(account: RawAccount): Promise<Item[]> {
  const items: Item[] = [];
  let token = '';
  do {
    const query = token === '' ? '' : `?page.token=${encodeURIComponent(token)}`;
    const body = await expectOk('GET', `${account.baseUrl}/api/v1/config/external-connections${query}`, chronosphereHeaders(account));
    for (const c of (body['external_connections'] as { slug: string; name?: string }[] | undefined) ?? [])
      items.push({ vendor: 'CHRONOSPHERE', account: account.id, id: c.slug, name: c.name ?? null });
    token = (body['page'] as { next_token?: string } | undefined)?.next_token ?? '';
  } while (token !== '');
  return items;
}

async function cortexRead(account: RawAccount): Promise<Item[]> {
  const answer = await call('GET', `${account.baseUrl}/api/v1/pagerduty/default-configuration`, cortexHeaders(account));
  if (answer.status === 404) return [];
  if (answer.status >= 300) throw new Error(`cortex: ${answer.status}`);
  return [{ vendor: 'CORTEX', account: account.id, id: account.id, name: null }];
}

const opsRampTokens = new Map<string, Promise<string>>();

/** One OAuth token per account, fetched on first use and kept (the benchmark outlives no token). */
function opsRampToken(account: RawAccount): Promise<string> {
  let token = opsRampTokens.get(account.id);
  if (!token) {
    token = (async () => {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: account.clientId ?? '', client_secret: account.clientSecret ?? '' });
      const response = await request(`${account.baseUrl}/tenancy/auth/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
      });
      const body = (await response.body.json()) as { access_token: string };
      return body.access_token;
    })();
    opsRampTokens.set(account.id, token);
  }
  return token;
}

async function opsRampList(account: RawAccount): Promise<Item[]> {
  const token = await opsRampToken(account);
  const items: Item[] = [];
  for (let pageNo = 1; ; pageNo++) {
    const url = `${account.baseUrl}/api/v2/tenants/${encodeURIComponent(account.tenantId ?? '')}/integrations/installed/search?pageNo=${pageNo}&pageSize=${OPSRAMP_PAGE_SIZE}`;
    const body = await expectOk('GET', url, { authorization: `Bearer ${token}`, accept: 'application/json' });
    const results = (body['results'] as { id: string; displayName?: string }[] | undefined) ?? [];
    for (const r of results) items.push({ vendor: 'OPSRAMP', account: account.id, id: r.id, name: r.displayName ?? null });
    const total = typeof body['totalResults'] === 'number' ? body['totalResults'] : null;
    if (total === null ? results.length < OPSRAMP_PAGE_SIZE : pageNo * OPSRAMP_PAGE_SIZE >= total) return items;
  }
}

/** A Cloud Manager Digest session: the last challenge, answered with a growing nonce count. */
class Digest {
  private challenge: ReturnType<typeof pickChallenge> = null;
  private count = 0;

  constructor(private readonly account: RawAccount) {}

  async get(url: string): Promise<Json> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await call('GET', url, this.challenge ? { authorization: this.header('GET', url), accept: 'application/json' } : { accept: 'application/json' });
      if (answer.status !== 401) {
        if (answer.status >= 300) throw new Error(`mongodb: ${answer.status}`);
        return answer.json ?? {};
      }
      this.challenge = pickChallenge(answer.headers['www-authenticate']);
      this.count = 0;
    }
    throw new Error('mongodb: digest refused');
  }

  private header(method: string, url: string): string {
    const challenge = this.challenge;
    if (!challenge) throw new Error('no challenge');
    this.count += 1;
    const nc = this.count.toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    const uri = new URL(url).pathname + new URL(url).search;
    const username = this.account.publicKey ?? '';
    const response = digestResponse({
      algorithm: challenge.algorithm,
      username,
      realm: challenge.realm,
      password: this.account.privateKey ?? '',
      method,
      uri,
      nonce: challenge.nonce,
      qop: 'auth',
      nc,
      cnonce,
    });
    const opaque = challenge.opaque === undefined ? '' : `, opaque="${challenge.opaque}"`;
    return `Digest username="${username}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${uri}", algorithm=${challenge.algorithm ?? 'MD5'}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"${opaque}`;
  }
}

const digests = new Map<string, Digest>();

async function mongoDbList(account: RawAccount): Promise<Item[]> {
  let digest = digests.get(account.id);
  if (!digest) {
    digest = new Digest(account);
    digests.set(account.id, digest);
  }
  const session = digest;
  const pages = await Promise.all(
    (account.groupIds ?? []).map(async (group) => {
      const body = await session.get(`${account.baseUrl}/api/public/v1.0/groups/${encodeURIComponent(group)}/integrations`);
      return ((body['results'] as { type: string }[] | undefined) ?? []).map((r) => ({ vendor: 'MONGODB_CLOUD_MANAGER', account: account.id, id: `${group}/${r.type}`, name: null }));
    }),
  );
  return pages.flat();
}

function listAccount(config: RawConfig, account: RawAccount): Promise<Item[]> {
  switch (account.vendor) {
    case 'datadog':
      return Promise.all((config.datadogTracked[account.id] ?? []).map((id) => datadogRead(account, id)));
    case 'chronosphere':
      return chronosphereList(account);
    case 'cortex':
      return cortexRead(account);
    case 'opsramp':
      return opsRampList(account);
    case 'mongodb':
      return mongoDbList(account);
    default:
      return Promise.resolve([]);
  }
}

/** The workloads, each the vendor calls Patchbay makes for the matching GraphQL request. */
function handlers(config: RawConfig): Record<string, (input: Json) => Promise<unknown>> {
  const byId = new Map(config.accounts.map((a) => [a.id, a]));
  const account = (id: unknown): RawAccount => {
    const found = byId.get(String(id));
    if (!found) throw new Error(`unknown account ${String(id)}`);
    return found;
  };
  return {
    '/read': async (input) => {
      const ids = input['datadogIds'] as string[];
      const [cortex, chronosphere, ...datadog] = await Promise.all([
        cortexRead(account(input['cortex'])),
        chronosphereRead(account(input['chronosphere']), String(input['slug'])),
        ...ids.map((id) => datadogRead(account(input['datadog']), id)),
      ]);
      return { cortex: cortex?.[0] ?? null, chronosphere, datadog };
    },
    '/inventory': async (input) => {
      const only = input['accounts'] as string[] | undefined;
      const chosen = only ? only.map(account) : config.accounts;
      const lists = await Promise.all(chosen.map((a) => listAccount(config, a)));
      const nodes = lists.flat();
      // Like Patchbay's first page: everything is listed to count it, the first hundred are sent.
      return { totalCount: nodes.length, nodes: nodes.slice(0, INVENTORY_PAGE) };
    },
    // Without a `datadog` account in the input, only the Chronosphere half (the Hive comparison's write).
    '/create': async (input) => {
      const n = String(input['n']);
      const chronosphereAccount = account(input['chronosphere']);
      const datadogAccount = input['datadog'] === undefined ? null : account(input['datadog']);
      const [chronosphere, datadog] = await Promise.all([
        expectOk('POST', `${chronosphereAccount.baseUrl}/api/v1/config/external-connections`, chronosphereHeaders(chronosphereAccount), {
          external_connection: { name: `bench ${n}`, slug: `bench-raw-${n}`, webhook: { url: 'https://hooks.example.com/bench', http_config: { bearer_token: `tok-${n}-0123456789` } } },
        }),
        datadogAccount &&
          expectOk('POST', `${datadogAccount.baseUrl}/api/v2/actions/connections`, datadogHeaders(datadogAccount), {
            data: {
              type: 'action_connection',
              attributes: { name: `bench-${n}`, integration: { type: 'OpenAI', credentials: { type: 'OpenAIAPIKey', api_token: `sk-bench-${n}-0123456789abcdef` } } },
            },
          }),
      ]);
      return {
        chronosphere: { slug: (chronosphere['external_connection'] as { slug: string }).slug },
        datadog: datadog && { id: (datadog['data'] as { id: string }).id },
      };
    },
    '/delete': async (input) => {
      const chronosphereAccount = account(input['chronosphere']);
      const datadogAccount = input['datadog'] === undefined ? null : account(input['datadog']);
      await Promise.all([
        expectOk('DELETE', `${chronosphereAccount.baseUrl}/api/v1/config/external-connections/${encodeURIComponent(String(input['slug']))}`, chronosphereHeaders(chronosphereAccount)),
        datadogAccount && expectOk('DELETE', `${datadogAccount.baseUrl}/api/v2/actions/connections/${encodeURIComponent(String(input['id']))}`, datadogHeaders(datadogAccount)),
      ]);
      return { deleted: datadogAccount ? [input['slug'], input['id']] : [input['slug']] };
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as Json);
}

function serve(config: RawConfig): Promise<number> {
  const routes = handlers(config);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const handler = routes[req.url ?? ''];
    if (!handler || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    readBody(req)
      .then(handler)
      .then((data) => {
        const text = JSON.stringify({ data });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      })
      .catch((error: unknown) => {
        const text = JSON.stringify({ errors: [{ message: error instanceof Error ? error.message : String(error) }] });
        res.writeHead(200, { 'content-type': 'application/json' }).end(text);
      });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const isMain = process.argv[1]?.endsWith('raw-client.ts');
if (isMain) {
  const config = JSON.parse(process.env['BENCH_RAW_CONFIG'] ?? '{"accounts":[],"datadogTracked":{}}') as RawConfig;
  serve(config)
    .then((port) => process.stdout.write(`port ${port}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`raw client failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
  process.once('SIGTERM', () => process.exit(0));
}
