import { z } from 'zod';

/**
 * The config file's shape. Every message written here is ours and never quotes the value
 * it refuses: the file holds credentials. Messages for zod's built-in issues are written by
 * `configErrorMap` in load.ts, which follows the same rule.
 */

/** A config key: an account id. */
export const CONFIG_KEY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const CONFIG_KEY_MESSAGE = "must be 1-64 characters of A-Z, a-z, 0-9, '_', '.' or '-'";

export const DEFAULT_REQUEST_DEADLINE_MS = 30_000;
export const DEFAULT_VENDOR_CALL_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

const configKey = z.string().regex(CONFIG_KEY_PATTERN, { error: CONFIG_KEY_MESSAGE });

/** A credential: any non-empty string. */
export const credential = z.string().min(1, { error: 'must not be empty' });

/**
 * Any absolute http(s) URL without user info, query or fragment. Trailing slashes are
 * removed, so clients can append paths that start with '/'.
 */
export const baseUrlSchema = z.string().transform((raw, ctx) => {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
    return z.NEVER;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: 'must use http or https' });
    return z.NEVER;
  }
  if (url.username !== '' || url.password !== '') {
    ctx.addIssue({
      code: 'custom',
      message: 'must not contain credentials (user:password@); put them in the account fields',
    });
    return z.NEVER;
  }
  // `new URL` drops an empty '?' or '#', so look at the text as well.
  if (url.search !== '' || url.hash !== '' || text.includes('?') || text.includes('#')) {
    ctx.addIssue({ code: 'custom', message: 'must not contain a query string or fragment' });
    return z.NEVER;
  }
  return url.href.replace(/\/+$/, '');
});

/** Fields every account has, whatever its vendor; each vendor's schema spreads them. */
export const accountFields = {
  id: configKey,
  baseUrl: baseUrlSchema,
  displayName: z.string().min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }).optional(),
  /** Per-call timeout for this account's vendor calls (overrides the gateway default). */
  callTimeoutMs: z.int().min(100, { error: 'must be at least 100' }).max(120_000, { error: 'must be at most 120000' }).optional(),
  /** Client-side rate limit towards this account's vendor. */
  maxRequestsPerMinute: z.int().positive({ error: 'must be greater than 0' }).optional(),
};

export const gatewaySchema = z.strictObject({
  /** Budget for one whole GraphQL request. */
  requestDeadlineMs: z.int().min(100, { error: 'must be at least 100' }).max(600_000, { error: 'must be at most 600000' }).default(DEFAULT_REQUEST_DEADLINE_MS),
  /** Default per-call timeout for vendor calls. */
  vendorCallTimeoutMs: z.int().min(100, { error: 'must be at least 100' }).max(120_000, { error: 'must be at most 120000' }).default(DEFAULT_VENDOR_CALL_TIMEOUT_MS),
  /** Whether vendor call details are exposed in GraphQL extensions. */
  exposeVendorCalls: z.boolean().default(false),
  /** Largest vendor response body that will be read. */
  maxResponseBytes: z.int().positive({ error: 'must be greater than 0' }).default(DEFAULT_MAX_RESPONSE_BYTES),
});

/**
 * The whole file's shape for the given vendors' account schemas (each a strict object whose
 * `vendor` is a literal): the composition root passes the registry's.
 */
export function createConfigSchema(accountSchemas: readonly AccountSchema[]) {
  const [first, ...rest] = accountSchemas;
  if (first === undefined) throw new Error('at least one vendor must be registered');
  const account = z.discriminatedUnion('vendor', [first, ...rest]);
  return z
    .strictObject({
      accounts: z.array(account),
      /** Always present in the output, with defaults filled in. */
      gateway: gatewaySchema.prefault({}),
    })
    .superRefine(
      (config, ctx) => {
        // Runs even when other keys are invalid, so the value may be only partly parsed.
        const accounts: unknown = (config as { accounts?: unknown } | null)?.accounts;
        if (!Array.isArray(accounts)) return;
        const firstIndex = new Map<string, number>();
        accounts.forEach((account: unknown, index) => {
          if (typeof account !== 'object' || account === null) return;
          const id: unknown = (account as { id?: unknown }).id;
          if (typeof id !== 'string' || !CONFIG_KEY_PATTERN.test(id)) return;
          const first = firstIndex.get(id);
          if (first === undefined) {
            firstIndex.set(id, index);
            return;
          }
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', index, 'id'],
            message: `duplicate account id "${id}" (already used by accounts[${first}])`,
          });
        });
      },
      { when: () => true },
    );
}

/** Any vendor's account, as parsed: the shared fields, then the vendor's own (credentials among them). */
export interface AccountConfig {
  readonly id: string;
  readonly vendor: string;
  readonly baseUrl: string;
  readonly displayName?: string | undefined;
  readonly callTimeoutMs?: number | undefined;
  readonly maxRequestsPerMinute?: number | undefined;
  readonly [field: string]: unknown;
}

/** A vendor's account entry: a strict object whose `vendor` is the vendor's id. */
export type AccountSchema = z.ZodObject<{ vendor: z.ZodLiteral<string> } & typeof accountFields & z.core.$ZodLooseShape, z.core.$strict>;

export type GatewayConfig = z.output<typeof gatewaySchema>;

/** The gateway settings a config file gets when it says nothing. */
export function defaultGatewayConfig(): GatewayConfig {
  return gatewaySchema.parse({});
}

export interface PatchbayConfig {
  readonly accounts: readonly AccountConfig[];
  readonly gateway: GatewayConfig;
}
