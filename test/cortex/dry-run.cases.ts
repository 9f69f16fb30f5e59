import type { ExpectedChange } from '../support/preview.js';
import { CORTEX_SEED_CONFIGURATION } from '../../src/simulators/cortex/seed.js';

/** Every Cortex mutation: each is covered by at least one row of {@link DRY_RUN_CASES}. */
export const DRY_RUN_MUTATIONS: readonly string[] = [
  'addCortexPagerDutyConfiguration',
  'replaceCortexPagerDutyConfiguration',
  'deleteCortexPagerDutyConfiguration',
  'validateCortexPagerDutyConfiguration',
];

/** A distinctive PagerDuty token: it must never come back from a preview, nor be logged. */
export const CANARY = 'PdCanary-dRy7Run2Pv9Q';
/** Another token, to change to. */
export const OTHER_TOKEN = 'PdOther-4fG8hK1mN6pW';

/**
 * The workspace before the call: the simulator's seed (a token set outside Patchbay, so no
 * fingerprint), no configuration at all, or the canary written through Patchbay (read-only).
 */
export type Given = 'seeded' | 'empty' | 'canary-written';

export interface DryRunCase {
  readonly title: string;
  readonly mutation: string;
  readonly given: Given;
  /** The input besides `account` and `dryRun: true`. */
  readonly input: Readonly<Record<string, unknown>>;
  /** What the mutation answers: a preview, or the typed error the write would answer too. */
  readonly answer: 'WritePreview' | 'InputValidationError' | 'NotFoundError';
  /** The preview's `changes`, exactly, in order. */
  readonly changes?: readonly ExpectedChange[];
  /** Whether the preview shows a current configuration (and so a target id). */
  readonly current?: boolean;
  /** Patterns the preview's notes match, one note each. */
  readonly notes?: readonly RegExp[];
}

const secret = (path: string, kind: ExpectedChange['kind']): ExpectedChange => ({ path, kind, secret: true, before: null, after: null });
const plain = (path: string, kind: ExpectedChange['kind'], before: unknown, after: unknown): ExpectedChange => ({
  path,
  kind,
  secret: false,
  before: before === null ? null : JSON.stringify(before),
  after: after === null ? null : JSON.stringify(after),
});

/** The configuration's fields as a create adds them (the token aside). */
const created = (isTokenReadonly: boolean): ExpectedChange[] => [
  plain('isTokenReadonly', 'ADDED', null, isTokenReadonly),
  plain('kind', 'ADDED', null, 'cortex'),
  plain('name', 'ADDED', null, 'PagerDuty'),
  plain('service', 'ADDED', null, 'PAGERDUTY'),
];

export const DRY_RUN_CASES: readonly DryRunCase[] = [
  {
    title: 'add to an empty workspace: every field added, the token set',
    mutation: 'addCortexPagerDutyConfiguration',
    given: 'empty',
    input: { token: CANARY, isTokenReadonly: false },
    answer: 'WritePreview',
    current: false,
    changes: [...created(false), secret('token', 'SET')],
    notes: [],
  },
  {
    title: 'add where one exists: noted as most likely refused, the overwrite shown',
    mutation: 'addCortexPagerDutyConfiguration',
    given: 'seeded',
    input: { token: CANARY, isTokenReadonly: false },
    answer: 'WritePreview',
    current: true,
    changes: [plain('isTokenReadonly', 'CHANGED', true, false), secret('token', 'CHANGED')],
    notes: [/already has a PagerDuty configuration.*replaceCortexPagerDutyConfiguration/],
  },
  {
    title: 'add with a token that cannot be one',
    mutation: 'addCortexPagerDutyConfiguration',
    given: 'empty',
    input: { token: `${CANARY} x`, isTokenReadonly: true },
    answer: 'InputValidationError',
  },
  {
    title: 'replace with the token already written through Patchbay: UNCHANGED',
    mutation: 'replaceCortexPagerDutyConfiguration',
    given: 'canary-written',
    input: { token: CANARY, isTokenReadonly: true },
    answer: 'WritePreview',
    current: true,
    changes: [secret('token', 'UNCHANGED')],
    notes: [],
  },
  {
    title: 'replace with another token and flag: both CHANGED',
    mutation: 'replaceCortexPagerDutyConfiguration',
    given: 'canary-written',
    input: { token: OTHER_TOKEN, isTokenReadonly: false },
    answer: 'WritePreview',
    current: true,
    changes: [plain('isTokenReadonly', 'CHANGED', true, false), secret('token', 'CHANGED')],
    notes: [],
  },
  {
    title: 'replace with the token set outside Patchbay: CHANGED (no fingerprint to compare)',
    mutation: 'replaceCortexPagerDutyConfiguration',
    given: 'seeded',
    input: { token: CORTEX_SEED_CONFIGURATION.token, isTokenReadonly: CORTEX_SEED_CONFIGURATION.isTokenReadonly },
    answer: 'WritePreview',
    current: true,
    changes: [secret('token', 'CHANGED')],
    // The same value, but nothing can tell: the preview says so.
    notes: [/^token: Patchbay holds no fingerprint/],
  },
  {
    title: 'replace where none exists: the PUT would create it',
    mutation: 'replaceCortexPagerDutyConfiguration',
    given: 'empty',
    input: { token: CANARY, isTokenReadonly: true },
    answer: 'WritePreview',
    current: false,
    changes: [...created(true), secret('token', 'SET')],
    notes: [/no PagerDuty configuration.*would create/],
  },
  {
    title: 'replace with an empty token',
    mutation: 'replaceCortexPagerDutyConfiguration',
    given: 'canary-written',
    input: { token: '', isTokenReadonly: true },
    answer: 'InputValidationError',
  },
  {
    title: 'delete: every field removed, the token unset',
    mutation: 'deleteCortexPagerDutyConfiguration',
    given: 'canary-written',
    input: {},
    answer: 'WritePreview',
    current: true,
    changes: [
      plain('isTokenReadonly', 'REMOVED', true, null),
      plain('kind', 'REMOVED', 'cortex', null),
      plain('name', 'REMOVED', 'PagerDuty', null),
      plain('service', 'REMOVED', 'PAGERDUTY', null),
      secret('token', 'UNSET'),
    ],
    notes: [],
  },
  {
    title: 'delete with nothing configured',
    mutation: 'deleteCortexPagerDutyConfiguration',
    given: 'empty',
    input: {},
    answer: 'NotFoundError',
  },
  {
    title: 'validate: nothing changes, and Cortex is not made to call PagerDuty',
    mutation: 'validateCortexPagerDutyConfiguration',
    given: 'canary-written',
    input: {},
    answer: 'WritePreview',
    current: true,
    changes: [],
    notes: [/Nothing was sent.*Cortex call PagerDuty/],
  },
  {
    title: 'validate with nothing configured',
    mutation: 'validateCortexPagerDutyConfiguration',
    given: 'empty',
    input: {},
    answer: 'NotFoundError',
  },
];
