import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VENDORS } from '../../src/vendors/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Shared code: everything but the vendor folders (src/vendors/<v>/, schema/<v>/, resolvers/<v>/, src/simulators/<v>/). */
const SHARED = ['src/app', 'src/core', 'src/server', 'schema', 'resolvers', 'src/simulators'];

function sourceFiles(dir: string): string[] {
  const vendorFolders = new Set(VENDORS.map((vendor) => vendor.id));
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return vendorFolders.has(name) ? [] : sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('the vendor registry is the only vendor list', () => {
  const files = SHARED.flatMap(sourceFiles);
  const names = VENDORS.flatMap((vendor) => [vendor.id, vendor.ids.typename]);

  it('finds the shared files it checks', () => {
    expect(files).toContain('src/app/inventory.ts');
    expect(files).toContain('resolvers/connection.ts');
    expect(files).not.toContain('schema/cortex/pagerduty-configuration.ts');
  });

  it('no shared file switches on a vendor id or a connection typename', () => {
    const offending = files.flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return names.filter((name) => new RegExp(`case\\s+['"\`]${name}['"\`]`).test(text)).map((name) => `${relative(ROOT, join(ROOT, file))}: case '${name}'`);
    });
    expect(offending).toEqual([]);
  });

  it('no shared file names a vendor in a string at all', () => {
    const offending = files.flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return names.filter((name) => new RegExp(`['"\`]${name}['"\`]`).test(text)).map((name) => `${file}: '${name}'`);
    });
    expect(offending).toEqual([]);
  });

  it('every registered vendor has a unique id, typename and enum value', () => {
    for (const key of [(v: (typeof VENDORS)[number]) => v.id, (v: (typeof VENDORS)[number]) => v.ids.typename, (v: (typeof VENDORS)[number]) => v.graphql.enumValue]) {
      const values = VENDORS.map(key);
      expect(new Set(values).size).toBe(values.length);
    }
    for (const vendor of VENDORS) expect(vendor.graphql.member.name).toBe(vendor.ids.typename);
  });
});
