import type { ExpectedChange } from '../support/preview.js';
/** Every Chronosphere mutation: each is covered by at least one row of {@link DRY_RUN_CASES}. */
export const DRY_RUN_MUTATIONS: readonly string[] = ['createChronosphereExternalConnection', 'updateChronosphereExternalConnection', 'deleteChronosphereExternalConnection'];

/** A distinctive Opsgenie API key: it must never come back from a preview, nor be logged. */
export const CANARY = 'og-canary-Dry7Run2Cs9Q';
/** The basic-auth password written beside it (also a canary). */
export const PASSWORD_CANARY = 'pw-canary-Dry4Cs8Lm3X';
/** Another key, to change to. */
export const OTHER_KEY = 'og-other-5tH2kW9pQ1zR';

const added = (path: string, after: string): ExpectedChange => ({ path, kind: 'ADDED', secret: false, before: null, after });
const removed = (path: string, before: string): ExpectedChange => ({ path, kind: 'REMOVED', secret: false, before, after: null });
const changed = (path: string, before: string, after: string): ExpectedChange => ({ path, kind: 'CHANGED', secret: false, before, after });
const secret = (path: string, kind: ExpectedChange['kind']): ExpectedChange => ({ path, kind, secret: true, before: null, after: null });

/** The Opsgenie target written through Patchbay before a row runs (`given: 'written'`): the canaries. */
export const WRITTEN_TARGET = {
  opsGenie: { apiKey: CANARY, apiUrl: 'https://api.opsgenie.com', httpConfig: { basicAuth: { username: 'alerts', password: PASSWORD_CANARY } } },
};
export const WRITTEN_NAME = 'Opsgenie (dry runs)';

export interface DryRunCase {
  readonly name: string;
  readonly mutation: string;
  /** The slug the row works on; `written`: created through Patchbay first with {@link WRITTEN_TARGET}. */
  readonly slug: string;
  readonly given: 'nothing' | 'written';
  /** The mutation's input, without `dryRun` (and without `account` for a delete: it takes `id`). */
  readonly input: (slug: string, id: string) => Record<string, unknown>;
  readonly vendorValidated: boolean;
  /** Whether the preview targets an existing connection (then `targetId` is its id). */
  readonly existing: boolean;
  readonly changes: readonly ExpectedChange[];
}

export const DRY_RUN_CASES: readonly DryRunCase[] = [
  {
    name: 'a create sets every field and secret',
    mutation: 'createChronosphereExternalConnection',
    slug: 'dry-create',
    given: 'nothing',
    input: (slug) => ({ account: 'cs', slug, name: 'New Opsgenie', target: { opsGenie: { apiKey: CANARY, apiUrl: 'https://api.opsgenie.com' } } }),
    vendorValidated: true,
    existing: false,
    changes: [
      added('kind', '"chronosphere"'),
      added('name', '"New Opsgenie"'),
      added('service', '"OPSGENIE"'),
      added('slug', '"dry-create"'),
      added('target.apiUrl', '"https://api.opsgenie.com"'),
      added('target.type', '"ops_genie"'),
      secret('apiKey', 'SET'),
    ],
  },
  {
    name: 'a replace re-sending the same secrets changes only the name',
    mutation: 'updateChronosphereExternalConnection',
    slug: 'dry-same',
    given: 'written',
    input: (slug) => ({ account: 'cs', slug, name: 'Opsgenie (renamed)', target: WRITTEN_TARGET }),
    vendorValidated: true,
    existing: true,
    changes: [changed('name', `"${WRITTEN_NAME}"`, '"Opsgenie (renamed)"'), secret('apiKey', 'UNCHANGED'), secret('httpConfig.basicAuth.password', 'UNCHANGED')],
  },
  {
    name: 'a replace with another key and no basic auth changes the key and unsets the password',
    mutation: 'updateChronosphereExternalConnection',
    slug: 'dry-other',
    given: 'written',
    input: (slug) => ({ account: 'cs', slug, name: WRITTEN_NAME, target: { opsGenie: { apiKey: OTHER_KEY, apiUrl: 'https://api.opsgenie.com' } } }),
    vendorValidated: true,
    existing: true,
    changes: [removed('target.httpConfig.basicAuth.username', '"alerts"'), secret('apiKey', 'CHANGED'), secret('httpConfig.basicAuth.password', 'UNSET')],
  },
  {
    name: 'an upsert of a missing slug is a create',
    mutation: 'updateChronosphereExternalConnection',
    slug: 'dry-upsert',
    given: 'nothing',
    input: (slug) => ({ account: 'cs', slug, name: 'Upserted', createIfMissing: true, target: { sendgrid: { apiKey: CANARY } } }),
    vendorValidated: true,
    existing: false,
    changes: [added('kind', '"chronosphere"'), added('name', '"Upserted"'), added('service', '"SENDGRID"'), added('slug', '"dry-upsert"'), added('target.type', '"sendgrid"'), secret('apiKey', 'SET')],
  },
  {
    name: 'a delete removes every field and unsets every secret, without asking Chronosphere',
    mutation: 'deleteChronosphereExternalConnection',
    slug: 'dry-delete',
    given: 'written',
    input: (_slug, id) => ({ id }),
    vendorValidated: false,
    existing: true,
    changes: [
      removed('kind', '"chronosphere"'),
      removed('name', `"${WRITTEN_NAME}"`),
      removed('service', '"OPSGENIE"'),
      removed('slug', '"dry-delete"'),
      removed('target.apiUrl', '"https://api.opsgenie.com"'),
      removed('target.httpConfig.basicAuth.username', '"alerts"'),
      removed('target.type', '"ops_genie"'),
      secret('apiKey', 'UNSET'),
      secret('httpConfig.basicAuth.password', 'UNSET'),
    ],
  },
];
