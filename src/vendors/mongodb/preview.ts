import type { GatewayContext } from '../../app/context.js';
import { connectionGlobalId } from '../../app/connections.js';
import { storedFingerprints } from '../../app/custody.js';
import { requireAccount } from '../../app/lookup.js';
import type { PreviewSpec } from '../../app/preview.js';
import { predictedMongoDbIntegration } from './custody.js';
import { buildIntegrationBody, checkGroupId, type MongoDbIntegrationInput } from './input.js';
import { loadMongoDbIntegration, type MongoDbIntegrationKey } from './loaders.js';
import type { MongoDbIntegration } from './map.js';
import { mongoDbLoaders, mongoDbRuntime } from './runtime.js';

/*
 * Previews (`dryRun: true`) of the Cloud Manager mutations. Cloud Manager has no validate-only
 * mode, so a preview reads the project (GET) and works out the rest itself: it never sends a write.
 */

/** Said by every Cloud Manager preview. */
export const NOT_VENDOR_VALIDATED = 'Cloud Manager has no validate-only mode: only Patchbay checked this input; Cloud Manager checks it when it is written.';

/** What a create or upsert input names. */
export interface MongoDbWriteInput {
  readonly account: string;
  readonly groupId: string;
  readonly integration: MongoDbIntegrationInput;
}

/**
 * The preview of `createMongoDbIntegration` (POST) or `upsertMongoDbIntegration` (PUT, a full
 * replace): the input checked as the write checks it (`InputValidationError` alike), the project
 * read through the request's loader, and the integration the write would leave.
 */
export async function previewMongoDbWrite(context: GatewayContext, operation: 'createMongoDbIntegration' | 'upsertMongoDbIntegration', input: MongoDbWriteInput): Promise<PreviewSpec> {
  const entry = requireAccount(context, input.account, mongoDbRuntime);
  const groupId = checkGroupId(input.groupId, entry.client.groupIds);
  const built = buildIntegrationBody(input.integration);
  const group = await mongoDbLoaders(context).mongoDbGroup.load({ account: entry.ref.key, groupId });
  const existing = group.integrations.find((i) => i.type === built.type) ?? null;
  const notes = [NOT_VENDOR_VALIDATED];
  if (existing === null && group.failures.some((failure) => failure.vendorId === built.type)) {
    notes.push(
      `Project ${groupId} lists a ${built.type} integration Patchbay cannot read, so it is not shown as the current one; the write would ${operation === 'createMongoDbIntegration' ? 'be refused as a conflict' : 'replace it'}.`,
    );
  }
  if (operation === 'createMongoDbIntegration') {
    if (existing !== null) notes.push(`Project ${groupId} already has a ${built.type} integration: the create would be refused with a ConflictError; upsertMongoDbIntegration replaces it.`);
    if (built.type === 'SLACK') notes.push('Cloud Manager creates a Slack integration only from its UI (OAuth2): the API refuses to create one.');
    return {
      operation,
      account: input.account,
      targetId: null,
      current: null,
      after: predictedMongoDbIntegration(entry.ref, groupId, built, null),
      secrets: built.secrets ?? new Map<string, string>(),
      unset: 'others',
      fingerprints: new Map<string, string>(),
      vendorValidated: false,
      notes,
    };
  }
  if (existing === null && built.type === 'SLACK') notes.push('Cloud Manager creates a Slack integration only from its UI (OAuth2): the API refuses to create one, and the project has none.');
  const targetId = existing === null ? null : connectionGlobalId(mongoDbRuntime, existing);
  return {
    operation,
    account: input.account,
    targetId,
    current: existing,
    after: predictedMongoDbIntegration(entry.ref, groupId, built, existing),
    secrets: built.secrets ?? new Map<string, string>(),
    // A PUT replaces the whole integration: every secret set now and not sent is left unset.
    unset: 'others',
    fingerprints: targetId === null ? new Map<string, string>() : await storedFingerprints(context, targetId),
    vendorValidated: false,
    notes,
  };
}

/** The preview of `deleteMongoDbIntegration`: the integration as it is (its usual `NotFoundError` when missing), and nothing after. */
export async function previewMongoDbDelete(context: GatewayContext, key: MongoDbIntegrationKey): Promise<PreviewSpec> {
  const current: MongoDbIntegration = await loadMongoDbIntegration(mongoDbLoaders(context).mongoDbGroup, key);
  const targetId = connectionGlobalId(mongoDbRuntime, current);
  return {
    operation: 'deleteMongoDbIntegration',
    account: key.account,
    targetId,
    current,
    after: null,
    unset: 'others',
    fingerprints: await storedFingerprints(context, targetId),
    vendorValidated: false,
    notes: [NOT_VENDOR_VALIDATED],
  };
}
