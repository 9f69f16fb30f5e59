import type { GatewayContext } from '../../app/context.js';
import { storedFingerprints } from '../../app/custody.js';
import { loadOnce } from '../../app/loaders/index.js';
import type { PreviewSpec } from '../../app/preview.js';
import type { AccountRef } from '../../core/domain.js';
import { foundOrNull } from '../../core/errors.js';
import { encodeGlobalId, innerId } from '../../core/ids.js';
import { configurationOf } from './client.js';
import type { BuiltConfiguration } from './input.js';
import { mapConfiguration, type CortexPagerDutyConfiguration } from './map.js';
import { cortexLoaders, cortexRuntime } from './runtime.js';

/**
 * Write previews (`dryRun: true`) of the Cortex mutations. Cortex has no validate-only mode, so a
 * preview only reads the workspace's configuration (one GET, through the request's loader) and
 * predicts the rest: `vendorValidated` is always false.
 */

/** The global id of a workspace's configuration: the account is its whole key. */
export function configurationGlobalId(account: string): string {
  return encodeGlobalId(cortexRuntime.ids.typename, innerId(account));
}

/**
 * The configuration an add or replace would leave, in the domain shape a read gives: the body the
 * input builder made, mapped as Cortex's answer would be. The token shows as set, with no tail: a
 * preview carries nothing of the new value.
 */
export function predictedConfiguration(account: AccountRef, built: BuiltConfiguration): CortexPagerDutyConfiguration {
  return mapConfiguration(account, { isTokenReadonly: built.body.isTokenReadonly, lastFour: null });
}

/** The workspace's configuration now; `NotFoundError` when it has none. */
export async function currentConfiguration(context: GatewayContext, account: string): Promise<CortexPagerDutyConfiguration> {
  return configurationOf(await loadOnce(cortexLoaders(context).cortexPagerDutyConfiguration, account));
}

/** Like {@link currentConfiguration}, but null when the workspace has none. */
async function findCurrent(context: GatewayContext, account: string): Promise<CortexPagerDutyConfiguration | null> {
  return foundOrNull(() => currentConfiguration(context, account));
}

/**
 * The preview of an add (POST) or a replace (PUT): both send the whole configuration, so every
 * secret set now and not sent would be unset (`'others'`). An add where one exists, and a replace
 * where none does, say in a note what Cortex would make of it.
 */
export async function saveConfigurationPreview(
  context: GatewayContext,
  operation: 'addCortexPagerDutyConfiguration' | 'replaceCortexPagerDutyConfiguration',
  ref: AccountRef,
  built: BuiltConfiguration,
): Promise<PreviewSpec> {
  const id = configurationGlobalId(ref.key);
  const current = await findCurrent(context, ref.key);
  const notes: string[] = [];
  if (operation === 'addCortexPagerDutyConfiguration' && current !== null) {
    notes.push(
      'The workspace already has a PagerDuty configuration and Cortex keeps one per workspace: the add would most likely be refused (Cortex does not document whether it refuses or overwrites; the changes show an overwrite). Use replaceCortexPagerDutyConfiguration to change it.',
    );
  }
  if (operation === 'replaceCortexPagerDutyConfiguration' && current === null) {
    notes.push('The workspace has no PagerDuty configuration: Cortex’s replace (PUT) would create this one.');
  }
  return {
    operation,
    account: ref.key,
    targetId: current === null ? null : id,
    current,
    after: predictedConfiguration(ref, built),
    ...(built.secrets ? { secrets: built.secrets } : {}),
    unset: 'others',
    fingerprints: await storedFingerprints(context, id),
    vendorValidated: false,
    notes,
  };
}

/** The preview of a delete: the configuration goes, and its token with it. `NotFoundError` when there is none. */
export async function deleteConfigurationPreview(context: GatewayContext, ref: AccountRef): Promise<PreviewSpec> {
  const id = configurationGlobalId(ref.key);
  const current = await currentConfiguration(context, ref.key);
  return {
    operation: 'deleteCortexPagerDutyConfiguration',
    account: ref.key,
    targetId: id,
    current,
    after: null,
    unset: 'others',
    fingerprints: await storedFingerprints(context, id),
    vendorValidated: false,
    notes: [],
  };
}

/**
 * The preview of a validation: Cortex changes nothing, so before and after are the configuration
 * as it is. The validation itself (a POST that makes Cortex call PagerDuty) is not sent.
 * `NotFoundError` when there is nothing to validate, as the validation answers.
 */
export async function validateConfigurationPreview(context: GatewayContext, ref: AccountRef): Promise<PreviewSpec> {
  const id = configurationGlobalId(ref.key);
  const current = await currentConfiguration(context, ref.key);
  return {
    operation: 'validateCortexPagerDutyConfiguration',
    account: ref.key,
    targetId: id,
    current,
    after: current,
    fingerprints: await storedFingerprints(context, id),
    vendorValidated: false,
    notes: ['Nothing was sent: a validation changes nothing in Cortex, but it makes Cortex call PagerDuty with the stored token to try it.'],
  };
}
