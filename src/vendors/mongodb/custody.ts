import type DataLoader from 'dataloader';
import type { GatewayContext } from '../../app/context.js';
import { noteSecretsWritten } from '../../app/custody.js';
import { settleUpdateByReadBack } from '../../app/settle.js';
import type { AccountRef } from '../../core/domain.js';
import { InputValidationError, SecretsRequiredError, UnsupportedOperationError } from '../../core/errors.js';
import type { MongoDbClient, MongoDbWriteResult } from './client.js';
import { buildIntegrationBody, type BuiltIntegration, type MongoDbIntegrationInput } from './input.js';
import { rememberMongoDbWrite, type MongoDbGroupKey, type MongoDbIntegrationKey } from './loaders.js';
import { mapIntegration, type MongoDbGroupIntegrations, type MongoDbIntegration, type MongoDbSettings } from './map.js';
import { mongoDbIntegrationShown } from './read-back.js';
import { integrationWire } from './wire.js';

/*
 * Key custody for Cloud Manager. Its only write of an integration is a PUT of the whole object
 * per project and type (a full replace): writing one secret means sending every other setting
 * again, the other secrets included. Non-secret settings are taken from the integration as just
 * read (the domain object, mapped back to the request's fields); secrets are never taken from a
 * read (Cloud Manager masks them), only from the caller.
 */

/**
 * The PUT of `built` into project `groupId`, settled by reading the project back when its answer
 * is lost or unreadable (done only when the read shows what was sent). Used by
 * `upsertMongoDbIntegration` and by rotation alike.
 */
export function putMongoDbIntegration(context: GatewayContext, client: MongoDbClient, groupId: string, built: BuiltIntegration): Promise<MongoDbWriteResult> {
  return settleUpdateByReadBack(
    () => client.upsertIntegration(context.scope, groupId, built),
    async () => {
      const group = await client.listIntegrations(context.scope, groupId);
      const integration = group.integrations.find((i) => i.type === built.type);
      return integration ? { integration, group, complete: true } : null;
    },
    (found) => mongoDbIntegrationShown(found.integration, built),
  );
}

/** The secret fields set in `current` besides `field`: a PUT of `field` must carry each of them again. */
export function mongoDbRequiredWith(current: MongoDbIntegration, field: string): readonly string[] {
  return current.secrets.filter((hint) => hint.isSet && hint.field !== field).map((hint) => hint.field);
}

/** What rotation needs besides the request: the request's project loader and how a connection's global id is made. */
export interface MongoDbRotationDeps {
  readonly loader: DataLoader<MongoDbGroupKey, MongoDbGroupIntegrations, string>;
  readonly globalIdOf: (integration: MongoDbIntegration) => string;
}

/**
 * Writes `value` into the secret `field` of the integration `key` (now `current`): a PUT of the
 * whole integration, its non-secret settings as `current` holds them, `value` at `field` and the
 * caller's `supplied` values for the other secrets. Refuses with `SecretsRequiredError` (before
 * anything is sent) when a secret set in `current` is not supplied, since the PUT would unset it.
 * Answers the integration as Cloud Manager answered the write (or read it back).
 */
export async function rotateMongoDbSecret(
  context: GatewayContext,
  client: MongoDbClient,
  key: MongoDbIntegrationKey,
  current: MongoDbIntegration,
  field: string,
  value: string,
  supplied: ReadonlyMap<string, string>,
  deps: MongoDbRotationDeps,
): Promise<MongoDbIntegration> {
  if (!current.secrets.some((hint) => hint.field === field)) {
    throw InputValidationError.single(['field'], `is not a secret of a ${current.type} integration (it has ${current.secrets.map((hint) => hint.field).join(', ') || 'none'})`);
  }
  const missing = mongoDbRequiredWith(current, field).filter((other) => !supplied.has(other));
  if (missing.length > 0) {
    throw new SecretsRequiredError(
      `Cloud Manager replaces the whole ${current.type} integration on every write, and it holds other secrets Patchbay cannot send again (${missing.join(', ')}): supply them, or they would be unset.`,
      missing,
    );
  }
  const secretOf = (name: string): string | undefined => (name === field ? value : supplied.get(name));
  const built = buildIntegrationBody(requestInputOf(current, secretOf), []);
  const result = await putMongoDbIntegration(context, client, key.groupId, built);
  rememberMongoDbWrite(deps.loader, key.account, result);
  noteSecretsWritten(context, result.integration, deps.globalIdOf(result.integration), built.secrets, 'others');
  return result.integration;
}

/** A region Patchbay can send again, or none (the vendor's default). */
function regionOf(region: string | null, at: string, defaultRegion: 'US' | null): 'US' | 'EU' | undefined {
  if (region === null || region === defaultRegion) return undefined;
  if (region === 'US' || region === 'EU') return region;
  throw InputValidationError.single([at], 'holds a region Patchbay cannot send again; write the integration whole with upsertMongoDbIntegration');
}

/** A non-secret text read back as it would be written: empty means not set. */
function textOf(value: string | null): string | undefined {
  return value === null || value === '' ? undefined : value;
}

/**
 * The write input that sends `current` again whole: its non-secret settings as read, each secret
 * from `secretOf` (the new value, or one the caller supplied; never a value read back).
 */
function requestInputOf(current: MongoDbIntegration, secretOf: (field: string) => string | undefined): MongoDbIntegrationInput {
  const settings: MongoDbSettings = current.settings;
  switch (settings.type) {
    case 'PAGER_DUTY':
      // `region` is Atlas-era and reads `US` when never set: sent again only when it is not the default.
      return { pagerDuty: { serviceKey: secretOf('serviceKey'), region: regionOf(settings.region, 'region', 'US') } };
    case 'SLACK':
      return { slack: { apiToken: secretOf('apiToken'), teamName: settings.teamName, channelName: textOf(settings.channelName) } };
    case 'OPS_GENIE':
      return { opsGenie: { apiKey: secretOf('apiKey'), region: regionOf(settings.region, 'region', null) } };
    case 'VICTOR_OPS':
      return { victorOps: { apiKey: secretOf('apiKey'), routingKey: textOf(settings.routingKey) } };
    case 'WEBHOOK':
      return { webhook: { url: secretOf('url'), secret: secretOf('secret'), bodyTemplate: secretOf('bodyTemplate'), headersTemplate: secretOf('headersTemplate') } };
    case 'MICROSOFT_TEAMS':
      return { microsoftTeams: { microsoftTeamsWebhookUrl: secretOf('microsoftTeamsWebhookUrl') } };
    case 'PROMETHEUS':
      return {
        prometheus: {
          username: settings.username,
          password: secretOf('password'),
          listenAddress: settings.listenAddress,
          serviceDiscovery: settings.serviceDiscovery === 'file' || settings.serviceDiscovery === 'http' ? settings.serviceDiscovery : null,
          scheme: settings.scheme === 'http' || settings.scheme === 'https' ? settings.scheme : null,
          enabled: settings.enabled,
          tlsPemPath: textOf(settings.tlsPemPath),
          tlsPemPassword: secretOf('tlsPemPassword'),
        },
      };
    case 'UNKNOWN':
      throw new UnsupportedOperationError('mongodb', 'MongoDB Cloud Manager', `writing a secret of a ${settings.integrationType} integration`);
    default: {
      const unreachable: never = settings;
      throw new Error(`unknown settings ${String(unreachable)}`);
    }
  }
}

/**
 * The integration a write of `built` would leave in project `groupId` (for previews): the body as
 * Cloud Manager would read it back, through the same mapper as every read (secrets become hints).
 * It keeps the read-only `id` of the integration it replaces, and the read defaults the contract
 * documents: Slack's `channelName` reads `""` when unset; PagerDuty's Atlas-era `region` reads
 * `US` when not sent, where the vendor shows a region at all.
 */
export function predictedMongoDbIntegration(account: AccountRef, groupId: string, built: BuiltIntegration, current: MongoDbIntegration | null): MongoDbIntegration {
  const wire: Record<string, unknown> = { ...built.body };
  if (current?.vendorIntegrationId) wire['id'] = current.vendorIntegrationId;
  if (built.type === 'SLACK' && wire['channelName'] === undefined) wire['channelName'] = '';
  if (built.type === 'PAGER_DUTY' && wire['region'] === undefined && current?.settings.type === 'PAGER_DUTY' && current.settings.region !== null) wire['region'] = 'US';
  return mapIntegration(account, groupId, integrationWire.parse(wire));
}
