import { z } from 'zod';

/**
 * The config file's `auth` section: who may call the gateway and what each caller may do. Like
 * the rest of the config schema, no message written here ever quotes the value it refuses: keys,
 * hashes and public keys are credentials or look like them.
 */

/**
 * What a caller may do. `admin` implies every other scope; `connections:write` implies
 * `connections:read` (a write answers with the connection it wrote) and `secrets:rotate`.
 * `secrets:rotate` grants `rotateSecret` and `resumeSecretRotation`, and reading.
 */
export const SCOPES = ['connections:read', 'connections:write', 'secrets:rotate', 'audit:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Whether a string is one of {@link SCOPES}. */
export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * An account pattern: a config key, a vendor id, or a glob over config keys (`*` any run of
 * characters, `?` one character).
 */
export const ACCOUNT_PATTERN = /^[A-Za-z0-9_.*?-]{1,64}$/;

/** A caller name as it shows in the audit log, after `apikey:`. */
const API_KEY_NAME = /^[A-Za-z0-9_.@-]{1,64}$/;

/** `sha256:` and 64 hex digits: what `patchbay keys generate` prints beside a key. */
export const KEY_HASH_PATTERN = /^sha256:[0-9a-fA-F]{64}$/;

/** A configured key shorter than this is refused: it could be guessed. Generated keys are 47 characters. */
export const MIN_API_KEY_LENGTH = 24;

/** JWS algorithms accepted by default: asymmetric only, so a public key can never sign (no `HS*`, no `none`). */
export const DEFAULT_JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

const scopeSchema = z.enum(SCOPES);
const accountPatterns = z
  .array(z.string().regex(ACCOUNT_PATTERN, { error: "must be a config key, a vendor id or a glob of A-Z, a-z, 0-9, '_', '.', '-', '*' and '?'" }))
  .min(1, { error: 'must list at least one account (leave `accounts` out for every account)' })
  .max(200);

const apiKeySchema = z
  .strictObject({
    /** Shows in the audit log as `apikey:<name>`. */
    name: z.string().regex(API_KEY_NAME, { error: "must be 1-64 characters of A-Z, a-z, 0-9, '_', '.', '@' or '-'" }),
    /** The key itself (best from `${ENV_VAR}`), or… */
    key: z
      .string()
      .min(MIN_API_KEY_LENGTH, { error: `must be at least ${MIN_API_KEY_LENGTH} characters (\`patchbay keys generate\` makes one)` })
      .max(512)
      .optional(),
    /** …its `sha256:<hex>` hash, so the file holds no key at all. */
    keyHash: z.string().regex(KEY_HASH_PATTERN, { error: 'must be "sha256:" followed by 64 hex digits (`patchbay keys generate` prints it)' }).optional(),
    scopes: z.array(scopeSchema).min(1, { error: 'must list at least one scope' }),
    /** Config keys, globs or vendor ids; absent means every account. */
    accounts: accountPatterns.optional(),
  })
  .refine((entry) => (entry.key === undefined) !== (entry.keyHash === undefined), { error: 'set exactly one of key and keyHash' });

/** Allows http only to a loopback host (a local identity provider or a test): anything else could be tampered with on the way. */
const jwksUrlSchema = z.string().refine(
  (text) => {
    try {
      const url = new URL(text);
      return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
    } catch {
      return false;
    }
  },
  { error: 'must be an absolute https URL (http only to a loopback host)' },
);

/** A public key: PEM text (`-----BEGIN PUBLIC KEY-----`) or a JWK object. */
const publicKeySchema = z.union([
  z.string().regex(/^\s*-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/, { error: 'must be a PEM public key' }),
  z.looseObject({ kty: z.string() }).refine((jwk) => !('d' in jwk), { error: 'is a private key: give the public key only' }),
]);

const jwtSchema = z
  .strictObject({
    /** Must equal the token's `iss` exactly. */
    issuer: z.string().min(1, { error: 'must not be empty' }),
    /** The token's `aud` must hold this (or one of these). */
    audience: z.union([z.string().min(1, { error: 'must not be empty' }), z.array(z.string().min(1)).min(1)]),
    jwksUrl: jwksUrlSchema.optional(),
    publicKeys: z.array(publicKeySchema).min(1, { error: 'must list at least one key' }).optional(),
    /** The claim that holds the caller's scopes: a space-separated string (OAuth `scope`) or a list. */
    scopesClaim: z.string().min(1).default('scope'),
    /** The claim that holds the caller's account patterns; absent means every account. */
    accountsClaim: z.string().min(1).optional(),
    algorithms: z.array(z.enum(DEFAULT_JWT_ALGORITHMS)).min(1).optional(),
    /** Allowed clock skew for `exp` and `nbf`. */
    clockToleranceSeconds: z.int().min(0).max(300).default(30),
  })
  .refine((jwt) => (jwt.jwksUrl === undefined) !== (jwt.publicKeys === undefined), { error: 'set exactly one of jwksUrl and publicKeys' });

/**
 * The `auth` section. Absent, it is `mode: required` with no credentials, which start-up refuses
 * (see {@link authConfigProblem}): config mode is never open unless the file says `mode: none`.
 */
export const authSchema = z
  .strictObject({
    mode: z.enum(['required', 'none']).default('required'),
    apiKeys: z.array(apiKeySchema).max(1000).default([]),
    jwt: jwtSchema.optional(),
  })
  .superRefine(
    (auth, ctx) => {
      // Runs even when other keys are invalid (so every mistake is reported at once): the value may be only partly parsed.
      const apiKeys: unknown = (auth as { apiKeys?: unknown } | null)?.apiKeys;
      if (!Array.isArray(apiKeys)) return;
      const seen = new Map<string, number>();
      apiKeys.forEach((entry: unknown, index) => {
        const name: unknown = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
        if (typeof name !== 'string') return;
        const first = seen.get(name);
        if (first === undefined) seen.set(name, index);
        else ctx.addIssue({ code: 'custom', path: ['apiKeys', index, 'name'], message: `duplicate key name (already used by apiKeys[${first}])` });
      });
    },
    { when: () => true },
  );

export type AuthConfig = z.output<typeof authSchema>;
export type ApiKeyConfig = AuthConfig['apiKeys'][number];
export type JwtConfig = NonNullable<AuthConfig['jwt']>;

/**
 * Why this auth config cannot serve anyone, or null. `mode: required` with neither keys nor JWT
 * would answer every request 401; start-up says so instead of leaving the operator to guess.
 */
export function authConfigProblem(auth: AuthConfig): string | null {
  if (auth.mode === 'required' && auth.apiKeys.length === 0 && auth.jwt === undefined) {
    return 'callers must authenticate (mode: required, the default) but no apiKeys or jwt are configured: add one, or write `mode: none` to run without authentication';
  }
  return null;
}

/** Whether `hostname` (as `URL` gives it) is a loopback address. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
