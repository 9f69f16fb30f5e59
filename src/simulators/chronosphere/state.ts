import type { Block } from './contract.js';

/** JSON values a stored type block holds (wire names, secrets in clear). */
export type BlockConfig = { readonly [key: string]: string | boolean | BlockConfig };

/** An external connection as the simulator holds it, secrets included (never sent back). */
export interface StoredConnection {
  readonly slug: string;
  readonly name: string;
  /** RFC 3339. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly block: Block;
  /** The type block in wire form; empty strings are never stored (proto3: empty is unset). */
  readonly config: BlockConfig;
}

/** What one Chronosphere tenant holds: external connections and the policies that use them. */
/** One write request the simulator received (tests: which writes asked only for validation). */
export interface WriteRecord {
  readonly method: string;
  readonly path: string;
  /** Whether its body asked for `dry_run: true` (validate, store nothing). */
  readonly dryRun: boolean;
}

export class ChronosphereState {
  readonly connections = new Map<string, StoredConnection>();
  /** Slug → names of the notification policies that use it (DELETE answers 400 while any does). */
  readonly policies = new Map<string, Set<string>>();
  /** How many writes carried the `**REDACTED**` placeholder as a secret value. */
  placeholderWrites = 0;
  /**
   * Test-only contract breaks: slug → members laid over the connection's wire object wherever it
   * is served. Empty unless a test asks; reset clears it.
   */
  readonly breaks = new Map<string, Readonly<Record<string, unknown>>>();
  /** Every write request received (POST, PUT, DELETE), in order: method, path and whether it asked for `dry_run`; never a body. */
  readonly writes: WriteRecord[] = [];

  constructor(private readonly seed: () => { readonly connections: readonly StoredConnection[]; readonly policies: Readonly<Record<string, readonly string[]>> }) {}

  /** Restores the seed. */
  reset(): void {
    const seed = this.seed();
    this.connections.clear();
    this.policies.clear();
    for (const connection of seed.connections) this.connections.set(connection.slug, connection);
    for (const [slug, names] of Object.entries(seed.policies)) this.policies.set(slug, new Set(names));
    this.placeholderWrites = 0;
    this.breaks.clear();
    this.writes.length = 0;
  }

  /** Logs a write request as it arrives (before it is checked). */
  noteWrite(method: string, path: string, body: unknown): void {
    const dryRun = typeof body === 'object' && body !== null && (body as Record<string, unknown>)['dry_run'] === true;
    this.writes.push({ method, path, dryRun });
  }

  /** Connections in list order: by slug, the order keyset paging relies on. */
  sorted(): StoredConnection[] {
    return [...this.connections.values()].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  }

  policiesUsing(slug: string): string[] {
    return [...(this.policies.get(slug) ?? [])].sort();
  }
}

/** The value at a dotted wire path (`http_config.basic_auth.password`), or undefined. */
export function getPath(config: BlockConfig, path: string): string | boolean | BlockConfig | undefined {
  let current: string | boolean | BlockConfig | undefined = config;
  for (const part of path.split('.')) {
    if (typeof current !== 'object') return undefined;
    current = current[part];
  }
  return current;
}

/** A copy of `config` with `value` at a dotted wire path, creating the objects on the way. */
export function setPath(config: BlockConfig, path: string, value: string): BlockConfig {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return config;
  if (rest.length === 0) return { ...config, [head]: value };
  const child = config[head];
  return { ...config, [head]: setPath(typeof child === 'object' ? child : {}, rest.join('.'), value) };
}

/** The non-empty string at a dotted wire path, or undefined. */
export function textAt(config: BlockConfig, path: string): string | undefined {
  const value = getPath(config, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
