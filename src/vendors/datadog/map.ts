import type { AccountRef, ConnectionBase, SecretHint } from '../../core/domain.js';
import { secretHint } from '../../core/domain.js';
import { HTTP_INTEGRATION_TYPE, camel, integrationSpec } from './catalogue.js';
import type { AppKeyRegistrationData, AppKeyRegistrationType, ConnectionData } from './wire.js';

/** One HTTP header, URL parameter or token of Datadog's HTTP integration; values are hints only. */
export interface DatadogHttpItem {
  readonly name: string;
  readonly value: SecretHint;
}

/** The HTTP integration's list-shaped credentials. */
export interface DatadogHttpDetail {
  readonly baseUrl: string | null;
  readonly headers: readonly DatadogHttpItem[];
  readonly tokens: readonly DatadogHttpItem[];
  readonly urlParameters: readonly DatadogHttpItem[];
  readonly bodyContentType: string | null;
  readonly bodyContent: SecretHint | null;
}

/** An action connection's integration, read against the catalogue. */
export interface DatadogIntegration {
  /** Datadog's `integration.type`. */
  readonly type: string;
  /** The catalogue's name for the type (`DatadogAwsIntegration`); null for a type Patchbay does not know yet. */
  readonly typeName: string | null;
  readonly credentialType: string;
  /** Non-secret credential fields by wire name. */
  readonly values: Readonly<Record<string, string | null>>;
  /** Hints for the secret credential fields (camelCase field names). */
  readonly secrets: readonly SecretHint[];
  readonly http: DatadogHttpDetail | null;
}

export interface DatadogActionConnection extends ConnectionBase {
  readonly kind: 'datadog';
  readonly connectionId: string;
  readonly tags: readonly string[];
  readonly integration: DatadogIntegration;
  /** The Datadog user who created it (`relationships.created_by.data.id`); null when Datadog does not say (its create answer never does). */
  readonly createdByUserId: string | null;
  /** Datadog's `acting_user_can_resolve`: whether the user behind the calling application key may use the connection; null when not sent. */
  readonly actingUserCanResolve: boolean | null;
}

export interface DatadogAppKeyRegistration {
  readonly account: AccountRef;
  readonly appKeyId: string;
  /** `data.type`; `unknown` for a value this version of Patchbay does not know. */
  readonly type: AppKeyRegistrationType;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function items(value: unknown): readonly Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : [];
}

function readHttp(integration: ConnectionData['attributes']['integration']): DatadogHttpDetail {
  const credentials = integration.credentials as Record<string, unknown>;
  const list = (key: string, label: string) =>
    items(credentials[key]).map((item) => {
      const name = text(item['name']) ?? '';
      // Header and URL-parameter values can embed tokens ({{ token }}): they are treated as secrets.
      return { name, value: secretHint(`${label}.${name}`, item['value'], true) };
    });
  const body = typeof credentials['body'] === 'object' && credentials['body'] !== null ? (credentials['body'] as Record<string, unknown>) : null;
  return {
    baseUrl: text(integration.base_url),
    headers: list('headers', 'headers'),
    tokens: list('tokens', 'tokens'),
    urlParameters: list('url_parameters', 'urlParameters'),
    bodyContentType: body ? text(body['content_type']) : null,
    bodyContent: body && body['content'] !== undefined ? secretHint('body.content', body['content'], true) : null,
  };
}

/** Maps Datadog's wire connection to the domain. Secret values never survive this function. */
export function mapConnection(account: AccountRef, data: ConnectionData): DatadogActionConnection {
  const wire = data.attributes.integration;
  const spec = integrationSpec(wire.type) ?? null;
  const credentials = wire.credentials as Record<string, unknown>;
  const variant = spec?.variants.find((v) => v.type === wire.credentials.type) ?? null;
  const values: Record<string, string | null> = {};
  const secrets: SecretHint[] = [];
  for (const field of variant?.fields ?? []) {
    if (field.secret) {
      // Datadog may omit secrets on read; a required one is known to be set.
      secrets.push(secretHint(camel(field.wire), credentials[field.wire], field.required));
    } else {
      values[field.wire] = text(credentials[field.wire]);
    }
  }
  const http = wire.type === HTTP_INTEGRATION_TYPE ? readHttp(wire) : null;
  if (http) {
    secrets.push(...http.tokens.map((t) => t.value), ...http.headers.map((h) => h.value), ...http.urlParameters.map((p) => p.value));
    if (http.bodyContent) secrets.push(http.bodyContent);
  }
  return {
    kind: 'datadog',
    account,
    connectionId: data.id,
    name: data.attributes.name,
    tags: data.attributes.tags ?? [],
    service: spec?.service ?? 'OTHER',
    createdAt: data.attributes.created_at ?? null,
    updatedAt: data.attributes.last_updated ?? null,
    secrets,
    integration: { type: wire.type, typeName: spec?.typeName ?? null, credentialType: wire.credentials.type, values, secrets, http },
    createdByUserId: data.relationships?.created_by?.data?.id ?? null,
    actingUserCanResolve: data.attributes.acting_user_can_resolve ?? null,
  };
}

export function mapAppKeyRegistration(account: AccountRef, data: AppKeyRegistrationData): DatadogAppKeyRegistration {
  return { account, appKeyId: data.id, type: data.type };
}
