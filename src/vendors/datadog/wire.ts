import { z } from 'zod';
import { lenientEnum, tolerantList } from '../../core/http/tolerant.js';
import { parseDatadogTime } from './time.js';

/**
 * Datadog's JSON as the v2 spec and the recordings show it. Credentials stay loose here (their
 * shape depends on the integration type and is read field by field in map.ts against the
 * catalogue), so a type Datadog adds later still parses.
 */
const credentials = z.looseObject({ type: z.string() });

const integration = z.looseObject({
  type: z.string(),
  base_url: z.string().optional(),
  credentials,
});

/**
 * A time as Datadog writes it (Go's `time.Time` text or RFC 3339, see time.ts). Absent or null
 * reads as absent; a present value that is no time breaks the contract for the item it is in.
 */
const time = z
  .string()
  .transform((raw, context) => {
    const parsed = parseDatadogTime(raw);
    if (parsed === null) context.addIssue({ code: 'custom', message: 'not a Go or RFC 3339 time', input: raw });
    return parsed ?? z.NEVER;
  })
  .nullish();

/**
 * `relationships.created_by`: the user who created the connection. Recorded with
 * `data.type: "created_by"` where JSON:API would say `users`, so the type is not checked.
 */
const relationships = z.object({
  created_by: z.object({ data: z.object({ id: z.string(), type: z.string().nullish() }).nullish() }).nullish(),
});

/**
 * One connection as GET, POST and PATCH answer it. The spec declares `id`, `type` and
 * `attributes.{name, tags, integration}`; the real API adds `created_at`, `last_updated`,
 * `acting_user_can_resolve` and `relationships` on GET and PATCH (CONTRACT.md, "Fields beyond the
 * spec"). Those are optional: the create answer leaves them out.
 */
export const connectionData = z.object({
  id: z.string(),
  type: z.literal('action_connection'),
  attributes: z.object({
    name: z.string(),
    tags: z.array(z.string()).nullish(),
    integration,
    created_at: time,
    last_updated: time,
    acting_user_can_resolve: z.boolean().nullish(),
  }),
  relationships: relationships.nullish(),
});
export type ConnectionData = z.output<typeof connectionData>;

export const connectionResponse = z.object({ data: connectionData });

/** The registration types Patchbay knows; anything else reads as `unknown` rather than failing. */
const APP_KEY_REGISTRATION_TYPES = ['app_key_registration'] as const;
export type AppKeyRegistrationType = (typeof APP_KEY_REGISTRATION_TYPES)[number] | 'unknown';

const appKeyRegistration = z.object({
  id: z.string().min(1),
  type: lenientEnum(APP_KEY_REGISTRATION_TYPES, 'unknown'),
});
export type AppKeyRegistrationData = z.output<typeof appKeyRegistration>;

export const appKeyRegistrationResponse = z.object({ data: appKeyRegistration });

/**
 * A page of registrations, read item by item: a registration that breaks the contract is an item
 * failure named by its id, the others list. `meta` may be null or left out (the spec does not
 * require it); its counts then read as unknown.
 */
export const appKeyRegistrationList = z.object({
  data: tolerantList(appKeyRegistration, { idField: 'id', what: 'app key registration' }),
  meta: z
    .object({
      total: z.number().int().nullish(),
      total_filtered: z.number().int().nullish(),
    })
    .nullish(),
});

/** JSON:API error body; every member optional. Datadog's auth errors use plain strings. */
export const errorBody = z.object({
  errors: z.array(
    z.union([
      z.string(),
      z.object({
        status: z.string().optional(),
        title: z.string().optional(),
        detail: z.string().optional(),
        source: z
          .object({
            pointer: z.string().optional(),
            parameter: z.string().optional(),
            header: z.string().optional(),
          })
          .optional(),
      }),
    ]),
  ),
});
