import { INPUT_KEYS, MONGODB_INTEGRATION_TYPES, SECRET_FIELDS, type MongoDbIntegrationType } from '../../src/vendors/mongodb/catalogue.js';
import type { MongoDbIntegrationInput } from '../../src/vendors/mongodb/input.js';

/** The seven types, for table-driven tests. */
export const TYPES: readonly MongoDbIntegrationType[] = MONGODB_INTEGRATION_TYPES;

/** An empty project for write tests (the seed's projects are full of integrations). */
export const EMPTY_GROUP = 'aaaaaaaaaaaaaaaaaaaa0001';
/** A second empty project. */
export const OTHER_GROUP = 'aaaaaaaaaaaaaaaaaaaa0002';

/**
 * A valid Cloud Manager body per type (wire names), with a distinctive secret tagged `tag` so a
 * test can look for it anywhere it must not appear.
 */
export function wireBody(type: MongoDbIntegrationType, tag: string): Record<string, unknown> {
  switch (type) {
    case 'PAGER_DUTY':
      return { type, serviceKey: `pdkey-${tag}-0123456789abcdef` };
    case 'SLACK':
      return { type, apiToken: `xoxb-${tag}-0123456789`, teamName: 'Ops Team', channelName: 'db-alerts' };
    case 'OPS_GENIE':
      return { type, apiKey: `ogkey-${tag}-0123456789`, region: 'EU' };
    case 'VICTOR_OPS':
      return { type, apiKey: `vokey-${tag}-0123456789`, routingKey: 'db-oncall' };
    case 'WEBHOOK':
      return { type, url: `https://hooks.example.com/in/${tag}/abcd`, secret: `whsec-${tag}-0123456789` };
    case 'MICROSOFT_TEAMS':
      return { type, microsoftTeamsWebhookUrl: `https://contoso.webhook.office.com/webhookb2/${tag}/IncomingWebhook/ffff` };
    case 'PROMETHEUS':
      return {
        type,
        username: 'prom',
        password: `prompass-${tag}-0123456789`,
        listenAddress: '0.0.0.0:9216',
        serviceDiscovery: 'http',
        scheme: 'https',
        enabled: true,
        tlsPemPath: '/etc/ssl/prom.pem',
        tlsPemPassword: `pempass-${tag}-0123456789`,
      };
  }
}

/** The secret values of a `wireBody`, by wire field name. */
export function secretsOf(type: MongoDbIntegrationType, body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(SECRET_FIELDS[type].map((name) => [name, String(body[name])]));
}

/** `MongoDbIntegrationInput` of a `wireBody` as a resolver receives it (enum values already mapped to the wire's). */
export function resolvedInput(type: MongoDbIntegrationType, tag: string): MongoDbIntegrationInput {
  const body = wireBody(type, tag);
  const text = (name: string): string => String(body[name]);
  switch (type) {
    case 'PAGER_DUTY':
      return { pagerDuty: { serviceKey: text('serviceKey') } };
    case 'SLACK':
      return { slack: { apiToken: text('apiToken'), teamName: text('teamName'), channelName: text('channelName') } };
    case 'OPS_GENIE':
      return { opsGenie: { apiKey: text('apiKey'), region: body['region'] === 'US' ? 'US' : 'EU' } };
    case 'VICTOR_OPS':
      return { victorOps: { apiKey: text('apiKey'), routingKey: text('routingKey') } };
    case 'WEBHOOK':
      return { webhook: { url: text('url'), secret: text('secret') } };
    case 'MICROSOFT_TEAMS':
      return { microsoftTeams: { microsoftTeamsWebhookUrl: text('microsoftTeamsWebhookUrl') } };
    case 'PROMETHEUS':
      return {
        prometheus: {
          username: text('username'),
          password: text('password'),
          listenAddress: text('listenAddress'),
          serviceDiscovery: body['serviceDiscovery'] === 'file' ? 'file' : 'http',
          scheme: body['scheme'] === 'http' ? 'http' : 'https',
          enabled: body['enabled'] === true,
          tlsPemPath: text('tlsPemPath'),
          tlsPemPassword: text('tlsPemPassword'),
        },
      };
  }
}

/** The GraphQL `MongoDbIntegrationInput` for a `wireBody` (enum values in their GraphQL form). */
export function graphqlInput(type: MongoDbIntegrationType, tag: string): Record<string, unknown> {
  const { type: _type, ...fields } = wireBody(type, tag);
  if (type === 'PROMETHEUS') {
    fields['serviceDiscovery'] = String(fields['serviceDiscovery']).toUpperCase();
    fields['scheme'] = String(fields['scheme']).toUpperCase();
  }
  return { [INPUT_KEYS[type]]: fields };
}
