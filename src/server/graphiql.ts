import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

/**
 * The query GraphiQL opens with: the README's "A first query", character for character
 * (test/browser/graphiql-assets.test.ts compares them), so what a newcomer reads is what the
 * editor shows and runs.
 */
export const FIRST_QUERY = `query Inventory {
  accounts { key vendor displayName }
  connections(first: 20) {
    totalCount
    nodes {
      __typename
      ... on VendorConnection { id name service vendor secrets { field isSet lastFour } }
      ... on DatadogActionConnection {
        tags
        integration { __typename ... on DatadogAwsIntegration { accountId role externalId } }
      }
    }
    failures { account { key } part error { __typename message } }
    itemFailures { account { key } part vendorId error { __typename message } }
    pageInfo { hasNextPage endCursor }
  }
}
`;

/** Where the page's assets live: `/graphiql/<build>/<file>`, the build being a hash of their content. */
const GRAPHIQL_ASSET_ROOT = '/graphiql/';

/** The id of the element that carries the page's settings to `boot.js` (a JSON data block, never run). */
const SETTINGS_ELEMENT_ID = 'patchbay-graphiql';

/**
 * The page's own start-up code, served as a file so that the page runs no inline script (its CSP
 * allows scripts from the gateway only). It reads the settings block, points Monaco at the worker
 * files the gateway serves, and renders GraphiQL once the bundle (the next deferred script) ran.
 */
const BOOT_SCRIPT = `(() => {
  'use strict';
  const settings = JSON.parse(document.getElementById('${SETTINGS_ELEMENT_ID}').textContent);
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: (_moduleId, label) => settings.workers[label] ?? settings.workers.editorWorkerService,
  };
  document.addEventListener('DOMContentLoaded', () => {
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), settings.options);
  });
})();
`;

/**
 * What the GraphiQL page may load and do: everything from the gateway itself, nothing from
 * anywhere else. Styles allow inline because React and Monaco set style attributes and insert
 * style elements; fonts and icons inside the bundle's CSS are `data:` URLs.
 */
const GRAPHIQL_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Bytes a `Response` takes as its body (own `ArrayBuffer`, not a slice of Node's buffer pool). */
type Bytes = Uint8Array<ArrayBuffer>;

interface Asset {
  readonly contentType: string;
  readonly body: Bytes;
  /** Made on first request by a client that accepts gzip (the bundle shrinks about fivefold). */
  gzipped?: Bytes;
}

/** The files of one GraphiQL build, by file name, and the build's id. */
interface GraphiQLBundle {
  readonly build: string;
  readonly assets: ReadonlyMap<string, Asset>;
}

/** The Monaco worker label → file name; `editorWorkerService` also serves labels it does not know. */
const WORKER_FILES = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' } as const;

const JAVASCRIPT = 'text/javascript; charset=utf-8';

/**
 * The bundle ships inside `@graphql-yoga/render-graphiql` (the same GraphiQL Yoga would load from
 * a CDN, about 9 MB of strings), so it is imported on the first GraphiQL request, never at start,
 * and kept for the life of the process: it is static, the same for every gateway and request.
 */
let loading: Promise<GraphiQLBundle> | undefined;

function loadBundle(): Promise<GraphiQLBundle> {
  loading ??= import('@graphql-yoga/render-graphiql/graphiql').then((bundle) => {
    const text = (contentType: string, body: string): Asset => ({ contentType, body: new Uint8Array(Buffer.from(body, 'utf8')) });
    const assets = new Map<string, Asset>([
      ['boot.js', text(JAVASCRIPT, BOOT_SCRIPT)],
      ['graphiql.js', text(JAVASCRIPT, bundle.js)],
      ['graphiql.css', text('text/css; charset=utf-8', bundle.css)],
      ['favicon.ico', dataUrlAsset(bundle.favicon)],
      [WORKER_FILES.editorWorkerService, text(JAVASCRIPT, bundle.editorWorkerService)],
      [WORKER_FILES.json, text(JAVASCRIPT, bundle.jsonWorker)],
      [WORKER_FILES.graphql, text(JAVASCRIPT, bundle.graphqlWorker)],
    ]);
    const hash = createHash('sha256');
    for (const [name, asset] of assets) hash.update(name).update(asset.body);
    return { build: hash.digest('hex').slice(0, 12), assets };
  });
  return loading;
}

/** The favicon comes as a base64 `data:` URL; the page links to it as a file like the rest. */
function dataUrlAsset(dataUrl: string): Asset {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(dataUrl);
  if (!match?.[1] || match[2] === undefined) throw new Error('the GraphiQL favicon is not a base64 data URL');
  return { contentType: match[1], body: new Uint8Array(Buffer.from(match[2], 'base64')) };
}

/** Text for an HTML element's content or a double-quoted attribute. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that can sit inside a `<script>` element: no `<` can close it, no line separator can break it. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Yoga's `renderGraphiQL`: a small page whose every asset is a file of the gateway under
 * `/graphiql/<build>/`, so GraphiQL works on a network without the internet. The settings travel
 * in a JSON data block read by `boot.js`.
 */
export async function renderGraphiQL(options: GraphiQLOptions): Promise<string> {
  const { build } = await loadBundle();
  const base = `${GRAPHIQL_ASSET_ROOT}${build}/`;
  const workers = Object.fromEntries(Object.entries(WORKER_FILES).map(([label, file]) => [label, `${base}${file}`]));
  const title = escapeHtml(options.title ?? 'GraphiQL');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="${base}favicon.ico" />
    <link rel="stylesheet" href="${base}graphiql.css" />
    <script type="application/json" id="${SETTINGS_ELEMENT_ID}">${jsonForScript({ options, workers })}</script>
    <script defer src="${base}boot.js"></script>
    <script defer src="${base}graphiql.js"></script>
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root">Loading ${title}…</div>
  </body>
</html>
`;
}

function assetResponse(asset: Asset, acceptsGzip: boolean, method: string, fetchAPI: { Response: typeof Response }): Response {
  if (acceptsGzip) asset.gzipped ??= new Uint8Array(gzipSync(asset.body));
  const body = acceptsGzip && asset.gzipped ? asset.gzipped : asset.body;
  const headers: Record<string, string> = {
    'content-type': asset.contentType,
    'content-length': String(body.byteLength),
    // The build id in the path changes with the content, so a browser may keep a file for good.
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    vary: 'accept-encoding',
    ...(body === asset.gzipped ? { 'content-encoding': 'gzip' } : {}),
  };
  return new fetchAPI.Response(method === 'HEAD' ? null : body, { status: 200, headers });
}

function notFound(fetchAPI: { Response: typeof Response }): Response {
  return new fetchAPI.Response(JSON.stringify({ error: 'not found' }), { status: 404, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}

/**
 * Serves GraphiQL's files (`GET`/`HEAD /graphiql/<build>/<file>`; a file of another build is 404:
 * a page loaded before an upgrade needs a reload) and gives the GraphiQL page its
 * Content-Security-Policy. The files are public, like the page Yoga serves before any
 * plugin runs: this plugin must come before the authentication gate, or config mode would serve
 * a page whose scripts answer 401.
 */
export function graphiqlPlugin(): Plugin {
  return {
    onRequest: async ({ request, url, endResponse, fetchAPI }) => {
      if (!url.pathname.startsWith(GRAPHIQL_ASSET_ROOT) || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const [build, file, ...rest] = url.pathname.slice(GRAPHIQL_ASSET_ROOT.length).split('/');
      const bundle = await loadBundle();
      const asset = build === bundle.build && rest.length === 0 && file !== undefined ? bundle.assets.get(file) : undefined;
      if (!asset) {
        endResponse(notFound(fetchAPI));
        return;
      }
      const acceptsGzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
      endResponse(assetResponse(asset, acceptsGzip, request.method, fetchAPI));
    },
    onResponse: ({ response }) => {
      // The only HTML Patchbay answers is the GraphiQL page (the landing page is off).
      if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) return;
      response.headers.set('content-security-policy', GRAPHIQL_CONTENT_SECURITY_POLICY);
      response.headers.set('x-content-type-options', 'nosniff');
      response.headers.set('referrer-policy', 'no-referrer');
    },
  };
}
