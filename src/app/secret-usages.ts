import type { ConnectionBase, SecretHint } from '../core/domain.js';
import type { SecretFingerprint } from '../core/store/custody-store.js';
import { connectionGlobalId, vendorOf } from './connections.js';
import type { GatewayContext } from './context.js';
import { collectInventory, type AccountFailure, type ConnectionFilter } from './inventory.js';

/**
 * Where is this key used? Every secret field of every connection the caller may read, compared
 * with the others (or with a value the caller gives, which is only ever fingerprinted in memory):
 *
 * - `EXACT`: Patchbay wrote the secret and its stored fingerprint is the one compared, and the
 *   vendor's hint still agrees with what was written (a tail that moved means it was changed
 *   outside Patchbay, and the fingerprint no longer counts).
 * - `LAST_FOUR`: only the vendor's hint matches (the same last four characters): a possible copy,
 *   e.g. one set at the vendor directly.
 */

export type SecretMatch = 'EXACT' | 'LAST_FOUR';

export interface SecretUsage {
  readonly connection: ConnectionBase;
  readonly connectionId: string;
  readonly field: string;
  readonly lastFour: string | null;
  /** How it matches the value given, or the other members of its group; null when it was compared with nothing. */
  readonly match: SecretMatch | null;
  /** Usages with the same number hold the same key (within this answer); null when it shares with none. */
  readonly group: number | null;
  /** Whether Patchbay holds a current fingerprint of it (it wrote it, and the vendor's hint still agrees). */
  readonly fingerprinted: boolean;
}

export interface SecretUsagesFilter extends ConnectionFilter {
  /** A secret value to look up: compared in memory by fingerprint and by last four; never stored or shown. */
  readonly value?: string | null | undefined;
  /** Only secrets shared by more than one connection. */
  readonly sharedOnly?: boolean | null | undefined;
}

export interface SecretUsages {
  readonly usages: readonly SecretUsage[];
  readonly failures: readonly AccountFailure[];
}

interface Candidate {
  readonly connection: ConnectionBase;
  readonly connectionId: string;
  readonly hint: SecretHint;
  /** The stored fingerprint, when it still describes what the vendor holds. */
  readonly fingerprint: SecretFingerprint | null;
}

/** Whether a stored fingerprint still describes the secret the vendor's hint shows: the tails agree wherever both are known. */
function current(row: SecretFingerprint | undefined, hint: SecretHint): SecretFingerprint | null {
  if (row === undefined || !hint.isSet) return null;
  return hint.lastFour !== null && row.lastFour !== null && hint.lastFour !== row.lastFour ? null : row;
}

export async function findSecretUsages(context: GatewayContext, filter: SecretUsagesFilter): Promise<SecretUsages> {
  const inventory = await collectInventory(context, filter);
  const ids = new Map(inventory.connections.map((connection) => [connection, connectionGlobalId(vendorOf(context.accounts, connection), connection)]));
  const rows = await context.store.listFingerprints([...ids.values()]);
  const stored = new Map(rows.map((row) => [`${row.connectionId}\u0000${row.field}`, row]));
  const candidates: Candidate[] = [];
  for (const [connection, connectionId] of ids) {
    for (const hint of connection.secrets) {
      if (!hint.isSet) continue;
      candidates.push({ connection, connectionId, hint, fingerprint: current(stored.get(`${connectionId}\u0000${hint.field}`), hint) });
    }
  }
  const usage = (candidate: Candidate, match: SecretMatch | null, group: number | null): SecretUsage => ({
    connection: candidate.connection,
    connectionId: candidate.connectionId,
    field: candidate.hint.field,
    lastFour: candidate.hint.lastFour,
    match,
    group,
    fingerprinted: candidate.fingerprint !== null,
  });
  const value = filter.value ?? null;
  let usages: SecretUsage[];
  if (value !== null) {
    const key = context.deps.custodyKey;
    usages = candidates.flatMap((candidate) => {
      if (candidate.fingerprint !== null && key.matches(value, candidate.fingerprint.fingerprint)) return [usage(candidate, 'EXACT', 1)];
      const tail = candidate.hint.lastFour;
      return tail !== null && value.length > tail.length && value.endsWith(tail) ? [usage(candidate, 'LAST_FOUR', 1)] : [];
    });
  } else {
    usages = grouped(candidates, usage);
  }
  const sizes = new Map<number, number>();
  for (const one of usages) if (one.group !== null) sizes.set(one.group, (sizes.get(one.group) ?? 0) + 1);
  const shared = filter.sharedOnly === true ? usages.filter((one) => one.group !== null && (sizes.get(one.group) ?? 0) > 1) : usages;
  return { usages: shared.sort(byGroup), failures: inventory.failures };
}

/**
 * Groups without a value to compare: equal fingerprints make a group (`EXACT`); a secret without a
 * current fingerprint whose hint shows a group's last four joins it as `LAST_FOUR`; the rest stand alone.
 */
function grouped(candidates: readonly Candidate[], usage: (candidate: Candidate, match: SecretMatch | null, group: number | null) => SecretUsage): SecretUsage[] {
  const byFingerprint = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    if (candidate.fingerprint === null) continue;
    const members = byFingerprint.get(candidate.fingerprint.fingerprint) ?? [];
    members.push(candidate);
    byFingerprint.set(candidate.fingerprint.fingerprint, members);
  }
  const usages: SecretUsage[] = [];
  const placed = new Set<Candidate>();
  let group = 0;
  for (const members of byFingerprint.values()) {
    group += 1;
    const tails = new Set(members.map((member) => member.fingerprint?.lastFour ?? member.hint.lastFour).filter((tail): tail is string => tail !== null));
    const copies = candidates.filter((candidate) => candidate.fingerprint === null && !placed.has(candidate) && candidate.hint.lastFour !== null && tails.has(candidate.hint.lastFour));
    const size = members.length + copies.length;
    for (const member of members) {
      usages.push(usage(member, size > 1 ? 'EXACT' : null, size > 1 ? group : null));
      placed.add(member);
    }
    for (const copy of copies) {
      usages.push(usage(copy, 'LAST_FOUR', group));
      placed.add(copy);
    }
  }
  for (const candidate of candidates) if (!placed.has(candidate)) usages.push(usage(candidate, null, null));
  return usages;
}

function byGroup(a: SecretUsage, b: SecretUsage): number {
  const ga = a.group ?? Number.MAX_SAFE_INTEGER;
  const gb = b.group ?? Number.MAX_SAFE_INTEGER;
  if (ga !== gb) return ga - gb;
  if (a.match !== b.match) return a.match === 'EXACT' ? -1 : 1;
  return a.connectionId < b.connectionId ? -1 : a.connectionId > b.connectionId ? 1 : a.field < b.field ? -1 : a.field > b.field ? 1 : 0;
}
