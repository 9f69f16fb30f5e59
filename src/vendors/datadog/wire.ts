import { z } from 'zod';

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

export const connectionData = z.object({
  id: z.string(),
  type: z.literal('action_connection'),
  attributes: z.object({
    name: z.string(),
    tags: z.array(z.string()).nullish(),
    integration,
  }),
});
export type ConnectionData = z.output<typeof connectionData>;

export const connectionResponse = z.object({ data: connectionData });

const appKeyRegistration = z.object({
  id: z.string(),
  type: z.literal('app_key_registration'),
});
export type AppKeyRegistrationData = z.output<typeof appKeyRegistration>;

export const appKeyRegistrationResponse = z.object({ data: appKeyRegistration });

export const appKeyRegistrationList = z.object({
  data: z.array(appKeyRegistration),
  meta: z
    .object({
      total: z.number().int().optional(),
      total_filtered: z.number().int().optional(),
    })
    .optional(),
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
