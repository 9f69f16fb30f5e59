import type { Dispatcher } from 'undici';
import { EGRESS_DENIED } from '../egress.js';
import type { Deliver } from './read-body.js';
import { errorCode, transportFailure } from './stage.js';

/** Transport failures that prove the request never left this process. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', EGRESS_DENIED]);

/**
 * The end of the pipeline: one undici `request` to the account's origin with what the stages
 * built. Redirects are not followed (see `createDispatcher`).
 */
export function dispatch(dispatcher: Dispatcher, origin: string): Deliver {
  return async (call) => {
    try {
      const response = await dispatcher.request({
        origin,
        path: call.target.pathAndQuery,
        method: call.target.method,
        headers: call.headers,
        body: call.body,
        signal: call.signal,
        ...(call.timeoutMs === null ? {} : { headersTimeout: call.timeoutMs, bodyTimeout: call.timeoutMs }),
      });
      return { kind: 'delivery', status: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      const code = errorCode(error);
      return transportFailure(code !== null && NOT_SENT_CODES.has(code) ? 'not-sent' : 'sent', error);
    }
  };
}
