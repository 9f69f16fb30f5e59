import { LIST_ORDER } from './contract.js';
import type { DigestOutcome } from './digest.js';

/** One stored integration, secrets in clear (the simulator masks them on the way out). */
export interface StoredIntegration {
  readonly type: string;
  readonly fields: Readonly<Record<string, string | boolean>>;
}

/** One entry of the Digest log: what was answered, never the response hash or a key. */
export interface DigestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly outcome: DigestOutcome;
  readonly nonce: string | null;
  readonly nc: string | null;
  readonly cnonce: string | null;
}

/** What one Cloud Manager organisation holds: projects and their integrations, plus the Digest log. */
export class MongoDbState {
  /** Project id → integration type → integration. */
  readonly groups = new Map<string, Map<string, StoredIntegration>>();
  readonly digestLog: DigestLogEntry[] = [];
  /** Rate-limit window per public key. */
  readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly seed: () => ReadonlyMap<string, readonly StoredIntegration[]>) {}

  /** Restores the seed. */
  reset(): void {
    this.groups.clear();
    for (const [groupId, integrations] of this.seed()) {
      this.groups.set(groupId, new Map(integrations.map((i) => [i.type, { type: i.type, fields: { ...i.fields } }])));
    }
    this.digestLog.length = 0;
    this.windows.clear();
  }
}

/** A project's integrations in the vendor's list order (unknown types last, by name). */
export function ordered(integrations: ReadonlyMap<string, StoredIntegration>): StoredIntegration[] {
  const rank = (type: string): number => {
    const index = LIST_ORDER.indexOf(type);
    return index === -1 ? LIST_ORDER.length : index;
  };
  return [...integrations.values()].sort((a, b) => rank(a.type) - rank(b.type) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}
