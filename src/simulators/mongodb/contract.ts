/**
 * What MongoDB Cloud Manager's public API v1.0 says about third-party integration settings, as
 * the simulator reads it from docs/vendors/mongodb/CONTRACT.md, the derived v1.0 spec and the Atlas
 * v2 spec and recordings beside it. Transcribed here rather than imported from the client, so a
 * client that misreads the vendor is refused by the simulator.
 */

/** Cloud Manager's path prefix. */
export const MONGODB_API_BASE_PATH = '/api/public/v1.0';

/** The realm Cloud Manager's Digest challenges name. */
export const MONGODB_DIGEST_REALM = 'MMS Public API';

/**
 * Digest algorithms offered, by their RFC 7616 names. The contract says only "HTTP Digest" (the
 * public key is the username, the private key the password); no SHA-256 is documented for Cloud
 * Manager, so the challenge offers MD5, the RFC 2617 default, and nothing else is accepted.
 */
export const DIGEST_ALGORITHMS = ['MD5'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** `GROUP-ID`: 24 lower-case hex digits (the derived spec's pattern). */
export const GROUP_ID = /^[a-f0-9]{24}$/;

/** `INTEGRATION-TYPE` values Cloud Manager lists (MICROSOFT_TEAMS has a field table too). */
export const PATH_TYPES: ReadonlySet<string> = new Set(['PAGER_DUTY', 'SLACK', 'NEW_RELIC', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK', 'MICROSOFT_TEAMS', 'PROMETHEUS']);

/**
 * How a field reads back (CONTRACT.md, "Per-type fields" and "Masking as recorded"): `partial`
 * keeps the last four characters, `url` keeps the origin and the last four, `redacted` shows
 * `******` alone, `never` is not returned.
 */
export type Readback = 'partial' | 'url' | 'redacted' | 'never';

/** One request field of a writable type. */
export interface FieldRule {
  readonly kind: 'string' | 'boolean';
  readonly required: boolean;
  readonly readback?: Readback;
  readonly values?: readonly string[];
  readonly maxLength?: number;
}

const text = (required: boolean, extra: Omit<FieldRule, 'kind' | 'required'> = {}): FieldRule => ({ kind: 'string', required, ...extra });

/**
 * Request fields per writable Cloud Manager type, as the contract's table lists them (`*` means
 * required). NEW_RELIC has no field table: it can no longer be configured.
 */
export const TYPE_RULES: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  PAGER_DUTY: { serviceKey: text(true, { readback: 'partial' }) },
  // Atlas caps channelName at 80 characters; Cloud Manager's table gives no limit, so Atlas's is used.
  SLACK: { apiToken: text(true, { readback: 'partial' }), teamName: text(true), channelName: text(false, { maxLength: 80 }) },
  OPS_GENIE: { apiKey: text(true, { readback: 'partial' }), region: text(true, { values: ['US', 'EU'] }) },
  VICTOR_OPS: { apiKey: text(true, { readback: 'partial' }), routingKey: text(false) },
  WEBHOOK: { url: text(true, { readback: 'url' }), secret: text(false, { readback: 'partial' }) },
  MICROSOFT_TEAMS: { microsoftTeamsWebhookUrl: text(true, { readback: 'url' }) },
  PROMETHEUS: {
    username: text(true),
    password: text(true, { readback: 'never' }),
    listenAddress: text(true),
    serviceDiscovery: text(true, { values: ['file', 'http'] }),
    scheme: text(true, { values: ['http', 'https'] }),
    enabled: { kind: 'boolean', required: true },
    tlsPemPath: text(false),
    // Unknown: the docs say it is returned if set, not whether masked. Masked here, the safe guess.
    tlsPemPassword: text(false, { readback: 'partial' }),
  },
};

/**
 * Request fields the Atlas-era API has beyond Cloud Manager's table (the Atlas v2 spec): PagerDuty's
 * `region`, and the webhook templates (2026; `format: password`, 16 KB and 4 KB). Accepted only
 * by a simulator told to (`acceptAtlasFields`); Cloud Manager's own request table has none of them.
 */
const ATLAS_TYPE_RULES: Readonly<Record<string, Readonly<Record<string, FieldRule>>>> = {
  PAGER_DUTY: { region: text(false, { values: ['US', 'EU'] }) },
  // Atlas's docs say a set template is shown as `******`; the API's exact mask is unknown, so `******` it is.
  WEBHOOK: { bodyTemplate: text(false, { readback: 'redacted', maxLength: 16_384 }), headersTemplate: text(false, { readback: 'redacted', maxLength: 4096 }) },
};

/** The request fields of `type`, with or without the Atlas-only ones; undefined for a type that cannot be written. */
export function typeRules(type: string, withAtlasFields: boolean): Readonly<Record<string, FieldRule>> | undefined {
  const rules = TYPE_RULES[type];
  return rules === undefined || !withAtlasFields ? rules : { ...rules, ...ATLAS_TYPE_RULES[type] };
}

/**
 * What the Atlas-era view sends for a field that was never set (the recordings): PagerDuty's
 * `region` reads `US` (an integration created without one), unset webhook templates read `null`.
 */
export const READ_DEFAULTS: Readonly<Record<string, Readonly<Record<string, string | null>>>> = {
  PAGER_DUTY: { region: 'US' },
  WEBHOOK: { bodyTemplate: null, headersTemplate: null },
};

/** The legacy NEW_RELIC secrets (Atlas's field list), masked on read; such integrations are only ever seeded. */
export const NEW_RELIC_SECRETS: ReadonlySet<string> = new Set(['licenseKey', 'readToken', 'writeToken']);

/**
 * The order integrations are listed in: the spec's `integrationType` enum order, which the
 * recorded list follows (PAGER_DUTY, DATADOG, OPS_GENIE, VICTOR_OPS, WEBHOOK; not creation order).
 */
export const LIST_ORDER: readonly string[] = ['PAGER_DUTY', 'SLACK', 'DATADOG', 'NEW_RELIC', 'OPS_GENIE', 'VICTOR_OPS', 'WEBHOOK', 'HIP_CHAT', 'PROMETHEUS', 'MICROSOFT_TEAMS'];

/** `pageNum` is 1-based; `itemsPerPage` defaults to 100, at most 500. */
export const PAGE = { defaultItems: 100, maxItems: 500 } as const;

/** `ApiError.reason`: the HTTP reason phrase of `ApiError.error`. */
export const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
};
