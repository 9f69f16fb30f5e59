import { builder } from '../builder.js';
import type { ItemFailure } from '../../src/app/inventory.js';
import { ItemFailureType } from '../connection-page.js';
import type { OpsRampStatusChange } from '../../src/vendors/opsramp/status.js';
import { idempotencyKeyField } from '../idempotency.js';
import type { OpsRampCatalogueIntegration, OpsRampInstalledIntegration } from '../../src/vendors/opsramp/map.js';
import { OpsRampCategoryEnum, OpsRampDirectionEnum, OpsRampEntityTypeEnum, OpsRampGrantTypeEnum, OpsRampInboundAuthTypeEnum, OpsRampNotifierAuthTypeEnum, OpsRampNotifierTypeEnum } from './enums.js';
import { OpsRampCatalogueIntegrationType, OpsRampInstalledIntegrationRef } from './installed-integration.js';

const idField = { description: 'The installed integration’s global id.' } as const;

const DRY_RUN = 'Answer a WritePreview of what the write would do, and write nothing.';

const AttrValueInput = builder.inputType('OpsRampAttrValueInput', {
  description: 'One OpsRamp value and the third-party value it corresponds to.',
  fields: (t) => ({
    attrValue: t.string({ required: true, description: 'The OpsRamp value, e.g. `Open`.' }),
    thirdPartyAttrValue: t.string({ required: true, description: 'The third-party value, e.g. `In Progress` (sent as `tenantAttrValue`).' }),
  }),
});

const MapAttributeInput = builder.inputType('OpsRampMapAttributeInput', {
  description: 'A mapping between an OpsRamp attribute and a third-party attribute. Sent with the names of OpsRamp’s schema (`tenantAttrName`, `tenantEntityType`, `tenantAttrValue`).',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The OpsRamp attribute, e.g. `Status` or `Priority`.' }),
    entityType: t.field({ type: OpsRampEntityTypeEnum, required: true, description: 'The OpsRamp entity type it applies to.' }),
    thirdPartyAttrName: t.string({ required: true, description: 'The third-party attribute, e.g. `severity`.' }),
    thirdPartyEntityType: t.string({ required: true, description: 'The third-party entity type, e.g. `TICKET`.' }),
    attrValues: t.field({ type: [AttrValueInput], required: true, description: 'The value pairs.' }),
  }),
});

const InboundAuthenticationInput = builder.inputType('OpsRampInboundAuthenticationInput', {
  description: 'How third parties will authenticate to OpsRamp. OpsRamp generates the token or key pair; Patchbay shows hints of them only.',
  fields: (t) => ({
    authType: t.field({ type: OpsRampInboundAuthTypeEnum, required: true, description: 'The authentication type.' }),
    roleUniqueId: t.string({ description: 'The OpsRamp role of the inbound user (`ROLE-…`); required when installing a Custom-category integration.' }),
  }),
});

const InboundConfigInput = builder.inputType('OpsRampInboundConfigInput', {
  description: 'What the integration accepts from the third party. Lists given replace the current ones.',
  fields: (t) => ({
    authentication: t.field({ type: InboundAuthenticationInput, description: 'How the third party authenticates.' }),
    mapAttributes: t.field({ type: [MapAttributeInput], description: 'Third-party attributes mapped to OpsRamp attributes (at most 100).' }),
    dropAlerts: t.boolean({ description: 'Drop alerts from unmanaged resources.' }),
    entityTypes: t.field({ type: [OpsRampEntityTypeEnum], description: 'Service-desk entity types received by webhook.' }),
  }),
});

const KeyValueInput = builder.inputType('OpsRampKeyValueInput', {
  description: 'A key and a value of a JWT notifier.',
  fields: (t) => ({
    key: t.string({ required: true, description: 'The key or header name.' }),
    value: t.string({ required: true, description: 'The value; header values are treated as secrets.' }),
  }),
});

const NotifierInput = builder.inputType('OpsRampNotifierInput', {
  description:
    'How OpsRamp sends events to the third party. It replaces the current notifier whole, so it carries its secrets every time: OAUTH2 needs `apiKey`, `apiSecret` and `accessTokenUri` (plus `userName` and `password` for the PASSWORD and REFRESH_TOKEN grants), BASIC needs `userName` and `password`, JWT needs `tokenUrl`.',
  fields: (t) => ({
    type: t.field({ type: OpsRampNotifierTypeEnum, required: true, description: 'The kind of API it calls.' }),
    baseUri: t.string({ required: true, description: 'The base address of the third-party API.' }),
    authType: t.field({ type: OpsRampNotifierAuthTypeEnum, required: true, description: 'The authentication type.' }),
    grantType: t.field({ type: OpsRampGrantTypeEnum, description: 'The OAuth2 grant (OAUTH2 only).' }),
    userName: t.string({ description: 'The user name (BASIC, JWT, or the OAUTH2 PASSWORD and REFRESH_TOKEN grants).' }),
    password: t.string({ description: 'The password. Write-only.' }),
    accessTokenUri: t.string({ description: 'Where the OAuth2 token comes from (sent as `accessTokenURL`, the name OpsRamp’s schema documents).' }),
    apiKey: t.string({ description: 'The OAuth2 client key. Treated as a secret.' }),
    apiSecret: t.string({ description: 'The OAuth2 client secret. Write-only.' }),
    tokenUrl: t.string({ description: 'The JWT login address.' }),
    tokenPayload: t.string({ description: 'The JWT login payload, as a JSON object in a string. Write-only.' }),
    tokenHeaders: t.field({ type: [KeyValueInput], description: 'Headers of the JWT login request (values are write-only).' }),
    tokensPath: t.field({ type: [KeyValueInput], description: 'Where tokens sit in the JWT login response.' }),
    resourceAuthHeaders: t.field({ type: [KeyValueInput], description: 'Authorization headers of resource calls (values are write-only).' }),
  }),
});

const OutboundConfigInput = builder.inputType('OpsRampOutboundConfigInput', {
  description: 'What the integration sends to the third party. Lists given replace the current ones.',
  fields: (t) => ({
    mapAttributes: t.field({ type: [MapAttributeInput], description: 'OpsRamp attributes mapped to third-party attributes (at most 100).' }),
    baseNotifier: t.field({ type: NotifierInput, description: 'How events are sent; replaces the current notifier.' }),
  }),
});

/** Input of `installOpsRampIntegration`. */
export const InstallOpsRampIntegrationInput = builder.inputType('InstallOpsRampIntegrationInput', {
  description: 'An integration to install from the OpsRamp catalogue.',
  fields: (t) => ({
    account: t.string({ required: true, description: 'The OpsRamp account, by its config key.' }),
    integrationId: t.string({ required: true, description: 'The catalogue id, e.g. `CUSTOM` or `SLACK` (see `opsRampAvailableIntegrations`).' }),
    displayName: t.string({ description: 'A name for the installation; required for CUSTOM.' }),
    description: t.string({ description: 'A description.' }),
    category: t.field({ type: OpsRampCategoryEnum, description: 'How a CUSTOM integration behaves; required for CUSTOM, refused for others.' }),
    direction: t.field({ type: OpsRampDirectionEnum, description: 'Collaboration category only; OpsRamp defaults to INBOUND_OUTBOUND.' }),
    alertSourceId: t.int({ description: 'Monitoring category only: the alert source id (OpsRamp defaults to Custom).' }),
    parentIntegrationId: t.string({ description: 'An installed integration (`INTG-…`) to inherit from.' }),
    inboundConfig: t.field({ type: InboundConfigInput, description: 'What it accepts from the third party.' }),
    outboundConfig: t.field({ type: OutboundConfigInput, description: 'What it sends to the third party.' }),
    idempotencyKey: idempotencyKeyField(t),
    dryRun: t.boolean({ description: DRY_RUN, defaultValue: false }),
  }),
});

/** Input of `updateOpsRampInstalledIntegration`. */
export const UpdateOpsRampInstalledIntegrationInput = builder.inputType('UpdateOpsRampInstalledIntegrationInput', {
  description: 'Changes to an installed integration (OpsRamp updates with POST and a partial body). What is left out stays as it is.',
  fields: (t) => ({
    id: t.id({ required: true, ...idField }),
    displayName: t.string({ description: 'A new name.' }),
    description: t.string({ description: 'A new description.' }),
    inboundConfig: t.field({ type: InboundConfigInput, description: 'Inbound changes; a new auth type makes OpsRamp issue new credentials.' }),
    outboundConfig: t.field({ type: OutboundConfigInput, description: 'Outbound changes.' }),
    idempotencyKey: idempotencyKeyField(t),
    dryRun: t.boolean({ description: DRY_RUN, defaultValue: false }),
  }),
});

/** Input of `uninstallOpsRampIntegration`. */
export const UninstallOpsRampIntegrationInput = builder.inputType('UninstallOpsRampIntegrationInput', {
  description: 'An installed integration to uninstall, and why (OpsRamp requires a reason).',
  fields: (t) => ({
    id: t.id({ required: true, ...idField }),
    reason: t.string({ required: true, description: 'Why it is uninstalled; OpsRamp keeps it.' }),
    idempotencyKey: idempotencyKeyField(t),
    dryRun: t.boolean({ description: DRY_RUN, defaultValue: false }),
  }),
});

/** Input of `enableOpsRampInstalledIntegration` and `disableOpsRampInstalledIntegration`. */
export const OpsRampInstalledIntegrationIdInput = builder.inputType('OpsRampInstalledIntegrationIdInput', {
  description: 'Names one installed OpsRamp integration.',
  fields: (t) => ({
    id: t.id({ required: true, ...idField }),
    idempotencyKey: idempotencyKeyField(t),
    dryRun: t.boolean({ description: DRY_RUN, defaultValue: false }),
  }),
});

/** Payload of install and update. */
export const OpsRampInstalledIntegrationPayload = builder.objectRef<{ integration: OpsRampInstalledIntegration }>('OpsRampInstalledIntegrationPayload').implement({
  description: 'The installed integration as OpsRamp holds it after the change.',
  fields: (t) => ({
    integration: t.field({ type: OpsRampInstalledIntegrationRef, description: 'The installed integration.', resolve: (p) => p.integration }),
  }),
});

/** Payload of uninstall. */
export const OpsRampUninstalledIntegrationPayload = builder.objectRef<{ uninstalledId: string; alreadyGone: boolean }>('OpsRampUninstalledIntegrationPayload').implement({
  description: 'An integration that is no longer installed.',
  fields: (t) => ({
    uninstalledId: t.exposeID('uninstalledId', { description: 'The global id it had.' }),
    alreadyGone: t.exposeBoolean('alreadyGone', {
      description:
        'True when the vendor found nothing to uninstall on a resend after an earlier attempt of this request lost its answer (that attempt, or someone else, removed it). An uninstall that finds nothing on its first attempt is `NotFoundError`.',
    }),
  }),
});

/** Payload of enable and disable. */
export const OpsRampIntegrationStatusPayload = builder.objectRef<OpsRampStatusChange>('OpsRampIntegrationStatusPayload').implement({
  description: 'An installed integration after it was enabled or disabled.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Its global id.' }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether it is now enabled.' }),
    integration: t.field({
      type: OpsRampInstalledIntegrationRef,
      nullable: true,
      description: 'The integration as read back afterwards; null when that read failed (the change itself was made).',
      resolve: (p) => p.integration,
    }),
  }),
});

/** The catalogue as one list. */
export interface OpsRampAvailableIntegrations {
  readonly nodes: readonly OpsRampCatalogueIntegration[];
  readonly totalCount: number;
  readonly itemFailures: readonly ItemFailure[];
}

/** Success member of `opsRampAvailableIntegrations`. */
export const OpsRampAvailableIntegrationListType = builder.objectRef<OpsRampAvailableIntegrations>('OpsRampAvailableIntegrationList').implement({
  description: 'The integrations an OpsRamp tenant can install (every page of the catalogue search).',
  fields: (t) => ({
    nodes: t.field({ type: [OpsRampCatalogueIntegrationType], description: 'The integrations, in OpsRamp’s order.', resolve: (l) => [...l.nodes] }),
    totalCount: t.exposeInt('totalCount', { description: 'How many there are.' }),
    itemFailures: t.field({
      type: [ItemFailureType],
      description: 'Catalogue entries OpsRamp listed that Patchbay could not read (`vendorId` is the integration id when readable); the other entries are in `nodes`.',
      resolve: (l) => [...l.itemFailures],
    }),
  }),
});
