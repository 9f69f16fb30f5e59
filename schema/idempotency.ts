import type { InputFieldBuilder } from '@pothos/core';
import type { builder } from './builder.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * The optional `idempotencyKey` every mutation input carries: a repeat with the same key and
 * input returns the first outcome without calling the vendor again (kept in the store, so it
 * holds across restarts and replicas); the same key with another input is refused.
 */
export function idempotencyKeyField(t: InputFieldBuilder<Types, 'InputObject'>) {
  return t.string({
    description: 'Makes the mutation safe to repeat: the same key with the same input returns the first outcome without calling the vendor again. 1-200 characters of letters, digits, `_ . : -`.',
  });
}

/** The optional `dryRun` every mutation input carries: answer a `WritePreview` and write nothing. */
export function dryRunField(t: InputFieldBuilder<Types, 'InputObject'>) {
  return t.boolean({ defaultValue: false, description: 'Answer a `WritePreview` of what the mutation would do, and write nothing.' });
}
