import type { AccountEntry } from '../../app/accounts.js';
import type { GatewayContext } from '../../app/context.js';
import { NotFoundError, PatchbayError } from '../../core/errors.js';
import { requireObjectId } from '../../app/lookup.js';
import { checkInstalledId } from './input.js';
import type { OpsRampInstalledIntegration } from './map.js';

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
export function requireOpsRampIntegration(context: GatewayContext, globalId: string): { entry: Extract<AccountEntry, { vendor: 'opsramp' }>; installedId: string } {
  const { entry, parts } = requireObjectId(context, globalId, 'OpsRampInstalledIntegration', 'opsramp', 2);
  const [tenantId, installedId] = parts as [string, string];
  if (tenantId !== entry.client.tenantId) throw new NotFoundError(`No OpsRampInstalledIntegration has the id "${globalId}".`, globalId);
  checkInstalledId(installedId, ['id']);
  return { entry, installedId };
}


/**
 * Enables or disables an installed OpsRamp integration, then reads it back. The change stands
 * once OpsRamp accepted it: a failed read-back returns the change without the integration.
 */
export async function setOpsRampIntegrationEnabled(context: GatewayContext, id: string, enabled: boolean): Promise<OpsRampStatusChange> {
  const { entry, installedId } = requireOpsRampIntegration(context, id);
  await (enabled ? entry.client.enable(context.scope, installedId) : entry.client.disable(context.scope, installedId));
  const key = { account: entry.ref.key, installedId };
  context.loaders.opsRampInstalledIntegration.clear(key);
  context.loaders.opsRampInstalledIntegrations.clear(entry.ref.key);
  try {
    const integration = await entry.client.get(context.scope, installedId);
    context.loaders.opsRampInstalledIntegration.prime(key, integration);
    return { id, enabled, integration };
  } catch (error) {
    if (!(error instanceof PatchbayError)) throw error;
    context.logger.warn(`OpsRamp integration ${enabled ? 'enabled' : 'disabled'} but not read back`, { account: entry.ref.key, reason: error.name });
    return { id, enabled, integration: null };
  }
}
