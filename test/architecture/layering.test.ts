import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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
const KNOWN_VIOLATIONS = join(ROOT, '.dependency-cruiser-known-violations.json');
/** What `npm run lint:layers` cruises. */
const CRUISED = ['src', 'schema', 'resolvers', 'test', 'bench', 'codegen.ts', 'vitest.config.ts'];

async function check(baseDir: string, paths: string[], knownViolations?: IViolation[]): Promise<IViolation[]> {
  const options = await extractDepcruiseOptions(CONFIG);
  const tsConfig = extractTSConfig(join(ROOT, 'tsconfig.json'));
  const { output } = await cruise(paths, { ...options, baseDir, validate: true, ...(knownViolations ? { knownViolations } : {}) }, {}, { tsConfig });
  if (typeof output === 'string') throw new Error('dependency-cruiser returned a report instead of a cruise result');
  return (output as ICruiseResult).summary.violations.filter((violation) => violation.rule.severity !== 'ignore');
}

function describeViolation(violation: IViolation): string {
  const path = violation.cycle ? violation.cycle.map((step) => step.name).join(' -> ') : violation.to;
  return `${violation.rule.name}: ${violation.from} -> ${path}`;
}

describe('layering rules', () => {
  it('refuse a wrong import (core -> app, vendor -> other vendor) and allow the right ones', async () => {
    const probe = `__layering-probe-${randomBytes(6).toString('hex')}`;
    const dir = await mkdtemp(join(tmpdir(), 'patchbay-layering-'));
    const files: Record<string, string> = {
      'src/core/errors.ts': 'export class PatchbayError extends Error {}\n',
      'src/app/context.ts': "export type RequestContext = { id: string };\nexport const contextName = 'ctx';\n",
      'src/vendors/datadog/client.ts': 'export const datadogClient = 1;\n',
      'src/vendors/cortex/client.ts': 'export const cortexClient = 1;\n',
      'src/simulators/cortex/kit.ts': 'export const cortexKit = 1;\n',
      // Wrong: the bottom layer reaching up, once for a value and once for a type only.
      [`src/core/${probe}.ts`]: "import { contextName } from '../app/context.js';\nexport const probe = contextName;\n",
      [`src/core/${probe}-types.ts`]: "import type { RequestContext } from '../app/context.js';\nexport type Probe = RequestContext;\n",
      // Wrong: one vendor using another's code. Right: core, its own folder, its own simulator kit.
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
      const violations = await check(dir, ['src']);
      expect(violations.map(describeViolation).sort()).toEqual(
        [
          `core-imports-only-core: src/core/${probe}.ts -> src/app/context.ts`,
          `core-imports-only-core: src/core/${probe}-types.ts -> src/app/context.ts`,
          `vendor-not-other-vendor: src/vendors/cortex/${probe}.ts -> src/vendors/datadog/client.ts`,
        ].sort(),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('hold in the real tree (beyond the known violations listed in .dependency-cruiser-known-violations.json)', async () => {
    const known = existsSync(KNOWN_VIOLATIONS) ? (JSON.parse(readFileSync(KNOWN_VIOLATIONS, 'utf8')) as IViolation[]) : undefined;
    const violations = await check(ROOT, CRUISED, known);
    expect(violations.map(describeViolation)).toEqual([]);
  });
});
