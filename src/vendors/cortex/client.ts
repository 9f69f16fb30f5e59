import type { AccountRef } from '../../core/domain.js';
import { foundOrNull, NotFoundError, VendorAuthError, VendorValidationError } from '../../core/errors.js';
import type { Tolerant } from '../../core/http/tolerant.js';
import type { AuthStrategy, CallScope, DeleteOutcome, VendorHttp, VendorRequest, VendorResponse } from '../../core/http/vendor-http.js';
import { isPagerDutyFailureCode } from './errors.js';
import type { BuiltConfiguration } from './input.js';
import { mapConfiguration, mapValidation, type CortexPagerDutyConfiguration, type CortexPagerDutyValidation } from './map.js';
import { configurationsResponse, defaultConfigurationResponse, savedConfigurationsResponse, validationResponse } from './wire.js';

// The complete PagerDuty surface of the official spec (CONTRACT.md, Endpoints). The alias-style
// routes the cortexapps CLI calls are copies of other integrations and are not used.
const DEFAULT_CONFIGURATION = '/api/v1/pagerduty/default-configuration';
const CONFIGURATION = '/api/v1/pagerduty/configuration';
const VALIDATE = '/api/v1/pagerduty/configuration/validate';
const CONFIGURATIONS = '/api/v1/pagerduty/configurations';

/**
 * The workspace's configuration as read: one item, or one item failure when Cortex sent a
 * configuration that breaks its contract (the account itself answered).
 */
export type CortexConfigurationRead = Tolerant<CortexPagerDutyConfiguration>;

/** A configuration Patchbay holds (just saved), as if read. */
export function readOf(configuration: CortexPagerDutyConfiguration): CortexConfigurationRead {
  return { items: [configuration], failures: [] };
}

/** The configuration of a read, or the contract error of the one Cortex sent broken. */
export function configurationOf(read: CortexConfigurationRead): CortexPagerDutyConfiguration {
  const [configuration] = read.items;
  if (configuration !== undefined) return configuration;
  const [failure] = read.failures;
  if (failure !== undefined) throw failure.error;
  throw new Error('a configuration read holds an item or an item failure');
}

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

  /**
   * The workspace's configuration, or the item failure of one that breaks the contract;
   * `NotFoundError` when PagerDuty is not configured.
   */
  async readConfiguration(scope: CallScope): Promise<CortexConfigurationRead> {
    const res = await this.send(scope, { method: 'GET', route: DEFAULT_CONFIGURATION, schema: defaultConfigurationResponse, okStatuses: [200] });
    return { items: res.body.items.map((data) => mapConfiguration(this.account, data)), failures: res.body.failures };
  }

  /** The workspace's configuration; `NotFoundError` when PagerDuty is not configured, `VendorContractError` when it cannot be read. */
  async getConfiguration(scope: CallScope): Promise<CortexPagerDutyConfiguration> {
    return configurationOf(await this.readConfiguration(scope));
  }

  /** Like {@link getConfiguration}, but null when there is none. */
  async findConfiguration(scope: CallScope): Promise<CortexPagerDutyConfiguration | null> {
    return foundOrNull(() => this.getConfiguration(scope));
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
   * configurations is not documented, so the list is checked for shape only: an entry in it that
   * breaks the contract is logged and does not make the delete fail.
   */
  deleteConfiguration(scope: CallScope): Promise<DeleteOutcome> {
    return this.sharpened(() => this.http.delete(scope, { route: CONFIGURATIONS, schema: configurationsResponse, okStatuses: [200] }));
  }

  private async save(scope: CallScope, method: 'POST' | 'PUT', built: BuiltConfiguration): Promise<CortexPagerDutyConfiguration> {
    const res = await this.send(scope, { method, route: CONFIGURATION, json: built.body, sensitive: built.sensitive, schema: savedConfigurationsResponse, okStatuses: [200] }, ['token']);
    // There is one configuration per workspace; the list form is shared with multi-alias
    // integrations. The saved one is the first listed: when that one cannot be read, the write's
    // answer is unreadable (the caller settles it by reading back).
    const { items, failures } = res.body.configurations;
    const broken = failures.find((failure) => failure.index === 0);
    if (broken !== undefined) throw broken.error;
    const saved = items[0];
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
