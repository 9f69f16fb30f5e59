import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/server/schema.js';

/*
 * The SDL is the public documentation: every OpsRamp type, field, argument and value is described.
 * Types are told apart by their methods: graphql's own type guards fail across vitest's module copies.
 */

interface Described {
  readonly name: string;
  readonly description?: string | null | undefined;
}
interface WithFields extends Described {
  getFields(): Record<string, Described & { readonly args?: readonly Described[] }>;
}

const hasFields = (type: object): type is WithFields => 'getFields' in type;
const hasValues = (type: object): type is Described & { getValues(): readonly Described[] } => 'getValues' in type;

describe('OpsRamp part of the schema', () => {
  const schema = buildSchema();
  const types = Object.values(schema.getTypeMap()).filter((type) => /OpsRamp/.test(type.name));

  it('has the installed integration, its mutations and the catalogue query', () => {
    const installed = schema.getType('OpsRampInstalledIntegration') as unknown as { getInterfaces(): readonly Described[] };
    expect(
      installed
        .getInterfaces()
        .map((i) => i.name)
        .sort(),
    ).toEqual(['Node', 'VendorConnection']);
    const union = schema.getType('IntegrationConnection') as unknown as { getTypes(): readonly Described[] };
    expect(union.getTypes().map((t) => t.name)).toContain('OpsRampInstalledIntegration');
    const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {})
      .filter((name) => /OpsRamp/.test(name))
      .sort();
    expect(mutations).toEqual([
      'disableOpsRampInstalledIntegration',
      'enableOpsRampInstalledIntegration',
      'installOpsRampIntegration',
      'uninstallOpsRampIntegration',
      'updateOpsRampInstalledIntegration',
    ]);
    const query = schema.getQueryType()?.getFields()['opsRampAvailableIntegrations'];
    expect(query?.args.map((a) => a.name)).toEqual(['account', 'search']);
    expect(String(query?.type)).toBe('OpsRampAvailableIntegrationsResult!');
  });

  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    for (const type of types) {
      if (!type.description) missing.push(type.name);
      if (hasFields(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args ?? []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (hasValues(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    for (const root of [schema.getQueryType(), schema.getMutationType()]) {
      for (const field of Object.values(root?.getFields() ?? {})) {
        if (!/opsRamp|OpsRamp/.test(field.name)) continue;
        if (!field.description) missing.push(field.name);
        for (const arg of field.args) if (!arg.description) missing.push(`${field.name}(${arg.name})`);
      }
    }
    expect(types.length).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });
});
