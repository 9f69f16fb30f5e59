import { readBackShows } from '../../core/domain.js';
import type { OpsRampUpdateRequest } from './input.js';
import type { OpsRampInstalledIntegration } from './map.js';

/** The request's wire names (the spec's schema names, ./input.ts) that the domain spells otherwise. */
const NOTIFIER_NAMES: Readonly<Record<string, string>> = { baseURI: 'baseUri', accessTokenURL: 'accessTokenUri', tokenURL: 'tokenUrl' };
const MAPPING_NAMES: Readonly<Record<string, string>> = { tenantAttrName: 'thirdPartyAttrName', tenantEntityType: 'thirdPartyEntityType', tenantAttrValue: 'thirdPartyAttrValue' };
const mappingName = (key: string): string => MAPPING_NAMES[key] ?? key;

const sameSet = (sent: readonly string[], found: readonly string[]): boolean => sent.length === found.length && sent.every((value) => found.includes(value));

/**
 * Whether an installed integration read back by id shows the partial update that was sent (for
 * `settleUpdateByReadBack`): the display name and description it set, the inbound settings it set
 * (authentication type and role, mappings, `dropAlerts`, entity types), and the outbound mappings
 * and notifier it set, non-secret values equal and each secret's hint matching where OpsRamp shows
 * one. What the update left out is not compared: OpsRamp keeps it as it was.
 */
export function opsRampUpdateShown(found: OpsRampInstalledIntegration, body: OpsRampUpdateRequest): boolean {
  if (body.displayName !== undefined && found.displayName !== body.displayName) return false;
  if (body.description !== undefined && found.description !== body.description) return false;
  const inbound = body.inboundConfig;
  if (inbound !== undefined) {
    const there = found.inbound;
    if (!there) return false;
    const auth = inbound.authentication;
    if (auth !== undefined && (there.authentication?.authType !== auth.authType || (auth.role !== undefined && there.authentication.roleUniqueId !== auth.role.uniqueId))) return false;
    if (inbound.dropAlerts !== undefined && there.dropAlerts !== inbound.dropAlerts) return false;
    if (inbound.entityTypes !== undefined && !sameSet(inbound.entityTypes, there.entityTypes)) return false;
    if (inbound.mapAttributes !== undefined && !readBackShows(inbound.mapAttributes, there.mapAttributes, mappingName)) return false;
  }
  const outbound = body.outboundConfig;
  if (outbound !== undefined) {
    const there = found.outbound;
    if (!there) return false;
    if (outbound.mapAttributes !== undefined && !readBackShows(outbound.mapAttributes, there.mapAttributes, mappingName)) return false;
    if (outbound.baseNotifier !== undefined) {
      // `tokenPayload` is a JSON object sent and a hint read back: only whether it is set can be seen.
      const { tokenPayload, ...rest } = outbound.baseNotifier as Readonly<Record<string, unknown>>;
      if (!there.baseNotifier || !readBackShows(rest, there.baseNotifier, (key) => NOTIFIER_NAMES[key] ?? key)) return false;
      if (tokenPayload !== undefined && !there.baseNotifier.tokenPayload.isSet) return false;
    }
  }
  return true;
}
