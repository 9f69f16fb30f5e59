import type { ExpectedChange } from '../support/preview.js';
import { encodeGlobalId } from '../../src/core/ids.js';
import { EMPTY_GROUP } from './fixtures.js';

/*
 * The `dryRun` table of the Cloud Manager mutations: each row writes what it needs through
 * Patchbay first (so fingerprints are stored as a real caller's would be), then asks for a
 * preview and says exactly which changes it must list. dry-run.test.ts runs every row.
 */

/** Every Cloud Manager mutation; each has at least one row below (the test checks both ways). */
export const DRY_RUN_MUTATIONS: readonly string[] = ['createMongoDbIntegration', 'upsertMongoDbIntegration', 'deleteMongoDbIntegration'];

/** The account the rows write to. */
export const DRY_RUN_ACCOUNT = 'mdb-dry-run';
/** A secret that must never leave the simulator. */
export const CANARY = 'canary-mdb-dry-run-4Lq8Zr2Wx6Tn0Vb5';
/** Another secret, for "a different value" rows. */
export const OTHER_SECRET = 'other-mdb-dry-run-9Fh3Jk7Mp1Qs5Uy2';

/** What a row may ask of the test while it sets up and states its expectations. */
export interface DryRunTools {
  /** Runs a mutation through Patchbay (for the setup: a real write). */
  write(mutation: 'createMongoDbIntegration' | 'upsertMongoDbIntegration', integration: Record<string, unknown>): Promise<void>;
  /** The read-only id the simulator serves for the integration of `type` in the rows' project. */
  vendorId(type: string): string;
}

export interface DryRunCase {
  readonly name: string;
  readonly mutation: string;
  /** Writes made through Patchbay before the preview. */
  readonly setup?: (tools: DryRunTools) => Promise<void>;
  /** The mutation's input, `dryRun: true` added by the test. */
  readonly input: Record<string, unknown>;
  /** `WritePreview`, or the typed error a preview answers like the write would. */
  readonly typename: string;
  readonly changes?: (tools: DryRunTools) => readonly ExpectedChange[];
  /** The global id the preview names, when it targets an integration that exists. */
  readonly targetsExisting?: boolean;
  /** Text one of the preview's notes must hold (besides the "no validate-only mode" note every one has). */
  readonly note?: string;
}

const json = (value: unknown): string => JSON.stringify(value);
const added = (path: string, value: unknown): ExpectedChange => ({ path, kind: 'ADDED', secret: false, before: null, after: json(value) });
const removed = (path: string, value: unknown): ExpectedChange => ({ path, kind: 'REMOVED', secret: false, before: json(value), after: null });
const changed = (path: string, before: unknown, after: unknown): ExpectedChange => ({ path, kind: 'CHANGED', secret: false, before: json(before), after: json(after) });
const secret = (path: string, kind: ExpectedChange['kind']): ExpectedChange => ({ path, kind, secret: true, before: null, after: null });

/** The integration-level fields a new integration of `type` gets (non-secret, sorted by path). */
function identity(type: string, label: string, service: string): ExpectedChange[] {
  return [added('groupId', EMPTY_GROUP), added('kind', 'mongodb'), added('name', `${label} (project ${EMPTY_GROUP})`), added('service', service), added('settings.type', type), added('type', type)];
}

const create = (integration: Record<string, unknown>) => ({ account: DRY_RUN_ACCOUNT, groupId: EMPTY_GROUP, integration });

/** The global id of the rows' integration of `type`. */
export function dryRunId(type: string): string {
  return encodeGlobalId('MongoDbIntegration', `${DRY_RUN_ACCOUNT}/${EMPTY_GROUP}/${type}`);
}

export const DRY_RUN_CASES: readonly DryRunCase[] = [
  {
    name: 'create: every field added, the secret set',
    mutation: 'createMongoDbIntegration',
    input: create({ pagerDuty: { serviceKey: CANARY } }),
    typename: 'WritePreview',
    changes: () => [...identity('PAGER_DUTY', 'PagerDuty', 'PAGERDUTY'), secret('serviceKey', 'SET')],
  },
  {
    name: 'create of a type the project has: the conflict is a note, nothing is read as current',
    mutation: 'createMongoDbIntegration',
    setup: (tools) => tools.write('createMongoDbIntegration', { pagerDuty: { serviceKey: OTHER_SECRET } }),
    input: create({ pagerDuty: { serviceKey: CANARY } }),
    typename: 'WritePreview',
    changes: () => [...identity('PAGER_DUTY', 'PagerDuty', 'PAGERDUTY'), secret('serviceKey', 'SET')],
    note: 'ConflictError',
  },
  {
    name: 'create with invalid input: the same InputValidationError as the write',
    mutation: 'createMongoDbIntegration',
    input: create({ pagerDuty: { serviceKey: '******************wxyz' } }),
    typename: 'InputValidationError',
  },
  {
    name: 'upsert re-sending the secret written through Patchbay: UNCHANGED, no other change',
    mutation: 'upsertMongoDbIntegration',
    setup: (tools) => tools.write('createMongoDbIntegration', { opsGenie: { apiKey: CANARY, region: 'EU' } }),
    input: create({ opsGenie: { apiKey: CANARY, region: 'EU' } }),
    typename: 'WritePreview',
    targetsExisting: true,
    changes: () => [secret('apiKey', 'UNCHANGED')],
  },
  {
    name: 'upsert with another secret and region: both CHANGED',
    mutation: 'upsertMongoDbIntegration',
    setup: (tools) => tools.write('createMongoDbIntegration', { opsGenie: { apiKey: CANARY, region: 'EU' } }),
    input: create({ opsGenie: { apiKey: OTHER_SECRET, region: 'US' } }),
    typename: 'WritePreview',
    targetsExisting: true,
    changes: () => [changed('settings.region', 'EU', 'US'), secret('apiKey', 'CHANGED')],
  },
  {
    name: 'upsert leaving a secret out (a full replace): UNSET, the URL re-sent UNCHANGED',
    mutation: 'upsertMongoDbIntegration',
    setup: (tools) => tools.write('createMongoDbIntegration', { webhook: { url: `https://hooks.example.com/in/${CANARY}`, secret: OTHER_SECRET } }),
    input: create({ webhook: { url: `https://hooks.example.com/in/${CANARY}` } }),
    typename: 'WritePreview',
    targetsExisting: true,
    changes: () => [secret('url', 'UNCHANGED'), secret('secret', 'UNSET')],
  },
  {
    name: 'upsert of a type the project lacks: a create',
    mutation: 'upsertMongoDbIntegration',
    input: create({ victorOps: { apiKey: CANARY, routingKey: 'db-oncall' } }),
    typename: 'WritePreview',
    // Sorted by path: the routing key falls between the service and the settings' type.
    changes: () => {
      const fields = identity('VICTOR_OPS', 'VictorOps', 'VICTOROPS');
      return [...fields.slice(0, 4), added('settings.routingKey', 'db-oncall'), ...fields.slice(4), secret('apiKey', 'SET')];
    },
  },
  {
    name: 'delete: every field removed, every secret unset',
    mutation: 'deleteMongoDbIntegration',
    setup: (tools) => tools.write('createMongoDbIntegration', { webhook: { url: 'https://hooks.example.com/in/delete-0001', secret: CANARY } }),
    input: { id: dryRunId('WEBHOOK') },
    typename: 'WritePreview',
    targetsExisting: true,
    changes: (tools) => [
      removed('groupId', EMPTY_GROUP),
      removed('kind', 'mongodb'),
      removed('name', `Webhook (project ${EMPTY_GROUP})`),
      removed('service', 'WEBHOOK'),
      removed('settings.type', 'WEBHOOK'),
      removed('settings.urlOrigin', 'https://hooks.example.com'),
      removed('type', 'WEBHOOK'),
      removed('vendorIntegrationId', tools.vendorId('WEBHOOK')),
      secret('secret', 'UNSET'),
      secret('url', 'UNSET'),
    ],
  },
  {
    name: 'delete of an integration that is not there: the usual NotFoundError',
    mutation: 'deleteMongoDbIntegration',
    input: { id: dryRunId('MICROSOFT_TEAMS') },
    typename: 'NotFoundError',
  },
];
