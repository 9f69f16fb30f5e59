import type { AccountRef } from '../../core/domain.js';
import { InputValidationError, NotFoundError, VendorContractError, VendorValidationError } from '../../core/errors.js';
import type { ItemFailure } from '../../core/http/tolerant.js';
import type { CallScope, DeleteOutcome, VendorHttp } from '../../core/http/vendor-http.js';
import { GROUP_ID_PATTERN, TYPE_PATTERN } from './catalogue.js';
import type { BuiltIntegration } from './input.js';
import { mapIntegration, type MongoDbGroupIntegrations, type MongoDbIntegration } from './map.js';
import { integrationPage, integrationWire, type IntegrationPage } from './wire.js';

const INTEGRATIONS = '/groups/{groupId}/integrations';
const INTEGRATION = '/groups/{groupId}/integrations/{integrationType}';

/** Cloud Manager's default and maximum `itemsPerPage` (CONTRACT.md, "Pagination"). */
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;
/** A vendor that keeps saying "more" cannot make a list loop forever. */
const DEFAULT_MAX_PAGES = 20;

/** Tuning of {@link MongoDbClient}; the defaults are what production uses. */
export interface MongoDbClientOptions {
  /** `itemsPerPage` of list calls (1 to 500). */
  readonly pageSize?: number;
  /** Most pages one list may read before the answer counts as broken. */
  readonly maxPages?: number;
}

/** A write's answer: the integration written, and the whole project as the vendor returned it. */
export interface MongoDbWriteResult {
  readonly integration: MongoDbIntegration;
  readonly group: MongoDbGroupIntegrations;
  /** False when the vendor's list was cut short by paging, so `group` is not the whole project. */
  readonly complete: boolean;
}

/**
 * MongoDB Cloud Manager project third-party integrations (public API v1.0) for one account:
 * list, get one, create (POST), upsert (PUT), delete, per project (group). Auth is HTTP Digest
 * (./digest.ts), applied by `VendorHttp`.
 */
export class MongoDbClient {
  /** The project ids this account is configured for, in config order, lower-cased as the vendor writes them. */
  readonly groupIds: readonly string[];
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(
    readonly account: AccountRef,
    groupIds: readonly string[],
    private readonly http: VendorHttp,
    options: MongoDbClientOptions = {},
  ) {
    this.groupIds = groupIds.map((id) => id.toLowerCase());
    this.pageSize = Math.min(Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  }

  /**
   * Every integration of project `groupId`, reading `pageNum` by `pageNum` until all are read, and
   * every listed integration that breaks the contract (a broken one never stops the paging).
   */
  async listIntegrations(scope: CallScope, groupId: string): Promise<MongoDbGroupIntegrations> {
    checkKey(groupId, null);
    const listed = new ProjectPages(this.account, groupId);
    for (let pageNum = 1; ; pageNum += 1) {
      if (pageNum > this.maxPages) {
        throw new VendorContractError(`MongoDB Cloud Manager kept paging past ${this.maxPages} pages of integrations for one project.`, this.facts(200));
      }
      const res = await this.http.request(scope, {
        method: 'GET',
        route: INTEGRATIONS,
        params: { groupId },
        query: { pageNum, itemsPerPage: this.pageSize },
        schema: integrationPage,
      });
      const page = res.body;
      listed.add(page);
      const served = page.results.items.length + page.results.failures.length;
      const full = served >= this.pageSize;
      const more = page.totalCount === null || page.totalCount === undefined ? full || hasNext(page) : listed.size < page.totalCount && served > 0;
      if (!more) break;
    }
    return listed.group();
  }

  /** One integration; `NotFoundError` when the type is not configured in the project. */
  async getIntegration(scope: CallScope, groupId: string, type: string): Promise<MongoDbIntegration> {
    checkKey(groupId, type);
    const res = await notConfiguredAsNotFound(this.http.request(scope, { method: 'GET', route: INTEGRATION, params: { groupId, integrationType: type }, schema: integrationWire }), groupId, type);
    if (res.body.type !== type) {
      throw new VendorContractError(`MongoDB Cloud Manager answered a ${type} read with another integration type.`, this.facts(res.status));
    }
    return mapIntegration(this.account, groupId, res.body);
  }

  /** POST: adds the type to the project; `ConflictError` when it is already configured. */
  createIntegration(scope: CallScope, groupId: string, built: BuiltIntegration): Promise<MongoDbWriteResult> {
    return this.write(scope, 'POST', groupId, built);
  }

  /** PUT: replaces the type's whole configuration, or adds it when missing. */
  upsertIntegration(scope: CallScope, groupId: string, built: BuiltIntegration): Promise<MongoDbWriteResult> {
    return this.write(scope, 'PUT', groupId, built);
  }

  /** DELETE: removes the type from the project (no body; 204 as Atlas records it). */
  async deleteIntegration(scope: CallScope, groupId: string, type: string): Promise<DeleteOutcome> {
    checkKey(groupId, type);
    return notConfiguredAsNotFound(this.http.delete(scope, { route: INTEGRATION, params: { groupId, integrationType: type }, okStatuses: [200, 202, 204] }), groupId, type);
  }

  private async write(scope: CallScope, method: 'POST' | 'PUT', groupId: string, built: BuiltIntegration): Promise<MongoDbWriteResult> {
    checkKey(groupId, built.type);
    const res = await this.http.request(scope, {
      method,
      route: INTEGRATION,
      params: { groupId, integrationType: built.type },
      json: built.body,
      sensitive: built.sensitive,
      schema: integrationPage,
      // Atlas answers a create with 200 (recorded); 201 is tolerated in case Cloud Manager differs.
      okStatuses: [200, 201],
    });
    // Writes answer with every integration of the project, not the one written (CONTRACT.md).
    const page: IntegrationPage = res.body;
    const listed = new ProjectPages(this.account, groupId);
    listed.add(page);
    const group = listed.group();
    const complete = page.totalCount === null || page.totalCount === undefined ? !hasNext(page) : listed.size >= page.totalCount;
    const written = group.integrations.find((i) => i.type === built.type);
    if (written) return { integration: written, group, complete };
    // The write was done (2xx) but its integration cannot be read: the caller settles it by reading back.
    const broken = group.failures.find((f) => f.vendorId === built.type);
    if (broken) throw broken.error;
    if (complete) {
      throw new VendorContractError(`MongoDB Cloud Manager accepted the ${built.type} integration but did not list it in its answer.`, this.facts(res.status));
    }
    // The written type fell on a later page of the answer: read it on its own.
    return { integration: await this.getIntegration(scope, groupId, built.type), group, complete };
  }

  private facts(status: number | null) {
    return { vendor: 'mongodb' as const, account: this.account.key, httpStatus: status, vendorCode: null, vendorRequestId: null, retryAfterSeconds: null };
  }
}

/**
 * A project's integrations gathered from one or more pages: one entry per type (`totalCount` is
 * an estimate and pages can shift between calls), and one failure per broken integration that is
 * not also listed readable; a broken one whose type cannot be read is always counted.
 */
class ProjectPages {
  private readonly byType = new Map<string, MongoDbIntegration>();
  private readonly failures: ItemFailure[] = [];

  constructor(
    private readonly account: AccountRef,
    private readonly groupId: string,
  ) {}

  add(page: IntegrationPage): void {
    for (const wire of page.results.items) {
      if (!this.byType.has(wire.type)) this.byType.set(wire.type, mapIntegration(this.account, this.groupId, wire));
    }
    for (const failure of page.results.failures) {
      const type = failure.vendorId;
      if (type !== null && (this.byType.has(type) || this.failures.some((f) => f.vendorId === type))) continue;
      this.failures.push(failure);
    }
  }

  /** How many integrations were listed, readable or not. */
  get size(): number {
    return this.byType.size + this.failures.length;
  }

  group(): MongoDbGroupIntegrations {
    // A type listed broken on one page and readable on a later one is read.
    const failures = this.failures.filter((f) => f.vendorId === null || !this.byType.has(f.vendorId));
    return { groupId: this.groupId, integrations: [...this.byType.values()], failures };
  }
}

function hasNext(page: IntegrationPage): boolean {
  return (page.links ?? []).some((link) => link.rel === 'next');
}

/** Ids go into URL paths: anything unexpected is refused before a request is built. */
function checkKey(groupId: string, type: string | null): void {
  if (!GROUP_ID_PATTERN.test(groupId)) throw InputValidationError.single(['groupId'], 'must be a 24-character lower-case hexadecimal project id');
  if (type !== null && !TYPE_PATTERN.test(type)) throw InputValidationError.single(['type'], 'must be an integration type such as PAGER_DUTY');
}

/**
 * Cloud Manager documents the error code `INTEGRATION_NOT_CONFIGURED` but not its status
 * (CONTRACT.md): a 404 is already `NotFoundError`; any other status carrying that code becomes one.
 */
async function notConfiguredAsNotFound<T>(call: Promise<T>, groupId: string, type: string): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof VendorValidationError && error.facts.vendorCode === 'INTEGRATION_NOT_CONFIGURED') {
      throw new NotFoundError(`No ${type} integration is configured in project ${groupId}.`, null, 'INTEGRATION_NOT_CONFIGURED');
    }
    throw error;
  }
}
