import type { Dispatcher } from 'undici';
import type { ResponseHeaders } from '../types.js';
import { transportFailure, type Attempt, type Call, type TransportFailure } from './stage.js';

/** The vendor's status and headers, with the body still to be read. */
interface Delivery {
  readonly kind: 'delivery';
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly body: Dispatcher.ResponseData['body'];
}

/** Hands one attempt to the wire and gives back its headers, before the body is read. */
export type Deliver = (call: Call) => Promise<Delivery | TransportFailure>;

/**
 * Reads the answer's whole body as text, up to `maxBodyBytes`: a larger body is abandoned at the
 * cap instead of being buffered. A body cut off halfway is a failure after the vendor answered.
 */
export function readBody(maxBodyBytes: number): (send: Deliver) => Attempt {
  return (send) => async (call) => {
    const delivery = await send(call);
    if (delivery.kind === 'failure') return delivery;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of delivery.body) {
        const buffer = chunk as Buffer;
        size += buffer.length;
        if (size > maxBodyBytes) {
          delivery.body.destroy();
          return { kind: 'oversized', limitBytes: maxBodyBytes };
        }
        chunks.push(buffer);
      }
    } catch (error) {
      return transportFailure('answering', error);
    }
    return { kind: 'answer', status: delivery.status, headers: delivery.headers, text: Buffer.concat(chunks).toString('utf8') };
  };
}
