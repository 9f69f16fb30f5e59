import type { AccountEntry } from '../../app/accounts.js';
import type { GatewayContext } from '../../app/context.js';
import { PatchbayError } from '../../core/errors.js';
import { requireConnectionId } from '../../app/lookup.js';
import type { OpsRampClient } from './client.js';
import { checkInstalledId } from './input.js';
import type { OpsRampInstalledIntegration } from './map.js';
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
    return { id, enabled, integration };
  } catch (error) {
    if (!(error instanceof PatchbayError)) throw error;
    context.logger.warn(`OpsRamp integration ${enabled ? 'enabled' : 'disabled'} but not read back`, { account: entry.ref.key, reason: error.name });
    return { id, enabled, integration: null };
  }
}
