import { noteWritten } from '../../app/custody.js';
import type { AccountEntry } from '../../app/accounts.js';
import type { GatewayContext } from '../../app/context.js';
import type { PreviewSpec } from '../../app/preview.js';
import { PatchbayError } from '../../core/errors.js';
import { requireConnectionId } from '../../app/lookup.js';
import type { OpsRampClient } from './client.js';
import { checkInstalledId } from './input.js';
import type { OpsRampInstalledIntegration } from './map.js';
import { OPSRAMP_NOT_VALIDATED } from './preview.js';
import { opsRampLoaders, opsRampRuntime } from './runtime.js';

/** What enable and disable answer. */
export interface OpsRampStatusChange {
  readonly id: string;
  readonly enabled: boolean;
  readonly integration: OpsRampInstalledIntegration | null;
}

/**
 * The account and OpsRamp id behind a global id, for mutations. An id that is malformed, of
 * another type, of an unconfigured account or of another tenant is `NotFoundError`.
 */
export function requireOpsRampIntegration(context: GatewayContext, globalId: string): { entry: AccountEntry<OpsRampClient>; installedId: string } {
  const { entry, key } = requireConnectionId(context, opsRampRuntime, globalId);
  checkInstalledId(key.installedId, ['id']);
  return { entry, installedId: key.installedId };
}

/**
 * Enables or disables an installed OpsRamp integration, then reads it back. The change stands
 * once OpsRamp accepted it: a failed read-back returns the change without the integration.
 */
export async function setOpsRampIntegrationEnabled(context: GatewayContext, id: string, enabled: boolean): Promise<OpsRampStatusChange> {
  const { entry, installedId } = requireOpsRampIntegration(context, id);
  await (enabled ? entry.client.enable(context.scope, installedId) : entry.client.disable(context.scope, installedId));
  const key = { account: entry.ref.key, installedId };
  opsRampLoaders(context).opsRampInstalledIntegration.clear(key);
  opsRampLoaders(context).opsRampInstalledIntegrations.clear(entry.ref.key);
  try {
    const integration = await entry.client.get(context.scope, installedId);
    opsRampLoaders(context).opsRampInstalledIntegration.prime(key, integration);
    noteWritten(integration, id);
    return { id, enabled, integration };
  } catch (error) {
    if (!(error instanceof PatchbayError)) throw error;
    context.logger.warn(`OpsRamp integration ${enabled ? 'enabled' : 'disabled'} but not read back`, { account: entry.ref.key, reason: error.name });
    return { id, enabled, integration: null };
  }
}

/** Whether an integration is enabled now, from its status; null when OpsRamp's status says neither. */
function enabledNow(integration: OpsRampInstalledIntegration): boolean | null {
  if (integration.status === 'ENABLED') return true;
  if (integration.status === 'DISABLED') return false;
  return null;
}

/**
 * The preview of enabling or disabling (`dryRun`): only the state changes, `{ enabled }` before and
 * after. The integration is read (a missing one is `NotFoundError`, as the write would answer);
 * nothing is sent to OpsRamp but that read.
 */
export async function previewOpsRampIntegrationEnabled(context: GatewayContext, operation: string, id: string, enabled: boolean): Promise<PreviewSpec> {
  const { entry, installedId } = requireOpsRampIntegration(context, id);
  const current = await opsRampRuntime.read(context, entry, { account: entry.ref.key, installedId });
  const now = enabledNow(current);
  const notes = [OPSRAMP_NOT_VALIDATED];
  if (now === null) notes.push(`OpsRamp shows its status as ${JSON.stringify(current.statusText)}, neither enabled nor disabled.`);
  return { operation, account: entry.ref.key, targetId: id, current, before: { enabled: now }, after: { enabled }, vendorValidated: false, notes };
}
