import type { AccountRef } from '../../core/domain.js';
import type { ItemFailure } from '../../core/http/tolerant.js';
import type { AuthStrategy, CallScope, DeleteOutcome, VendorHttp } from '../../core/http/vendor-http.js';
import type { BuiltRequest } from '../../core/input-check.js';
import type { DatadogCreateConnectionRequest, DatadogUpdateConnectionRequest } from './input.js';
import { mapAppKeyRegistration, mapConnection, type DatadogActionConnection, type DatadogAppKeyRegistration } from './map.js';
import { appKeyRegistrationList, appKeyRegistrationResponse, connectionResponse } from './wire.js';

const CONNECTIONS = '/api/v2/actions/connections';
const CONNECTION = '/api/v2/actions/connections/{connection_id}';
const APP_KEYS = '/api/v2/actions/app_key_registrations';
const APP_KEY = '/api/v2/actions/app_key_registrations/{app_key_id}';

/** Datadog's two API-key headers. */
export function datadogAuth(apiKey: string, appKey: string): AuthStrategy {
  return { headers: () => ({ 'DD-API-KEY': apiKey, 'DD-APPLICATION-KEY': appKey }) };
}

/** A page of app key registrations. */
export interface AppKeyRegistrationPage {
  readonly registrations: readonly DatadogAppKeyRegistration[];
  /** Registrations Datadog sent on this page that break the contract (the others are in `registrations`). */
  readonly failures: readonly ItemFailure[];
  /** How many items Datadog sent on this page, readable or not (what paging counts). */
  readonly received: number;
  /** `meta.total`; null when Datadog leaves `meta` out or null. */
  readonly total: number | null;
}

/**
 * Datadog Action Connections and App Key Registrations (API v2) for one account. There is no
 * list endpoint for connections (CONTRACT.md): callers track ids in the store.
 */
export class DatadogClient {
  constructor(
    readonly account: AccountRef,
    private readonly http: VendorHttp,
  ) {}

  async getConnection(scope: CallScope, connectionId: string): Promise<DatadogActionConnection> {
    const res = await this.http.request(scope, { method: 'GET', route: CONNECTION, params: { connection_id: connectionId }, schema: connectionResponse });
    return mapConnection(this.account, res.body.data);
  }

  async createConnection(scope: CallScope, built: BuiltRequest<DatadogCreateConnectionRequest>): Promise<DatadogActionConnection> {
    const res = await this.http.request(scope, {
      method: 'POST',
      route: CONNECTIONS,
      json: built.body,
      sensitive: built.sensitive,
      schema: connectionResponse,
      okStatuses: [200, 201],
    });
    return mapConnection(this.account, res.body.data);
  }

  async updateConnection(scope: CallScope, connectionId: string, built: BuiltRequest<DatadogUpdateConnectionRequest>): Promise<DatadogActionConnection> {
    const res = await this.http.request(scope, {
      method: 'PATCH',
      route: CONNECTION,
      params: { connection_id: connectionId },
      json: built.body,
      sensitive: built.sensitive,
      schema: connectionResponse,
    });
    return mapConnection(this.account, res.body.data);
  }

  /** DELETE (204, no body; CONTRACT.md). */
  deleteConnection(scope: CallScope, connectionId: string): Promise<DeleteOutcome> {
    return this.http.delete(scope, { route: CONNECTION, params: { connection_id: connectionId }, okStatuses: [200, 204] });
  }

  async registerAppKey(scope: CallScope, appKeyId: string): Promise<DatadogAppKeyRegistration> {
    const res = await this.http.request(scope, {
      method: 'PUT',
      route: APP_KEY,
      params: { app_key_id: appKeyId },
      schema: appKeyRegistrationResponse,
      okStatuses: [200, 201],
    });
    return mapAppKeyRegistration(this.account, res.body.data);
  }

  async getAppKeyRegistration(scope: CallScope, appKeyId: string): Promise<DatadogAppKeyRegistration> {
    const res = await this.http.request(scope, { method: 'GET', route: APP_KEY, params: { app_key_id: appKeyId }, schema: appKeyRegistrationResponse });
    return mapAppKeyRegistration(this.account, res.body.data);
  }

  unregisterAppKey(scope: CallScope, appKeyId: string): Promise<DeleteOutcome> {
    return this.http.delete(scope, { route: APP_KEY, params: { app_key_id: appKeyId }, okStatuses: [200, 204] });
  }

  /** One page; Datadog numbers pages from 0 (CONTRACT.md marks this unconfirmed). */
  async listAppKeyRegistrations(scope: CallScope, page: { size: number; number: number }): Promise<AppKeyRegistrationPage> {
    const res = await this.http.request(scope, {
      method: 'GET',
      route: APP_KEYS,
      query: { 'page[size]': page.size, 'page[number]': page.number },
      schema: appKeyRegistrationList,
    });
    const { items, failures } = res.body.data;
    return {
      registrations: items.map((d) => mapAppKeyRegistration(this.account, d)),
      failures,
      received: items.length + failures.length,
      total: res.body.meta?.total ?? null,
    };
  }
}
