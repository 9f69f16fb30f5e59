import { z } from 'zod';
import { tolerantList } from '../../core/http/tolerant.js';

/*
 * Chronosphere's JSON as the Config API v1 swagger declares it. Every field is optional and may be
 * null: proto3 JSON leaves out empty values, and a gateway that emits unpopulated fields sends
 * null for the type blocks that are not set. The connection object is loose so that a type block
 * Chronosphere adds later survives parsing and maps to the fallback target (map.ts).
 */

const text = z.string().nullish();

/** RFC 3339; anything unparsable breaks the contract. */
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: 'not an RFC 3339 date-time' })
  .nullish();

const basicAuth = z.object({ username: text, password: text });
const tlsConfig = z.object({ insecure_skip_verify: z.boolean().nullish() });

/** `configv1ExternalConnectionHTTPConfig`. */
export const httpConfigWire = z.object({
  basic_auth: basicAuth.nullish(),
  bearer_token: text,
  tls_config: tlsConfig.nullish(),
});
export type HttpConfigWire = z.output<typeof httpConfigWire>;

/** The type blocks, by their JSON names. */
export const blockWires = {
  slack: z.object({ api_url: text, token: text }),
  pagerduty: z.object({
    events: z.object({ api_key: text, version: text }).nullish(),
    rest: z.object({ api_key: text }).nullish(),
  }),
  webhook: z.object({ url: text, http_config: httpConfigWire.nullish() }),
  victor_ops: z.object({ api_key: text, api_url: text }),
  ops_genie: z.object({ api_key: text, api_url: text, http_config: httpConfigWire.nullish() }),
  cloudflare: z.object({ api_token: text }),
  mongodb_atlas: z.object({ client_id: text, client_secret: text }),
  sendgrid: z.object({ api_key: text }),
  datadog: z.object({ api_key: text, app_key: text, site: text }),
} as const;

/** `configv1ExternalConnection`. */
export const connectionWire = z.looseObject({
  slug: z.string().min(1),
  name: text,
  created_at: timestamp,
  updated_at: timestamp,
  slack: blockWires.slack.nullish(),
  pagerduty: blockWires.pagerduty.nullish(),
  webhook: blockWires.webhook.nullish(),
  victor_ops: blockWires.victor_ops.nullish(),
  ops_genie: blockWires.ops_genie.nullish(),
  cloudflare: blockWires.cloudflare.nullish(),
  mongodb_atlas: blockWires.mongodb_atlas.nullish(),
  sendgrid: blockWires.sendgrid.nullish(),
  datadog: blockWires.datadog.nullish(),
});
export type ConnectionWire = z.output<typeof connectionWire>;

/** Read, create and update answers. */
export const connectionResponse = z.object({ external_connection: connectionWire });

/** Create and update answers when `dry_run` may have left the object out. */
export const writeResponse = z.object({ external_connection: connectionWire.nullish() });

/**
 * `ListExternalConnections`: an empty list may be left out entirely (proto3 JSON). The list is
 * read item by item: one connection that breaks the contract (a `created_at` that is not RFC 3339,
 * a type block that is not an object) is an item failure named by its slug, and the others list.
 */
export const listResponse = z.object({
  external_connections: tolerantList(connectionWire, { idField: 'slug', what: 'connection' }).nullish(),
  page: z.object({ next_token: text }).nullish(),
});
