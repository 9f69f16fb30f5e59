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
  /** The read-only `id` of each integration (`groupId/type` → 24 hex digits), as the Atlas-era view sends it. */
  readonly ids = new Map<string, string>();
  /**
   * Test-only contract breaks: `groupId/type` → members laid over the integration's wire object
   * wherever it is served. Empty unless a test asks; reset clears it.
   */
  readonly breaks = new Map<string, Readonly<Record<string, unknown>>>();
  private issued = 0;

  constructor(private readonly seed: () => ReadonlyMap<string, readonly StoredIntegration[]>) {}

  /** Restores the seed; seeded integrations get the same ids after every reset. */
  reset(): void {
    this.groups.clear();
    this.ids.clear();
    this.breaks.clear();
    this.issued = 0;
    for (const [groupId, integrations] of this.seed()) {
      this.groups.set(groupId, new Map(integrations.map((i) => [i.type, { type: i.type, fields: { ...i.fields } }])));
      for (const integration of integrations) this.assignId(groupId, integration.type);
    }
    this.digestLog.length = 0;
    this.windows.clear();
  }

  /** The integration's id, issuing one (ObjectId-like: 24 hex digits) the first time. A replaced (PUT) integration keeps its id. */
  assignId(groupId: string, type: string): string {
    const key = integrationKey(groupId, type);
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    this.issued += 1;
    const id = `6a794040${this.issued.toString(16).padStart(16, '0')}`;
    this.ids.set(key, id);
    return id;
  }

  /** Forgets a deleted integration's id: created again, it gets a new one. */
  dropId(groupId: string, type: string): void {
    this.ids.delete(integrationKey(groupId, type));
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

/** The key of one integration in the id and break tables. */
export function integrationKey(groupId: string, type: string): string {
  return `${groupId}/${type}`;
}
