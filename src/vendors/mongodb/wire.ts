import { z } from 'zod';
import { tolerantList } from '../../core/http/tolerant.js';

/*
 * Cloud Manager's JSON (CONTRACT.md; the Atlas v2 recordings share the same server-side views).
 * Objects are loose where the vendor adds fields over time (Atlas added `id`, `region` on
 * PagerDuty, webhook templates); per-type fields are read in map.ts with the schemas below, so a
 * type Patchbay does not know still parses. Optional fields may be left out or sent as `null`
 * (the recordings show `bodyTemplate: null`): both read as absent. No public material shows
 * Cloud Manager sending a boolean or number as a string, so a value of another JSON type breaks
 * the contract: in a list, for that integration alone (`integrationPage`).
 */

const text = z.string().nullish();

/** Per-type response fields (one schema per type, exported for map.ts); everything optional because the docs say "only if set" for many. */
export const pagerDutyWire = z.looseObject({ serviceKey: text, region: text });
export const slackWire = z.looseObject({ apiToken: text, teamName: text, channelName: text });
export const opsGenieWire = z.looseObject({ apiKey: text, region: text });
export const victorOpsWire = z.looseObject({ apiKey: text, routingKey: text });
export const webhookWire = z.looseObject({ url: text, secret: text, bodyTemplate: text, headersTemplate: text });
export const microsoftTeamsWire = z.looseObject({ microsoftTeamsWebhookUrl: text });
export const prometheusWire = z.looseObject({
  username: text,
  password: text,
  listenAddress: text,
  serviceDiscovery: text,
  scheme: text,
  enabled: z.boolean().nullish(),
  tlsPemPath: text,
  tlsPemPassword: text,
  sendUserProvidedResourceTagsEnabled: z.boolean().nullish(),
});

/** The response schema of each type Patchbay knows; other types pass with `type` alone. */
const PER_TYPE: Readonly<Record<string, z.ZodType>> = {
  PAGER_DUTY: pagerDutyWire,
  SLACK: slackWire,
  OPS_GENIE: opsGenieWire,
  VICTOR_OPS: victorOpsWire,
  WEBHOOK: webhookWire,
  MICROSOFT_TEAMS: microsoftTeamsWire,
  PROMETHEUS: prometheusWire,
};

/**
 * One integration as the vendor returns it: a `type` and that type's fields. A known type whose
 * fields have the wrong shape fails here (with the per-type issue's own path and code), so it is
 * never half read: a get-one answer becomes a `VendorContractError`, a listed one an item failure.
 */
export const integrationWire = z
  .looseObject({
    type: z.string().min(1),
    id: z.string().nullish(),
  })
  .superRefine((value, ctx) => {
    const schema = PER_TYPE[value.type];
    if (schema === undefined) return;
    const parsed = schema.safeParse(value);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
  });
export type IntegrationWire = z.output<typeof integrationWire>;

const link = z.looseObject({ href: z.string().optional(), rel: z.string().optional() });

/**
 * `{links, results, totalCount}`: list responses and every write response. `results` is read
 * integration by integration: one that breaks the contract (e.g. a PROMETHEUS `enabled` sent as a
 * string) becomes an item failure named by its `type`, the project's key for it (Cloud Manager
 * v1.0 sends no `id`), and the project's other integrations still list.
 */
export const integrationPage = z.looseObject({
  links: z.array(link).nullish(),
  results: tolerantList(integrationWire, { idField: 'type', what: 'integration' }),
  // An estimate, omitted when `includeCount=false` (CONTRACT.md, "Pagination").
  totalCount: z.number().int().min(0).nullish(),
});
export type IntegrationPage = z.output<typeof integrationPage>;

/** The `ApiError` body; every member optional so a partial body still yields what it has. */
export const apiErrorWire = z.looseObject({
  detail: z.string().nullish(),
  error: z.number().int().nullish(),
  errorCode: z.string().nullish(),
  parameters: z.array(z.unknown()).nullish(),
  reason: z.string().nullish(),
  badRequestDetail: z
    .looseObject({
      fields: z.array(z.looseObject({ field: z.string().nullish(), description: z.string().nullish() })).nullish(),
    })
    .nullish(),
});
