import { chronosphere } from './chronosphere/index.js';
import { cortex } from './cortex/index.js';
import { datadog } from './datadog/index.js';
import type { VendorModule } from './module.js';
import { mongodb } from './mongodb/index.js';
import { opsramp } from './opsramp/index.js';

/**
 * The vendor registry: the only list of vendors. Config parsing, accounts, the inventory, node
 * lookups, health, the `Vendor` enum, the `IntegrationConnection` union and demo mode all read it.
 * A new vendor is its folders (src/vendors/<vendor>/, schema/<vendor>/, resolvers/<vendor>/,
 * src/simulators/<vendor>/) and one line here. The order is the documented simulator order.
 */
export const VENDORS: readonly VendorModule[] = [datadog, chronosphere, mongodb, cortex, opsramp];
