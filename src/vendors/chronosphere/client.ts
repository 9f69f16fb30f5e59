import type { AccountRef } from '../../core/domain.js';
import { VendorContractError, type VendorCallFacts } from '../../core/errors.js';
import type { ItemFailure, Tolerant } from '../../core/http/tolerant.js';
import type { AuthStrategy, CallScope, DeleteOutcome, VendorHttp } from '../../core/http/vendor-http.js';
import type { ChronosphereConnectionType } from './catalogue.js';
import type { BuiltConnection, ChronosphereCreateRequest, ChronosphereUpdateRequest } from './input.js';
import { mapConnection, type ChronosphereExternalConnection } from './map.js';
import { connectionResponse, listResponse, writeResponse, type ConnectionWire } from './wire.js';

const CONNECTIONS = '/api/v1/config/external-connections';
const CONNECTION = '/api/v1/config/external-connections/{slug}';

/** Pages `listAll` follows before it decides the vendor is looping. */
export const DEFAULT_MAX_PAGES = 100;

/** Chronosphere's one API token header (chronoctl's optional `Chronosphere-Actor` is not needed). */
export function chronosphereAuth(apiToken: string): AuthStrategy {
  return { headers: () => ({ 'API-Token': apiToken }) };
}

/** The list filters; within one filter any value matches, and every given filter must match. */
export interface ChronosphereListFilter {
  readonly slugs?: readonly string[] | undefined;
  readonly names?: readonly string[] | undefined;
  readonly connectionTypes?: readonly ChronosphereConnectionType[] | undefined;
}

/** One page as Chronosphere returned it. */
export interface ChronosphereListPage {
  readonly connections: readonly ChronosphereExternalConnection[];
  /** The connections of the page that break the contract; the others are in `connections`. */
  readonly itemFailures: readonly ItemFailure[];
  /** Null when there are no more pages. */
  readonly nextPageToken: string | null;
}

/** What a create or update did. */
export interface ChronosphereWriteResult {
  /** True when Chronosphere only validated the input and stored nothing. */
  readonly dryRun: boolean;
  /** The connection as stored; null after a dry run. */
  readonly connection: ChronosphereExternalConnection | null;
  /** Secret fields of the type that hold no value after this write (see `BuiltConnection`). */
  readonly unsetSecrets: readonly string[];
}

/**
 * Chronosphere Config API v1 external connections for one account: list (token paging and
 * filters), read, create, update (PUT, a full replace, with `create_if_missing` and `dry_run`) and
 * delete. Contract: docs/vendors/chronosphere/CONTRACT.md.
 */
export class ChronosphereClient {
  constructor(
    readonly account: AccountRef,
    private readonly http: VendorHttp,
  ) {}

  /** One page. `pageSize` undefined or 0 lets Chronosphere choose; it may return any number anyway. */
  async listPage(scope: CallScope, options: { filter?: ChronosphereListFilter; pageSize?: number; pageToken?: string | null } = {}): Promise<ChronosphereListPage> {
    const filter = options.filter ?? {};
    const res = await this.http.request(scope, {
      method: 'GET',
      route: CONNECTIONS,
      query: {
        'page.max_size': options.pageSize ? options.pageSize : undefined,
        'page.token': options.pageToken ? options.pageToken : undefined,
        slugs: filter.slugs?.length ? filter.slugs : undefined,
        names: filter.names?.length ? filter.names : undefined,
        connection_types: filter.connectionTypes?.length ? filter.connectionTypes : undefined,
      },
      schema: listResponse,
    });
    const token = res.body.page?.next_token;
    const listed = res.body.external_connections;
    return {
      connections: (listed?.items ?? []).map((wire) => mapConnection(this.account, wire)),
      itemFailures: listed?.failures ?? [],
      nextPageToken: token ? token : null,
    };
  }

  /**
   * Every connection the filter selects, following `page.next_token` until it is empty, and every
   * listed connection that could not be read (a broken item never stops the paging). A token seen
   * before, or more than `maxPages` pages, is a vendor that loops: `VendorContractError`.
   */
  async listAll(scope: CallScope, filter: ChronosphereListFilter = {}, maxPages = DEFAULT_MAX_PAGES): Promise<Tolerant<ChronosphereExternalConnection>> {
    const items: ChronosphereExternalConnection[] = [];
    const failures: ItemFailure[] = [];
    const seen = new Set<string>();
    let token: string | null = null;
    for (let page = 0; page < maxPages; page += 1) {
      const result: ChronosphereListPage = await this.listPage(scope, { filter, pageToken: token });
      items.push(...result.connections);
      failures.push(...result.itemFailures);
      if (result.nextPageToken === null) return { items, failures };
      if (seen.has(result.nextPageToken)) throw this.looping(`returned the page token of an earlier page again after ${page + 1} pages`);
      seen.add(result.nextPageToken);
      token = result.nextPageToken;
    }
    throw this.looping(`still had more pages after ${maxPages}`);
  }

  async readConnection(scope: CallScope, slug: string): Promise<ChronosphereExternalConnection> {
    const res = await this.http.request(scope, { method: 'GET', route: CONNECTION, params: { slug }, schema: connectionResponse });
    return mapConnection(this.account, res.body.external_connection);
  }

  /** POST; Chronosphere answers 200 (not 201), and 409 when the slug exists. */
  async createConnection(scope: CallScope, built: BuiltConnection, options: { dryRun?: boolean } = {}): Promise<ChronosphereWriteResult> {
    const dryRun = options.dryRun === true;
    const res = await this.http.request(scope, {
      method: 'POST',
      route: CONNECTIONS,
      json: { external_connection: built.body, ...(dryRun ? { dry_run: true } : {}) } satisfies ChronosphereCreateRequest,
      sensitive: built.sensitive,
      schema: writeResponse,
      okStatuses: [200, 201],
    });
    return this.writeResult(res.status, res.body.external_connection, dryRun, built);
  }

  /**
   * PUT: replaces the whole object (there is no PATCH), so `built` must carry every secret the
   * connection should keep. With `createIfMissing` it is an upsert keyed by the slug.
   */
  async updateConnection(scope: CallScope, slug: string, built: BuiltConnection, options: { createIfMissing?: boolean; dryRun?: boolean } = {}): Promise<ChronosphereWriteResult> {
    const dryRun = options.dryRun === true;
    const res = await this.http.request(scope, {
      method: 'PUT',
      route: CONNECTION,
      params: { slug },
      json: {
        external_connection: { ...built.body, slug },
        ...(options.createIfMissing ? { create_if_missing: true } : {}),
        ...(dryRun ? { dry_run: true } : {}),
      } satisfies ChronosphereUpdateRequest,
      sensitive: built.sensitive,
      schema: writeResponse,
      okStatuses: [200, 201],
    });
    return this.writeResult(res.status, res.body.external_connection, dryRun, built);
  }

  /** DELETE; 400 while a notification policy still uses the connection, 404 when unknown. */
  deleteConnection(scope: CallScope, slug: string): Promise<DeleteOutcome> {
    // Its body (`{}`) says nothing, so it is only checked to be JSON: an empty body or a 204 is just as good.
    return this.http.delete(scope, { route: CONNECTION, params: { slug }, okStatuses: [200, 204] });
  }

  private writeResult(status: number, wire: ConnectionWire | null | undefined, dryRun: boolean, built: BuiltConnection): ChronosphereWriteResult {
    // A valid dry run answers without the object; if one comes anyway it describes nothing stored.
    if (dryRun) return { dryRun: true, connection: null, unsetSecrets: built.unsetSecrets };
    if (!wire) {
      throw new VendorContractError('Chronosphere answered a write without the external connection it stored.', this.facts(status));
    }
    return { dryRun: false, connection: mapConnection(this.account, wire), unsetSecrets: built.unsetSecrets };
  }

  private looping(what: string): VendorContractError {
    return new VendorContractError(`Chronosphere's connection list ${what}; Patchbay stopped following it.`, this.facts(200));
  }

  private facts(status: number): VendorCallFacts {
    return { vendor: 'chronosphere', account: this.account.key, httpStatus: status, vendorCode: null, vendorRequestId: null, retryAfterSeconds: null };
  }
}
