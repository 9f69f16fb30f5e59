import type { AccountRef } from '../../core/domain.js';
import { NotFoundError, VendorAuthError, VendorValidationError } from '../../core/errors.js';
import type { AuthStrategy, CallScope, DeleteOutcome, VendorHttp, VendorRequest, VendorResponse } from '../../core/http/vendor-http.js';
import { isPagerDutyFailureCode } from './errors.js';
import type { BuiltConfiguration } from './input.js';
import { mapConfiguration, mapValidation, type CortexPagerDutyConfiguration, type CortexPagerDutyValidation } from './map.js';
import { configurationsResponse, pagerDutyConfiguration, savedConfigurationsResponse, validationResponse } from './wire.js';

// The complete PagerDuty surface of the official spec (CONTRACT.md, Endpoints). The alias-style
// routes the cortexapps CLI calls are copies of other integrations and are not used.
const DEFAULT_CONFIGURATION = '/api/v1/pagerduty/default-configuration';
const CONFIGURATION = '/api/v1/pagerduty/configuration';
const VALIDATE = '/api/v1/pagerduty/configuration/validate';
const CONFIGURATIONS = '/api/v1/pagerduty/configurations';

/** Cortex's `Authorization: Bearer <API key>`. */
export function cortexAuth(token: string): AuthStrategy {
  return { headers: () => ({ authorization: `Bearer ${token}` }) };
}

/**
 * The PagerDuty integration of one Cortex workspace: a single configuration (no aliases), read,
 * added, replaced, validated and deleted as a whole. Every success is a 200 with a JSON body.
 */
export class CortexClient {
  constructor(
    readonly account: AccountRef,
    private readonly http: VendorHttp,
  ) {}

  /** The workspace's configuration; `NotFoundError` when PagerDuty is not configured. */
  async getConfiguration(scope: CallScope): Promise<CortexPagerDutyConfiguration> {
    const res = await this.send(scope, { method: 'GET', route: DEFAULT_CONFIGURATION, schema: pagerDutyConfiguration, okStatuses: [200] });
    return mapConfiguration(this.account, res.body);
  }

  /** Like {@link getConfiguration}, but null when there is none. */
  async findConfiguration(scope: CallScope): Promise<CortexPagerDutyConfiguration | null> {
    try {
      return await this.getConfiguration(scope);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /**
   * Adds the configuration (POST). What Cortex does when one exists is not documented; its
   * answer (409, 400, or a silent overwrite) is passed on as it comes.
   */
  async addConfiguration(scope: CallScope, built: BuiltConfiguration): Promise<CortexPagerDutyConfiguration> {
    return this.save(scope, 'POST', built);
  }

  /** Replaces the configuration (PUT). */
  async replaceConfiguration(scope: CallScope, built: BuiltConfiguration): Promise<CortexPagerDutyConfiguration> {
    return this.save(scope, 'PUT', built);
  }

  /** Asks Cortex to try the stored token against PagerDuty; `NotFoundError` when there is nothing to validate. */
  async validateConfiguration(scope: CallScope): Promise<CortexPagerDutyValidation[]> {
    const res = await this.send(scope, { method: 'POST', route: VALIDATE, schema: validationResponse, okStatuses: [200] });
    return res.body.configurations.map(mapValidation);
  }

  /**
   * Deletes the configuration. Whether Cortex answers with the removed or the remaining
   * configurations is not documented, so the list is checked for shape only.
   */
  deleteConfiguration(scope: CallScope): Promise<DeleteOutcome> {
    return this.sharpened(() => this.http.delete(scope, { route: CONFIGURATIONS, schema: configurationsResponse, okStatuses: [200] }));
  }

  private async save(scope: CallScope, method: 'POST' | 'PUT', built: BuiltConfiguration): Promise<CortexPagerDutyConfiguration> {
    const res = await this.send(scope, { method, route: CONFIGURATION, json: built.body, sensitive: built.sensitive, schema: savedConfigurationsResponse, okStatuses: [200] }, ['token']);
    // There is one configuration per workspace; the list form is shared with multi-alias integrations.
    const saved = res.body.configurations[0];
    if (saved === undefined) throw new Error('schema guarantees at least one configuration');
    return mapConfiguration(this.account, saved);
  }

  /** Sends one request, its failures sharpened by {@link sharpened}. */
  private send<T>(scope: CallScope, request: VendorRequest<T>, tokenPath?: readonly string[]): Promise<VendorResponse<T>> {
    return this.sharpened(() => this.http.request(scope, request), tokenPath);
  }

  /**
   * Runs one request and sharpens two answers. An `INTEGRATION_*` code on a 401/403 means
   * PagerDuty refused the PagerDuty token Cortex used, not that Cortex refused this account's
   * key (CONTRACT.md, Errors), so it is a problem with the input. A 404 means the workspace has
   * no PagerDuty configuration: every PagerDuty route addresses that one configuration.
   */
  private async sharpened<R>(run: () => Promise<R>, tokenPath?: readonly string[]): Promise<R> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof VendorAuthError && isPagerDutyFailureCode(error.facts.vendorCode)) {
        throw new VendorValidationError(
          `Cortex could not use the PagerDuty token: PagerDuty refused it (${error.facts.vendorCode ?? 'no code'}).`,
          error.facts,
          tokenPath ? [{ path: tokenPath, message: 'was refused by PagerDuty' }] : [],
        );
      }
      if (error instanceof NotFoundError) {
        throw new NotFoundError(`Cortex account "${this.account.key}" has no PagerDuty configuration.`);
      }
      throw error;
    }
  }
}
