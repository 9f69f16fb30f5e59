import type { ConnectedService } from '../../core/vendor.js';

/*
 * What Chronosphere's Config API v1 says about external connections, as the client reads it (the
 * simulator keeps its own reading). Contract: docs/vendors/chronosphere/CONTRACT.md and the swagger beside it.
 */

/** The type blocks of `configv1ExternalConnection`, by their JSON names. Exactly one is set. */
export const CHRONOSPHERE_BLOCKS = ['slack', 'pagerduty', 'webhook', 'victor_ops', 'ops_genie', 'cloudflare', 'mongodb_atlas', 'sendgrid', 'datadog'] as const;
export type ChronosphereBlock = (typeof CHRONOSPHERE_BLOCKS)[number];

/** The list filter's `connection_types` values. */
export const CHRONOSPHERE_CONNECTION_TYPES = ['SLACK', 'PAGERDUTY', 'WEBHOOK', 'VICTOROPS', 'OPSGENIE', 'CLOUDFLARE', 'MONGODB_ATLAS', 'SENDGRID', 'DATADOG'] as const;
export type ChronosphereConnectionType = (typeof CHRONOSPHERE_CONNECTION_TYPES)[number];

/** The filter spells two types differently from their JSON blocks (`VICTOROPS` vs `victor_ops`). */
export const CONNECTION_TYPE_OF_BLOCK: Readonly<Record<ChronosphereBlock, ChronosphereConnectionType>> = {
  slack: 'SLACK',
  pagerduty: 'PAGERDUTY',
  webhook: 'WEBHOOK',
  victor_ops: 'VICTOROPS',
  ops_genie: 'OPSGENIE',
  cloudflare: 'CLOUDFLARE',
  mongodb_atlas: 'MONGODB_ATLAS',
  sendgrid: 'SENDGRID',
  datadog: 'DATADOG',
};

/** What each block connects to, in Patchbay's normalised terms. */
export const SERVICE_OF_BLOCK: Readonly<Record<ChronosphereBlock, ConnectedService>> = {
  slack: 'SLACK',
  pagerduty: 'PAGERDUTY',
  webhook: 'WEBHOOK',
  victor_ops: 'VICTOROPS',
  ops_genie: 'OPSGENIE',
  cloudflare: 'CLOUDFLARE',
  mongodb_atlas: 'MONGODB_ATLAS',
  sendgrid: 'SENDGRID',
  datadog: 'DATADOG',
};

/** The literal the Config API puts in place of a secret on read. */
export const REDACTED = '**REDACTED**';

/** PagerDuty Events API versions; V2 is Chronosphere's default when none is given. */
export const PAGERDUTY_EVENTS_VERSIONS = ['PAGERDUTY_EVENTS_VERSION_V1', 'PAGERDUTY_EVENTS_VERSION_V2'] as const;
export type PagerdutyEventsVersion = (typeof PAGERDUTY_EVENTS_VERSIONS)[number];

/**
 * Slugs. The swagger gives no rule; generated slugs are lower-case kebab words, so Patchbay accepts
 * (as the simulator does, by its own choice) letters, digits, `-`, `_` and `.`, starting with a letter or digit, at most 256.
 */
export const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;

/** Cloudflare token prefixes the swagger names: user tokens and account tokens. */
export const CLOUDFLARE_TOKEN_PREFIXES = ['cfut_', 'cfat_'] as const;

/** A Datadog site is a host name such as `datadoghq.com`, `us5.datadoghq.com` or `ddog-gov.com`. */
export const DATADOG_SITE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** Control characters never belong in a name, URL or secret (they also break HTTP headers downstream). */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Whether `value` is an absolute http(s) URL with a host. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}
