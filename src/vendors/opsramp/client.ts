import type { AccountRef } from '../../core/domain.js';
import { VendorAuthError, VendorContractError } from '../../core/errors.js';
import type { AuthStrategy, CallScope, DeleteOutcome, VendorHttp, VendorRequest, VendorResponse } from '../../core/http/vendor-http.js';
import type { ItemFailure, Tolerant } from '../../core/http/tolerant.js';
import type { BuiltRequest } from '../../core/input-check.js';
import type { OpsRampInstallRequest, OpsRampUninstallRequest, OpsRampUpdateRequest } from './input.js';
import { mapAvailableIntegration, mapInstalledIntegration, type OpsRampCatalogueIntegration, type OpsRampInstalledIntegration } from './map.js';
import { OpsRampOAuth } from './oauth.js';
import { availableSearchWire, installedIntegrationWire, installedSearchWire } from './wire.js';

const BASE = '/api/v2/tenants/{tenantId}/integrations';
const INSTALL = `${BASE}/install/{integrationId}`;
const INSTALLED_SEARCH = `${BASE}/installed/search`;
const INSTALLED = `${BASE}/installed/{installedIntgId}`;
const ENABLE = `${INSTALLED}/enable`;
const DISABLE = `${INSTALLED}/disable`;
const AVAILABLE_SEARCH = `${BASE}/available/search`;

/** Page size Patchbay asks for (OpsRamp's default). */
export const OPSRAMP_PAGE_SIZE = 100;
/** Pages read at most in one listing, so a vendor that always says `nextPage` cannot loop forever. */
export const OPSRAMP_MAX_PAGES = 50;

/** Response headers that may carry OpsRamp's request id. */
export const OPSRAMP_REQUEST_ID_HEADERS: readonly string[] = ['x-request-id', 'x-opsramp-request-id'];

/** One page of a search, as OpsRamp numbers them (from 1). */
export interface OpsRampPage<T> {
  readonly items: readonly T[];
  /** The page's items that broke the contract, indexed from the start of the whole search. */
  readonly failures: readonly ItemFailure[];
  readonly pageNo: number;
  readonly totalResults: number | null;
  readonly hasNextPage: boolean;
}

/** Paging and filtering of a search. */
export interface OpsRampSearchOptions {
  /** OpsRamp's `queryString`: `key:value` pairs joined with `+`. */
  readonly queryString?: string | undefined;
  readonly pageNo?: number;
  readonly pageSize?: number;
}

interface PageEnvelope {
  readonly pageNo?: number | null | undefined;
  readonly totalPages?: number | null | undefined;
  readonly totalResults?: number | null | undefined;
  readonly nextPage?: boolean | null | undefined;
}

/** Whether another page follows, from whichever paging facts OpsRamp sent. */
function hasNextPage(envelope: PageEnvelope, pageNo: number, pageSize: number, count: number): boolean {
  if (count === 0) return false;
  if (typeof envelope.nextPage === 'boolean') return envelope.nextPage;
  if (typeof envelope.totalPages === 'number') return pageNo < envelope.totalPages;
  if (typeof envelope.totalResults === 'number') return (pageNo - 1) * pageSize + count < envelope.totalResults;
  return count >= pageSize;
}

/** A page's item failures, indexed from the start of the whole search rather than of the page. */
function searchWide(failures: readonly ItemFailure[] | undefined, pageNo: number, pageSize: number): ItemFailure[] {
  return (failures ?? []).map((failure) => ({ ...failure, index: failure.index + (pageNo - 1) * pageSize }));
}

/**
 * OpsRamp installed integrations (API v2) for one account's tenant: install, search, get, update
 * (POST), uninstall (DELETE with a body), enable, disable, and the catalogue of available
 * integrations. Every call first makes sure a bearer token is at hand (./oauth.ts).
 */
export class OpsRampClient {
  constructor(
    readonly account: AccountRef,
    readonly tenantId: string,
    private readonly http: VendorHttp,
    private readonly auth: OpsRampOAuth,
  ) {}

  async install(scope: CallScope, integrationId: string, built: BuiltRequest<OpsRampInstallRequest>): Promise<OpsRampInstalledIntegration> {
    const res = await this.call(scope, {
      method: 'POST',
      route: INSTALL,
      params: { integrationId },
      json: built.body,
      sensitive: built.sensitive,
      schema: installedIntegrationWire,
      okStatuses: [200, 201],
    });
    return mapInstalledIntegration(this.account, this.tenantId, res.body);
  }

  async get(scope: CallScope, installedId: string): Promise<OpsRampInstalledIntegration> {
    const res = await this.call(scope, { method: 'GET', route: INSTALLED, params: { installedIntgId: installedId }, schema: installedIntegrationWire });
    return mapInstalledIntegration(this.account, this.tenantId, res.body);
  }

  /** Changes an installed integration: OpsRamp updates with POST and a partial body. */
  async update(scope: CallScope, installedId: string, built: BuiltRequest<OpsRampUpdateRequest>): Promise<OpsRampInstalledIntegration> {
    const res = await this.call(scope, {
      method: 'POST',
      route: INSTALLED,
      params: { installedIntgId: installedId },
      json: built.body,
      sensitive: built.sensitive,
      schema: installedIntegrationWire,
      okStatuses: [200],
    });
    return mapInstalledIntegration(this.account, this.tenantId, res.body);
  }

  /** Uninstalls; OpsRamp requires the reason as a JSON body on the DELETE. */
  async uninstall(scope: CallScope, installedId: string, reason: string): Promise<DeleteOutcome> {
    await this.auth.token(scope);
    return this.tenantChecked(() =>
      this.http.delete(scope, {
        route: INSTALLED,
        params: { tenantId: this.tenantId, installedIntgId: installedId },
        json: { uninstallReason: reason } satisfies OpsRampUninstallRequest,
        okStatuses: [200, 204],
      }),
    );
  }

  async enable(scope: CallScope, installedId: string): Promise<void> {
    await this.call(scope, { method: 'POST', route: ENABLE, params: { installedIntgId: installedId }, okStatuses: [200, 204] });
  }

  async disable(scope: CallScope, installedId: string): Promise<void> {
    await this.call(scope, { method: 'POST', route: DISABLE, params: { installedIntgId: installedId }, okStatuses: [200, 204] });
  }

  /** One page of installed integrations; an item that breaks the contract is a failure beside the others. */
  async searchInstalled(scope: CallScope, options: OpsRampSearchOptions = {}): Promise<OpsRampPage<OpsRampInstalledIntegration>> {
    const pageNo = options.pageNo ?? 1;
    const pageSize = options.pageSize ?? OPSRAMP_PAGE_SIZE;
    const res = await this.call(scope, {
      method: 'GET',
      route: INSTALLED_SEARCH,
      query: { queryString: options.queryString, pageNo, pageSize },
      schema: installedSearchWire,
    });
    const items = (res.body.results?.items ?? []).map((wire) => mapInstalledIntegration(this.account, this.tenantId, wire));
    const failures = searchWide(res.body.results?.failures, pageNo, pageSize);
    return { items, failures, pageNo, totalResults: res.body.totalResults ?? null, hasNextPage: hasNextPage(res.body, pageNo, pageSize, items.length + failures.length) };
  }

  /** One page of the catalogue of integrations the tenant can install. */
  async searchAvailable(scope: CallScope, options: OpsRampSearchOptions = {}): Promise<OpsRampPage<OpsRampCatalogueIntegration>> {
    const pageNo = options.pageNo ?? 1;
    const pageSize = options.pageSize ?? OPSRAMP_PAGE_SIZE;
    const res = await this.call(scope, {
      method: 'GET',
      route: AVAILABLE_SEARCH,
      query: { queryString: options.queryString, pageNo, pageSize },
      schema: availableSearchWire,
    });
    const items = (res.body.results?.items ?? []).map(mapAvailableIntegration);
    const failures = searchWide(res.body.results?.failures, pageNo, pageSize);
    return { items, failures, pageNo, totalResults: res.body.totalResults ?? null, hasNextPage: hasNextPage(res.body, pageNo, pageSize, items.length + failures.length) };
  }

  /** Every installed integration, page by page until OpsRamp says there is no next page, and the items that could not be read. */
  listInstalled(scope: CallScope, queryString?: string): Promise<Tolerant<OpsRampInstalledIntegration>> {
    return this.all('installed', (pageNo) => this.searchInstalled(scope, { queryString, pageNo }));
  }

  /**
   * The whole catalogue (optionally filtered), page by page, each id once: in the `type` shape
   * OpsRamp's own client reads, several entries can name the same integration.
   */
  async listAvailable(scope: CallScope, queryString?: string): Promise<Tolerant<OpsRampCatalogueIntegration>> {
    const all = await this.all('available', (pageNo) => this.searchAvailable(scope, { queryString, pageNo }));
    const seen = new Set<string>();
    const items = all.items.filter((item) => !seen.has(item.id) && Boolean(seen.add(item.id)));
    return { items, failures: all.failures };
  }

  private async all<T>(what: string, page: (pageNo: number) => Promise<OpsRampPage<T>>): Promise<Tolerant<T>> {
    const items: T[] = [];
    const failures: ItemFailure[] = [];
    for (let pageNo = 1; pageNo <= OPSRAMP_MAX_PAGES; pageNo += 1) {
      const current = await page(pageNo);
      items.push(...current.items);
      failures.push(...current.failures);
      if (!current.hasNextPage) return { items, failures };
    }
    throw new VendorContractError(`OpsRamp kept announcing more ${what} integrations after ${OPSRAMP_MAX_PAGES} pages.`, {
      vendor: 'opsramp',
      account: this.account.key,
      httpStatus: 200,
      vendorCode: null,
      vendorRequestId: null,
      retryAfterSeconds: null,
    });
  }

  private async call<T>(scope: CallScope, request: VendorRequest<T>): Promise<VendorResponse<T>> {
    // Fetched here rather than inside the request, so a refused token request keeps its own error type.
    await this.auth.token(scope);
    return this.tenantChecked(() => this.http.request(scope, { ...request, params: { tenantId: this.tenantId, ...request.params } }));
  }

  private async tenantChecked<R>(run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (error) {
      // 410: "tenant unavailable or deactivated" (API overview); the account cannot be used as configured.
      if (error instanceof VendorContractError && error.facts.httpStatus === 410) {
        throw new VendorAuthError(`OpsRamp reports the tenant of account "${this.account.key}" as unavailable or deactivated (410).`, error.facts);
      }
      throw error;
    }
  }
}

/** Builds an account's client: one transport for the token endpoint, one for the API. */
export function createOpsRampClient(
  account: AccountRef,
  credentials: { readonly tenantId: string; readonly clientId: string; readonly clientSecret: string; readonly tokenPath?: string | undefined },
  transport: (auth: AuthStrategy) => VendorHttp,
  now?: () => number,
): OpsRampClient {
  const oauth = new OpsRampOAuth({
    http: transport({ headers: () => ({}) }),
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    tokenPath: credentials.tokenPath,
    ...(now ? { now } : {}),
  });
  return new OpsRampClient(account, credentials.tenantId, transport(oauth), oauth);
}
