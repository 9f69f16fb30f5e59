import { hintShows, type SecretHint } from '../../core/domain.js';
import { HTTP_INTEGRATION_TYPE, camel } from './catalogue.js';
import type { DatadogUpdateConnectionRequest } from './input.js';
import type { DatadogActionConnection, DatadogHttpItem } from './map.js';

interface NamedValueSent {
  readonly name: string;
  readonly value?: string;
  readonly deleted?: true;
}

/** The HTTP integration as `buildUpdateBody` sends it (`integration.type` is HTTP). */
interface HttpIntegrationSent {
  readonly base_url?: string;
  readonly credentials: {
    readonly headers?: readonly NamedValueSent[];
    readonly tokens?: readonly NamedValueSent[];
    readonly url_parameters?: readonly NamedValueSent[];
    readonly body?: { readonly content?: string; readonly content_type?: string };
  };
}

/** Whether every named item sent is there (its value's hint showing the value sent), and every one sent `deleted` is gone. */
function itemsShow(sent: readonly NamedValueSent[] | undefined, found: readonly DatadogHttpItem[]): boolean {
  return (sent ?? []).every((item) => {
    const there = found.find((f) => f.name === item.name);
    if (item.deleted) return there === undefined;
    return there !== undefined && (item.value === undefined || hintShows(there.value, item.value));
  });
}

/**
 * Whether a connection read back shows a PATCH that was sent (for `settleUpdateByReadBack`): the
 * name and tags it set, the integration's type, the non-secret credential fields it set, and for
 * each secret sent the hint Datadog shows, where it shows one. Fields the PATCH left out are not
 * compared: Datadog keeps them as they were.
 */
export function datadogUpdateShown(found: DatadogActionConnection, body: DatadogUpdateConnectionRequest): boolean {
  const { name, tags, integration } = body.data.attributes;
  if (name !== undefined && found.name !== name) return false;
  if (tags !== undefined && [...found.tags].sort().join('\n') !== [...tags].sort().join('\n')) return false;
  if (integration === undefined) return true;
  if (found.integration.type !== integration.type) return false;
  if (integration.type === HTTP_INTEGRATION_TYPE) {
    const http = found.integration.http;
    if (!http) return false;
    const sent = integration as HttpIntegrationSent;
    const { credentials } = sent;
    if (sent.base_url !== undefined && http.baseUrl !== sent.base_url) return false;
    if (credentials.body?.content_type !== undefined && http.bodyContentType !== credentials.body.content_type) return false;
    if (credentials.body?.content !== undefined && !hintShows(http.bodyContent, credentials.body.content)) return false;
    return itemsShow(credentials.headers, http.headers) && itemsShow(credentials.tokens, http.tokens) && itemsShow(credentials.url_parameters, http.urlParameters);
  }
  const credentials: Readonly<Record<string, unknown>> = integration.credentials;
  if (found.integration.credentialType !== credentials['type']) return false;
  const hints = new Map<string, SecretHint>(found.integration.secrets.map((hint) => [hint.field, hint]));
  return Object.entries(credentials).every(([wire, value]) => {
    if (wire === 'type' || typeof value !== 'string') return true; // `type` checked above; `generate_new_external_id` is an order, not a value
    if (wire in found.integration.values) return found.integration.values[wire] === value;
    // Datadog may leave a secret out of a read: a hint with no tail cannot tell, and does not refuse.
    const hint = hints.get(camel(wire));
    return hint !== undefined && (hint.lastFour === null || value.endsWith(hint.lastFour));
  });
}
