import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeEvent } from '../../src/app/events.js';
import { createChronosphereSimulator, type ChronosphereSimulator } from '../../src/simulators/chronosphere/simulator.js';
import { startHarness, type Harness } from '../support/harness.js';
import { changeRow, openSse, until } from './support.js';

/*
 * `connectionChanges` over SSE through `yoga.fetch`: a write through Patchbay to a Chronosphere
 * simulator arrives as it is recorded, with the caller as actor; published rows arrive narrowed by
 * every criterion of the change log's filter.
 */

const TOKEN = 'cs-live-token-4b19e0';
const CHANGES = `subscription($filter: ConnectionChangeFilter) { connectionChanges(filter: $filter) {
  id connectionId account vendor name kind actor seen at fields { path kind secret before after }
} }`;
const CREATE = `mutation($input: CreateChronosphereExternalConnectionInput!) {
  createChronosphereExternalConnection(input: $input) { __typename ... on ChronosphereExternalConnectionPayload { connection { id } } }
}`;
const url = 'http://127.0.0.1/graphql';

let sim: ChronosphereSimulator;
let h: Harness;

beforeAll(async () => {
  sim = createChronosphereSimulator({ apiToken: TOKEN });
  await sim.server.listen();
  h = await startHarness({
    accounts: [
      { id: 'cs-live', vendor: 'chronosphere', baseUrl: sim.server.baseUrl, apiToken: TOKEN },
      { id: 'cs-other', vendor: 'chronosphere', baseUrl: sim.server.baseUrl, apiToken: TOKEN },
    ],
  });
});

afterAll(async () => {
  await h?.close();
  await sim?.server.close();
});

describe('connectionChanges', () => {
  it('delivers a write through Patchbay as it is recorded: created, by its caller, seen as a WRITE, no secret value', async () => {
    const stream = await openSse(h.runtime.yoga.fetch, url, CHANGES, { variables: { filter: { accounts: ['cs-live'] } } });
    try {
      expect(stream.status).toBe(200);
      await until(() => h.runtime.deps.events.size === 1);
      const secret = 'SG.live-events-canary-93f1c2';
      const created = await h.gql(CREATE, { input: { account: 'cs-live', slug: 'live-sendgrid', name: 'Live SendGrid', target: { sendgrid: { apiKey: secret } } } });
      const connection = (created.data?.['createChronosphereExternalConnection'] as { connection?: { id: string } } | undefined)?.connection;
      expect(connection?.id).toBeTruthy();

      const event = await stream.next(5_000);
      expect(event.data?.errors).toBeUndefined();
      expect(event.data?.data?.['connectionChanges']).toMatchObject({
        connectionId: connection?.id,
        account: 'cs-live',
        vendor: 'CHRONOSPHERE',
        name: 'Live SendGrid',
        kind: 'CREATED',
        actor: 'anonymous',
        seen: 'WRITE',
      });
      expect(stream.raw()).not.toContain(secret);
      // Recorded once: the write is not delivered a second time.
      expect(await stream.quietFor(200)).toBe(true);
    } finally {
      await stream.close();
    }
    await until(() => h.runtime.deps.events.size === 0);
  });

  it('keeps only the changes every given criterion matches; an empty list matches nothing', async () => {
    const wanted = changeRow({ account: 'cs-live', vendor: 'chronosphere', kind: 'SECRET_CHANGED', actor: 'OUTSIDE_PATCHBAY', connectionId: 'Q2hyb25vc3BoZXJl:1' });
    const rows = [
      changeRow({ account: 'cs-other', vendor: 'chronosphere', kind: 'SECRET_CHANGED', actor: 'OUTSIDE_PATCHBAY', connectionId: wanted.connectionId }),
      changeRow({ account: 'cs-live', vendor: 'chronosphere', kind: 'UPDATED', actor: 'OUTSIDE_PATCHBAY', connectionId: wanted.connectionId }),
      changeRow({ account: 'cs-live', vendor: 'chronosphere', kind: 'SECRET_CHANGED', actor: 'apikey:ci', connectionId: wanted.connectionId }),
      changeRow({ account: 'cs-live', vendor: 'chronosphere', kind: 'SECRET_CHANGED', actor: 'OUTSIDE_PATCHBAY', connectionId: 'Q2hyb25vc3BoZXJl:2' }),
      wanted,
    ];
    const filter = { accounts: ['cs-live'], vendors: ['CHRONOSPHERE'], kinds: ['SECRET_CHANGED'], actors: ['OUTSIDE_PATCHBAY'], connectionIds: [wanted.connectionId] };
    const narrowed = await openSse(h.runtime.yoga.fetch, url, CHANGES, { variables: { filter } });
    const everything = await openSse(h.runtime.yoga.fetch, url, CHANGES);
    const nothing = await openSse(h.runtime.yoga.fetch, url, CHANGES, { variables: { filter: { kinds: [] } } });
    try {
      await until(() => h.runtime.deps.events.size === 3);
      for (const row of rows) h.runtime.deps.events.publish(changeEvent(row));

      const event = await narrowed.next();
      expect(event.data?.data?.['connectionChanges']).toEqual({
        id: wanted.eventId,
        connectionId: wanted.connectionId,
        account: 'cs-live',
        vendor: 'CHRONOSPHERE',
        name: wanted.name,
        kind: 'SECRET_CHANGED',
        actor: 'OUTSIDE_PATCHBAY',
        seen: 'SCAN',
        at: wanted.at.toISOString(),
        fields: [{ path: 'name', kind: 'CHANGED', secret: false, before: 'old', after: 'new' }],
      });
      expect(await narrowed.quietFor(150)).toBe(true);
      for (const row of rows) expect((await everything.next()).data?.data?.['connectionChanges']).toMatchObject({ id: row.eventId });
      expect(await nothing.quietFor(50)).toBe(true);
    } finally {
      await Promise.all([narrowed.close(), everything.close(), nothing.close()]);
    }
    await until(() => h.runtime.deps.events.size === 0);
  });

  it('a filter list over 100 values is refused before the subscription starts', async () => {
    const stream = await openSse(h.runtime.yoga.fetch, url, CHANGES, { variables: { filter: { actors: Array.from({ length: 101 }, (_, i) => `apikey:k${i}`) } } });
    try {
      const first = await stream.next();
      expect(first.data?.errors?.[0]?.extensions).toMatchObject({ code: 'InputValidationError' });
      expect(h.runtime.deps.events.size).toBe(0);
    } finally {
      await stream.close();
    }
  });
});
