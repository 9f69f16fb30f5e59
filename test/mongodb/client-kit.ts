import { Agent, type Dispatcher } from 'undici';
import type { AccountRef } from '../../src/core/domain.js';
import { VendorHttp, type CallScope, type VendorCallRecord } from '../../src/core/http/vendor-http.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { MongoDbClient, type MongoDbClientOptions } from '../../src/vendors/mongodb/client.js';
import { MongoDbDigestAuth } from '../../src/vendors/mongodb/digest.js';
import { parseMongoDbError } from '../../src/vendors/mongodb/errors.js';

/** A Cloud Manager client wired as `src/app/accounts.ts` wires it, without retries or a breaker in the way. */
export function makeClient(options: { baseUrl: string; groupIds: readonly string[]; publicKey?: string; privateKey?: string; dispatcher?: Dispatcher; client?: MongoDbClientOptions }) {
  const ref: AccountRef = { key: 'mdb-client', vendor: 'mongodb', displayName: 'Cloud Manager (client test)', baseUrl: options.baseUrl };
  const logger = createMemoryLogger();
  const dispatcher = options.dispatcher ?? new Agent();
  const http = new VendorHttp({
    vendor: 'mongodb',
    vendorName: 'MongoDB Cloud Manager',
    account: ref.key,
    baseUrl: options.baseUrl,
    dispatcher,
    auth: new MongoDbDigestAuth(options.publicKey ?? 'client-public', options.privateKey ?? 'client-private'),
    parseError: parseMongoDbError,
    logger,
    retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    breaker: { consecutiveFailures: 1_000, halfOpenAfterMs: 1 },
  });
  const calls: VendorCallRecord[] = [];
  const scope: CallScope = { record: (call) => calls.push(call) };
  return { client: new MongoDbClient(ref, options.groupIds, http, options.client), scope, calls, logger, close: () => dispatcher.close() };
}
