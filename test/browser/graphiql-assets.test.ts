import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authSchema } from '../../src/core/auth/config.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { FIRST_QUERY } from '../../src/server/graphiql.js';
import { createRuntime, defaultGatewayConfig, type Runtime } from '../../src/server/runtime.js';
import { sharedMemoryStore, startHarness, type Harness } from '../support/harness.js';
import { readmeFirstQuery } from './support.js';

/*
 * GraphiQL works offline (issue 11, point 4): the page Yoga serves names no host but the
 * gateway, and every file it loads is the gateway's, taken from the installed package.
 * test/browser/graphiql.browser.test.ts drives the page in a real browser.
 */

const ORIGIN = 'http://patchbay.test';
const PAGE_HEADERS = { accept: 'text/html,application/xhtml+xml' };

let h: Harness;
let page: { status: number; headers: Headers; html: string };

beforeAll(async () => {
  h = await startHarness({ accounts: [] });
  const response = await h.runtime.yoga.fetch(`${ORIGIN}/graphql`, { headers: PAGE_HEADERS });
  page = { status: response.status, headers: response.headers, html: await response.text() };
}, 60_000);
afterAll(async () => {
  await h.close();
});

/** Every URL the page references: `src` and `href` attributes, and the worker files in its settings block. */
function referencedUrls(html: string): string[] {
  const attributes = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1] ?? '');
  const settings = /<script type="application\/json" id="patchbay-graphiql">([\s\S]*?)<\/script>/.exec(html)?.[1];
  const workers = settings ? Object.values((JSON.parse(settings) as { workers: Record<string, string> }).workers) : [];
  return [...attributes, ...workers];
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  return Promise.resolve(h.runtime.yoga.fetch(`${ORIGIN}${path}`, { method, headers }));
}

describe('the GraphiQL page', () => {
  it('opens with the README’s first query, character for character, under the title Patchbay', async () => {
    expect(FIRST_QUERY).toBe(await readmeFirstQuery());
    expect(page.status).toBe(200);
    expect(page.html).toContain('<title>Patchbay</title>');
    const settings = /id="patchbay-graphiql">([\s\S]*?)<\/script>/.exec(page.html)?.[1] ?? '{}';
    expect((JSON.parse(settings) as { options?: { defaultQuery?: string } }).options?.defaultQuery).toBe(FIRST_QUERY);
  });

  it('names no other origin: no http(s):// and no protocol-relative //host anywhere in it', () => {
    expect(page.html.match(/(?:https?:)?\/\/[^\s"'<>]+/gi) ?? []).toEqual([]);
    const urls = referencedUrls(page.html);
    expect(urls.length).toBeGreaterThanOrEqual(7);
    for (const url of urls) expect(url, url).toMatch(/^\/graphiql\/[0-9a-f]{12}\/[a-z.]+$/);
  });

  it('serves every file it references with 200 and the right type, the bundle included', async () => {
    const types: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/, ico: /^image\/x-icon$/ };
    const seen = new Set<string>();
    for (const url of referencedUrls(page.html)) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toMatch(types[url.split('.').pop() ?? ''] ?? /^$/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const body = await response.text();
      expect(body.length, url).toBeGreaterThan(0);
      seen.add(url.split('/').pop() ?? '');
      if (url.endsWith('/graphiql.js')) expect(body).toContain('renderYogaGraphiQL');
      if (url.endsWith('/boot.js')) expect(body).toContain('MonacoEnvironment');
    }
    expect([...seen].sort()).toEqual(['boot.js', 'editor.worker.js', 'favicon.ico', 'graphiql.css', 'graphiql.js', 'graphql.worker.js', 'json.worker.js']);
  });

  it('runs no inline script, and its Content-Security-Policy lets it load from the gateway only', () => {
    for (const [tag] of page.html.matchAll(/<script\b[^>]*>/g)) expect(tag, tag).toMatch(/ src="\/graphiql\/|type="application\/json"/);
    const csp = page.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    for (const name of ['script-src', 'worker-src', 'connect-src']) expect(directives.get(name), name).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/https?:|\*|'unsafe-eval'/);
  });

  it('keeps the settings block closed to markup: a `<` in an option cannot end the script element', async () => {
    const { renderGraphiQL } = await import('../../src/server/graphiql.js');
    const html = await renderGraphiQL({ defaultQuery: '# </script><script>alert(1)</script>', title: '<b>"x"</b>' });
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('<title>&#60;b&#62;&#34;x&#34;&#60;/b&#62;</title>');
    const settings = /id="patchbay-graphiql">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}';
    expect((JSON.parse(settings) as { options: { defaultQuery: string } }).options.defaultQuery).toBe('# </script><script>alert(1)</script>');
  });
});

describe('the GraphiQL files', () => {
  const fileUrl = (name: string) => referencedUrls(page.html).find((url) => url.endsWith(`/${name}`)) ?? `/graphiql/missing/${name}`;

  it('are cacheable for good (the path carries the build) and gzipped when the client accepts it', async () => {
    const plain = await get(fileUrl('graphiql.js'));
    const plainBody = new Uint8Array(await plain.arrayBuffer());
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('content-length')).toBe(String(plainBody.byteLength));
    // yoga.fetch hands back the bytes as sent: the test unzips them itself.
    const zipped = await get(fileUrl('graphiql.js'), { 'accept-encoding': 'gzip, deflate' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const zippedBody = new Uint8Array(await zipped.arrayBuffer());
    expect(zippedBody.byteLength).toBeLessThan(plainBody.byteLength / 2);
    expect(Buffer.from(gunzipSync(zippedBody)).equals(Buffer.from(plainBody))).toBe(true);
  });

  it('answer HEAD without a body', async () => {
    const head = await get(fileUrl('graphiql.css'), {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/css/);
    expect(await head.text()).toBe('');
  });

  it('are 404 for an unknown file, another build or a deeper path', async () => {
    const build = fileUrl('boot.js').split('/')[2] ?? '';
    for (const path of [`/graphiql/${build}/secret.js`, '/graphiql/000000000000/boot.js', `/graphiql/${build}/boot.js/x`, '/graphiql/', `/graphiql/${build}/`]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
    }
  });
});

describe('with authentication required (config mode)', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    const auth = authSchema.parse({ apiKeys: [{ name: 'ci', key: 'pbk_graphiql-test-key-0123456789abcdef', scopes: ['admin'] }] });
    runtime = createRuntime({ accounts: [], gateway: defaultGatewayConfig(), store: await sharedMemoryStore(), logger: createMemoryLogger(), auth });
  }, 60_000);
  afterAll(async () => {
    await runtime.close();
  });

  it('the page and its files are served without credentials (they hold nothing secret); GraphQL still answers 401', async () => {
    const response = await runtime.yoga.fetch(`${ORIGIN}/graphql`, { headers: PAGE_HEADERS });
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const url of referencedUrls(html)) expect((await runtime.yoga.fetch(`${ORIGIN}${url}`)).status, url).toBe(200);
    const query = await runtime.yoga.fetch(`${ORIGIN}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ accounts { key } }' }) });
    expect(query.status).toBe(401);
  });
});
