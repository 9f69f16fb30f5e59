import { z } from 'zod';

/*
 * Cloud Manager's JSON (CONTRACT.md; the Atlas v2 recordings share the same server-side views).
 * Objects are loose where the vendor adds fields over time (Atlas added `id`, `region` on
 * PagerDuty, webhook templates); per-type fields are read in map.ts with the schemas below, so a
 * type Patchbay does not know still parses.
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
 * fields have the wrong shape fails here, so the whole answer becomes a `VendorContractError`
 * instead of a half-read object.
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
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type IntegrationWire = z.output<typeof integrationWire>;

const link = z.looseObject({ href: z.string().optional(), rel: z.string().optional() });

/** `{links, results, totalCount}`: list responses and every write response. */
export const integrationPage = z.looseObject({
  links: z.array(link).nullish(),
  results: z.array(integrationWire),
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
