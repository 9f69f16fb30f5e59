import { z } from 'zod';
import type { GatewayContext } from '../../app/context.js';
import { loadOnce } from '../../app/loaders/index.js';
import type { VendorRuntime } from '../../app/vendor-runtime.js';
import { accountFields, credential } from '../../core/config/schema.js';
import { connectionGlobalId } from '../../app/connections.js';
import { PatchbayError } from '../../core/errors.js';
import { GROUP_ID_PATTERN, TYPE_PATTERN } from './catalogue.js';
import { MongoDbClient } from './client.js';
import { mongoDbRequiredWith, rotateMongoDbSecret } from './custody.js';
import { mongoDbDigestAuth } from './digest.js';
import { parseMongoDbError } from './errors.js';
import { createMongoDbGroupLoader, loadMongoDbIntegration, type MongoDbIntegrationKey } from './loaders.js';
import type { MongoDbIntegration } from './map.js';

/** A MongoDB Cloud Manager / Atlas project (group) id as the config file may write it. */
export const MONGODB_GROUP_ID_PATTERN = /^[0-9a-fA-F]{24}$/;

/** Where Cloud Manager's public API lives under its host (docs/vendors/mongodb/CONTRACT.md, "Base URL and authentication"). */
const API_PREFIX = '/api/public/v1.0';

/**
 * The API root for the base URL a user wrote: MongoDB's docs and UI give the host
 * (`https://cloud.mongodb.com`, or an Ops Manager host), so a URL without a path gets the public
 * API prefix; a URL with a path (already the prefix, or another root such as a proxy's) is used
 * as written.
 */
export function cloudManagerApiRoot(baseUrl: string): string {
  const url = new URL(baseUrl);
  return url.pathname === '/' || url.pathname === '' ? `${url.origin}${API_PREFIX}` : baseUrl;
}

/** A Cloud Manager account in the config file: an API key pair and the projects it manages. */
export const mongoDbAccountSchema = z.strictObject({
  vendor: z.literal('mongodb'),
  ...accountFields,
  publicKey: credential,
  privateKey: credential,
  groupIds: z.array(z.string().regex(MONGODB_GROUP_ID_PATTERN, { error: 'must be a 24-character hexadecimal project id' })).min(1, { error: 'must list at least one project id' }),
});
export type MongoDbAccountConfig = z.output<typeof mongoDbAccountSchema>;

/** How a listing names one project of an account, in failures and item failures. */
function projectPart(groupId: string): string {
  return `project ${groupId}`;
}

/** The per-request Cloud Manager loaders. */
export interface MongoDbLoaders {
  /** Keyed by account + project: one list call (all pages) per project. */
  readonly mongoDbGroup: ReturnType<typeof createMongoDbGroupLoader>;
}

/** Cloud Manager's answer to what every vendor must do. */
export const mongoDbRuntime: VendorRuntime<MongoDbAccountConfig, MongoDbClient, MongoDbIntegration, MongoDbIntegrationKey, MongoDbLoaders> = {
  id: 'mongodb',
  name: 'MongoDB Cloud Manager',
  account: { schema: mongoDbAccountSchema, secretFields: ['publicKey', 'privateKey'] },
  // Cloud Manager names no request-id header (none in the recordings); a proxy's `x-request-id` is read.
  createClient: (account, ref, http) =>
    new MongoDbClient(ref, account.groupIds, http(mongoDbDigestAuth(account.publicKey, account.privateKey), parseMongoDbError, ['x-request-id'], cloudManagerApiRoot(account.baseUrl))),
  createLoaders: (accounts, scope) => ({ mongoDbGroup: createMongoDbGroupLoader(accounts, scope) }),
  listing: {
    kind: 'vendor',
    // One list per configured project, concurrently; the client reads every `pageNum` with a hard
    // page limit. A project that fails is a failure of that project: the others still list.
    list: async (context, entry) => {
      const { mongoDbGroup } = mongoDbLoaders(context);
      const groups = await Promise.all(
        entry.client.groupIds.map(async (groupId) => {
          try {
            return { groupId, group: await loadOnce(mongoDbGroup, { account: entry.ref.key, groupId }) };
          } catch (error) {
            if (error instanceof PatchbayError) return { groupId, error };
            throw error;
          }
        }),
      );
      const failures = groups.flatMap((result) => ('error' in result ? [{ part: projectPart(result.groupId), error: result.error }] : []));
      // Every project failing is the account failing (bad keys, vendor down): one failure, not N.
      if (failures.length === groups.length && failures[0]) throw failures[0].error;
      const listed = groups.flatMap((result) => ('group' in result ? [result.group] : []));
      return {
        items: listed.flatMap((group) => group.integrations),
        failures,
        // A broken integration costs itself only; the project it sits in is named like a failed project.
        itemFailures: listed.flatMap((group) => group.failures.map((failure) => ({ ...failure, part: projectPart(group.groupId) }))),
      };
    },
  },
  ids: {
    typename: 'MongoDbIntegration',
    // One integration per type per project: group and type are the vendor's key.
    keyParts: 2,
    keyOf: (integration) => [integration.groupId, integration.type],
    // Null also for a project outside the account's configured groupIds: such ids are foreign.
    parse: ([groupId, type], entry) => {
      if (groupId === undefined || type === undefined || !GROUP_ID_PATTERN.test(groupId) || !TYPE_PATTERN.test(type)) return null;
      if (!entry.client.groupIds.some((id) => id.toLowerCase() === groupId)) return null;
      return { account: entry.ref.key, groupId, type };
    },
  },
  read: (context, _entry, key) => loadMongoDbIntegration(mongoDbLoaders(context).mongoDbGroup, key),
  probe: async (context, entry) => {
    const [groupId] = entry.client.groupIds;
    if (groupId) await loadOnce(mongoDbLoaders(context).mongoDbGroup, { account: entry.ref.key, groupId });
  },
  // Cloud Manager's only write is a PUT of the whole integration: every other secret set must be sent again.
  custody: {
    requiredWith: mongoDbRequiredWith,
    rotate: (context, entry, key, current, field, value, supplied) =>
      rotateMongoDbSecret(context, entry.client, key, current, field, value, supplied, {
        loader: mongoDbLoaders(context).mongoDbGroup,
        globalIdOf: (integration) => connectionGlobalId(mongoDbRuntime, integration),
      }),
  },
};

/** The request's Cloud Manager loaders. */
export function mongoDbLoaders(context: GatewayContext): MongoDbLoaders {
  return context.loaders.of(mongoDbRuntime);
}
