import { loadConfigFile as loadFile, parseConfigText as parseText, type ConfigFormat } from '../core/config/load.js';
import { accountSecrets as secretsOf } from '../core/config/redact.js';
import type { AccountConfig, PatchbayConfig } from '../core/config/schema.js';
import { VENDORS } from '../vendors/index.js';
import type { VendorModule } from '../vendors/module.js';

/** The config file's text, parsed for the registered vendors (or `vendors`). Throws ConfigError. */
export function parseConfigText(text: string, format: ConfigFormat, env: Record<string, string | undefined>, vendors: readonly VendorModule[] = VENDORS): PatchbayConfig {
  return parseText(
    text,
    format,
    env,
    vendors.map((vendor) => vendor.account.schema),
  );
}

/** Reads the config file for the registered vendors (or `vendors`). Throws ConfigError. */
export function loadConfigFile(path: string, env: Record<string, string | undefined> = process.env, vendors: readonly VendorModule[] = VENDORS): Promise<PatchbayConfig> {
  return loadFile(
    path,
    env,
    vendors.map((vendor) => vendor.account.schema),
  );
}

/** The secret values of an account, by its vendor's `secretFields`. */
export function accountSecrets(account: AccountConfig, vendors: readonly VendorModule[] = VENDORS): string[] {
  const vendor = vendors.find((candidate) => candidate.id === account.vendor);
  return vendor ? secretsOf(account, vendor.account.secretFields) : [];
}
