import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/core/store/migrations.js';
import { openPglite, type SqlClient } from '../../src/core/store/sql.js';
import { writeIntentStore } from '../../src/core/store/write-intents.js';

/*
 * Write-ahead records on their own: which pending intents count as unconfirmed writes, for this
 * process and for another one, on an embedded (exclusive) or a shared database.
 */

let sql: SqlClient;
beforeAll(async () => {
  sql = await openPglite(null);
  await migrate(sql);
});
afterAll(async () => {
  await sql.close();
});

const intent = (summary: string) => ({ account: 'acct', operation: 'createThing', caller: 'apikey:ci', summary });

describe('write intents', () => {
  it('a write in flight is not listed; once settled as unconfirmed it is, with its reason and id; resolving removes it', async () => {
    const store = writeIntentStore(sql, false);
    const { id } = await store.beginWrite(intent('in-flight'));
    expect(await store.listUnconfirmedWrites(['acct'])).toEqual([]);
    await store.markWriteUnconfirmed(id, 'RECORD_FAILED', 'vendor-id-1');
    expect(await store.listUnconfirmedWrites(['acct'])).toEqual([expect.objectContaining({ id, summary: 'in-flight', reason: 'RECORD_FAILED', resourceId: 'vendor-id-1', caller: 'apikey:ci' })]);
    expect(await store.listUnconfirmedWrites(['other'])).toEqual([]);
    expect(await store.resolveUnconfirmedWrite(id)).toMatchObject({ id, reason: 'RECORD_FAILED' });
    expect(await store.resolveUnconfirmedWrite(id)).toBeNull();
    expect(await store.resolveUnconfirmedWrite('not-a-number')).toBeNull();
  });

  it('a finished write leaves nothing', async () => {
    const store = writeIntentStore(sql, false);
    const { id } = await store.beginWrite(intent('done'));
    await store.finishWrite(id);
    expect(await store.listUnconfirmedWrites()).toEqual([]);
  });

  it("another process's pending intent: interrupted at once on the embedded store, left alone on a shared one (it may be running)", async () => {
    const other = writeIntentStore(sql, false);
    const { id } = await other.beginWrite(intent('elsewhere'));
    expect(await writeIntentStore(sql, false).listUnconfirmedWrites()).toEqual([]);
    expect(await writeIntentStore(sql, true).listUnconfirmedWrites()).toEqual([expect.objectContaining({ id, reason: 'INTERRUPTED', summary: 'elsewhere' })]);
    // In flight in its own process: not resolvable there until it settles.
    expect(await other.resolveUnconfirmedWrite(id)).toBeNull();
    expect(await writeIntentStore(sql, true).resolveUnconfirmedWrite(id)).toMatchObject({ id });
  });

  it("this process's own intent whose final store write failed is listed as interrupted", async () => {
    const store = writeIntentStore(sql, false);
    const { id } = await store.beginWrite(intent('lost-settle'));
    await sql.query('ALTER TABLE write_intents RENAME TO write_intents_away');
    await expect(store.finishWrite(id)).rejects.toThrow();
    await sql.query('ALTER TABLE write_intents_away RENAME TO write_intents');
    expect(await store.listUnconfirmedWrites()).toEqual([expect.objectContaining({ id, reason: 'INTERRUPTED' })]);
    await store.resolveUnconfirmedWrite(id);
  });
});
