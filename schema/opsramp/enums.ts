import { builder } from '../builder.js';
import {
  OPSRAMP_CATEGORIES,
  OPSRAMP_DIRECTIONS,
  OPSRAMP_ENTITY_TYPES,
  OPSRAMP_GRANT_TYPES,
  OPSRAMP_INBOUND_AUTH_TYPES,
  OPSRAMP_INTEGRATION_KINDS,
  OPSRAMP_NOTIFIER_AUTH_TYPES,
  OPSRAMP_NOTIFIER_TYPES,
  OPSRAMP_STATES,
  OPSRAMP_STATUSES,
  UNKNOWN,
  type Unknown,
} from '../../src/vendors/opsramp/catalogue.js';

/*
 * OpsRamp's closed value sets as GraphQL enums. Each has an `UNKNOWN` member for a value OpsRamp
 * sends that Patchbay does not know yet (reads never fail on one); inputs refuse `UNKNOWN`.
 */

const UNKNOWN_DESCRIPTION = 'A value OpsRamp sent that this version of Patchbay does not know. Refused as input.';

/** `Inbound-Outbound` → `INBOUND_OUTBOUND`. */
const graphqlName = (value: string): string => value.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

function opsRampEnum<T extends string>(name: string, description: string, values: readonly T[], describe: (value: T) => string) {
  const members: Record<string, { value: T | Unknown; description: string }> = {};
  for (const value of values) members[graphqlName(value)] = { value, description: describe(value) };
  members[UNKNOWN] = { value: UNKNOWN, description: UNKNOWN_DESCRIPTION };
  return builder.enumType(name, { description, values: members });
}

export const OpsRampCategoryEnum = opsRampEnum(
  'OpsRampIntegrationCategory',
  'How a CUSTOM integration behaves (OpsRamp `category`).',
  OPSRAMP_CATEGORIES,
  (value) => `OpsRamp's \`${value}\` category.`,
);

export const OpsRampDirectionEnum = opsRampEnum(
  'OpsRampIntegrationDirection',
  'Which way a Collaboration integration exchanges data (OpsRamp `direction`).',
  OPSRAMP_DIRECTIONS,
  (value) => `OpsRamp's \`${value}\`.`,
);

export const OpsRampEntityTypeEnum = opsRampEnum('OpsRampEntityType', 'An OpsRamp entity type that mappings and webhooks apply to.', OPSRAMP_ENTITY_TYPES, (value) => `OpsRamp \`${value}\` entities.`);

export const OpsRampInboundAuthTypeEnum = opsRampEnum(
  'OpsRampInboundAuthType',
  'How a third party authenticates when it calls OpsRamp: a webhook token, an OAuth2 key pair, or both (`ALL`).',
  OPSRAMP_INBOUND_AUTH_TYPES,
  (value) => `OpsRamp's \`${value}\` inbound authentication.`,
);

export const OpsRampNotifierTypeEnum = opsRampEnum('OpsRampNotifierType', 'The kind of API an outbound notifier calls.', OPSRAMP_NOTIFIER_TYPES, (value) => `A \`${value}\` notifier.`);

export const OpsRampNotifierAuthTypeEnum = opsRampEnum(
  'OpsRampNotifierAuthType',
  'How an outbound notifier authenticates to the third party.',
  OPSRAMP_NOTIFIER_AUTH_TYPES,
  (value) => `\`${value}\` authentication.`,
);

export const OpsRampGrantTypeEnum = opsRampEnum(
  'OpsRampGrantType',
  'The OAuth2 grant an OAUTH2 notifier uses. OpsRamp material also spells PASSWORD as `PASSWORD_CREDENTIALS`; both read as PASSWORD.',
  OPSRAMP_GRANT_TYPES,
  (value) => `The \`${value}\` grant.`,
);

export const OpsRampStatusEnum = opsRampEnum(
  'OpsRampIntegrationStatus',
  'Whether an installed integration is working, normalised from OpsRamp `status` (`enabled`, `disabled`, `Installed`).',
  OPSRAMP_STATUSES,
  (value) => `OpsRamp reports it as ${value.toLowerCase()}.`,
);

export const OpsRampStateEnum = opsRampEnum(
  'OpsRampIntegrationState',
  'The deployment state of an installed integration, normalised from OpsRamp `state` (sent by the current platform, e.g. `Deployed`; absent from the 2021 API).',
  OPSRAMP_STATES,
  (value) => `OpsRamp reports it as ${value.toLowerCase()}.`,
);

export const OpsRampIntegrationKindEnum = opsRampEnum(
  'OpsRampIntegrationKind',
  'The family an OpsRamp integration belongs to; install bodies differ by family. UNKNOWN for an integration id Patchbay does not know yet.',
  OPSRAMP_INTEGRATION_KINDS,
  (value) => `A ${value.toLowerCase().replace('_', ' ')} integration.`,
);
