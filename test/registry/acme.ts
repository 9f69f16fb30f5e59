import DataLoader from 'dataloader';
import { z } from 'zod';
import { builder } from '../../schema/builder.js';
import { connectionNode } from '../../schema/vendor-connection.js';
import type { GatewayContext } from '../../src/app/context.js';
import { settle } from '../../src/app/loaders/concurrency.js';
import { loadOnce } from '../../src/app/loaders/index.js';
import { listed, type VendorAccounts, type VendorRuntime } from '../../src/app/vendor-runtime.js';
import { accountFields, credential } from '../../src/core/config/schema.js';
import type { AccountRef, ConnectionBase } from '../../src/core/domain.js';
import { secretHint } from '../../src/core/domain.js';
import { NotFoundError, UnsupportedOperationError } from '../../src/core/errors.js';
import type { CallScope, VendorHttp } from '../../src/core/http/vendor-http.js';
import { SimulatorServer, type SimRequest } from '../../src/simulators/base.js';
import type { VendorModule } from '../../src/vendors/module.js';

/**
 * A sixth vendor written only against the published interfaces, to prove that the registry is
 * the only vendor list: "Acme Paging", whose outbound hooks carry a signing secret. It imports no
 * shared code that knows a vendor, and no shared file names it.
 */

const ACME_TOKEN = 'acme-demo-token-4242';

interface Hook {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly secret: string;
}

/** The simulator: `GET /v1/hooks`, `GET /v1/hooks/{id}`, bearer auth. */
export function createAcmeSimulator() {
  const seed: Hook[] = [
    { id: 'h-1', name: 'Acme → on-call', url: 'https://hooks.acme.test/1', secret: 'acme-signing-secret-0001' },
    { id: 'h-2', name: 'Acme → status page', url: 'https://hooks.acme.test/2', secret: 'acme-signing-secret-0002' },
  ];
  let hooks = [...seed];
  const render = (hook: Hook) => ({ id: hook.id, name: hook.name, url: hook.url, secret_last4: hook.secret.slice(-4) });
  const server = new SimulatorServer({
    vendor: 'acme',
    reset: () => {
      hooks = [...seed];
    },
    authenticate: (request: SimRequest) => (request.headers.authorization === `Bearer ${ACME_TOKEN}` ? null : { status: 401, body: { error: 'unauthorized' } }),
  });
  server.route('GET', '/v1/hooks', () => ({ status: 200, body: { hooks: hooks.map(render) } }));
  server.route('GET', '/v1/hooks/{id}', (request) => {
    const hook = hooks.find((h) => h.id === request.params['id']);
    return hook ? { status: 200, body: render(hook) } : { status: 404, body: { error: 'no such hook' } };
  });
  return { vendor: 'acme', server };
}

const hookWire = z.object({ id: z.string(), name: z.string(), url: z.string(), secret_last4: z.string() });

/** One Acme hook as a connection. */
export interface AcmeHook extends ConnectionBase {
  readonly hookId: string;
  readonly url: string;
}

function mapHook(account: AccountRef, wire: z.output<typeof hookWire>): AcmeHook {
  return {
    account,
    hookId: wire.id,
    name: wire.name,
    service: 'WEBHOOK',
    createdAt: null,
    updatedAt: null,
    secrets: [{ ...secretHint('secret', null, true), lastFour: wire.secret_last4 }],
    url: wire.url,
  };
}

class AcmeClient {
  constructor(
    readonly account: AccountRef,
    private readonly http: VendorHttp,
  ) {}

  async list(scope: CallScope): Promise<AcmeHook[]> {
    const res = await this.http.request(scope, { method: 'GET', route: '/v1/hooks', schema: z.object({ hooks: z.array(hookWire) }) });
    return res.body.hooks.map((hook) => mapHook(this.account, hook));
  }

  async get(scope: CallScope, id: string): Promise<AcmeHook> {
    const res = await this.http.request(scope, { method: 'GET', route: '/v1/hooks/{id}', params: { id }, schema: hookWire });
    return mapHook(this.account, res.body);
  }
}

const acmeAccountSchema = z.strictObject({ vendor: z.literal('acme'), ...accountFields, token: credential });
type AcmeAccountConfig = z.output<typeof acmeAccountSchema>;
type AcmeKey = { readonly account: string; readonly id: string };
interface AcmeLoaders {
  readonly hooks: DataLoader<string, readonly AcmeHook[], string>;
  readonly hook: DataLoader<AcmeKey, AcmeHook, string>;
}

function createAcmeLoaders(accounts: VendorAccounts<AcmeClient>, scope: CallScope): AcmeLoaders {
  const missing = (account: string) => Promise.reject(new NotFoundError(`No Acme account "${account}" is configured.`));
  return {
    hooks: new DataLoader<string, readonly AcmeHook[], string>((keys) => Promise.all(keys.map((account) => settle(accounts.get(account)?.client.list(scope) ?? missing(account))))),
    hook: new DataLoader<AcmeKey, AcmeHook, string>((keys) => Promise.all(keys.map((key) => settle(accounts.get(key.account)?.client.get(scope, key.id) ?? missing(key.account)))), {
      cacheKeyFn: (key) => `${key.account}\u0000${key.id}`,
    }),
  };
}

const acmeRuntime: VendorRuntime<AcmeAccountConfig, AcmeClient, AcmeHook, AcmeKey, AcmeLoaders> = {
  id: 'acme',
  name: 'Acme Paging',
  account: { schema: acmeAccountSchema, secretFields: ['token'] },
  createClient: (account, ref, http) =>
    new AcmeClient(
      ref,
      http(
        { headers: () => ({ authorization: `Bearer ${account.token}` }) },
        (_status, body) => ({ summary: typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : null }),
        ['x-request-id'],
      ),
    ),
  createLoaders: createAcmeLoaders,
  listing: { kind: 'vendor', list: async (context, entry) => listed(await loadOnce(acmeLoaders(context).hooks, entry.ref.key)) },
  ids: {
    typename: 'AcmeHook',
    keyParts: 1,
    keyOf: (hook) => [hook.hookId],
    parse: ([id], entry) => (id !== undefined && /^h-\d+$/.test(id) ? { account: entry.ref.key, id } : null),
  },
  read: (context, _entry, key) => loadOnce(acmeLoaders(context).hook, key),
  probe: async (context, entry) => {
    await loadOnce(acmeLoaders(context).hooks, entry.ref.key);
  },
  // The test vendor has no write for its hook secret, so it says so.
  custody: {
    requiredWith: () => [],
    rotate: () => Promise.reject(new UnsupportedOperationError('acme', 'Acme Paging', 'rotateSecret')),
  },
};

function acmeLoaders(context: GatewayContext): AcmeLoaders {
  return context.loaders.of(acmeRuntime);
}

const AcmeHookRef = builder.objectRef<AcmeHook>(acmeRuntime.ids.typename);
builder.node(AcmeHookRef, {
  description: 'An Acme Paging outbound hook (a test vendor).',
  ...connectionNode(acmeRuntime),
  fields: (t) => ({
    hookId: t.exposeString('hookId', { description: "Acme's id." }),
    url: t.exposeString('url', { description: 'Where Acme posts.' }),
  }),
});

/** The whole sixth vendor, as `src/vendors/<vendor>/index.ts` would export it. */
export const acme: VendorModule<AcmeAccountConfig, AcmeClient, AcmeHook, AcmeKey, AcmeLoaders> = {
  ...acmeRuntime,
  graphql: { enumValue: 'ACME', description: 'Acme Paging (a test vendor).', member: AcmeHookRef },
  simulator: {
    create: createAcmeSimulator,
    demoAccount: (baseUrl) => ({ id: 'acme-demo', vendor: 'acme', baseUrl, displayName: 'Acme (demo)', token: ACME_TOKEN }),
    seedStore: async () => {},
  },
};
