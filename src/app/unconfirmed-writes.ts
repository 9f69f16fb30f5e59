import type { GatewayContext } from './context.js';
import { InputValidationError, NotFoundError } from '../core/errors.js';
import type { UnconfirmedWrite } from '../core/store/write-intents.js';

export type { UnconfirmedWrite } from '../core/store/write-intents.js';

/** The unconfirmed writes of the accounts this caller may read, of one account when given, oldest first. */
export async function listUnconfirmedWrites(context: GatewayContext, account?: string | null): Promise<UnconfirmedWrite[]> {
  const readable = context.accounts.entries.map((entry) => entry.ref.key);
  const accounts = account === undefined || account === null ? readable : readable.filter((key) => key === account);
  if (accounts.length === 0) return [];
  return context.store.listUnconfirmedWrites(accounts);
}

/** Unconfirmed writes per account key (accounts without any are absent), for `accounts { health }`. */
export async function countUnconfirmedWrites(context: GatewayContext): Promise<ReadonlyMap<string, number>> {
  const counts = new Map<string, number>();
  for (const write of await listUnconfirmedWrites(context)) counts.set(write.account, (counts.get(write.account) ?? 0) + 1);
  return counts;
}

/** The unconfirmed write `id` of an account the caller may read; `NotFoundError` otherwise. */
export async function requireUnconfirmedWrite(context: GatewayContext, id: string): Promise<UnconfirmedWrite> {
  const found = (await listUnconfirmedWrites(context)).find((write) => write.id === id);
  if (!found) throw new NotFoundError(`There is no unconfirmed write "${id}".`, id);
  return found;
}

/** Like {@link requireUnconfirmedWrite}, for an input field that must name an unconfirmed write of `account`. */
export async function requireUnconfirmedWriteOf(context: GatewayContext, id: string, account: string, path: readonly string[]): Promise<UnconfirmedWrite> {
  const found = (await listUnconfirmedWrites(context, account)).find((write) => write.id === id);
  if (!found) throw InputValidationError.single(path, `names no unconfirmed write of account "${account}"`);
  return found;
}

/** Removes an unconfirmed write an operator has dealt with; `NotFoundError` when it is no longer there. */
export async function resolveUnconfirmedWrite(context: GatewayContext, id: string): Promise<UnconfirmedWrite> {
  const resolved = await context.store.resolveUnconfirmedWrite(id);
  if (!resolved) throw new NotFoundError(`There is no unconfirmed write "${id}".`, id);
  return resolved;
}

/** What an operator should look at, by reason. */
export function checkOf(write: UnconfirmedWrite): string {
  switch (write.reason) {
    case 'OUTCOME_UNKNOWN':
      return `The vendor's answer was lost or unreadable: look in account "${write.account}" for what was written (${write.summary ?? 'no summary'}). If it is there, track it; if not, dismiss this.`;
    case 'RECORD_FAILED':
      return `It was written (vendor id ${write.resourceId ?? 'unknown'}) but Patchbay could not record it: track that id, or dismiss this if it is no longer wanted.`;
    case 'INTERRUPTED':
      return `Patchbay stopped before it learnt how the write ended: look in account "${write.account}" for what was written (${write.summary ?? 'no summary'}). If it is there, track it; if not, dismiss this.`;
    default:
      return unreachable(write.reason);
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected reason ${String(value)}`);
}
