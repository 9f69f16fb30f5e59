import { builder } from '../builder.js';
import { urlHint } from '../../src/core/domain.js';
import { opsRampRuntime } from '../../src/vendors/opsramp/runtime.js';
import type {
  OpsRampAlertSource,
  OpsRampApiKeyPair,
  OpsRampAttrValue,
  OpsRampCatalogueIntegration,
  OpsRampInboundAuthentication,
  OpsRampInboundConfig,
  OpsRampInstalledIntegration,
  OpsRampKeyValue,
  OpsRampMapAttribute,
  OpsRampNotifier,
  OpsRampOutboundConfig,
  OpsRampSecretKeyValue,
  OpsRampWebhookUri,
} from '../../src/vendors/opsramp/map.js';
import { ConnectedServiceEnum } from '../enums.js';
import { SecretHintType } from '../secret-hint.js';
import { connectionNode } from '../vendor-connection.js';
import {
  OpsRampCategoryEnum,
  OpsRampDirectionEnum,
  OpsRampEntityTypeEnum,
  OpsRampGrantTypeEnum,
  OpsRampInboundAuthTypeEnum,
  OpsRampIntegrationKindEnum,
  OpsRampNotifierAuthTypeEnum,
  OpsRampNotifierTypeEnum,
  OpsRampStateEnum,
  OpsRampStatusEnum,
} from './enums.js';

/** The GraphQL type of an installed OpsRamp integration (a `VendorConnection`). */
export const OpsRampInstalledIntegrationRef = builder.objectRef<OpsRampInstalledIntegration>(opsRampRuntime.ids.typename);

/** An OpsRamp catalogue entry, as installed or as available. */
export const OpsRampCatalogueIntegrationType = builder.objectRef<OpsRampCatalogueIntegration>('OpsRampCatalogueIntegration').implement({
  description: 'An integration OpsRamp offers for installation (an entry of its catalogue, e.g. `CUSTOM`, `SLACK`, `AWS`).',
  fields: (t) => ({
    id: t.exposeString('id', { description: "OpsRamp's integration id, used to install it (e.g. `CUSTOM`)." }),
    name: t.exposeString('name', { nullable: true, description: 'Its name in the OpsRamp catalogue.' }),
    kind: t.field({ type: OpsRampIntegrationKindEnum, description: 'Its family; UNKNOWN for an id Patchbay does not know yet.', resolve: (i) => i.kind }),
    service: t.field({ type: ConnectedServiceEnum, description: 'What it connects to, normalised across vendors.', resolve: (i) => i.service }),
    multipleInstallations: t.exposeBoolean('multipleInstallations', { nullable: true, description: 'Whether a tenant may install it more than once, when OpsRamp says.' }),
  }),
});

const AttrValueType = builder.objectRef<OpsRampAttrValue>('OpsRampAttrValue').implement({
  description: 'One OpsRamp attribute value and the third-party value it corresponds to.',
  fields: (t) => ({
    attrValue: t.exposeString('attrValue', { nullable: true, description: 'The OpsRamp value, e.g. `Open`.' }),
    thirdPartyAttrValue: t.exposeString('thirdPartyAttrValue', {
      nullable: true,
      description: 'The third-party value, e.g. `In Progress` (OpsRamp sends it as `thirdPartyAttrValue` or `tenantAttrValue`).',
    }),
  }),
});

/** A mapping attribute, read under either of OpsRamp's spellings. */
export const OpsRampMapAttributeType = builder.objectRef<OpsRampMapAttribute>('OpsRampMapAttribute').implement({
  description: 'A mapping between an OpsRamp attribute and a third-party attribute, with its value pairs.',
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true, description: 'The OpsRamp attribute, e.g. `Status`.' }),
    attrName: t.exposeString('attrName', { nullable: true, description: "OpsRamp's path of the attribute, e.g. `incident.status.name` (set by OpsRamp)." }),
    entityType: t.field({ type: OpsRampEntityTypeEnum, nullable: true, description: 'The OpsRamp entity type it applies to.', resolve: (m) => m.entityType }),
    thirdPartyAttrName: t.exposeString('thirdPartyAttrName', {
      nullable: true,
      description: 'The third-party attribute (OpsRamp sends it as `thirdPartyAttrName` or `tenantAttrName`).',
    }),
    thirdPartyEntityType: t.exposeString('thirdPartyEntityType', {
      nullable: true,
      description: 'The third-party entity type (OpsRamp sends it as `thirdPartyEntityType` or `tenantEntityType`).',
    }),
    mode: t.exposeString('mode', { nullable: true, description: 'INBOUND or OUTBOUND, when OpsRamp says.' }),
    attrValues: t.field({ type: [AttrValueType], description: 'The value pairs.', resolve: (m) => [...m.attrValues] }),
  }),
});

const ApiKeyPairType = builder.objectRef<OpsRampApiKeyPair>('OpsRampApiKeyPair').implement({
  description: 'An OAuth2 key pair third parties use to call OpsRamp. Both halves are credentials: hints only.',
  fields: (t) => ({
    key: t.field({ type: SecretHintType, description: 'A hint about the key (OpsRamp returns it in clear; Patchbay does not).', resolve: (p) => p.key }),
    secret: t.field({ type: SecretHintType, description: 'A hint about the secret (OpsRamp shows it once, at installation).', resolve: (p) => p.secret }),
  }),
});

const InboundAuthenticationType = builder.objectRef<OpsRampInboundAuthentication>('OpsRampInboundAuthentication').implement({
  description: 'How third parties authenticate when they send data to OpsRamp through this integration.',
  fields: (t) => ({
    authType: t.field({ type: OpsRampInboundAuthTypeEnum, nullable: true, description: 'The authentication type.', resolve: (a) => a.authType }),
    roleUniqueId: t.exposeString('roleUniqueId', { nullable: true, description: 'The OpsRamp role of the inbound user (`ROLE-…`).' }),
    roleName: t.exposeString('roleName', { nullable: true, description: 'The name of that role, when OpsRamp says.' }),
    token: t.field({
      type: SecretHintType,
      nullable: true,
      description: 'A hint about the WEBHOOK token (OpsRamp returns the token in clear; Patchbay does not).',
      resolve: (a) => a.token,
    }),
    apiKeyPairs: t.field({ type: [ApiKeyPairType], description: 'The OAUTH2 key pairs.', resolve: (a) => [...a.apiKeyPairs] }),
  }),
});

const WebhookUriType = builder.objectRef<OpsRampWebhookUri>('OpsRampWebhookUri').implement({
  description: 'An OpsRamp webhook address for one entity type. Its query values (the `vtoken`) are redacted.',
  fields: (t) => ({
    entityType: t.exposeString('entityType', { nullable: true, description: 'The OpsRamp entity type it receives.' }),
    url: t.exposeString('url', { nullable: true, description: 'The address, with every query value replaced by `REDACTED`.' }),
  }),
});

const InboundConfigType = builder.objectRef<OpsRampInboundConfig>('OpsRampInboundConfig').implement({
  description: 'What the integration accepts from the third party.',
  fields: (t) => ({
    authentication: t.field({ type: InboundAuthenticationType, nullable: true, description: 'How the third party authenticates.', resolve: (c) => c.authentication }),
    mapAttributes: t.field({ type: [OpsRampMapAttributeType], description: 'Third-party attributes mapped to OpsRamp attributes.', resolve: (c) => [...c.mapAttributes] }),
    dropAlerts: t.exposeBoolean('dropAlerts', { nullable: true, description: 'Whether alerts from unmanaged resources are dropped.' }),
    entityTypes: t.field({ type: [OpsRampEntityTypeEnum], description: 'Service-desk entity types received by webhook.', resolve: (c) => [...c.entityTypes] }),
    webhookUrl: t.exposeString('webhookUrl', { nullable: true, description: 'The webhook address, with its query values redacted.' }),
    webhookUris: t.field({ type: [WebhookUriType], description: 'Webhook addresses per entity type.', resolve: (c) => [...c.webhookUris] }),
  }),
});

const KeyValueType = builder.objectRef<OpsRampKeyValue>('OpsRampKeyValue').implement({
  description: 'A key and a plain value of a JWT notifier (e.g. where the token sits in the login response).',
  fields: (t) => ({
    key: t.exposeString('key', { nullable: true, description: 'The key.' }),
    value: t.exposeString('value', { nullable: true, description: 'The value.' }),
  }),
});

const SecretKeyValueType = builder.objectRef<OpsRampSecretKeyValue>('OpsRampSecretKeyValue').implement({
  description: 'A header of a JWT notifier. Header values can carry credentials, so only hints are shown.',
  fields: (t) => ({
    key: t.exposeString('key', { nullable: true, description: 'The header name.' }),
    value: t.field({ type: SecretHintType, description: 'A hint about the value.', resolve: (kv) => kv.value }),
  }),
});

const NoNotifierAuthType = builder.objectRef<OpsRampNotifier>('OpsRampNoNotifierAuth').implement({
  description: 'The notifier calls the third party without authentication (`NONE`).',
  fields: (t) => ({
    authType: t.field({ type: OpsRampNotifierAuthTypeEnum, description: 'Always NONE.', resolve: () => 'NONE' as const }),
  }),
});

const BasicNotifierAuthType = builder.objectRef<OpsRampNotifier>('OpsRampBasicNotifierAuth').implement({
  description: 'The notifier uses HTTP basic authentication (`BASIC`).',
  fields: (t) => ({
    userName: t.exposeString('userName', { nullable: true, description: 'The user name.' }),
    password: t.field({ type: SecretHintType, description: 'A hint about the password (write-only).', resolve: (n) => n.password }),
  }),
});

const OAuth2NotifierAuthType = builder.objectRef<OpsRampNotifier>('OpsRampOAuth2NotifierAuth').implement({
  description: 'The notifier gets an OAuth2 token from the third party (`OAUTH2`).',
  fields: (t) => ({
    grantType: t.field({ type: OpsRampGrantTypeEnum, nullable: true, description: 'The OAuth2 grant.', resolve: (n) => n.grantType }),
    accessTokenUri: t.string({
      nullable: true,
      description:
        'Where the token comes from (OpsRamp sends it as `accessTokenURI` or `accessTokenURL`). Shown as a hint: scheme, host and port, then `/…` when a path or query follows (it may carry a token).',
      resolve: (n) => urlHint(n.accessTokenUri),
    }),
    apiKey: t.field({ type: SecretHintType, description: 'A hint about the client key (OpsRamp returns it in clear; Patchbay does not).', resolve: (n) => n.apiKey }),
    apiSecret: t.field({ type: SecretHintType, description: 'A hint about the client secret (write-only).', resolve: (n) => n.apiSecret }),
    userName: t.exposeString('userName', { nullable: true, description: 'The user, for the PASSWORD and REFRESH_TOKEN grants.' }),
    password: t.field({ type: SecretHintType, description: "A hint about the user's password (write-only).", resolve: (n) => n.password }),
  }),
});

const JwtNotifierAuthType = builder.objectRef<OpsRampNotifier>('OpsRampJwtNotifierAuth').implement({
  description: 'The notifier logs in to get a JWT and sends it on resource calls (`JWT`).',
  fields: (t) => ({
    userName: t.exposeString('userName', { nullable: true, description: 'The user.' }),
    password: t.field({ type: SecretHintType, description: 'A hint about the password (write-only).', resolve: (n) => n.password }),
    tokenUrl: t.string({
      nullable: true,
      description: 'The login address that issues the token. Shown as a hint: scheme, host and port, then `/…` when a path or query follows (it may carry a token).',
      resolve: (n) => urlHint(n.tokenUrl),
    }),
    tokenPayload: t.field({ type: SecretHintType, description: 'Whether a login payload is set (it usually holds credentials, so it is never shown).', resolve: (n) => n.tokenPayload }),
    tokenHeaders: t.field({ type: [SecretKeyValueType], description: 'Headers of the login request.', resolve: (n) => [...n.tokenHeaders] }),
    tokensPath: t.field({ type: [KeyValueType], description: 'Where tokens sit in the login response.', resolve: (n) => [...n.tokensPath] }),
    resourceAuthHeaders: t.field({ type: [SecretKeyValueType], description: 'Authorization headers of resource calls.', resolve: (n) => [...n.resourceAuthHeaders] }),
  }),
});

const UnknownNotifierAuthType = builder.objectRef<OpsRampNotifier>('OpsRampUnknownNotifierAuth').implement({
  description: 'An authentication type OpsRamp sent that this version of Patchbay does not know. Its credentials are not shown.',
  fields: (t) => ({
    authTypeText: t.exposeString('authTypeText', { nullable: true, description: "OpsRamp's `authType`, as sent." }),
  }),
});

const NOTIFIER_AUTH_MEMBERS = {
  NONE: 'OpsRampNoNotifierAuth',
  BASIC: 'OpsRampBasicNotifierAuth',
  OAUTH2: 'OpsRampOAuth2NotifierAuth',
  JWT: 'OpsRampJwtNotifierAuth',
} as const;

/** A notifier's authentication, one member per auth type plus a fallback. */
export const OpsRampNotifierAuthUnion = builder.unionType('OpsRampNotifierAuth', {
  description: 'How a notifier authenticates: one member per OpsRamp auth type, plus a fallback for types Patchbay does not know.',
  types: [NoNotifierAuthType, BasicNotifierAuthType, OAuth2NotifierAuthType, JwtNotifierAuthType, UnknownNotifierAuthType],
  resolveType: (notifier) => {
    const authType = notifier.authType;
    return authType !== null && authType !== 'UNKNOWN' ? NOTIFIER_AUTH_MEMBERS[authType] : 'OpsRampUnknownNotifierAuth';
  },
});

const NotifierType = builder.objectRef<OpsRampNotifier>('OpsRampNotifier').implement({
  description: "How OpsRamp sends events to the third party (OpsRamp's `baseNotifier`).",
  fields: (t) => ({
    type: t.field({ type: OpsRampNotifierTypeEnum, nullable: true, description: 'The kind of API it calls.', resolve: (n) => n.type }),
    baseUri: t.string({
      nullable: true,
      description: 'The base address of the third-party API. Shown as a hint: scheme, host and port, then `/…` when a path or query follows (it may carry a token).',
      resolve: (n) => urlHint(n.baseUri),
    }),
    authType: t.field({ type: OpsRampNotifierAuthTypeEnum, nullable: true, description: 'The authentication type.', resolve: (n) => n.authType }),
    auth: t.field({ type: OpsRampNotifierAuthUnion, description: 'The authentication details for that type.', resolve: (n) => n }),
  }),
});

const OutboundConfigType = builder.objectRef<OpsRampOutboundConfig>('OpsRampOutboundConfig').implement({
  description: 'What the integration sends to the third party.',
  fields: (t) => ({
    mapAttributes: t.field({ type: [OpsRampMapAttributeType], description: 'OpsRamp attributes mapped to third-party attributes.', resolve: (c) => [...c.mapAttributes] }),
    baseNotifier: t.field({ type: NotifierType, nullable: true, description: 'How events are sent.', resolve: (c) => c.baseNotifier }),
  }),
});

const AlertSourceType = builder.objectRef<OpsRampAlertSource>('OpsRampAlertSource').implement({
  description: 'The alert source a Monitoring integration reports as.',
  fields: (t) => ({
    id: t.exposeString('id', { nullable: true, description: "OpsRamp's alert-source id." }),
    name: t.exposeString('name', { nullable: true, description: 'Its name.' }),
    displayName: t.exposeString('displayName', { nullable: true, description: 'Its display name.' }),
    techUid: t.exposeString('techUid', { nullable: true, description: 'Its technology id.' }),
  }),
});

builder.node(OpsRampInstalledIntegrationRef, {
  description: 'An integration installed in an OpsRamp tenant: a catalogue integration (Slack, JIRA, a CUSTOM webhook, …) with its inbound and outbound configuration.',
  ...connectionNode(opsRampRuntime, 'Its global id: the account, the tenant and OpsRamp’s installed id.'),
  fields: (t) => ({
    tenantId: t.exposeString('tenantId', { description: 'The OpsRamp tenant (client or partner id) it is installed in.' }),
    installedId: t.exposeString('installedId', { description: "OpsRamp's id of the installation (`INTG-…`)." }),
    displayName: t.exposeString('displayName', { nullable: true, description: 'The name given at installation, if any.' }),
    description: t.exposeString('description', { nullable: true, description: 'Its description, if any.' }),
    integration: t.field({ type: OpsRampCatalogueIntegrationType, nullable: true, description: 'The catalogue integration it installs.', resolve: (i) => i.integration }),
    status: t.field({ type: OpsRampStatusEnum, nullable: true, description: 'Whether it is enabled.', resolve: (i) => i.status }),
    statusText: t.exposeString('statusText', { nullable: true, description: "OpsRamp's `status`, as sent." }),
    category: t.field({ type: OpsRampCategoryEnum, nullable: true, description: 'The category of a CUSTOM integration.', resolve: (i) => i.category }),
    categoryText: t.exposeString('categoryText', { nullable: true, description: "OpsRamp's `category`, as sent (newer platforms use values outside the enum)." }),
    direction: t.field({ type: OpsRampDirectionEnum, nullable: true, description: 'The direction of a Collaboration integration.', resolve: (i) => i.direction }),
    installedBy: t.exposeString('installedBy', { nullable: true, description: 'The OpsRamp user who installed it.' }),
    installedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was installed (OpsRamp sends it as text or as an epoch number).', resolve: (i) => i.installedAt }),
    createdBy: t.exposeString('createdBy', { nullable: true, description: 'The OpsRamp user who created it (`createdBy`, else `installedBy`).' }),
    updatedBy: t.exposeString('updatedBy', { nullable: true, description: 'The OpsRamp user who changed it last (`updatedBy`, else `modifiedBy`), when OpsRamp says.' }),
    state: t.field({ type: OpsRampStateEnum, nullable: true, description: 'Its deployment state, when OpsRamp says (the current platform does; the 2021 API does not).', resolve: (i) => i.state }),
    stateText: t.exposeString('stateText', { nullable: true, description: "OpsRamp's `state`, as sent." }),
    version: t.exposeString('version', { nullable: true, description: 'The version of the installed integration app, when OpsRamp says.' }),
    updateAvailable: t.exposeBoolean('updateAvailable', { nullable: true, description: 'Whether OpsRamp offers a newer version of it, when OpsRamp says.' }),
    ticketType: t.exposeString('ticketType', { nullable: true, description: 'The ticket type it creates (INCIDENT, SERVICEREQUEST or CHANGE), when set.' }),
    parentIntegrationId: t.exposeString('parentIntegrationId', { nullable: true, description: 'The installation it inherits from, if any.' }),
    alertSource: t.field({ type: AlertSourceType, nullable: true, description: 'The alert source of a Monitoring integration.', resolve: (i) => i.alertSource }),
    inboundConfig: t.field({ type: InboundConfigType, nullable: true, description: 'What it accepts from the third party.', resolve: (i) => i.inbound }),
    outboundConfig: t.field({ type: OutboundConfigType, nullable: true, description: 'What it sends to the third party.', resolve: (i) => i.outbound }),
  }),
});
