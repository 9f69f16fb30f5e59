import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The deployment's custody key: what Patchbay fingerprints secrets and idempotent inputs under.
 * A fingerprint is an HMAC-SHA-256 of a secret under a key derived from this one, so equal
 * secrets have equal fingerprints inside one deployment (that is how `secretUsages` finds copies),
 * while nobody without the key can test a guess against a stored fingerprint. Replicas of one
 * deployment must share it (`PATCHBAY_SECRET_KEY`); demo mode makes one per run.
 *
 * The key itself is held only here, never logged or stored; each use has its own subkey
 * (HKDF-SHA-256, one `info` label per purpose) so that a fingerprint of a secret and the hash of
 * an input that carried it can never be compared with each other.
 */
export class CustodyKey {
  /** The shortest `PATCHBAY_SECRET_KEY` accepted, in characters. */
  static readonly MIN_LENGTH = 32;

  readonly #fingerprintKey: Buffer;
  readonly #inputKey: Buffer;
  /**
   * Whether fingerprints are kept: false for {@link CustodyKey.unkeyed} (config mode without
   * `PATCHBAY_SECRET_KEY`), whose key is public, so a fingerprint under it would be an unsalted hash.
   */
  readonly fingerprinting: boolean;

  private constructor(master: Buffer, fingerprinting = true) {
    this.fingerprinting = fingerprinting;
    this.#fingerprintKey = Buffer.from(hkdfSync('sha256', master, 'patchbay', 'secret fingerprint v1', 32));
    this.#inputKey = Buffer.from(hkdfSync('sha256', master, 'patchbay', 'idempotent input v1', 32));
  }

  /** A key for one run (demo mode, tests): fingerprints made under it mean nothing to another run. */
  static generate(): CustodyKey {
    return new CustodyKey(randomBytes(32));
  }

  /**
   * No deployment key (config mode without `PATCHBAY_SECRET_KEY`): no fingerprint is kept, and
   * idempotent inputs are hashed under a fixed, public key — no better than a plain SHA-256, as
   * before key custody, but stable across restarts and replicas.
   */
  static unkeyed(): CustodyKey {
    return new CustodyKey(Buffer.from('patchbay: no PATCHBAY_SECRET_KEY configured', 'utf8'), false);
  }

  /**
   * The key from its configured text (`PATCHBAY_SECRET_KEY`), e.g. 64 hex characters from
   * `openssl rand -hex 32`. Throws `CustodyKeyError` (its message names the variable, never the
   * value) when it is missing or shorter than {@link CustodyKey.MIN_LENGTH}.
   */
  static fromText(text: string | undefined, variable = 'PATCHBAY_SECRET_KEY'): CustodyKey {
    if (text === undefined || text.trim() === '') throw new CustodyKeyError(`${variable} is not set`);
    if (text.length < CustodyKey.MIN_LENGTH) throw new CustodyKeyError(`${variable} is ${text.length} characters; it must be at least ${CustodyKey.MIN_LENGTH}`);
    return new CustodyKey(Buffer.from(text, 'utf8'));
  }

  /** The fingerprint of a secret value: 64 hex characters. Equal values, equal fingerprints. */
  fingerprint(value: string): string {
    return createHmac('sha256', this.#fingerprintKey).update(value, 'utf8').digest('hex');
  }

  /** Whether `value` has the fingerprint `fingerprint`, in constant time. */
  matches(value: string, fingerprint: string): boolean {
    const mine = Buffer.from(this.fingerprint(value), 'hex');
    const theirs = Buffer.from(fingerprint, 'hex');
    return mine.length === theirs.length && timingSafeEqual(mine, theirs);
  }

  /** The keyed hash of an idempotent mutation's canonical input (which may carry secrets). */
  inputHash(canonical: string): string {
    return createHmac('sha256', this.#inputKey).update(canonical, 'utf8').digest('hex');
  }
}

/** The custody key is missing or too short: the gateway refuses to start. */
export class CustodyKeyError extends Error {
  override readonly name = 'CustodyKeyError';
}
