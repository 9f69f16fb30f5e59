import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DEFAULT_JWT_ALGORITHMS, isScope, type JwtConfig, type Scope } from './config.js';

/** What checking one bearer token as a JWT found. `reason` is for the log, never for the client. */
export type JwtOutcome =
  | { readonly kind: 'ok'; readonly subject: string; readonly scopes: readonly Scope[]; readonly accounts: readonly string[] | null }
  | { readonly kind: 'invalid'; readonly reason: string; readonly expired: boolean }
  /** The key set could not be fetched: the token may be good, so this is not the caller's fault. */
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Longest `sub` taken as a caller name; the audit log is no place for an unbounded string. */
const MAX_SUBJECT_LENGTH = 256;

/** Options for {@link createJwtVerifier}. */
export interface JwtVerifierOptions {
  /** How long a JWKS fetch may take. */
  readonly jwksTimeoutMs?: number;
}

/**
 * Verifies OIDC/JWT bearer tokens with `jose`: signature by a key from the configured JWKS URL
 * (fetched on first use, cached, refetched for an unknown `kid` at most every 30 s) or from the
 * configured public keys; `iss` and `aud` exactly as configured; `exp` required; only asymmetric
 * algorithms. `sub` names the caller; the configured claims carry its scopes and accounts.
 */
export function createJwtVerifier(config: JwtConfig, options: JwtVerifierOptions = {}): (token: string) => Promise<JwtOutcome> {
  const keys: JWTVerifyGetKey =
    config.jwksUrl !== undefined
      ? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: options.jwksTimeoutMs ?? 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
      : createLocalJWKSet({ keys: (config.publicKeys ?? []).map(toPublicJwk) });
  const verifyOptions = {
    issuer: config.issuer,
    audience: config.audience,
    algorithms: [...(config.algorithms ?? DEFAULT_JWT_ALGORITHMS)],
    clockTolerance: config.clockToleranceSeconds,
    requiredClaims: ['sub', 'exp'],
  };
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, verifyOptions));
    } catch (error) {
      return failure(error);
    }
    const subject = payload.sub;
    if (subject === undefined || subject === '' || subject.length > MAX_SUBJECT_LENGTH) return { kind: 'invalid', reason: 'sub missing or too long', expired: false };
    const accounts = config.accountsClaim === undefined ? null : listClaim(claim(payload, config.accountsClaim));
    return { kind: 'ok', subject, scopes: listClaim(claim(payload, config.scopesClaim)).filter(isScope), accounts };
  };
}

function failure(error: unknown): JwtOutcome {
  if (error instanceof errors.JWTExpired) return { kind: 'invalid', reason: 'expired', expired: true };
  if (error instanceof errors.JWTClaimValidationFailed) return { kind: 'invalid', reason: `claim ${error.claim} ${error.reason}`, expired: false };
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return { kind: 'unavailable', reason: error.code };
  if (error instanceof errors.JOSEError) return { kind: 'invalid', reason: error.code, expired: false };
  // Anything else came from fetching the key set (refused, reset, not JSON, a 5xx).
  return { kind: 'unavailable', reason: error instanceof Error ? error.name : 'unknown' };
}

/** A claim by name; a name with dots that is not itself a claim is followed as a path (`realm_access.roles`). */
function claim(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A space-separated string (OAuth `scope`) or a list of strings; anything else is empty. */
function listClaim(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter((item) => item !== '');
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item !== '');
  return [];
}

/**
 * A configured public key (PEM or JWK) as a public JWK. Node parses it first, so a malformed or
 * private key fails at start-up rather than at the first request; `kid` and `use` are kept so
 * that a token's `kid` picks its key.
 */
function toPublicJwk(key: string | Readonly<Record<string, unknown>>): JWK {
  const keyObject = typeof key === 'string' ? createPublicKey(key) : createPublicKey({ key: { ...key } satisfies JsonWebKey, format: 'jwk' });
  const exported = keyObject.export({ format: 'jwk' });
  const jwk: JWK = {};
  for (const field of ['kty', 'crv', 'n', 'e', 'x', 'y'] as const) {
    const value = exported[field];
    if (typeof value === 'string') jwk[field] = value;
  }
  if (typeof key !== 'string') {
    if (typeof key['kid'] === 'string') jwk.kid = key['kid'];
    if (typeof key['use'] === 'string') jwk.use = key['use'];
  }
  return jwk;
}
