import type { GatewayContext } from '../../app/context.js';
import { noteSecretsWritten } from '../../app/custody.js';
import { settleUpdateByReadBack } from '../../app/settle.js';
import type { SecretWriter } from '../../app/vendor-runtime.js';
import type { AccountRef, SecretHint } from '../../core/domain.js';
import { InputValidationError, SecretsRequiredError } from '../../core/errors.js';
import { HTTP_INTEGRATION_TYPE, camel, integrationSpec } from './catalogue.js';
import type { DatadogClient } from './client.js';
import { buildUpdateBody, type DatadogCreateConnectionRequest, type DatadogUpdateConnectionRequest, type DatadogUpdateInput } from './input.js';
import type { DatadogConnectionKey } from './loaders.js';
import { mapConnection, type DatadogActionConnection, type DatadogHttpDetail, type DatadogHttpItem, type DatadogIntegration } from './map.js';
import { datadogUpdateShown } from './read-back.js';

/*
 * Key custody for Datadog: which secret fields a write clears, what a write would leave (for
 * previews), and how one secret is rotated. Datadog updates with PATCH: only what is sent changes,
 * and the HTTP integration's headers, tokens and URL parameters are upserted one by one by name
 * (CONTRACT.md, "Resource shape"; `*Update` items carry `deleted`), so rotating one of them never
 * needs the others sent again.
 */

/** One HTTP list item as the update builder sends it. */
interface NamedValueSent {
  readonly name: string;
  readonly value?: string;
  readonly deleted?: true;
}

/** The HTTP credentials as the builders send them. */
interface HttpCredentialsSent {
  readonly headers?: readonly NamedValueSent[];
  readonly tokens?: readonly NamedValueSent[];
  readonly url_parameters?: readonly NamedValueSent[];
  readonly body?: { readonly content?: string; readonly content_type?: string };
}

type IntegrationSent = NonNullable<DatadogUpdateConnectionRequest['data']['attributes']['integration']>;

const HTTP_LISTS = [
  ['headers', 'headers'],
  ['tokens', 'tokens'],
  ['url_parameters', 'urlParameters'],
] as const;

function httpCredentials(integration: IntegrationSent): HttpCredentialsSent {
  return integration.credentials as HttpCredentialsSent;
}

/**
 * The secret fields (as hints name them) that a PATCH `body` leaves without a value on `current`:
 * HTTP items sent `deleted`, the body's content when a body without content is sent (Datadog
 * replaces the body object), or `'others'` when the credentials change variant (Cloudflare token ↔
 * global key: the old variant's fields go). Secrets the PATCH leaves out stay as they are.
 */
export function datadogClearedBy(current: DatadogActionConnection, body: DatadogUpdateConnectionRequest): readonly string[] | 'others' {
  const integration = body.data.attributes.integration;
  if (integration === undefined) return [];
  if (integration.type !== HTTP_INTEGRATION_TYPE) {
    const credentialType: unknown = (integration.credentials as Readonly<Record<string, unknown>>)['type'];
    return credentialType !== current.integration.credentialType ? 'others' : [];
  }
  const http = current.integration.http;
  if (http === null) return [];
  const sent = httpCredentials(integration);
  const cleared: string[] = [];
  for (const [wire, label] of HTTP_LISTS) {
    const existing = new Set(http[label].map((item) => item.name));
    for (const item of sent[wire] ?? []) if (item.deleted === true && existing.has(item.name)) cleared.push(`${label}.${item.name}`);
  }
  if (sent.body !== undefined && sent.body.content === undefined && http.bodyContent?.isSet === true) cleared.push('body.content');
  return cleared;
}

/** A hint for a value the write would send: set, with no tail (a preview shows none of a new value). */
function sentHint(field: string): SecretHint {
  return { field, isSet: true, lastFour: null };
}

/** What a connection created from `body` would hold (no id yet: Datadog assigns it). */
export function predictCreated(account: AccountRef, body: DatadogCreateConnectionRequest): object {
  const { name, tags, integration } = body.data.attributes;
  const mapped = mapConnection(account, {
    id: '',
    type: 'action_connection',
    attributes: { name, tags: tags === undefined ? null : [...tags], integration: { ...integration, credentials: { ...integration.credentials } } },
  });
  return { ...mapped, connectionId: null, integration: withoutTails(mapped.integration), secrets: mapped.secrets.map((hint) => sentHint(hint.field)) };
}

/** The integration with every secret hint's tail dropped (a preview never derives anything from a value sent). */
function withoutTails(integration: DatadogIntegration): DatadogIntegration {
  const blank = (hint: SecretHint): SecretHint => (hint.isSet ? sentHint(hint.field) : hint);
  const items = (list: readonly DatadogHttpItem[]) => list.map((item) => ({ name: item.name, value: blank(item.value) }));
  const http = integration.http && {
    ...integration.http,
    headers: items(integration.http.headers),
    tokens: items(integration.http.tokens),
    urlParameters: items(integration.http.urlParameters),
    bodyContent: integration.http.bodyContent && blank(integration.http.bodyContent),
  };
  return { ...integration, secrets: integration.secrets.map(blank), http };
}

function upsertItems(current: readonly DatadogHttpItem[], sent: readonly NamedValueSent[] | undefined, label: string): DatadogHttpItem[] {
  const result = [...current];
  for (const item of sent ?? []) {
    const index = result.findIndex((old) => old.name === item.name);
    if (item.deleted === true) {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    const old = index >= 0 ? result[index] : undefined;
    const next = { name: item.name, value: item.value === undefined ? (old?.value ?? { field: `${label}.${item.name}`, isSet: false, lastFour: null }) : sentHint(`${label}.${item.name}`) };
    if (index >= 0) result[index] = next;
    else result.push(next);
  }
  return result;
}

function predictHttp(current: DatadogHttpDetail, integration: IntegrationSent): DatadogHttpDetail {
  const sent = httpCredentials(integration);
  const baseUrl = (integration as { readonly base_url?: string }).base_url;
  const body = sent.body;
  return {
    baseUrl: baseUrl ?? current.baseUrl,
    headers: upsertItems(current.headers, sent.headers, 'headers'),
    tokens: upsertItems(current.tokens, sent.tokens, 'tokens'),
    urlParameters: upsertItems(current.urlParameters, sent.url_parameters, 'urlParameters'),
    // Datadog replaces the body object when one is sent.
    bodyContentType: body === undefined ? current.bodyContentType : (body.content_type ?? null),
    bodyContent: body === undefined ? current.bodyContent : body.content === undefined ? null : sentHint('body.content'),
  };
}

/**
 * What `current` would hold after the PATCH `body`: the fields sent over the ones it has, HTTP
 * items upserted by name, secrets sent shown as set (never with a tail). A change of credential
 * variant starts from the new variant's fields only, as Datadog does.
 */
export function predictUpdated(current: DatadogActionConnection, body: DatadogUpdateConnectionRequest): DatadogActionConnection {
  const { name, tags, integration } = body.data.attributes;
  let next = current.integration;
  if (integration !== undefined) {
    if (integration.type === HTTP_INTEGRATION_TYPE && current.integration.http !== null) {
      const http = predictHttp(current.integration.http, integration);
      const secrets = [...http.tokens.map((t) => t.value), ...http.headers.map((h) => h.value), ...http.urlParameters.map((p) => p.value), ...(http.bodyContent ? [http.bodyContent] : [])];
      next = { ...current.integration, http, secrets };
    } else {
      const credentials = integration.credentials as Readonly<Record<string, unknown>>;
      const credentialType = typeof credentials['type'] === 'string' ? credentials['type'] : current.integration.credentialType;
      const spec = integrationSpec(current.integration.type);
      const variant = spec?.variants.find((v) => v.type === credentialType);
      const sameVariant = credentialType === current.integration.credentialType;
      const values: Record<string, string | null> = sameVariant ? { ...current.integration.values } : {};
      const hints = new Map<string, SecretHint>(sameVariant ? current.integration.secrets.map((hint) => [hint.field, hint]) : []);
      for (const field of variant?.fields ?? []) {
        const value = credentials[field.wire];
        if (field.secret) {
          if (typeof value === 'string') hints.set(camel(field.wire), sentHint(camel(field.wire)));
          else if (!hints.has(camel(field.wire))) hints.set(camel(field.wire), { field: camel(field.wire), isSet: false, lastFour: null });
        } else if (typeof value === 'string') values[field.wire] = value;
        else if (!(field.wire in values)) values[field.wire] = null;
      }
      const secrets = (variant?.fields ?? []).filter((field) => field.secret).map((field) => hints.get(camel(field.wire)) as SecretHint);
      next = { ...current.integration, credentialType, values, secrets };
    }
  }
  return { ...current, name: name ?? current.name, tags: tags ?? current.tags, integration: next, secrets: next.secrets };
}

/** The update input that PATCHes only the secret `field` of `current` to `value`; refused when `current` has no such field. */
function rotationInput(current: DatadogActionConnection, field: string, value: string): DatadogUpdateInput {
  const notHere = InputValidationError.single(['field'], `is not a secret field of this Datadog connection (its fields: ${current.secrets.map((hint) => hint.field).join(', ') || 'none'})`);
  const http = current.integration.http;
  if (current.integration.type === HTTP_INTEGRATION_TYPE && http !== null) {
    if (field === 'body.content') {
      // Datadog replaces the body object: its content type goes along as it is now.
      return { integration: { http: { body: { content: value, contentType: http.bodyContentType } } } };
    }
    const dot = field.indexOf('.');
    const label = field.slice(0, dot);
    const name = field.slice(dot + 1);
    for (const [, known] of HTTP_LISTS) {
      if (label === known && http[known].some((item) => item.name === name)) return { integration: { http: { [known]: [{ name, value }] } } };
    }
    throw notHere;
  }
  const spec = integrationSpec(current.integration.type);
  const variant = spec?.variants.find((v) => v.type === current.integration.credentialType);
  const secret = variant?.fields.find((f) => f.secret && !f.readOnly && camel(f.wire) === field);
  if (spec === undefined || variant === undefined || secret === undefined) throw notHere;
  const fields = { [field]: value };
  return { integration: { [spec.key]: spec.variants.length > 1 ? { [variant.key]: fields } : fields } };
}

/** What the Datadog secret writer needs of its runtime (given by runtime.ts, which this file cannot import). */
export interface DatadogCustodyDeps {
  loaders(context: GatewayContext): { readonly datadogConnection: { clear(key: DatadogConnectionKey): { prime(key: DatadogConnectionKey, value: DatadogActionConnection): unknown } } };
  globalId(connection: DatadogActionConnection): string;
}

/**
 * Datadog's `SecretWriter`: a PATCH of the one field. Nothing else of the connection is sent (a
 * PATCH leaves it as it is), so no other secret is ever required.
 */
export function datadogSecretWriter(deps: DatadogCustodyDeps): SecretWriter<DatadogClient, DatadogActionConnection, DatadogConnectionKey> {
  const writer: SecretWriter<DatadogClient, DatadogActionConnection, DatadogConnectionKey> = {
    requiredWith: () => [],
    rotate: async (context, entry, key, current, field, value, supplied) => {
      const missing = writer.requiredWith(current, field).filter((other) => !supplied.has(other));
      if (missing.length > 0) throw new SecretsRequiredError(`Writing ${field} would leave other secrets of this connection without a value; supply them too.`, missing);
      const built = buildUpdateBody(rotationInput(current, field, value), current.integration.type);
      const connection = await settleUpdateByReadBack(
        () => entry.client.updateConnection(context.scope, key.connectionId, built),
        () => entry.client.getConnection(context.scope, key.connectionId),
        (found) => datadogUpdateShown(found, built.body),
      );
      deps.loaders(context).datadogConnection.clear(key).prime(key, connection);
      noteSecretsWritten(context, connection, deps.globalId(connection), built.secrets, []);
      return connection;
    },
  };
  return writer;
}
