import type { AccountRef, SecretHint } from '../../core/domain.js';
import type { OpsRampInboundAuthType } from './catalogue.js';
import { OPSRAMP_NOTIFIER_FIELD, opsRampNotifierSecretsHeld } from './custody.js';
import type { OpsRampInstallRequest, OpsRampUpdateRequest } from './input.js';
import { collectSecrets, mapInstalledIntegration, type OpsRampInboundConfig, type OpsRampInstalledIntegration, type OpsRampOutboundConfig } from './map.js';
import { installedIntegrationWire } from './wire.js';

/*
 * Write previews (`dryRun: true`) of OpsRamp's mutations. OpsRamp has no validate-only mode, so a
 * preview reads (GET) and predicts: the request body the input builder made, read as OpsRamp would
 * answer it (wire.ts reads the schema's names the body uses) and mapped to the domain like any
 * answer, merged over the integration as it is now the way OpsRamp merges an update.
 */

/** Said by every OpsRamp preview: nothing but Patchbay's own checks stands behind it. */
export const OPSRAMP_NOT_VALIDATED = 'OpsRamp has no validate-only mode: only Patchbay checked this input; OpsRamp may still refuse it.';

/** A body read as if OpsRamp had answered it under `id`, and mapped to the domain. */
function asAnswer(account: AccountRef, tenantId: string, id: string, body: OpsRampUpdateRequest, integrationId?: string): OpsRampInstalledIntegration {
  const wire = installedIntegrationWire.parse({ ...body, id, ...(integrationId === undefined ? {} : { integration: { id: integrationId } }) });
  return mapInstalledIntegration(account, tenantId, wire);
}

/**
 * The integration an install would make: what the body sets. OpsRamp adds the rest (its id,
 * status, who installed it and when, the generated inbound credentials), which the notes say.
 */
export function predictedInstall(account: AccountRef, tenantId: string, integrationId: string, body: OpsRampInstallRequest): Record<string, unknown> {
  const predicted = asAnswer(account, tenantId, 'INTG-(assigned by OpsRamp)', body, integrationId);
  return { ...predicted, installedId: null, name: predicted.displayName ?? predicted.integration?.name ?? null };
}

const noInbound: OpsRampInboundConfig = { authentication: null, mapAttributes: [], dropAlerts: null, entityTypes: [], webhookUrl: null, webhookUris: [] };
const noOutbound: OpsRampOutboundConfig = { mapAttributes: [], baseNotifier: null };

/** Hints of the inbound credentials OpsRamp issues for an auth type (set, tail unknown until it answers). */
function issued(authType: OpsRampInboundAuthType): { token: SecretHint | null; apiKeyPairs: { key: SecretHint; secret: SecretHint }[] } {
  const base = 'inboundConfig.authentication';
  const hint = (field: string): SecretHint => ({ field, isSet: true, lastFour: null });
  return {
    token: authType === 'WEBHOOK' || authType === 'ALL' ? hint(`${base}.token`) : null,
    apiKeyPairs: authType === 'OAUTH2' || authType === 'ALL' ? [{ key: hint(`${base}.apiKeyPairs.0.key`), secret: hint(`${base}.apiKeyPairs.0.secret`) }] : [],
  };
}

/**
 * The integration an update would leave: `current` with what the body sets, merged as OpsRamp
 * merges (CONTRACT.md; the simulator's `applyInbound`/`applyOutbound`): each field given replaces
 * the current one, lists whole; a notifier given replaces the current one whole; a changed inbound
 * auth type gets new credentials.
 */
export function predictedUpdate(current: OpsRampInstalledIntegration, body: OpsRampUpdateRequest): OpsRampInstalledIntegration {
  const sent = asAnswer(current.account, current.tenantId, current.installedId, body);
  let inbound = current.inbound;
  const inBody = body.inboundConfig;
  if (inBody !== undefined) {
    const now = current.inbound ?? noInbound;
    const given = sent.inbound ?? noInbound;
    const auth = inBody.authentication;
    const kept = now.authentication;
    inbound = {
      ...now,
      authentication:
        auth === undefined
          ? kept
          : {
              authType: given.authentication?.authType ?? null,
              roleUniqueId: auth.role?.uniqueId ?? kept?.roleUniqueId ?? null,
              roleName: auth.role === undefined ? (kept?.roleName ?? null) : null,
              ...(kept?.authType === auth.authType ? { token: kept.token, apiKeyPairs: kept.apiKeyPairs } : issued(auth.authType)),
            },
      mapAttributes: inBody.mapAttributes === undefined ? now.mapAttributes : given.mapAttributes,
      dropAlerts: inBody.dropAlerts === undefined ? now.dropAlerts : given.dropAlerts,
      entityTypes: inBody.entityTypes === undefined ? now.entityTypes : given.entityTypes,
    };
  }
  let outbound = current.outbound;
  const outBody = body.outboundConfig;
  if (outBody !== undefined) {
    const now = current.outbound ?? noOutbound;
    const given = sent.outbound ?? noOutbound;
    outbound = {
      mapAttributes: outBody.mapAttributes === undefined ? now.mapAttributes : given.mapAttributes,
      baseNotifier: outBody.baseNotifier === undefined ? now.baseNotifier : given.baseNotifier,
    };
  }
  return {
    ...current,
    ...(body.displayName === undefined ? {} : { displayName: body.displayName, name: body.displayName }),
    ...(body.description === undefined ? {} : { description: body.description }),
    inbound,
    outbound,
    secrets: collectSecrets(inbound, outbound),
  };
}

/**
 * The secret fields an update would leave without a value: those the notifier holds now and the
 * body's notifier (which replaces it whole) does not send. Nothing when the body sends no notifier.
 */
export function unsetByUpdate(current: OpsRampInstalledIntegration, body: OpsRampUpdateRequest, secrets: ReadonlyMap<string, string> | undefined): string[] {
  if (body.outboundConfig?.baseNotifier === undefined) return [];
  return opsRampNotifierSecretsHeld(current).filter((field) => !(secrets ?? new Map<string, string>()).has(field));
}

/** What an update preview cannot tell, in words a person can act on. */
export function updateNotes(current: OpsRampInstalledIntegration, body: OpsRampUpdateRequest): string[] {
  const notes = [OPSRAMP_NOT_VALIDATED];
  const auth = body.inboundConfig?.authentication;
  if (auth !== undefined && current.inbound?.authentication?.authType !== auth.authType) {
    notes.push('A new inbound auth type makes OpsRamp issue new inbound credentials (webhook token or key pair); third parties using the current ones must be given the new ones.');
  }
  if (body.inboundConfig?.mapAttributes !== undefined || body.outboundConfig?.mapAttributes !== undefined) {
    notes.push('OpsRamp derives each mapping’s `attrName` itself; the prediction leaves it empty.');
  }
  if (body.outboundConfig?.baseNotifier !== undefined && current.outbound?.baseNotifier?.authType === 'JWT') {
    notes.push(
      `OpsRamp never shows whether the current JWT notifier holds a password or a login payload; the new notifier replaces it whole (${OPSRAMP_NOTIFIER_FIELD}), so any it does not carry is gone.`,
    );
  }
  return notes;
}
