import type { SimResponse } from '../base.js';
import { WEBHOOK_HOST, type OfferedIntegration } from './contract.js';
import type { StoredIntegration, StoredMapping, StoredNotifier } from './state.js';

/*
 * OpsRamp's wire shapes for answers (CONTRACT.md, "Object model", "Secrets
 * and masking on read" and "Errors").
 */

/** Which of OpsRamp's disagreeing names responses use (CONTRACT.md, "Inconsistencies"). */
export type ResponseNames = 'examples' | 'schema';

/**
 * How an instance writes what the 2021 spec leaves loose: times as OpsRamp's text or as epoch
 * milliseconds, paging counts and flags as JSON numbers/booleans or as text, and the catalogue's
 * entries as the spec's `{id, name}` (`flat`) or as OpsRamp's own client reads them,
 * `{type: {id, name}}` (`typed`). Unknown which each instance does; the defaults follow the spec.
 */
export interface WireStyle {
  readonly times: 'text' | 'epochMillis';
  readonly pagingAsText: boolean;
  readonly catalogue: 'flat' | 'typed';
}

export const DEFAULT_WIRE_STYLE: WireStyle = { times: 'text', pagingAsText: false, catalogue: 'flat' };

/**
 * OpsRamp's documented error shape (OAuth and throttling). Unknown (CONTRACT.md): the body of
 * other errors on the integration endpoints; the same shape is used for all of them.
 */
export function error(status: number, code: string, description: string, headers?: Record<string, string>): SimResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: { error: code, error_description: description } };
}

export function ok(body: unknown): SimResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

export function installedNotFound(): SimResponse {
  return error(404, 'not_found', 'Installed integration not found');
}

/** OpsRamp's `2020-10-08T07:25:24+0000` timestamp format. */
export function opsRampTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}+0000`;
}

/** Epoch milliseconds of an OpsRamp time text (`…+0100` read as `…+01:00`). */
function epochMillis(text: string): number {
  return Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** The search parameters of one page request. */
export interface Page {
  readonly pageNo: number;
  readonly pageSize: number;
  readonly descending: boolean;
  readonly sortName: string;
  readonly filters: readonly (readonly [string, string])[];
}

/**
 * A search answer: `{results, totalResults, pageNo, pageSize, totalPages, nextPage, nextPageNo?,
 * previousPageNo, descendingOrder}`, the counts and flags as text when `asText`.
 */
export function pageOf<T>(items: readonly T[], page: Page, render: (item: T) => unknown, asText = false): Record<string, unknown> {
  const totalResults = items.length;
  const totalPages = Math.ceil(totalResults / page.pageSize);
  const start = (page.pageNo - 1) * page.pageSize;
  const nextPage = page.pageNo < totalPages;
  const value = (v: number | boolean): number | boolean | string => (asText ? String(v) : v);
  return {
    results: items.slice(start, start + page.pageSize).map(render),
    totalResults: value(totalResults),
    pageNo: value(page.pageNo),
    pageSize: value(page.pageSize),
    totalPages: value(totalPages),
    nextPage: value(nextPage),
    ...(nextPage ? { nextPageNo: value(page.pageNo + 1) } : {}),
    previousPageNo: value(page.pageNo - 1),
    descendingOrder: value(page.descending),
  };
}

/** Renders stored objects with the configured names and secret policy. */
export class OpsRampRenderer {
  constructor(
    private readonly names: ResponseNames,
    private readonly echoSecrets: boolean,
    readonly style: WireStyle = DEFAULT_WIRE_STYLE,
  ) {}

  /** A time as this instance writes it. */
  time(text: string): string | number {
    return this.style.times === 'epochMillis' ? epochMillis(text) : text;
  }

  /** A search answer in this instance's style. */
  page<T>(items: readonly T[], page: Page, render: (item: T) => unknown): Record<string, unknown> {
    return pageOf(items, page, render, this.style.pagingAsText);
  }

  /** One catalogue entry, flat as the spec's example or nested under `type` as OpsRamp's own client reads it. */
  catalogueEntry(entry: OfferedIntegration): Record<string, unknown> {
    return this.style.catalogue === 'typed' ? { type: { id: entry.id, name: entry.name } } : { id: entry.id, name: entry.name };
  }

  mapping(mapping: StoredMapping): Record<string, unknown> {
    const schema = this.names === 'schema';
    return {
      name: mapping.name,
      attrName: mapping.attrName,
      [schema ? 'tenantAttrName' : 'thirdPartyAttrName']: mapping.thirdPartyAttrName,
      entityType: mapping.entityType,
      [schema ? 'tenantEntityType' : 'thirdPartyEntityType']: mapping.thirdPartyEntityType,
      ...(mapping.mode ? { mode: mapping.mode } : {}),
      attrValues: mapping.attrValues.map((v) => ({ attrValue: v.attrValue, [schema ? 'tenantAttrValue' : 'thirdPartyAttrValue']: v.thirdPartyAttrValue })),
    };
  }

  /** Write-only secrets (`password`, `apiSecret`) are omitted; `apiKey` and `userName` come back in clear. */
  notifier(n: StoredNotifier): Record<string, unknown> {
    const schema = this.names === 'schema';
    const out: Record<string, unknown> = { type: n.type, baseURI: n.baseURI, authType: n.authType };
    if (n.grantType) out['grantType'] = schema && n.grantType === 'PASSWORD' ? 'PASSWORD_CREDENTIALS' : n.grantType;
    if (n.userName) out['userName'] = n.userName;
    if (n.apiKey) out['apiKey'] = n.apiKey;
    if (n.accessTokenURI) out[schema ? 'accessTokenURL' : 'accessTokenURI'] = n.accessTokenURI;
    if (n.tokenURL) out['tokenURL'] = n.tokenURL;
    // Unknown: whether JWT details come back. The headers are returned (in clear) and the payload is not.
    if (n.tokenHeaders) out['tokenHeaders'] = n.tokenHeaders.map((kv) => ({ ...kv }));
    if (n.tokensPath) out['tokensPath'] = n.tokensPath.map((kv) => ({ ...kv }));
    if (n.resourceAuthHeaders) out['resourceAuthHeaders'] = n.resourceAuthHeaders.map((kv) => ({ ...kv }));
    if (this.echoSecrets) {
      if (n.password) out['password'] = n.password;
      if (n.apiSecret) out['apiSecret'] = n.apiSecret;
      if (n.tokenPayload !== undefined) out['tokenPayload'] = n.tokenPayload;
    }
    return out;
  }

  /**
   * The `integrationInstall` body. The webhook token and OAuth2 keys come back in clear (as OpsRamp
   * does); a key pair's secret only when `revealKeySecrets` (install or authentication setup).
   */
  integration(item: StoredIntegration, tenant: string, revealKeySecrets = false): Record<string, unknown> {
    const out: Record<string, unknown> = { id: item.id };
    if (item.displayName !== undefined) out['displayName'] = item.displayName;
    if (item.description !== undefined) out['description'] = item.description;
    out['integration'] = { ...item.integration };
    if (item.category !== undefined) out['category'] = item.category;
    out['installedBy'] = item.installedBy;
    out['installedTime'] = this.time(item.installedTime);
    out['status'] = item.status;
    if (item.state !== undefined) out['state'] = item.state;
    if (item.version !== undefined) out['version'] = item.version;
    if (item.updateAvailable !== undefined) out['updateAvailable'] = item.updateAvailable;
    if (item.createdBy !== undefined) out['createdBy'] = item.createdBy;
    if (item.createdTime !== undefined) out['createdTime'] = this.time(item.createdTime);
    if (item.updatedBy !== undefined) out['updatedBy'] = item.updatedBy;
    if (item.updatedTime !== undefined) out['updatedTime'] = this.time(item.updatedTime);
    if (item.direction !== undefined) out['direction'] = item.direction;
    if (item.alertSource) out['alertSource'] = { ...item.alertSource };
    if (item.parentIntg) out['parentIntg'] = { ...item.parentIntg };
    const inbound = item.inboundConfig;
    if (inbound) {
      const auth = inbound.authentication;
      const renderedIn: Record<string, unknown> = {};
      if (auth) {
        const a: Record<string, unknown> = { authType: auth.authType };
        if (auth.token) a['token'] = auth.token;
        if (auth.apiKeyPairs) {
          a['apiKeyPairs'] = auth.apiKeyPairs.map((pair) => (revealKeySecrets || this.echoSecrets ? { key: pair.key, secret: pair.secret } : { key: pair.key }));
        }
        if (auth.role) a['role'] = { ...auth.role };
        renderedIn['authentication'] = a;
      }
      if (inbound.mapAttributes) renderedIn['mapAttributes'] = inbound.mapAttributes.map((m) => this.mapping(m));
      if (inbound.dropAlerts !== undefined) renderedIn['dropAlerts'] = inbound.dropAlerts;
      if (inbound.entityTypes) {
        renderedIn['entityTypes'] = [...inbound.entityTypes];
        if (auth?.token) {
          renderedIn['webhookUris'] = inbound.entityTypes.map((entity) => ({
            webhookEntityType: entity,
            url: `${WEBHOOK_HOST}/integrations/${tenant}/webhook/${entity.toLowerCase()}?vtoken=${auth.token ?? ''}`,
          }));
        }
      }
      out['inboundConfig'] = renderedIn;
    }
    const outbound = item.outboundConfig;
    if (outbound) {
      const renderedOut: Record<string, unknown> = {};
      if (outbound.baseNotifier) renderedOut['baseNotifier'] = this.notifier(outbound.baseNotifier);
      if (outbound.mapAttributes) renderedOut['mapAttributes'] = outbound.mapAttributes.map((m) => this.mapping(m));
      out['outboundConfig'] = renderedOut;
    }
    return out;
  }
}
