import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules in .dependency-cruiser.cjs (`npm run lint:layers`) must refuse a wrong import, and the real tree
 * must keep to them. The wrong imports are written into a throwaway tree under the OS temp dir that mirrors our
 * folder names, so nothing is ever written into src/.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
/** What `npm run lint:layers` cruises. */
const CRUISED = ['src', 'schema', 'resolvers', 'test', 'bench', 'codegen.ts', 'vitest.config.ts'];

async function check(baseDir: string, paths: string[]): Promise<IViolation[]> {
  const options = await extractDepcruiseOptions(CONFIG);
  const tsConfig = extractTSConfig(join(ROOT, 'tsconfig.json'));
  const { output } = await cruise(paths, { ...options, baseDir, validate: true }, {}, { tsConfig });
  if (typeof output === 'string') throw new Error('dependency-cruiser returned a report instead of a cruise result');
  return (output as ICruiseResult).summary.violations.filter((violation) => violation.rule.severity !== 'ignore');
}

function describeViolation(violation: IViolation): string {
  const path = violation.cycle ? violation.cycle.map((step) => step.name).join(' -> ') : violation.to;
  return `${violation.rule.name}: ${violation.from} -> ${path}`;
}

describe('layering rules', () => {
  it('refuse a wrong import (core -> app, shared code -> a vendor, vendor -> other vendor) and allow the right ones', async () => {
    const probe = `__layering-probe-${randomBytes(6).toString('hex')}`;
    const dir = await mkdtemp(join(tmpdir(), 'patchbay-layering-'));
    const files: Record<string, string> = {
      'src/core/errors.ts': 'export class PatchbayError extends Error {}\n',
      'src/app/context.ts': "export type RequestContext = { id: string };\nexport const contextName = 'ctx';\n",
      'src/vendors/datadog/client.ts': 'export const datadogClient = 1;\n',
      'src/vendors/cortex/client.ts': 'export const cortexClient = 1;\n',
      'src/simulators/cortex/kit.ts': 'export const cortexKit = 1;\n',
      'schema/cortex/types.ts': "import { cortexClient } from '../../src/vendors/cortex/client.js';\nexport const cortexType = cortexClient;\n",
      // Right: a vendor module composes its own runtime, graph and simulator kit.
      'src/vendors/cortex/index.ts': [
        "import { cortexKit } from '../../simulators/cortex/kit.js';",
        "import { cortexType } from '../../../schema/cortex/types.js';",
        "import { cortexClient } from './client.js';",
        'export const cortex = [cortexKit, cortexType, cortexClient];',
        '',
      ].join('\n'),
      // Wrong: a use case naming a vendor (shared code reaches vendors only through the registry's modules).
      [`src/app/${probe}.ts`]: "import { cortexClient } from '../vendors/cortex/client.js';\nexport const probe = cortexClient;\n",
      // Wrong: the bottom layer reaching up, once for a value and once for a type only.
      [`src/core/${probe}.ts`]: "import { contextName } from '../app/context.js';\nexport const probe = contextName;\n",
      [`src/core/${probe}-types.ts`]: "import type { RequestContext } from '../app/context.js';\nexport type Probe = RequestContext;\n",
      // Wrong: one vendor using another's code, and a runtime file reaching for a simulator. Right: core, its own folder.
      [`src/vendors/cortex/${probe}.ts`]: [
        "import { PatchbayError } from '../../core/errors.js';",
        "import { cortexKit } from '../../simulators/cortex/kit.js';",
        "import { cortexClient } from './client.js';",
        "import { datadogClient } from '../datadog/client.js';",
        'export const probe = [PatchbayError, cortexKit, cortexClient, datadogClient];',
        '',
      ].join('\n'),
    };
    try {
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      }
      const violations = await check(dir, ['src', 'schema']);
      expect(violations.map(describeViolation).sort()).toEqual(
        [
          `core-imports-only-core: src/core/${probe}.ts -> src/app/context.ts`,
          `core-imports-only-core: src/core/${probe}-types.ts -> src/app/context.ts`,
          `vendor-not-other-vendor: src/vendors/cortex/${probe}.ts -> src/vendors/datadog/client.ts`,
          `vendor-runtime-not-outward: src/vendors/cortex/${probe}.ts -> src/simulators/cortex/kit.ts`,
          `app-imports-only-core: src/app/${probe}.ts -> src/vendors/cortex/client.ts`,
          `shared-code-knows-no-vendor: src/app/${probe}.ts -> src/vendors/cortex/client.ts`,
        ].sort(),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('hold in the real tree', async () => {
    const violations = await check(ROOT, CRUISED);
    expect(violations.map(describeViolation)).toEqual([]);
  });
});
