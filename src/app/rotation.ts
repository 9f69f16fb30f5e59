import { randomBytes } from 'node:crypto';
import type { SecretHint } from '../core/domain.js';
import { InputValidationError, MutationInProgressError, NotFoundError, OutcomeUnknownError, PatchbayError, SecretsRequiredError } from '../core/errors.js';
import { decodeGlobalId, encodeGlobalId, innerId, splitInnerId } from '../core/ids.js';
import { INPUT_LIMITS } from '../core/input-check.js';
import type { RotationRow, RotationTargetRow, RotationTargetState } from '../core/store/custody-store.js';
import { audited } from './audit.js';
import type { GatewayContext } from './context.js';
import { storedFingerprints } from './custody.js';
import { parseInnerId } from './lookup.js';
import { requireRight } from './rights.js';
import { secretChangeKind, type ChangeKind } from './preview.js';
import { findSecretUsages, type SecretUsagesFilter } from './secret-usages.js';

/**
 * Rotate everywhere: one new value written into many connections' secret fields, each through
 * its vendor's own write (`VendorRuntime.custody`), each audited as its own write with the caller,
 * within its account's quota and breaker. A target's failure never stops the others. The rotation
 * and each target's state are recorded in the store before anything is sent, so an interrupted
 * rotation resumes (same idempotency key, or `resumeSecretRotation`) with only the targets left:
 * a target that was being sent when it stopped is settled by reading the vendor's hint, never
 * sent twice.
 */

export interface RotationTarget {
  readonly connectionId: string;
  readonly field: string;
}

export interface RotateSecretInput {
  readonly targets?: readonly RotationTarget[] | null | undefined;
  /** Instead of targets: every connection holding this value (`EXACT`), and with `includeLastFour` the possible copies too. */
  readonly match?: (SecretUsagesFilter & { readonly value: string; readonly includeLastFour?: boolean | null | undefined }) | null | undefined;
  readonly newValue: string;
  /** Other secrets a full-replace target needs (`SecretsRequiredError.fields`), by connection and field. */
  readonly supplied?: readonly (RotationTarget & { readonly value: string })[] | null | undefined;
  readonly dryRun?: boolean | null | undefined;
  readonly idempotencyKey?: string | null | undefined;
}

/** A typed error as a rotation keeps it: plain data, so that it survives the store and replays. */
export type PlainError = Readonly<Record<string, unknown>> & { readonly name: string; readonly message: string };

export interface RotationTargetResult {
  readonly connectionId: string;
  readonly field: string;
  readonly account: string | null;
  /** `DONE`, `FAILED`, `SKIPPED`, or `PREVIEWED` for a dry run. */
  readonly state: 'DONE' | 'FAILED' | 'SKIPPED' | 'PREVIEWED';
  readonly error: PlainError | null;
  readonly reason: string | null;
  /** The hint the vendor shows afterwards (or now, for a preview). */
  readonly hint: SecretHint | null;
  /** Whether the hint read back shows the new value; null when the vendor shows no tail to tell. */
  readonly verified: boolean | null;
  /** For a dry run: how the field would change (`SET`, `CHANGED`, `UNCHANGED`). */
  readonly change: ChangeKind | null;
}

export interface RotationResult {
  /** The rotation's id in the store, for `resumeSecretRotation`; null for a dry run. */
  readonly rotationId: string | null;
  readonly dryRun: boolean;
  readonly targets: readonly RotationTargetResult[];
}

function plain(error: PatchbayError): PlainError {
  return { ...(error as unknown as Record<string, unknown>), name: error.name, message: error.message };
}

/** Checks the new value the way every builder checks a secret; nothing of it is quoted. */
function checkValue(value: string, path: readonly string[]): void {
  if (value.length > INPUT_LIMITS.secret) throw InputValidationError.single(path, `must be at most ${INPUT_LIMITS.secret} characters`);
  if (value.trim() === '') throw InputValidationError.single(path, 'must not be empty');
  if (/[\u0000-\u001f\u007f]/.test(value)) throw InputValidationError.single(path, 'must not contain control characters');
}

/** Checks a secret field name as given (it is stored and answered back): bounded, printable. */
function checkField(field: string, path: readonly string[]): void {
  if (field.length === 0 || field.length > INPUT_LIMITS.name) throw InputValidationError.single(path, `must be 1-${INPUT_LIMITS.name} characters`);
  if (/[\u0000-\u001f\u007f]/.test(field)) throw InputValidationError.single(path, 'must not contain control characters');
}

/** Checks what accompanies the new value: the other secrets supplied (bounded, each checked like a secret). */
function checkSupplied(input: Pick<RotateSecretInput, 'newValue' | 'supplied'>): void {
  checkValue(input.newValue, ['newValue']);
  const supplied = input.supplied ?? [];
  if (supplied.length > INPUT_LIMITS.items) throw InputValidationError.single(['supplied'], `must have at most ${INPUT_LIMITS.items} items`);
  for (const [index, one] of supplied.entries()) {
    checkField(one.field, ['supplied', String(index), 'field']);
    checkValue(one.value, ['supplied', String(index), 'value']);
  }
}

/**
 * The id in its one standard spelling (the inner id's parts decoded and encoded again), so that
 * two spellings of one connection are one target; an id that names nothing is left as given
 * (the target answers `NotFoundError`).
 */
function canonicalId(context: GatewayContext, connectionId: string): string {
  try {
    const decoded = decodeGlobalId(connectionId);
    const vendor = context.accounts.vendorOfTypename(decoded.typename);
    const parts = vendor ? splitInnerId(decoded.id, vendor.ids.keyParts + 1) : null;
    return parts === null ? connectionId : encodeGlobalId(decoded.typename, innerId(...(parts as [string, ...string[]])));
  } catch {
    return connectionId;
  }
}

async function resolveTargets(context: GatewayContext, input: RotateSecretInput): Promise<RotationTarget[]> {
  const given = input.targets ?? null;
  const match = input.match ?? null;
  if ((given === null) === (match === null)) throw InputValidationError.single(['targets'], 'give either targets or match');
  if (given !== null) {
    if (given.length === 0) throw InputValidationError.single(['targets'], 'must name at least one target');
    if (given.length > INPUT_LIMITS.items) throw InputValidationError.single(['targets'], `must have at most ${INPUT_LIMITS.items} items`);
    for (const [index, target] of given.entries()) checkField(target.field, ['targets', String(index), 'field']);
    const seen = new Set<string>();
    return given
      .map((target) => ({ connectionId: canonicalId(context, target.connectionId), field: target.field }))
      .filter((target) => {
        const id = `${target.connectionId}\u0000${target.field}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
  }
  if (match === null) return [];
  checkValue(match.value, ['match', 'value']);
  const found = await findSecretUsages(context, { ...match, sharedOnly: false });
  const targets = found.usages
    .filter((usage) => usage.match === 'EXACT' || (match.includeLastFour === true && usage.match === 'LAST_FOUR'))
    .map((usage) => ({ connectionId: usage.connectionId, field: usage.field }));
  if (targets.length > INPUT_LIMITS.items) {
    throw InputValidationError.single(['match'], `finds ${targets.length} secrets, more than the ${INPUT_LIMITS.items} one rotation may write; narrow it by accounts, vendors or services`);
  }
  return targets;
}

interface Located {
  readonly entry: Parameters<Parameters<typeof parseInnerId>[1]['read']>[1];
  readonly key: unknown;
  readonly vendor: NonNullable<ReturnType<GatewayContext['accounts']['vendorOfTypename']>>;
}

function locate(context: GatewayContext, connectionId: string): Located {
  const decoded = decodeGlobalId(connectionId);
  const vendor = context.accounts.vendorOfTypename(decoded.typename);
  const target = vendor ? parseInnerId(context, vendor, decoded.id) : null;
  if (!vendor || !target) throw new NotFoundError(`No connection has the id "${connectionId}".`, connectionId);
  return { entry: target.entry, key: target.key, vendor };
}

function suppliedFor(context: GatewayContext, input: Pick<RotateSecretInput, 'supplied'>, connectionId: string): Map<string, string> {
  return new Map((input.supplied ?? []).filter((one) => canonicalId(context, one.connectionId) === connectionId).map((one) => [one.field, one.value]));
}

function verifiedBy(hint: SecretHint | null, value: string): boolean | null {
  if (hint === null || !hint.isSet) return false;
  return hint.lastFour === null ? null : value.endsWith(hint.lastFour);
}

/** Runs (or previews) a rotation; with an idempotency key a repeat resumes the one recorded under it. */
export async function rotateSecret(context: GatewayContext, input: RotateSecretInput): Promise<RotationResult> {
  checkSupplied(input);
  if (input.dryRun === true) return previewRotation(context, input, await resolveTargets(context, input));
  const key = context.deps.custodyKey;
  requireFingerprints(context);
  const targets = await resolveTargets(context, input);
  const rotation = await context.store.createRotation({
    id: `rot_${randomBytes(12).toString('hex')}`,
    caller: context.caller,
    idempotencyKey: input.idempotencyKey ?? null,
    newFingerprint: key.fingerprint(input.newValue),
    targets: targets.map((target) => ({ ...target, account: accountOf(context, target.connectionId) })),
  });
  return runRotation(context, rotation, input);
}

/**
 * Resumes a recorded rotation of this caller with the same new value (checked against its
 * fingerprint). With `dryRun` it writes nothing: the targets already settled answer as recorded,
 * the others as a rotation's preview would.
 */
export async function resumeSecretRotation(context: GatewayContext, id: string, input: Pick<RotateSecretInput, 'newValue' | 'supplied' | 'dryRun'>): Promise<RotationResult> {
  checkSupplied(input);
  requireFingerprints(context);
  const rotation = await context.store.getRotation(id, context.caller);
  if (rotation === null) throw new NotFoundError(`There is no secret rotation "${id}" of yours.`, id);
  if (input.dryRun !== true) return runRotation(context, rotation, input);
  requireSameValue(context, rotation, input.newValue);
  const left = rotation.targets.filter((target) => !isSettled(target));
  const previewed = await previewRotation(context, input, left);
  const results = rotation.targets.map((target) => (isSettled(target) ? (target.outcome as RotationTargetResult) : (previewed.targets[left.indexOf(target)] as RotationTargetResult)));
  return { rotationId: rotation.id, dryRun: true, targets: results };
}

/**
 * A rotation is recorded with a keyed fingerprint of its new value (to check a resume's value
 * against it); without a deployment key that would be a hash anyone could test guesses against.
 */
function requireFingerprints(context: GatewayContext): void {
  if (!context.deps.custodyKey.fingerprinting) {
    throw InputValidationError.single(
      ['newValue'],
      'cannot be rotated by this gateway: it runs without PATCHBAY_SECRET_KEY, so it keeps no fingerprint to record the rotation by; set the key (the same on every replica) and restart',
    );
  }
}

/** A target refused before anything was sent (e.g. `SecretsRequiredError`): a resume tries it again, with what it supplies. */
const refusedUnsent = (target: RotationTargetRow): boolean => target.state === 'FAILED' && (target.outcome as { sent?: boolean } | null)?.sent === false;

/** Done, skipped, or failed in a way a resume does not retry. */
const isSettled = (target: RotationTargetRow): boolean => target.state === 'DONE' || target.state === 'SKIPPED' || (target.state === 'FAILED' && !refusedUnsent(target));

function requireSameValue(context: GatewayContext, rotation: RotationRow, value: string): void {
  if (!context.deps.custodyKey.matches(value, rotation.newFingerprint)) {
    throw InputValidationError.single(['newValue'], 'is not the value this rotation was started with; resume it with the same new value');
  }
}

function accountOf(context: GatewayContext, connectionId: string): string | null {
  try {
    return locate(context, connectionId).entry.ref.key;
  } catch {
    return null;
  }
}

type TargetBase = Pick<RotationTargetResult, 'connectionId' | 'field' | 'account'>;

/** Another run of the same rotation holds this target (it is writing it now): this run leaves it alone. */
class HeldByAnotherRun extends Error {}

function inProgress(context: GatewayContext, base: TargetBase): RotationTargetResult {
  const seconds = Math.ceil((context.deps.gateway.requestDeadlineMs + 1_000) / 1000);
  const error = new MutationInProgressError(`Another run of this rotation is writing this target now; nothing was sent by this one. Ask again in ${seconds} s for its outcome.`, seconds);
  return { ...base, state: 'FAILED', error: plain(error), reason: null, hint: null, verified: null, change: null };
}

async function runRotation(context: GatewayContext, rotation: RotationRow, input: Pick<RotateSecretInput, 'newValue' | 'supplied'>): Promise<RotationResult> {
  requireSameValue(context, rotation, input.newValue);
  // A target marked as being sent more recently than a request may last can still be in flight in another run.
  const staleBefore = Date.now() - context.deps.gateway.requestDeadlineMs - 1_000;
  const results: RotationTargetResult[] = [];
  for (const target of rotation.targets) {
    const base = { connectionId: target.connectionId, field: target.field, account: target.account };
    if (isSettled(target)) {
      results.push(target.outcome as RotationTargetResult);
      continue;
    }
    if (target.state === 'SENDING') {
      if (target.updatedAt.getTime() > staleBefore) {
        results.push(inProgress(context, base));
        continue;
      }
      // The run that sent it stopped before recording how it ended: read it, never send it again.
      const before = (target.outcome as { beforeLastFour?: string | null } | null)?.beforeLastFour ?? null;
      const settled = await settleInterrupted(context, base, input.newValue, before);
      const moved = await context.store.setRotationTarget(rotation.id, target.position, settled.state === 'DONE' ? 'DONE' : 'FAILED', settled, ['SENDING']);
      results.push(moved ? settled : inProgress(context, base));
      continue;
    }
    let claimed = false;
    const from: RotationTargetState = target.state === 'FAILED' ? 'FAILED' : 'PENDING';
    const claim = async (current: SecretHint | null): Promise<void> => {
      // Only one run moves a target to SENDING; the hint before the write is kept to tell, after a crash, whether it changed.
      claimed = await context.store.setRotationTarget(rotation.id, target.position, 'SENDING', { beforeLastFour: current?.lastFour ?? null }, [from]);
      if (!claimed) throw new HeldByAnotherRun();
    };
    const result = await rotateOne(context, base, input.newValue, suppliedFor(context, input, target.connectionId), claim);
    if (result === null) {
      results.push(inProgress(context, base));
      continue;
    }
    const state: RotationTargetState = result.state === 'DONE' ? 'DONE' : result.state === 'SKIPPED' ? 'SKIPPED' : 'FAILED';
    // A failure before the claim sent nothing: recorded as such, so that a resume may try it again.
    const recorded = state === 'FAILED' && !claimed ? { ...result, sent: false } : result;
    const moved = await context.store.setRotationTarget(rotation.id, target.position, state, recorded, claimed ? ['SENDING'] : [from]);
    results.push(moved ? result : inProgress(context, base));
  }
  const held = results.filter((result) => result.error?.name === 'MutationInProgressError').length;
  if (held > 0) {
    // Not an outcome to keep under the idempotency key: the next try finds those targets settled.
    const seconds = Math.ceil((context.deps.gateway.requestDeadlineMs + 1_000) / 1000);
    throw new MutationInProgressError(
      `${held} target${held === 1 ? ' is' : 's are'} being written by another run of this rotation (${rotation.id}); the others are recorded. Ask again in ${seconds} s, or resume it by id.`,
      seconds,
    );
  }
  return { rotationId: rotation.id, dryRun: false, targets: results };
}

/**
 * Settles a target whose write was in flight when its run stopped, by reading the vendor's hint
 * (audited, with the caller's rights): `DONE` only when the hint shows the new value's tail and
 * the tail before the write was another one; otherwise `OutcomeUnknownError`. Never sends again.
 */
async function settleInterrupted(context: GatewayContext, base: TargetBase, value: string, beforeLastFour: string | null): Promise<RotationTargetResult> {
  try {
    const { entry, key, vendor } = locate(context, base.connectionId);
    const hint = await audited(context, { operation: 'rotateSecretSettle', account: entry.ref.key, targetId: base.connectionId, scope: 'secrets:rotate' }, async () => {
      const current = await vendor.read(context, entry, key);
      const shown = current.secrets.find((one) => one.field === base.field) ?? null;
      const tellable = shown?.lastFour !== null && shown?.lastFour !== undefined && shown.lastFour !== beforeLastFour;
      if (tellable && verifiedBy(shown, value) === true) return shown;
      throw new OutcomeUnknownError(
        `The rotation stopped while this target was being written, and ${vendor.name}'s hint cannot show whether the new value arrived; it is not sent again.`,
        { vendor: entry.vendor.id, account: entry.ref.key, httpStatus: null, vendorCode: null, vendorRequestId: null, retryAfterSeconds: null },
        'Check the connection at the vendor, then rotate this one target again if needed.',
      );
    });
    return { ...base, state: 'DONE', error: null, reason: 'settled after an interruption: the vendor’s hint shows the new value', hint, verified: true, change: null };
  } catch (error) {
    if (!(error instanceof PatchbayError)) throw error;
    return { ...base, state: 'FAILED', error: plain(error), reason: null, hint: null, verified: null, change: null };
  }
}

const noSuchField = (field: string): string => `the connection has no secret field "${field}"`;

/**
 * The checks before a target is written (and previewed): its hint, or null when the connection
 * has no such secret; a field the vendor generates itself (`SecretWriter.unwritable`) is refused,
 * and so is a full replace that would unset other secrets not supplied (`SecretsRequiredError`).
 */
function writableHint(vendor: Located['vendor'], current: Parameters<Located['vendor']['custody']['requiredWith']>[0], field: string, supplied: ReadonlyMap<string, string>): SecretHint | null {
  const hint = current.secrets.find((one) => one.field === field) ?? null;
  if (hint === null) return null;
  const reason = vendor.custody.unwritable?.(current, field) ?? null;
  if (reason !== null) throw InputValidationError.single(['field'], reason);
  const missing = vendor.custody.requiredWith(current, field).filter((other) => !supplied.has(other));
  if (missing.length > 0) {
    throw new SecretsRequiredError(
      `${vendor.name} replaces the whole connection on write, and it holds other secrets Patchbay cannot send again (${missing.join(', ')}); nothing was sent. Supply them with the rotation.`,
      missing,
    );
  }
  return hint;
}

/**
 * Writes one target as its own audited write: read, check (the field, what the vendor generates,
 * the other secrets a full replace needs), `claim` (null result: another run holds it), write,
 * and note the fingerprints of exactly what was sent.
 */
async function rotateOne(
  context: GatewayContext,
  base: TargetBase,
  value: string,
  supplied: ReadonlyMap<string, string>,
  claim: (current: SecretHint | null) => Promise<void>,
): Promise<RotationTargetResult | null> {
  try {
    const { entry, key, vendor } = locate(context, base.connectionId);
    const outcome = await audited(context, { operation: 'rotateSecret', account: entry.ref.key, targetId: base.connectionId, scope: 'secrets:rotate' }, async () => {
      const current = await vendor.read(context, entry, key);
      const hint = writableHint(vendor, current, base.field, supplied);
      if (hint === null) return { skipped: noSuchField(base.field) } as const;
      await claim(hint);
      // The vendor's writer notes the fingerprints of exactly what its write carried.
      return { written: await vendor.custody.rotate(context, entry, key, current, base.field, value, supplied) } as const;
    });
    if ('skipped' in outcome) return { ...base, state: 'SKIPPED', error: null, reason: outcome.skipped, hint: null, verified: null, change: null };
    const hint = outcome.written.secrets.find((one) => one.field === base.field) ?? null;
    return { ...base, state: 'DONE', error: null, reason: null, hint, verified: verifiedBy(hint, value), change: null };
  } catch (error) {
    if (error instanceof HeldByAnotherRun) return null;
    if (!(error instanceof PatchbayError)) throw error;
    return { ...base, state: 'FAILED', error: plain(error), reason: null, hint: null, verified: null, change: null };
  }
}

async function previewRotation(context: GatewayContext, input: Pick<RotateSecretInput, 'newValue' | 'supplied'>, targets: readonly RotationTarget[]): Promise<RotationResult> {
  const results: RotationTargetResult[] = [];
  for (const target of targets) {
    const base = { connectionId: target.connectionId, field: target.field, account: accountOf(context, target.connectionId) };
    let shown: SecretHint | null = null;
    try {
      const { entry, key: readKey, vendor } = locate(context, target.connectionId);
      // The rotation itself would be refused per target without the right: so is its preview.
      requireRight(context, 'secrets:rotate', entry.ref.key);
      const current = await vendor.read(context, entry, readKey);
      shown = current.secrets.find((one) => one.field === target.field) ?? null;
      const hint = writableHint(vendor, current, target.field, suppliedFor(context, input, target.connectionId));
      if (hint === null) {
        results.push({ ...base, state: 'SKIPPED', error: null, reason: noSuchField(target.field), hint: null, verified: null, change: null });
        continue;
      }
      const stored = (await storedFingerprints(context, target.connectionId)).get(target.field);
      const change = secretChangeKind(context.deps.custodyKey, input.newValue, hint, stored);
      results.push({ ...base, state: 'PREVIEWED', error: null, reason: null, hint, verified: null, change });
    } catch (error) {
      if (!(error instanceof PatchbayError)) throw error;
      results.push({ ...base, state: 'FAILED', error: plain(error), reason: null, hint: shown, verified: null, change: null });
    }
  }
  return { rotationId: null, dryRun: true, targets: results };
}
