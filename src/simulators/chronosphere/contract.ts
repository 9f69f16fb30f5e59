/**
 * What Chronosphere's Config API v1 says about external connections, as the simulator reads it
 * from docs/vendors/chronosphere/CONTRACT.md and the swagger beside it. Transcribed here rather than
 * imported from the client, so a client that misreads the vendor is refused by the simulator.
 */

/** The collection path; a connection is `${CONNECTIONS_PATH}/{slug}`. */
export const CONNECTIONS_PATH = '/api/v1/config/external-connections';

/** The type blocks of `configv1ExternalConnection`, by their JSON names (exactly one is set). */
export const BLOCKS = ['slack', 'pagerduty', 'webhook', 'victor_ops', 'ops_genie', 'cloudflare', 'mongodb_atlas', 'sendgrid', 'datadog'] as const;
export type Block = (typeof BLOCKS)[number];

/**
 * The list filter's `connection_types` value of each block. The swagger's enum spells two of them
 * differently from the JSON blocks (`VICTOROPS`, `OPSGENIE`).
 */
export const FILTER_TYPE: Readonly<Record<Block, string>> = {
  slack: 'SLACK',
  pagerduty: 'PAGERDUTY',
  webhook: 'WEBHOOK',
  victor_ops: 'VICTOROPS',
  ops_genie: 'OPSGENIE',
  cloudflare: 'CLOUDFLARE',
  mongodb_atlas: 'MONGODB_ATLAS',
  sendgrid: 'SENDGRID',
  datadog: 'DATADOG',
};

/** Every value the `connection_types` filter accepts. */
export const FILTER_TYPES: ReadonlySet<string> = new Set(Object.values(FILTER_TYPE));

/** The literal the Config API puts in place of a secret on read. */
export const REDACTED = '**REDACTED**';

/**
 * Secret fields per block as dotted wire paths: answered as `**REDACTED**` on read (CONTRACT.md,
 * "Secrets and masking on read"). For the four 2026 blocks the redaction is unknown and assumed
 * the same; `slack.api_url` is returned in clear, as the Terraform provider says.
 */
export const REDACTED_PATHS: Readonly<Record<Block, readonly string[]>> = {
  slack: ['token'],
  pagerduty: ['events.api_key', 'rest.api_key'],
  webhook: ['http_config.basic_auth.password', 'http_config.bearer_token'],
  victor_ops: ['api_key'],
  ops_genie: ['api_key', 'http_config.basic_auth.password', 'http_config.bearer_token'],
  cloudflare: ['api_token'],
  mongodb_atlas: ['client_secret'],
  sendgrid: ['api_key'],
  datadog: ['api_key', 'app_key'],
};

/** `configv1PagerdutyEventsVersion`; V2 is the default when none is given. */
export const PAGERDUTY_EVENTS_VERSIONS = ['PAGERDUTY_EVENTS_VERSION_V1', 'PAGERDUTY_EVENTS_VERSION_V2'] as const;
export const PAGERDUTY_DEFAULT_EVENTS_VERSION = 'PAGERDUTY_EVENTS_VERSION_V2';

/** The Cloudflare token prefixes the swagger names: user tokens and account tokens. */
export const CLOUDFLARE_TOKEN_PREFIXES: readonly string[] = ['cfut_', 'cfat_'];

/**
 * Slugs. The swagger gives no rule; the simulator takes what generated slugs look like: letters,
 * digits, `-`, `_` and `.`, starting with a letter or digit, at most 256 characters.
 */
export const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;

/** A Datadog site is a DNS host name such as `datadoghq.com` or `datadoghq.eu` (the swagger's examples). */
export const DATADOG_SITE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/**
 * The slug generated from a name when none is given (the swagger says one is; how is not said):
 * lower-case ASCII words joined by `-`.
 */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 256)
    .replace(/-+$/, '');
}

/**
 * Paging: `page.max_size` 0 or absent means the server default, which is unknown; clients must not
 * assume any size (the swagger), so the simulator's defaults are options.
 */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** gRPC status codes the grpc-gateway puts in `apiError.code`. */
export const GRPC_CODE = {
  invalidArgument: 3,
  notFound: 5,
  alreadyExists: 6,
  failedPrecondition: 9,
  unauthenticated: 16,
} as const;
