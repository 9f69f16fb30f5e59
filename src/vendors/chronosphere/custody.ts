import type { GatewayContext } from '../../app/context.js';
import { connectionGlobalId } from '../../app/connections.js';
import { noteSecretsWritten } from '../../app/custody.js';
import { settleUpdateByReadBack } from '../../app/settle.js';
import type { SecretWriter, VendorRuntime } from '../../app/vendor-runtime.js';
import type { AccountRef } from '../../core/domain.js';
import { InputValidationError, SecretsRequiredError } from '../../core/errors.js';
import { PAGERDUTY_EVENTS_VERSIONS } from './catalogue.js';
import type { ChronosphereClient } from './client.js';
import { buildConnection, type BuiltConnection, type ChronosphereConnectionInput } from './input.js';
import type { ChronosphereConnectionKey, ChronosphereLoaders } from './loaders.js';
import { mapConnection, type ChronosphereExternalConnection, type ChronosphereHttpConfig } from './map.js';
import { chronosphereConnectionShown } from './read-back.js';
import type { ConnectionWire } from './wire.js';

/*
 * Key custody at Chronosphere. Its only write of an existing connection is a PUT that replaces the
 * whole object, so a secret is rotated by sending the connection again as it stands: its name,
 * slug and every non-secret field of its type block from the connection just read, the new value
 * at the rotated field, and every other secret it holds as the caller supplied it (Chronosphere
 * reads secrets back as `**REDACTED**`, which Patchbay never sends).
 */

/** The version Chronosphere fills in when a PagerDuty events block names none (CONTRACT.md). */
const DEFAULT_EVENTS_VERSION = PAGERDUTY_EVENTS_VERSIONS[1];

/**
 * The connection a create or replace would leave, in the domain shape a read gives (for a write
 * preview): the body as built, read through the wire mapper, with the PagerDuty events version
 * Chronosphere fills in by default. Without a slug (Chronosphere makes one from the name) the
 * slug is left out.
 */
export function predictedConnection(account: AccountRef, slug: string | null, built: BuiltConnection): Omit<ChronosphereExternalConnection, 'slug'> & { readonly slug?: string } {
  const body = built.body as Readonly<Record<string, unknown>>;
  const pagerduty = body['pagerduty'] as { readonly events?: { readonly api_key: string; readonly version?: string } } | undefined;
  const wire = {
    ...body,
    ...(pagerduty?.events && pagerduty.events.version === undefined ? { pagerduty: { events: { ...pagerduty.events, version: DEFAULT_EVENTS_VERSION } } } : {}),
    slug: slug ?? '',
  } as ConnectionWire;
  const mapped = mapConnection(account, wire);
  if (slug !== null) return mapped;
  const { slug: _generated, ...rest } = mapped;
  return rest;
}

/** Every other secret field set in `current`: a PUT that sends `field` must send them too, or they are unset. */
function requiredWith(current: ChronosphereExternalConnection, field: string): readonly string[] {
  return current.secrets.filter((hint) => hint.isSet && hint.field !== field).map((hint) => hint.field);
}

/** A rotation Patchbay cannot send as the connection stands: nothing was sent. */
function cannot(current: ChronosphereExternalConnection, why: string): InputValidationError {
  return InputValidationError.single(['field'], `cannot be rotated in Chronosphere connection "${current.slug}": ${why}; nothing was sent`);
}

/** The `httpConfig` input of a webhook or Opsgenie block as it stands, with the secrets in `values`. */
function httpConfigInput(current: ChronosphereExternalConnection, config: ChronosphereHttpConfig | null, values: ReadonlyMap<string, string>) {
  const password = values.get('httpConfig.basicAuth.password');
  const bearerToken = values.get('httpConfig.bearerToken');
  if (config === null && password === undefined && bearerToken === undefined) return undefined;
  let basicAuth: { readonly username: string; readonly password: string } | undefined;
  if (config?.basicAuth || password !== undefined) {
    const username = config?.basicAuth?.username ?? null;
    if (username === null) throw cannot(current, 'its basic auth has no user name to send with the password');
    if (password === undefined) throw cannot(current, 'its basic auth holds no password to send again');
    basicAuth = { username, password };
  }
  return {
    ...(basicAuth ? { basicAuth } : {}),
    ...(bearerToken === undefined ? {} : { bearerToken }),
    ...(config?.tlsConfig ? { tlsConfig: { insecureSkipVerify: config.tlsConfig.insecureSkipVerify } } : {}),
  };
}

/**
 * The whole update input of `current` as it stands, every secret taken from `values` (hint field →
 * value; a secret field absent there is left out). Never a value read back.
 */
function inputOf(current: ChronosphereExternalConnection, values: ReadonlyMap<string, string>): ChronosphereConnectionInput {
  const base = { slug: current.slug, name: current.name };
  const target = current.target;
  const given = (field: string): string | undefined => values.get(field);
  const required = (field: string): string => {
    const value = given(field);
    if (value === undefined) throw cannot(current, `its ${field} holds no value to send again`);
    return value;
  };
  switch (target.type) {
    case 'slack': {
      const apiUrl = given('apiUrl');
      const token = given('token');
      return { ...base, target: { slack: { ...(apiUrl === undefined ? {} : { apiUrl }), ...(token === undefined ? {} : { token }) } } };
    }
    case 'pagerduty': {
      if (target.events !== null || (target.rest === null && given('events.apiKey') !== undefined)) {
        if (given('rest.apiKey') !== undefined) throw cannot(current, 'it sends PagerDuty events, and a REST key cannot be set beside them');
        const version = target.events?.version ?? null;
        if (version === 'UNKNOWN') throw cannot(current, 'its PagerDuty events version is one Patchbay does not know, and a replace would change it');
        return { ...base, target: { pagerduty: { events: { apiKey: required('events.apiKey'), ...(version === null ? {} : { version }) } } } };
      }
      if (given('events.apiKey') !== undefined) throw cannot(current, 'it uses the PagerDuty REST API, and an events key cannot be set beside it');
      return { ...base, target: { pagerduty: { rest: { apiKey: required('rest.apiKey') } } } };
    }
    case 'webhook': {
      if (target.url === null) throw cannot(current, 'Chronosphere shows no URL to send again');
      const httpConfig = httpConfigInput(current, target.httpConfig, values);
      return { ...base, target: { webhook: { url: target.url, ...(httpConfig ? { httpConfig } : {}) } } };
    }
    case 'victor_ops':
      return { ...base, target: { victorOps: { apiKey: required('apiKey'), ...(target.apiUrl === null ? {} : { apiUrl: target.apiUrl }) } } };
    case 'ops_genie': {
      const httpConfig = httpConfigInput(current, target.httpConfig, values);
      return { ...base, target: { opsGenie: { apiKey: required('apiKey'), ...(target.apiUrl === null ? {} : { apiUrl: target.apiUrl }), ...(httpConfig ? { httpConfig } : {}) } } };
    }
    case 'cloudflare':
      return { ...base, target: { cloudflare: { apiToken: required('apiToken') } } };
    case 'mongodb_atlas':
      if (target.clientId === null) throw cannot(current, 'Chronosphere shows no client id to send again');
      return { ...base, target: { mongodbAtlas: { clientId: target.clientId, clientSecret: required('clientSecret') } } };
    case 'sendgrid':
      return { ...base, target: { sendgrid: { apiKey: required('apiKey') } } };
    case 'datadog':
      return { ...base, target: { datadog: { apiKey: required('apiKey'), appKey: required('appKey'), ...(target.site === null ? {} : { site: target.site }) } } };
    case 'unknown':
      throw cannot(current, 'it is of a type this Patchbay does not know');
    default: {
      const unreachable: never = target;
      throw new Error(`unknown target ${String(unreachable)}`);
    }
  }
}

/**
 * Chronosphere's `SecretWriter`: a PUT of the whole connection (see above). `loaders` are the
 * request's Chronosphere loaders (runtime.ts passes them, so this file does not import it).
 */
export function chronosphereSecretWriter(
  runtime: () => VendorRuntime,
  loaders: (context: GatewayContext) => ChronosphereLoaders,
): SecretWriter<ChronosphereClient, ChronosphereExternalConnection, ChronosphereConnectionKey> {
  return {
    requiredWith,
    async rotate(context, entry, key, current, field, value, supplied) {
      if (!current.secrets.some((hint) => hint.field === field)) throw cannot(current, `${field} is not a secret of its type`);
      const missing = requiredWith(current, field).filter((other) => !supplied.has(other));
      if (missing.length > 0) {
        throw new SecretsRequiredError(
          `Chronosphere replaces the whole connection "${current.slug}" on a write (PUT), and it also holds ${missing.join(', ')}, which Patchbay cannot send again: give ${missing.length === 1 ? 'it' : 'them'} with the new value. Nothing was sent.`,
          missing,
        );
      }
      // Only the secrets the connection holds now (and the rotated one) are sent: nothing is added.
      const values = new Map([...supplied].filter(([other]) => other !== field && current.secrets.some((hint) => hint.isSet && hint.field === other)));
      values.set(field, value);
      const built = buildConnection(inputOf(current, values));
      const cacheKey = { account: entry.ref.key, slug: key.slug };
      try {
        // Like the update mutation: a lost answer or an unreadable 2xx is done only when a read-back shows what was sent.
        const written = await settleUpdateByReadBack(
          async () => (await entry.client.updateConnection(context.scope, key.slug, built)).connection,
          () => entry.client.readConnection(context.scope, key.slug),
          (found) => found !== null && chronosphereConnectionShown(found, built),
        );
        // Outside a dry run the update answers the connection it stored (the client refuses an answer without it).
        if (written === null) throw new Error('Chronosphere answered an update without the connection it stored');
        noteSecretsWritten(context, written, connectionGlobalId(runtime(), written), built.secrets, 'others');
        loaders(context).chronosphereConnection.clear(cacheKey).prime(cacheKey, written);
        return written;
      } catch (error) {
        loaders(context).chronosphereConnection.clear(cacheKey);
        throw error;
      } finally {
        loaders(context).chronosphereConnections.clear(entry.ref.key);
      }
    },
  };
}
