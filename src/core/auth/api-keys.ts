import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig, Scope } from './config.js';

/** Prefix of generated keys, so that a leaked one is recognisable in a scanner or a log. */
const KEY_PREFIX = 'pbk_';

/** A new random API key: 256 bits from the system's CSPRNG. */
export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The `sha256:<hex>` form a config file may hold instead of the key. */
export function hashApiKey(key: string): string {
  return `sha256:${sha256(key).toString('hex')}`;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A configured key as the verifier keeps it: its digest, never the key. */
interface StoredKey {
  readonly name: string;
  readonly digest: Buffer;
  readonly scopes: readonly Scope[];
  readonly accounts: readonly string[] | null;
}

/** The configured key a presented one matched. */
export interface MatchedKey {
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly accounts: readonly string[] | null;
}

/**
 * Finds the configured key a presented key is. Both sides are SHA-256 digests, so every
 * comparison is of 32 bytes with `timingSafeEqual`, whatever the lengths of the keys, and every
 * configured key is compared (no early exit) so the time taken says nothing about which matched.
 */
export class ApiKeyVerifier {
  private readonly keys: readonly StoredKey[];

  constructor(configured: readonly ApiKeyConfig[]) {
    this.keys = configured.map((entry) => ({
      name: entry.name,
      digest: entry.key !== undefined ? sha256(entry.key) : Buffer.from((entry.keyHash ?? '').slice('sha256:'.length), 'hex'),
      scopes: entry.scopes,
      accounts: entry.accounts ?? null,
    }));
  }

  get size(): number {
    return this.keys.length;
  }

  match(presented: string): MatchedKey | null {
    const digest = sha256(presented);
    let found: StoredKey | null = null;
    for (const key of this.keys) {
      if (timingSafeEqual(digest, key.digest) && found === null) found = key;
    }
    return found === null ? null : { name: found.name, scopes: found.scopes, accounts: found.accounts };
  }
}
