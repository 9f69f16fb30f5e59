import { ApiKeyVerifier } from './api-keys.js';
import type { AuthConfig, Scope } from './config.js';
import { createJwtVerifier, type JwtVerifierOptions } from './jwt.js';

/**
 * Who is calling, as authentication established it: a name for the audit log and the rights the
 * credential carries. What those rights allow on which account is decided in src/app/rights.ts.
 */
export interface Principal {
  /** `apikey:<name>`, `jwt:<sub>`, or `anonymous` when the gateway is open. */
  readonly id: string;
  readonly scopes: readonly Scope[];
  /** Account patterns (config keys, globs, vendor ids); null means every account. */
  readonly accounts: readonly string[] | null;
}

/** The caller of an open gateway (demo mode, `mode: none`, a test runtime): may do everything. */
export const ANONYMOUS: Principal = { id: 'anonymous', scopes: ['admin'], accounts: null };

/** A caller with no rights at all, for a request that somehow reached execution unauthenticated. */
export const NOBODY: Principal = { id: 'unauthenticated', scopes: [], accounts: null };

/** What authenticating one request found. `reason` is for the log only: it never reaches the client. */
export type Authentication =
  | { readonly kind: 'ok'; readonly principal: Principal }
  /** No credentials were sent. */
  | { readonly kind: 'missing' }
  /** Credentials were sent and refused. */
  | { readonly kind: 'invalid'; readonly reason: string; readonly expired: boolean }
  /** The credentials could not be checked now (the JWKS endpoint failed). */
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Checks the credentials of requests. */
export interface Authenticator {
  /** Whether every request is let in as {@link ANONYMOUS} (demo mode, `mode: none`). */
  readonly open: boolean;
  /** Authenticates a request by its `Authorization` header (null when absent). */
  authenticate(authorization: string | null): Promise<Authentication>;
}

/** The authenticator of an open gateway. */
export const OPEN_AUTHENTICATOR: Authenticator = {
  open: true,
  authenticate: () => Promise.resolve({ kind: 'ok', principal: ANONYMOUS }),
};

/** RFC 6750 `Bearer <token68>`; the scheme is case-insensitive. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
/** A JWS in compact form: three base64url parts. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Builds the authenticator of an `auth` config. `mode: none` is open. Otherwise a bearer token is
 * tried as an API key first (a digest comparison, cheap) and then, when it has the shape of one
 * and JWT is configured, as a JWT.
 */
export function createAuthenticator(config: AuthConfig, options: JwtVerifierOptions = {}): Authenticator {
  if (config.mode === 'none') return OPEN_AUTHENTICATOR;
  const apiKeys = new ApiKeyVerifier(config.apiKeys);
  const jwt = config.jwt === undefined ? null : createJwtVerifier(config.jwt, options);
  return {
    open: false,
    async authenticate(authorization) {
      if (authorization === null || authorization.trim() === '') return { kind: 'missing' };
      const token = BEARER.exec(authorization)?.[1];
      if (token === undefined) return { kind: 'invalid', reason: 'not a Bearer credential', expired: false };
      const key = apiKeys.match(token);
      if (key !== null) return { kind: 'ok', principal: { id: `apikey:${key.name}`, scopes: key.scopes, accounts: key.accounts } };
      if (jwt === null || !COMPACT_JWS.test(token)) return { kind: 'invalid', reason: 'unknown API key', expired: false };
      const outcome = await jwt(token);
      if (outcome.kind === 'ok') return { kind: 'ok', principal: { id: `jwt:${outcome.subject}`, scopes: outcome.scopes, accounts: outcome.accounts } };
      return outcome.kind === 'invalid' ? { kind: 'invalid', reason: `jwt: ${outcome.reason}`, expired: outcome.expired } : { kind: 'unavailable', reason: `jwks: ${outcome.reason}` };
    },
  };
}
