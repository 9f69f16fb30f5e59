import type { Plugin } from 'graphql-yoga';
import { ANONYMOUS, NOBODY, type Authentication, type Authenticator, type Principal } from '../core/auth/authenticator.js';
import type { Logger } from '../core/logger.js';

/** Probes a load balancer or orchestrator must reach without credentials. */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/** How long a client should wait after the identity provider's key set could not be fetched. */
const RETRY_AFTER_SECONDS = 30;

/** The authentication step of a gateway: its Yoga plugin and what it found for each request. */
export interface AuthGate {
  /** Authenticates every request but the probes; one without valid credentials is answered 401 here. */
  readonly plugin: Plugin;
  /**
   * The caller the plugin found for `request`. A request it never saw (it cannot reach execution
   * without passing the plugin) gets a caller with no rights: closed, not open.
   */
  principalOf(request: Request): Principal;
}

/**
 * Builds the authentication step over `authenticator`. It runs as an `onRequest` hook, before
 * the body is read or the query parsed, so an unauthenticated request costs a header check and
 * gets an HTTP 401 with `WWW-Authenticate: Bearer` (RFC 6750), never a GraphQL result. The
 * credential is never logged; the reason a credential was refused is, for the operator only.
 */
export function createAuthGate(authenticator: Authenticator, logger: Logger): AuthGate {
  if (authenticator.open) return { plugin: {}, principalOf: () => ANONYMOUS };
  // Per gateway, keyed by the request object: an entry lives as long as its request.
  const principals = new WeakMap<Request, Principal>();
  return {
    plugin: {
      onRequest: async ({ request, url, endResponse, fetchAPI }) => {
        if (OPEN_PATHS.has(url.pathname)) return;
        const result = await authenticator.authenticate(request.headers.get('authorization'));
        if (result.kind === 'ok') {
          principals.set(request, result.principal);
          return;
        }
        if (result.kind !== 'missing') logger.warn('request refused: credentials not accepted', { reason: result.reason });
        endResponse(refusal(result, fetchAPI.Response));
      },
    },
    principalOf: (request) => principals.get(request) ?? NOBODY,
  };
}

function refusal(result: Exclude<Authentication, { kind: 'ok' }>, FetchResponse: typeof Response): Response {
  const json = (status: number, message: string, headers: Record<string, string>) =>
    new FetchResponse(JSON.stringify({ error: status === 401 ? 'unauthorized' : 'unavailable', message }), {
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    });
  switch (result.kind) {
    case 'missing':
      return json(401, 'Authentication required: send `Authorization: Bearer <API key or token>`.', { 'www-authenticate': 'Bearer realm="patchbay"' });
    case 'invalid': {
      const description = result.expired ? 'The token has expired' : 'The credentials were not accepted';
      return json(401, `${description}.`, { 'www-authenticate': `Bearer realm="patchbay", error="invalid_token", error_description="${description}"` });
    }
    case 'unavailable':
      return json(503, 'The credentials cannot be checked right now (the identity provider’s keys could not be fetched); try again shortly.', { 'retry-after': String(RETRY_AFTER_SECONDS) });
    default:
      return result satisfies never;
  }
}
