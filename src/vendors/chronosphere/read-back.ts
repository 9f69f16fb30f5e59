import { readBackShows } from '../../core/domain.js';
import type { BuiltConnection } from './input.js';
import type { ChronosphereExternalConnection } from './map.js';

const camel = (wire: string): string => wire.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Whether a connection read back by slug shows the one that was sent (for
 * `settleUpdateByReadBack`): the same name and target type, and every field of the type's block
 * as sent, non-secret values equal and each secret's hint matching where Chronosphere shows one
 * (it reads secrets back as `**REDACTED**`, which only says they are set).
 */
export function chronosphereConnectionShown(found: ChronosphereExternalConnection, built: BuiltConnection): boolean {
  if (found.name !== built.body.name || found.target.type !== built.block) return false;
  const block: unknown = (built.body as Readonly<Record<string, unknown>>)[built.block];
  return readBackShows(block, found.target, camel);
}
