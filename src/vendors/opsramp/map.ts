import type { AccountRef, ConnectionBase, SecretHint } from '../../core/domain.js';
import { secretHint } from '../../core/domain.js';
import {
  OPSRAMP_CATEGORIES,
  OPSRAMP_DIRECTIONS,
  OPSRAMP_ENTITY_TYPES,
  OPSRAMP_INBOUND_AUTH_TYPES,
  OPSRAMP_NOTIFIER_AUTH_TYPES,
  OPSRAMP_NOTIFIER_TYPES,
  OPSRAMP_STATES,
  OPSRAMP_STATUSES,
  UNKNOWN,
  catalogueEntry,
  normalise,
  normaliseGrantType,
  type OpsRampCategory,
  type OpsRampDirection,
  type OpsRampEntityType,
  type OpsRampGrantType,
  type OpsRampInboundAuthType,
  type OpsRampIntegrationKind,
  type OpsRampNotifierAuthType,
  type OpsRampNotifierType,
  type OpsRampState,
  type OpsRampStatus,
  type Unknown,
} from './catalogue.js';
import type { AuthenticationWire, AvailableIntegrationWire, InstalledIntegrationWire, MapAttributeWire, NotifierWire } from './wire.js';
import type { ConnectedService } from '../../core/vendor.js';

/** An integration OpsRamp offers (its catalogue), as installed or as available. */
export interface OpsRampCatalogueIntegration {
  readonly id: string;
  readonly name: string | null;
  /** `UNKNOWN` for an id Patchbay does not know yet. */
  readonly kind: OpsRampIntegrationKind | Unknown;
  readonly service: ConnectedService;
  readonly multipleInstallations: boolean | null;
}

/** One OpsRamp value and the third-party value it maps to. */
export interface OpsRampAttrValue {
  readonly attrValue: string | null;
  readonly thirdPartyAttrValue: string | null;
}

/** A mapping between an OpsRamp attribute and a third-party attribute. */
export interface OpsRampMapAttribute {
  readonly name: string | null;
  readonly attrName: string | null;
  readonly entityType: OpsRampEntityType | Unknown | null;
  readonly thirdPartyAttrName: string | null;
  readonly thirdPartyEntityType: string | null;
  readonly mode: string | null;
  readonly attrValues: readonly OpsRampAttrValue[];
}

/** An OAuth2 key pair third parties use to call OpsRamp; both halves are credentials. */
export interface OpsRampApiKeyPair {
  readonly key: SecretHint;
  readonly secret: SecretHint;
}

export interface OpsRampInboundAuthentication {
  readonly authType: OpsRampInboundAuthType | Unknown | null;
  readonly roleUniqueId: string | null;
  readonly roleName: string | null;
  /** The WEBHOOK token (OpsRamp returns it in clear; only a hint survives). */
  readonly token: SecretHint | null;
  readonly apiKeyPairs: readonly OpsRampApiKeyPair[];
}

/** A webhook address OpsRamp gives third parties; query values (the `vtoken`) are redacted. */
export interface OpsRampWebhookUri {
  readonly entityType: string | null;
  readonly url: string | null;
}

export interface OpsRampInboundConfig {
  readonly authentication: OpsRampInboundAuthentication | null;
  readonly mapAttributes: readonly OpsRampMapAttribute[];
  readonly dropAlerts: boolean | null;
  readonly entityTypes: readonly (OpsRampEntityType | Unknown)[];
  readonly webhookUrl: string | null;
  readonly webhookUris: readonly OpsRampWebhookUri[];
}

/** A JWT notifier key/value whose value may carry a credential. */
export interface OpsRampSecretKeyValue {
  readonly key: string | null;
  readonly value: SecretHint;
}

/** A JWT notifier key/value that is plain configuration. */
export interface OpsRampKeyValue {
  readonly key: string | null;
  readonly value: string | null;
}

/** How OpsRamp notifies the third party (`outboundConfig.baseNotifier`). */
export interface OpsRampNotifier {
  readonly type: OpsRampNotifierType | Unknown | null;
  readonly baseUri: string | null;
  readonly authType: OpsRampNotifierAuthType | Unknown | null;
  /** As OpsRamp sent it, for the unknown-auth fallback. */
  readonly authTypeText: string | null;
  readonly grantType: OpsRampGrantType | Unknown | null;
  readonly userName: string | null;
  readonly password: SecretHint;
  readonly apiKey: SecretHint;
  readonly apiSecret: SecretHint;
  /** `accessTokenURI` or `accessTokenURL`, whichever OpsRamp sent. */
  readonly accessTokenUri: string | null;
  readonly tokenUrl: string | null;
  readonly tokenPayload: SecretHint;
  readonly tokenHeaders: readonly OpsRampSecretKeyValue[];
  readonly tokensPath: readonly OpsRampKeyValue[];
  readonly resourceAuthHeaders: readonly OpsRampSecretKeyValue[];
}

export interface OpsRampOutboundConfig {
  readonly mapAttributes: readonly OpsRampMapAttribute[];
  readonly baseNotifier: OpsRampNotifier | null;
}

export interface OpsRampAlertSource {
  readonly id: string | null;
  readonly name: string | null;
  readonly displayName: string | null;
  readonly techUid: string | null;
}

/** An installed integration of one OpsRamp tenant. */
export interface OpsRampInstalledIntegration extends ConnectionBase {
  readonly kind: 'opsramp';
  readonly tenantId: string;
  /** OpsRamp's id, `INTG-<uuid>`. */
  readonly installedId: string;
  readonly displayName: string | null;
  readonly description: string | null;
  readonly integration: OpsRampCatalogueIntegration | null;
  readonly status: OpsRampStatus | Unknown | null;
  readonly statusText: string | null;
  readonly category: OpsRampCategory | Unknown | null;
  readonly categoryText: string | null;
  readonly direction: OpsRampDirection | Unknown | null;
  readonly installedBy: string | null;
  readonly installedAt: Date | null;
  /** Who created it: `createdBy`, else `installedBy`. */
  readonly createdBy: string | null;
  /** Who changed it last: `updatedBy`, else `modifiedBy`. */
  readonly updatedBy: string | null;
  /** Its deployment state (`Deployed`), normalised; `UNKNOWN` for a value Patchbay does not know. */
  readonly state: OpsRampState | Unknown | null;
  readonly stateText: string | null;
  /** The version of the installed integration app, as OpsRamp sends it. */
  readonly version: string | null;
  /** Whether OpsRamp offers a newer version of it. */
  readonly updateAvailable: boolean | null;
  readonly ticketType: string | null;
  readonly parentIntegrationId: string | null;
  readonly alertSource: OpsRampAlertSource | null;
  readonly inbound: OpsRampInboundConfig | null;
  readonly outbound: OpsRampOutboundConfig | null;
}

const str = (value: string | null | undefined): string | null => (value === undefined || value === '' ? null : value);

/** Below this, an epoch number counts seconds; above, milliseconds (1e11 s is the year 5138, 1e11 ms is 1973). */
const EPOCH_MILLIS_FROM = 1e11;

/** A time OpsRamp sent as epoch seconds or milliseconds; null when out of range. */
function epochTime(value: number): Date | null {
  const date = new Date(Math.abs(value) < EPOCH_MILLIS_FROM ? value * 1000 : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Parses OpsRamp's times: `2020-10-08T07:25:24+0100` (and ISO 8601 forms) as the 2021 spec shows
 * them, or epoch seconds or milliseconds (a number or a string of digits) as newer platforms send
 * them. Impossible dates such as the spec's own `2021-02-29` give null rather than a silently
 * rolled-over day; so does anything else unreadable (the field reads as absent).
 */
export function parseOpsRampTime(raw: string | number | null | undefined): Date | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (typeof raw === 'number') return epochTime(raw);
  if (/^\d{9,}$/.test(raw.trim())) return epochTime(Number(raw.trim()));
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC)?$/i.exec(raw.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const zone = m[8]?.toUpperCase();
  let offsetMinutes = 0;
  if (zone && zone !== 'Z' && zone !== 'UTC') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return new Date(utc - offsetMinutes * 60_000);
}

/** Keeps a webhook URL's shape but never its query values, which carry the inbound token. */
export function redactUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    for (const key of [...new Set(url.searchParams.keys())]) url.searchParams.set(key, 'REDACTED');
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    const question = raw.indexOf('?');
    return question === -1 ? raw : `${raw.slice(0, question)}?REDACTED`;
  }
}

/** Reads a mapping whichever names it uses: `thirdParty*` (examples) or `tenant*` (schema). */
export function mapAttribute(wire: MapAttributeWire): OpsRampMapAttribute {
  return {
    name: str(wire.name),
    attrName: str(wire.attrName),
    entityType: normalise(OPSRAMP_ENTITY_TYPES, wire.entityType),
    thirdPartyAttrName: str(wire.thirdPartyAttrName ?? wire.tenantAttrName),
    thirdPartyEntityType: str(wire.thirdPartyEntityType ?? wire.tenantEntityType),
    mode: str(wire.mode),
    attrValues: (wire.attrValues ?? []).map((v) => ({
      attrValue: str(v.attrValue),
      thirdPartyAttrValue: str(v.thirdPartyAttrValue ?? v.tenantAttrValue),
    })),
  };
}

function authentication(wire: AuthenticationWire): OpsRampInboundAuthentication {
  const base = 'inboundConfig.authentication';
  return {
    authType: normalise(OPSRAMP_INBOUND_AUTH_TYPES, wire.authType),
    roleUniqueId: str(wire.role?.uniqueId),
    roleName: str(wire.role?.name),
    token: wire.token ? secretHint(`${base}.token`, wire.token) : null,
    // The secret half is shown once, at install time; later reads omit it, but a pair always has one.
    apiKeyPairs: (wire.apiKeyPairs ?? []).map((pair, index) => ({
      key: secretHint(`${base}.apiKeyPairs.${index}.key`, pair.key, true),
      secret: secretHint(`${base}.apiKeyPairs.${index}.secret`, pair.secret, true),
    })),
  };
}

function notifier(wire: NotifierWire): OpsRampNotifier {
  const base = 'outboundConfig.baseNotifier';
  const authType = normalise(OPSRAMP_NOTIFIER_AUTH_TYPES, wire.authType);
  const grantType = normaliseGrantType(wire.grantType);
  // OpsRamp omits `password` and `apiSecret` on read; where the auth type requires them they are set.
  const passwordRequired = authType === 'BASIC' || (authType === 'OAUTH2' && (grantType === 'PASSWORD' || grantType === 'REFRESH_TOKEN'));
  const secretPairs = (items: NotifierWire['tokenHeaders'], field: string): OpsRampSecretKeyValue[] =>
    (items ?? []).map((item, index) => ({ key: str(item.key), value: secretHint(`${base}.${field}.${index}.value`, item.value, false) }));
  const payloadSet = wire.tokenPayload !== undefined && wire.tokenPayload !== null;
  return {
    type: normalise(OPSRAMP_NOTIFIER_TYPES, wire.type),
    baseUri: str(wire.baseURI),
    authType,
    authTypeText: str(wire.authType),
    grantType,
    userName: str(wire.userName),
    password: secretHint(`${base}.password`, wire.password, passwordRequired),
    apiKey: secretHint(`${base}.apiKey`, wire.apiKey, authType === 'OAUTH2'),
    apiSecret: secretHint(`${base}.apiSecret`, wire.apiSecret, authType === 'OAUTH2'),
    accessTokenUri: str(wire.accessTokenURI ?? wire.accessTokenURL),
    tokenUrl: str(wire.tokenURL),
    // The JWT login payload usually embeds credentials: never shown, not even its tail.
    tokenPayload: { field: `${base}.tokenPayload`, isSet: payloadSet, lastFour: null },
    tokenHeaders: secretPairs(wire.tokenHeaders, 'tokenHeaders'),
    tokensPath: (wire.tokensPath ?? []).map((item) => ({ key: str(item.key), value: str(item.value) })),
    resourceAuthHeaders: secretPairs(wire.resourceAuthHeaders, 'resourceAuthHeaders'),
  };
}

/** The catalogue view of an integration id and name. */
export function catalogueIntegration(id: string, name: string | null | undefined, multipleInstallations: boolean | null | undefined): OpsRampCatalogueIntegration {
  const entry = catalogueEntry(id);
  return {
    id,
    name: str(name) ?? entry?.name ?? null,
    kind: entry?.kind ?? UNKNOWN,
    service: entry?.service ?? 'OTHER',
    multipleInstallations: multipleInstallations ?? null,
  };
}

/** Maps one entry of the available-integrations search (either shape, reconciled in wire.ts). */
export function mapAvailableIntegration(wire: AvailableIntegrationWire): OpsRampCatalogueIntegration {
  return catalogueIntegration(wire.id, wire.name, null);
}

/** Every secret hint of an integration, for `VendorConnection.secrets`. */
export function collectSecrets(inbound: OpsRampInboundConfig | null, outbound: OpsRampOutboundConfig | null): SecretHint[] {
  const secrets: SecretHint[] = [];
  const auth = inbound?.authentication;
  if (auth?.token) secrets.push(auth.token);
  for (const pair of auth?.apiKeyPairs ?? []) secrets.push(pair.key, pair.secret);
  const n = outbound?.baseNotifier;
  if (n) {
    for (const hint of [n.password, n.apiKey, n.apiSecret, n.tokenPayload]) if (hint.isSet) secrets.push(hint);
    secrets.push(...n.tokenHeaders.map((h) => h.value), ...n.resourceAuthHeaders.map((h) => h.value));
  }
  return secrets;
}

/**
 * Maps OpsRamp's `integrationInstall` to the domain. Secret values (the inbound token, API key
 * pairs, notifier credentials, webhook `vtoken`s) never survive this function, even though
 * OpsRamp returns several of them in clear.
 */
export function mapInstalledIntegration(account: AccountRef, tenantId: string, wire: InstalledIntegrationWire): OpsRampInstalledIntegration {
  const catalogue = wire.integration?.id ? catalogueIntegration(wire.integration.id, wire.integration.name, wire.integration.multipleInstallations) : null;
  const inWire = wire.inboundConfig;
  const auth = inWire?.authentication;
  const inbound: OpsRampInboundConfig | null = inWire
    ? {
        authentication: auth ? authentication(auth) : null,
        mapAttributes: (inWire.mapAttributes ?? []).map(mapAttribute),
        dropAlerts: inWire.dropAlerts ?? null,
        entityTypes: (inWire.entityTypes ?? auth?.entityTypes ?? []).map((t) => normalise(OPSRAMP_ENTITY_TYPES, t) ?? UNKNOWN),
        webhookUrl: redactUrl(auth?.webhookUrl),
        webhookUris: (inWire.webhookUris ?? auth?.webhookDetails ?? []).map((w) => ({ entityType: str(w.webhookEntityType), url: redactUrl(w.url) })),
      }
    : null;
  const outWire = wire.outboundConfig;
  const outbound: OpsRampOutboundConfig | null = outWire
    ? { mapAttributes: (outWire.mapAttributes ?? []).map(mapAttribute), baseNotifier: outWire.baseNotifier ? notifier(outWire.baseNotifier) : null }
    : null;
  const installedAt = parseOpsRampTime(wire.installedTime);
  const alert = wire.alertSource;
  const version = wire.version === null || wire.version === undefined ? null : str(String(wire.version));
  return {
    kind: 'opsramp',
    account,
    tenantId,
    installedId: wire.id,
    name: str(wire.displayName) ?? catalogue?.name ?? wire.id,
    service: catalogue?.service ?? 'OTHER',
    // The current platform's own creation and change fields win; the 2021 spec only has the installation.
    createdAt: parseOpsRampTime(wire.createdTime) ?? installedAt,
    updatedAt: parseOpsRampTime(wire.updatedTime) ?? parseOpsRampTime(wire.modifiedTime),
    secrets: collectSecrets(inbound, outbound),
    displayName: str(wire.displayName),
    description: str(wire.description),
    integration: catalogue,
    status: normalise(OPSRAMP_STATUSES, wire.status),
    statusText: str(wire.status),
    category: normalise(OPSRAMP_CATEGORIES, wire.category),
    categoryText: str(wire.category),
    direction: normalise(OPSRAMP_DIRECTIONS, wire.direction),
    installedBy: str(wire.installedBy),
    installedAt,
    createdBy: str(wire.createdBy) ?? str(wire.installedBy),
    updatedBy: str(wire.updatedBy) ?? str(wire.modifiedBy),
    state: normalise(OPSRAMP_STATES, wire.state),
    stateText: str(wire.state),
    version,
    updateAvailable: wire.updateAvailable ?? null,
    ticketType: str(wire.ticketType),
    parentIntegrationId: str(wire.parentIntg?.id),
    alertSource: alert ? { id: alert.id === null || alert.id === undefined ? null : String(alert.id), name: str(alert.name), displayName: str(alert.displayName), techUid: str(alert.techUid) } : null,
    inbound,
    outbound,
  };
}
