import type { SimResponse } from '../base.js';
import { NEW_RELIC_SECRETS, READ_DEFAULTS, REASONS, typeRules, type Readback } from './contract.js';
import type { StoredIntegration } from './state.js';

/*
 * Cloud Manager's wire shapes for answers (CONTRACT.md, "Errors" and "Masking
 * as recorded"), as the Atlas recordings show them.
 */

/** `ApiError`: `{detail, error, errorCode, parameters, reason}`. */
export function apiError(status: number, errorCode: string, detail: string, parameters: readonly unknown[]): Record<string, unknown> {
  return { detail, error: status, errorCode, parameters, reason: REASONS[status] ?? 'Error' };
}

export function errorResponse(status: number, errorCode: string, detail: string, parameters: readonly unknown[]): SimResponse {
  return { status, body: apiError(status, errorCode, detail, parameters) };
}

/** The documented error code of get-one; its status is not documented, 404 is the likely one. */
export function notConfigured(type: string, groupId: string): SimResponse {
  return errorResponse(404, 'INTEGRATION_NOT_CONFIGURED', `No ${type} integration is configured for group ${groupId}.`, [type, groupId]);
}

/** `*` for every character but the last four, as recorded (`****************************0022`). */
function mask(value: string): string {
  return value.length <= 4 ? '*'.repeat(value.length) : `${'*'.repeat(value.length - 4)}${value.slice(-4)}`;
}

/** Host kept, path masked, as recorded (`https://example.com/****2101`). */
function maskUrl(value: string): string {
  try {
    return `${new URL(value).origin}/****${value.slice(-4)}`;
  } catch {
    return mask(value);
  }
}

function readbackOf(type: string, field: string): Readback | undefined {
  const rule = typeRules(type, true)?.[field];
  if (rule !== undefined) return rule.readback;
  return type === 'NEW_RELIC' && NEW_RELIC_SECRETS.has(field) ? 'partial' : undefined;
}

/**
 * The wire object as the recordings show it (the Atlas-era view of the same integrations): its
 * read-only `id`, the read defaults of fields never set, secrets masked, keys sorted with `type` last.
 */
export function renderIntegration(integration: StoredIntegration, id: string): Record<string, unknown> {
  const values: Record<string, unknown> = { ...READ_DEFAULTS[integration.type], ...integration.fields, id };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(values).sort()) {
    const value = values[key];
    if (value === undefined) continue;
    const readback = readbackOf(integration.type, key);
    if (readback === 'never') continue;
    out[key] = typeof value !== 'string' || readback === undefined ? value : readback === 'redacted' ? '******' : readback === 'url' ? maskUrl(value) : mask(value);
  }
  // Documented: `channelName` reads back as "" when unset.
  if (integration.type === 'SLACK' && out['channelName'] === undefined) out['channelName'] = '';
  out['type'] = integration.type;
  return out;
}

/**
 * `wire` with `patch` laid over it, for a test that needs an integration breaking the contract: a
 * member set to `undefined` is left out of the JSON, any other value replaces the member as it is.
 */
export function breakWire(wire: Record<string, unknown>, patch: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  return patch === undefined ? wire : { ...wire, ...patch };
}
