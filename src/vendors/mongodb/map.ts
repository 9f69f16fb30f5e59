import type { AccountRef, ConnectionBase, SecretHint } from '../../core/domain.js';
import { secretHint } from '../../core/domain.js';
import type { ItemFailure } from '../../core/http/tolerant.js';
import { TYPE_LABELS, TYPE_SERVICES } from './catalogue.js';
import { microsoftTeamsWire, opsGenieWire, pagerDutyWire, prometheusWire, slackWire, victorOpsWire, webhookWire, type IntegrationWire } from './wire.js';

/*
 * Wire → domain. Every secret becomes a `SecretHint` here: the masked values Cloud Manager
 * returns (`******7890`, `https://host/****abcd`) look like real strings, and nothing after this
 * function can hold one, so nothing can write one back (CONTRACT.md, "Masking as recorded").
 */

/** A PagerDuty integration. `region` (`US`/`EU`) is sent by the Atlas-era API; Cloud Manager's docs list none. */
export interface MongoDbPagerDutySettings {
  readonly type: 'PAGER_DUTY';
  readonly serviceKey: SecretHint;
  readonly region: string | null;
}

/** A Slack integration; `teamName` may be missing on a legacy one, `channelName` is `""` when unset. */
export interface MongoDbSlackSettings {
  readonly type: 'SLACK';
  readonly apiToken: SecretHint;
  readonly teamName: string | null;
  readonly channelName: string | null;
}

/** An Opsgenie integration. */
export interface MongoDbOpsGenieSettings {
  readonly type: 'OPS_GENIE';
  readonly apiKey: SecretHint;
  readonly region: string | null;
}

/** A VictorOps (Splunk On-Call) integration. */
export interface MongoDbVictorOpsSettings {
  readonly type: 'VICTOR_OPS';
  readonly apiKey: SecretHint;
  readonly routingKey: string | null;
}

/**
 * A webhook. The URL is masked by the vendor, so only its origin and a hint are kept. The
 * Atlas-era body and headers templates are `format: password` in the spec and shown redacted
 * (`******`) once set (CONTRACT.md, "Fields per type"); the headers template may carry static
 * header values such as an `Authorization` header, so both are hints that say only whether they are set.
 */
export interface MongoDbWebhookSettings {
  readonly type: 'WEBHOOK';
  readonly url: SecretHint;
  readonly urlOrigin: string | null;
  readonly secret: SecretHint;
  readonly bodyTemplate: SecretHint;
  readonly headersTemplate: SecretHint;
}

/** A Microsoft Teams incoming webhook. */
export interface MongoDbMicrosoftTeamsSettings {
  readonly type: 'MICROSOFT_TEAMS';
  readonly microsoftTeamsWebhookUrl: SecretHint;
  readonly urlOrigin: string | null;
}

/** The Prometheus integration (Cloud Manager's discovery endpoint). */
export interface MongoDbPrometheusSettings {
  readonly type: 'PROMETHEUS';
  readonly username: string | null;
  readonly password: SecretHint;
  readonly listenAddress: string | null;
  readonly serviceDiscovery: string | null;
  readonly scheme: string | null;
  readonly enabled: boolean | null;
  readonly tlsPemPath: string | null;
  readonly tlsPemPassword: SecretHint;
}

/** A type Patchbay does not know (DATADOG, NEW_RELIC, HIP_CHAT, or newer): no values shown. */
export interface MongoDbUnknownSettings {
  readonly type: 'UNKNOWN';
  readonly integrationType: string;
  readonly fieldNames: readonly string[];
}

/** The per-type part of an integration. */
export type MongoDbSettings =
  | MongoDbPagerDutySettings
  | MongoDbSlackSettings
  | MongoDbOpsGenieSettings
  | MongoDbVictorOpsSettings
  | MongoDbWebhookSettings
  | MongoDbMicrosoftTeamsSettings
  | MongoDbPrometheusSettings
  | MongoDbUnknownSettings;

/** One project's integration of one type: Cloud Manager keys it by group and type. */
export interface MongoDbIntegration extends ConnectionBase {
  readonly kind: 'mongodb';
  readonly groupId: string;
  /** The vendor's `type`, as sent. */
  readonly type: string;
  /** The integration's own id, when the API returns one (the Atlas-era view does; Cloud Manager v1.0's docs list none). */
  readonly vendorIntegrationId: string | null;
  readonly settings: MongoDbSettings;
}

/** Every integration of one project, as one list call (all pages) returned them. */
export interface MongoDbGroupIntegrations {
  readonly groupId: string;
  readonly integrations: readonly MongoDbIntegration[];
  /** The listed integrations that break the contract, each named by its `type` where it could be read. */
  readonly failures: readonly ItemFailure[];
}

function origin(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

const SECRET_NAME = /key|token|secret|password|url/i;

/** Whether a template is set, and nothing more: its content may hold header values, and the vendor redacts it anyway. */
function templateHint(field: string, value: string | null | undefined): SecretHint {
  return { field, isSet: typeof value === 'string' && value !== '', lastFour: null };
}

function settingsOf(wire: IntegrationWire): MongoDbSettings {
  switch (wire.type) {
    case 'PAGER_DUTY': {
      const w = pagerDutyWire.parse(wire);
      return { type: 'PAGER_DUTY', serviceKey: secretHint('serviceKey', w.serviceKey, true), region: w.region ?? null };
    }
    case 'SLACK': {
      const w = slackWire.parse(wire);
      return { type: 'SLACK', apiToken: secretHint('apiToken', w.apiToken, true), teamName: w.teamName ?? null, channelName: w.channelName ?? null };
    }
    case 'OPS_GENIE': {
      const w = opsGenieWire.parse(wire);
      return { type: 'OPS_GENIE', apiKey: secretHint('apiKey', w.apiKey, true), region: w.region ?? null };
    }
    case 'VICTOR_OPS': {
      const w = victorOpsWire.parse(wire);
      return { type: 'VICTOR_OPS', apiKey: secretHint('apiKey', w.apiKey, true), routingKey: w.routingKey ?? null };
    }
    case 'WEBHOOK': {
      const w = webhookWire.parse(wire);
      // The secret is returned only when one is configured (CONTRACT.md), so absence means unset.
      return {
        type: 'WEBHOOK',
        url: secretHint('url', w.url, true),
        urlOrigin: origin(w.url),
        secret: secretHint('secret', w.secret),
        bodyTemplate: templateHint('bodyTemplate', w.bodyTemplate),
        headersTemplate: templateHint('headersTemplate', w.headersTemplate),
      };
    }
    case 'MICROSOFT_TEAMS': {
      const w = microsoftTeamsWire.parse(wire);
      return {
        type: 'MICROSOFT_TEAMS',
        microsoftTeamsWebhookUrl: secretHint('microsoftTeamsWebhookUrl', w.microsoftTeamsWebhookUrl, true),
        urlOrigin: origin(w.microsoftTeamsWebhookUrl),
      };
    }
    case 'PROMETHEUS': {
      const w = prometheusWire.parse(wire);
      return {
        type: 'PROMETHEUS',
        username: w.username ?? null,
        // Never returned, but required on every write: it is set whenever the integration exists.
        password: secretHint('password', w.password, true),
        listenAddress: w.listenAddress ?? null,
        serviceDiscovery: w.serviceDiscovery ?? null,
        scheme: w.scheme ?? null,
        enabled: w.enabled ?? null,
        tlsPemPath: w.tlsPemPath ?? null,
        tlsPemPassword: secretHint('tlsPemPassword', w.tlsPemPassword),
      };
    }
    default:
      return {
        type: 'UNKNOWN',
        integrationType: wire.type,
        fieldNames: Object.keys(wire)
          .filter((key) => key !== 'type' && key !== 'id')
          .sort(),
      };
  }
}

function secretsOf(settings: MongoDbSettings, wire: IntegrationWire): SecretHint[] {
  switch (settings.type) {
    case 'PAGER_DUTY':
      return [settings.serviceKey];
    case 'SLACK':
      return [settings.apiToken];
    case 'OPS_GENIE':
    case 'VICTOR_OPS':
      return [settings.apiKey];
    case 'WEBHOOK':
      return [settings.url, settings.secret, settings.bodyTemplate, settings.headersTemplate];
    case 'MICROSOFT_TEAMS':
      return [settings.microsoftTeamsWebhookUrl];
    case 'PROMETHEUS':
      return [settings.password, settings.tlsPemPassword];
    case 'UNKNOWN': {
      // Values of unknown types are never shown; fields that look secret get hints.
      const record = wire as Record<string, unknown>;
      return settings.fieldNames.filter((name) => SECRET_NAME.test(name) && typeof record[name] === 'string').map((name) => secretHint(name, record[name]));
    }
    default: {
      const unreachable: never = settings;
      throw new Error(`unknown settings ${String(unreachable)}`);
    }
  }
}

/** Maps one wire integration of project `groupId` to the domain. Secret values never survive it. */
export function mapIntegration(account: AccountRef, groupId: string, wire: IntegrationWire): MongoDbIntegration {
  const settings = settingsOf(wire);
  const label = TYPE_LABELS[wire.type] ?? wire.type;
  return {
    kind: 'mongodb',
    account,
    groupId,
    type: wire.type,
    vendorIntegrationId: wire.id ?? null,
    name: `${label} (project ${groupId})`,
    service: TYPE_SERVICES[wire.type] ?? 'OTHER',
    createdAt: null,
    updatedAt: null,
    secrets: secretsOf(settings, wire),
    settings,
  };
}
