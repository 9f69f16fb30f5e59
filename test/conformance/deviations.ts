import type { VendorId } from '../../src/core/vendor.js';
import type { IssueKind } from './openapi.js';

/**
 * One known way a simulator answer departs from the vendor's document, and why the answer is
 * right anyway. Narrow by construction: one operation, one status, one kind of issue, one JSON
 * path (and, for schema issues, one ajv keyword). The conformance tests fail on any issue no entry
 * lists, and on any entry no answer needed, so this list stays exactly as long as it must be.
 */
export interface Deviation {
  readonly vendor: VendorId;
  /** `METHOD template` as the document writes it; for an undeclared operation, `METHOD path` as sent. */
  readonly operation: string;
  readonly status: number;
  readonly kind: IssueKind;
  /** JSON pointer of the field ('' for the whole answer); `*` stands for any one segment (an array index). */
  readonly path: string;
  /** For `schema` issues: the ajv keyword that fails (`additionalProperties`, `required`, `type`, …). */
  readonly keyword?: string;
  /** Why the answer is right although the document says otherwise (a recording, a document gap, …). */
  readonly reason: string;
  /** For an `undeclared-operation`: the documented operation whose responses the answer is judged against. */
  readonly validateAs?: string;
}

type Case = readonly [operation: string, status: number, path: string];
type Shared = Omit<Deviation, 'operation' | 'status' | 'path'>;

/** One deviation per case, all for the same reason. */
function each(shared: Shared, cases: readonly Case[]): Deviation[] {
  return cases.map(([operation, status, path]) => ({ ...shared, operation, status, path }));
}

/** Every pairing of the operations (with the path prefix of their items) and the member paths. */
function across(operations: readonly (readonly [operation: string, status: number, prefix: string])[], paths: readonly string[]): Case[] {
  return operations.flatMap(([operation, status, prefix]) => paths.map((path): Case => [operation, status, `${prefix}${path}`]));
}

// ---------------------------------------------------------------------------------------------
// Datadog: openapi-v2-action-connection.yaml

const DD_CONNECTIONS = '/api/v2/actions/connections';
const DD_CONNECTION = `${DD_CONNECTIONS}/{connection_id}`;
const DD_APP_KEYS = '/api/v2/actions/app_key_registrations';
const DD_APP_KEY = `${DD_APP_KEYS}/{app_key_id}`;
/** The three answers that carry a connection, and where its credentials sit. */
const DD_CONNECTION_ANSWERS = [
  [`POST ${DD_CONNECTIONS}`, 201, '/data/attributes/integration/credentials'],
  [`GET ${DD_CONNECTION}`, 200, '/data/attributes/integration/credentials'],
  [`PATCH ${DD_CONNECTION}`, 200, '/data/attributes/integration/credentials'],
] as const;

const DATADOG: readonly Deviation[] = [
  ...each(
    {
      vendor: 'datadog',
      kind: 'media-type',
      reason: 'Recorded: every JSON answer in docs/vendors/datadog/cassettes is `application/vnd.api+json` (JSON:API); the document says `application/json` (CONTRACT.md, "Endpoints").',
    },
    [
      ...[201, 400, 403].map((status): Case => [`POST ${DD_CONNECTIONS}`, status, '']),
      ...[200, 400, 403, 404].map((status): Case => [`GET ${DD_CONNECTION}`, status, '']),
      ...[200, 400, 403, 404].map((status): Case => [`PATCH ${DD_CONNECTION}`, status, '']),
      ...[403, 404].map((status): Case => [`DELETE ${DD_CONNECTION}`, status, '']),
      ...[200, 400].map((status): Case => [`GET ${DD_APP_KEYS}`, status, '']),
      ...[201, 400].map((status): Case => [`PUT ${DD_APP_KEY}`, status, '']),
      ...[200, 400, 404].map((status): Case => [`GET ${DD_APP_KEY}`, status, '']),
      ...[400, 404].map((status): Case => [`DELETE ${DD_APP_KEY}`, status, '']),
    ],
  ),
  ...each(
    {
      vendor: 'datadog',
      kind: 'schema',
      keyword: 'type',
      reason:
        'Datadog\'s edge answers missing or bad keys itself with `{"errors":["Forbidden"]}` (plain strings, `application/json`), before the API\'s JSON:API layer: seen in public reports of the real API (DataDog/terraform-provider-datadog output quoted in department-of-veterans-affairs/va.gov-team#58429; scribd/datadog_backup#153). The document types `errors` items as objects.',
    },
    [`POST ${DD_CONNECTIONS}`, `GET ${DD_CONNECTION}`, `PATCH ${DD_CONNECTION}`, `DELETE ${DD_CONNECTION}`, `GET ${DD_APP_KEYS}`, `PUT ${DD_APP_KEY}`, `GET ${DD_APP_KEY}`, `DELETE ${DD_APP_KEY}`].map(
      (operation): Case => [operation, 403, '/errors/0'],
    ),
  ),
  ...each(
    {
      vendor: 'datadog',
      kind: 'schema',
      keyword: 'required',
      reason:
        'The document shares one schema between requests and responses and has no writeOnly marker, so it requires every secret in answers; what Datadog returns for them is unknown (CONTRACT.md, "Secrets and masking on read"). The simulator leaves them out by default (`echoSecrets: false`), the answer Patchbay must cope with and the safe one.',
    },
    across(DD_CONNECTION_ANSWERS, [
      '/api_token',
      '/api_key',
      '/access_token',
      '/api_password',
      '/app_key',
      '/client_secret',
      '/global_api_key',
      '/password',
      '/private_key',
      '/sdk_key',
      '/tokens/*/value',
    ]),
  ),
  ...each(
    {
      vendor: 'datadog',
      kind: 'schema',
      keyword: 'additionalProperties',
      reason:
        "Read and update answers carry the connection's record beyond the 2025 excerpt: Datadog's current API model of a connection (ConnectionDataAttributesResponse in datadog-api-client-go, -java, -python and -rust) has `acting_user_can_resolve`, `created_at`, `last_updated` and the creator; the simulator sends them on GET and PATCH as its recordings show (src/simulators/datadog/render.ts), not on create.",
    },
    across(
      [
        [`GET ${DD_CONNECTION}`, 200, '/data'],
        [`PATCH ${DD_CONNECTION}`, 200, '/data'],
      ],
      ['/attributes/acting_user_can_resolve', '/attributes/created_at', '/attributes/last_updated', '/relationships'],
    ),
  ),
  ...each(
    {
      vendor: 'datadog',
      kind: 'schema',
      keyword: 'pattern',
      reason:
        'The document writes the header-name pattern with doubled backslashes (`^[A-Za-z][A-Za-z\\\\d\\\\-\\\\_]*$`), which read literally refuses digits and `-` (`Content-Type`); CONTRACT.md ("Validation patterns") reads it as single escapes, as Datadog does.',
    },
    across(DD_CONNECTION_ANSWERS, ['/headers/*/name']),
  ),
];

// ---------------------------------------------------------------------------------------------
// Cortex: openapi-pagerduty.yaml

const CX = '/api/v1/pagerduty';
const CORTEX: readonly Deviation[] = [
  ...each(
    {
      vendor: 'cortex',
      kind: 'undeclared-status',
      reason:
        'The document declares no 401 and its ErrorResponse has no UNAUTHORIZED type, yet every call needs `Authorization: Bearer` (its bearerAuth scheme); CONTRACT.md: "Expect 401 or 403 for a bad key". The simulator answers a refused key from the authentication layer: a bare 401 with a Bearer challenge.',
    },
    [`GET ${CX}/default-configuration`, `POST ${CX}/configuration`, `PUT ${CX}/configuration`, `POST ${CX}/configuration/validate`, `DELETE ${CX}/configurations`].map(
      (operation): Case => [operation, 401, ''],
    ),
  ),
  ...each(
    {
      vendor: 'cortex',
      kind: 'undeclared-status',
      reason:
        'A key without the "Configure integrations" permission is refused on every operation; the document declares the 403 only for the writes, though a permission check cannot spare the reads (CONTRACT.md: 401 or 403 for a bad key).',
    },
    [
      [`GET ${CX}/default-configuration`, 403, ''],
      [`POST ${CX}/configuration/validate`, 403, ''],
    ],
  ),
  {
    vendor: 'cortex',
    operation: `POST ${CX}/configuration`,
    status: 409,
    kind: 'undeclared-status',
    path: '',
    reason:
      'Unknown (CONTRACT.md, "Unknown: whether POST fails when a configuration already exists"): a workspace has one PagerDuty configuration, so "add" over an existing one is refused with the ErrorResponse `CONFLICT` type the document defines, at the status that type names.',
  },
  {
    vendor: 'cortex',
    operation: `DELETE ${CX}/configurations`,
    status: 404,
    kind: 'undeclared-status',
    path: '',
    reason: 'Unknown (CONTRACT.md): DELETE with nothing configured. The simulator gives the `NOT_FOUND` ErrorResponse the read and validate operations declare for the same state.',
  },
];

// ---------------------------------------------------------------------------------------------
// Cloud Manager: cloud-manager-v1.0-integrations.derived.openapi.yaml

const CM_LIST = '/groups/{GROUP-ID}/integrations';
const CM_ONE = `${CM_LIST}/{INTEGRATION-TYPE}`;
/** The answers that carry integrations, and where each integration sits. */
const CM_ANSWERS = [
  [`GET ${CM_LIST}`, 200, '/results/*'],
  [`GET ${CM_ONE}`, 200, ''],
  [`POST ${CM_ONE}`, 200, '/results/*'],
  [`PUT ${CM_ONE}`, 200, '/results/*'],
] as const;

const MONGODB: readonly Deviation[] = [
  ...each(
    {
      vendor: 'mongodb',
      kind: 'schema',
      keyword: 'discriminator',
      reason:
        'Legacy NEW_RELIC integrations are still listed and read (CONTRACT.md: Cloud Manager lists NEW_RELIC, end-of-life since 2021, fields accountId/licenseKey/readToken/writeToken as in the Atlas excerpt), but the derived IntegrationResponse has no NEW_RELIC member.',
    },
    [
      [`GET ${CM_LIST}`, 200, '/results/*/type'],
      [`GET ${CM_ONE}`, 200, '/type'],
      [`POST ${CM_ONE}`, 200, '/results/*/type'],
    ],
  ),
  ...each(
    {
      vendor: 'mongodb',
      kind: 'schema',
      keyword: 'additionalProperties',
      reason:
        'Recorded: every integration carries its `id`, PAGER_DUTY its `region` ("US" when none was given) and WEBHOOK `bodyTemplate`/`headersTemplate` (null when unset) in docs/vendors/mongodb/recordings (the Atlas-era view of the same integrations); the derived v1.0 document, written from the older field tables, declares none of them.',
    },
    across(CM_ANSWERS, ['/id', '/region', '/bodyTemplate', '/headersTemplate']),
  ),
];

// ---------------------------------------------------------------------------------------------
// OpsRamp: opsramp-auth.v2.yaml and opsramp-integrations-installed.v2.excerpt.yaml

const OR = '/api/v2/tenants/{tenantId}/integrations';
const OR_TOKEN = 'POST /auth/oauth/token';
const OR_SEARCH = `GET ${OR}/installed/search`;
const OR_READ = `GET ${OR}/installed/{installedIntgId}`;
const OR_UPDATE = `POST ${OR}/installed/{installedIntgId}`;
const OR_UNINSTALL = `DELETE ${OR}/installed/{installedIntgId}`;
const OR_INSTALL = `POST ${OR}/install/{installedIntgId}`;
const OR_INSTALL_CUSTOM = `POST ${OR}/install/CUSTOM`;
const OR_ENABLE = `POST ${OR}/installed/{installedIntgId}/enable`;
const OR_DISABLE = `POST ${OR}/installed/{installedIntgId}/disable`;
const OR_NOTIFIER = `POST ${OR}/installed/{installedIntgId}/notifier`;
const OR_AUTHENTICATION = `POST ${OR}/installed/{installedIntgId}/inbound/authentication`;
const OR_SET_MAPPINGS = `POST ${OR}/installed/{installedIntgId}/mappingAttr`;
const OR_GET_MAPPINGS = `GET ${OR}/installed/{installedIntgId}/mappingAttr`;
const OR_AVAILABLE = `GET ${OR}/available/search`;

/** The error statuses each operation answers in the tests; the excerpt declares none. */
const OR_ERRORS: readonly (readonly [operation: string, statuses: readonly number[]])[] = [
  [OR_SEARCH, [400, 401, 403, 407, 429]],
  [OR_READ, [401, 403, 404, 407]],
  [OR_UPDATE, [401, 403, 404, 407]],
  [OR_UNINSTALL, [400, 401, 403, 404, 407]],
  [OR_INSTALL, [404, 409]],
  [OR_INSTALL_CUSTOM, [400, 401, 403, 407]],
  [OR_ENABLE, [401, 403, 404, 407]],
  [OR_DISABLE, [404]],
  [OR_NOTIFIER, [400, 404]],
  [OR_AUTHENTICATION, [400, 404]],
  [OR_SET_MAPPINGS, [400, 404]],
  [OR_GET_MAPPINGS, [404]],
  [OR_AVAILABLE, [400, 401, 403, 407, 429]],
];

/** The answers that carry `integrationInstall` objects, and where each object sits. */
const OR_INSTALLS = [
  [OR_SEARCH, 200, '/results/*'],
  [OR_READ, 200, ''],
  [OR_UPDATE, 200, ''],
  [OR_INSTALL_CUSTOM, 200, ''],
] as const;
/** The same, for the answers whose integrations carry mappings and a notifier (not the catalogue install). */
const OR_MAPPED = [...OR_INSTALLS.map(([operation, status, prefix]) => [operation, status, `${prefix}/inboundConfig/mapAttributes/*`] as const)];
const OR_MAPPED_OUT = [...OR_INSTALLS.map(([operation, status, prefix]) => [operation, status, `${prefix}/outboundConfig/mapAttributes/*`] as const)];
const OR_MAPPING_NAMES = ['/attrName', '/thirdPartyAttrName', '/thirdPartyEntityType', '/attrValues/*/thirdPartyAttrValue'];

const OPSRAMP: readonly Deviation[] = [
  ...each(
    {
      vendor: 'opsramp',
      kind: 'undeclared-operation',
      validateAs: OR_TOKEN,
      reason:
        'The current token path (CONTRACT.md, "Base URL and authentication": OpsRamp\'s API reference collection, its MCP server and every recent client) is not in the 2021 opsramp-auth.v2.yaml, which names `/auth/oauth/token`; the answers are judged against that operation.',
    },
    [200, 400, 401].map((status): Case => ['POST /tenancy/auth/oauth/token', status, '']),
  ),
  {
    vendor: 'opsramp',
    operation: OR_TOKEN,
    status: 200,
    kind: 'schema',
    keyword: 'type',
    path: '/expires_in',
    reason:
      "`expires_in` is a JSON number in OAuth 2.0 (RFC 6749 §5.1) and in Spring Security OAuth2, whose error bodies OpsRamp's are; opsramp-auth.v2.yaml types it as a string and quotes its example ('7199'). CONTRACT.md records the disagreement.",
  },
  ...each(
    {
      vendor: 'opsramp',
      kind: 'undeclared-status',
      reason:
        "The excerpt declares 200 responses only (its description and CONTRACT.md: \"no 201 and no error schemas\"); OpsRamp's API overview lists 400, 401, 404, 405, 407, 410 and 429, and the OAuth and throttling error body `{error, error_description}`. Unknown: the answer for another tenant's path; Spring Security's 403 `access_denied` is used.",
    },
    OR_ERRORS.flatMap(([operation, statuses]) => statuses.map((status): Case => [operation, status, ''])),
  ),
  ...each(
    {
      vendor: 'opsramp',
      kind: 'schema',
      keyword: 'additionalProperties',
      reason: 'The search schema lacks the paging members its own examples show (`previousPageNo: 0`, `nextPageNo: 2` in opsramp-integrations-installed.v2.excerpt.yaml; CONTRACT.md, "Pagination").',
    },
    [
      [OR_SEARCH, 200, '/previousPageNo'],
      [OR_SEARCH, 200, '/nextPageNo'],
      [OR_AVAILABLE, 200, '/previousPageNo'],
      [OR_AVAILABLE, 200, '/nextPageNo'],
    ],
  ),
  ...each(
    {
      vendor: 'opsramp',
      kind: 'schema',
      keyword: 'additionalProperties',
      reason:
        'The current platform returns audit and lifecycle members the 2021 schema lacks (CONTRACT.md, "Newer response shape": OpsRamp\'s own MCP server, opsramp/or-mcp-v2, models createdBy/createdTime, updatedBy/updatedTime, state, version and updateAvailable).',
    },
    [
      ...across(OR_INSTALLS, ['/createdBy', '/createdTime', '/updatedBy', '/updatedTime', '/state', '/version', '/updateAvailable']),
      ...across([[OR_INSTALL, 200, '']], ['/createdBy', '/createdTime', '/updatedBy', '/updatedTime', '/state', '/version', '/updateAvailable']),
    ],
  ),
  ...each(
    {
      vendor: 'opsramp',
      kind: 'schema',
      keyword: 'enum',
      reason: 'The newer platform uses categories outside the 2021 enum, e.g. "SDK APP" (CONTRACT.md, "Newer response shape").',
    },
    [
      [OR_SEARCH, 200, '/results/*/category'],
      [OR_READ, 200, '/category'],
    ],
  ),
  ...each(
    {
      vendor: 'opsramp',
      kind: 'schema',
      keyword: 'additionalProperties',
      reason:
        'Every response example of the excerpt spells mappings `thirdPartyAttrName`, `thirdPartyEntityType`, `thirdPartyAttrValue` and adds `attrName` (e.g. `incident.status.name`), where the schema says `tenant*` (CONTRACT.md, "Inconsistencies inside OpsRamp\'s own material"); the simulator answers as the examples do.',
    },
    [
      ...across(OR_MAPPED, OR_MAPPING_NAMES),
      ...across(OR_MAPPED_OUT, OR_MAPPING_NAMES),
      ...across(
        [
          [OR_SET_MAPPINGS, 200, '/*'],
          [OR_GET_MAPPINGS, 200, '/*'],
        ],
        OR_MAPPING_NAMES,
      ),
    ],
  ),
  ...each(
    {
      vendor: 'opsramp',
      kind: 'schema',
      keyword: 'additionalProperties',
      reason:
        'The examples, the seed page and python-opsramp spell the notifier\'s token URL `accessTokenURI`; the schema says `accessTokenURL` (CONTRACT.md, "Inconsistencies"). The simulator answers as the examples do.',
    },
    [...across(OR_INSTALLS, ['/outboundConfig/baseNotifier/accessTokenURI']), [OR_NOTIFIER, 200, '/accessTokenURI']],
  ),
  ...each(
    {
      vendor: 'opsramp',
      kind: 'schema',
      keyword: 'additionalProperties',
      reason: 'The excerpt\'s examples show the inbound role with its `name` (e.g. "Client Administrator"); the schema\'s `role` has `uniqueId` only.',
    },
    [
      [OR_SEARCH, 200, '/results/*/inboundConfig/authentication/role/name'],
      [OR_READ, 200, '/inboundConfig/authentication/role/name'],
    ],
  ),
];

/** Every deviation, all vendors. */
export const DEVIATIONS: readonly Deviation[] = [...DATADOG, ...CORTEX, ...MONGODB, ...OPSRAMP];
