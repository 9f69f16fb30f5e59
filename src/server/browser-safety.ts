import type { Plugin, YogaServerOptions } from 'graphql-yoga';
import type { GatewayConfig } from '../core/config/schema.js';

type HttpConfig = GatewayConfig['http'];

/**
 * Request body types that are executed: JSON, and `application/graphql+json` (the JSON body type of
 * earlier GraphQL-over-HTTP drafts, which Yoga parses as JSON). Neither is one a page can send
 * cross-site without a CORS preflight (only `application/x-www-form-urlencoded`,
 * `multipart/form-data` and `text/plain` can), so refusing every other type closes CSRF whatever
 * cookies or ambient credentials a browser holds. (`application/graphql-response+json` is a
 * response type: Yoga has no parser for it as a body, and answers it 415 on its own.)
 */
const EXECUTED_BODY_TYPES: ReadonlySet<string> = new Set(['application/json', 'application/graphql+json']);

/** The request headers a configured origin's page may send (CORS). */
const CORS_REQUEST_HEADERS = ['accept', 'authorization', 'content-type'];

/**
 * The `cors` option of `createYoga`. Yoga's default reflects any `Origin` and allows credentials;
 * here no origin gets CORS headers unless it is listed, and none is allowed credentials:
 * Patchbay authenticates with a bearer header, never a cookie.
 */
export function corsOption(http: HttpConfig): YogaServerOptions<object, object>['cors'] {
  if (http.corsOrigins.length === 0) return false;
  const allowed = new Set(http.corsOrigins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowed.has(origin)) return false;
    return { origin: [origin], credentials: false, methods: ['GET', 'POST'], allowedHeaders: CORS_REQUEST_HEADERS, maxAge: 600 };
  };
}

/** The media type of a `Content-Type` value: lower-cased, without parameters. */
function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Whether `host` (a `Host` header value) is one of `allowed`. An entry without a port allows
 * its host on any port.
 */
export function isAllowedHost(host: string, allowed: readonly string[]): boolean {
  const given = host.trim().toLowerCase();
  const name = given.replace(/:\d+$/, '');
  return allowed.some((entry) => entry === given || (!/:\d+$/.test(entry) && entry === name));
}

function refusal(fetchAPI: { Response: typeof Response }, status: number, message: string, headers: Record<string, string> = {}): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/**
 * Refuses what a browser can be tricked into sending: a POST whose body is not JSON (forms,
 * multipart, `application/graphql`) gets 415 before it is parsed, and, when `allowedHosts` is
 * set, a request for any other `Host` gets 421 (a DNS-rebinding page reaches Patchbay under its
 * own host name). Probes answer before this plugin runs, so orchestrators may use any address.
 * Mutations over GET are refused by Yoga itself (405).
 */
export function browserSafetyPlugin(http: HttpConfig): Plugin {
  return {
    onRequest: ({ request, url, endResponse, fetchAPI }) => {
      if (http.allowedHosts.length === 0) return;
      const host = request.headers.get('host') ?? url.host;
      if (!isAllowedHost(host, http.allowedHosts)) endResponse(refusal(fetchAPI, 421, 'This server does not answer for that host name.'));
    },
    onRequestParse: ({ request, endResponse, fetchAPI }) => {
      if (request.method !== 'POST' || EXECUTED_BODY_TYPES.has(mediaType(request.headers.get('content-type')))) return;
      endResponse(refusal(fetchAPI, 415, 'POST bodies must be application/json.', { accept: 'application/json' }));
    },
  };
}
