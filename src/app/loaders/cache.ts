import type { CallScope, HttpMethod } from '../../core/http/vendor-http.js';
import type { VendorId } from '../../core/vendor.js';

/**
 * A DataLoader cache that reports each hit in `extensions.vendorCalls` as a call served from
 * cache (`cached: true`, no status, zero attempts), so a client can see which reads a request
 * shared. Cache keys start with the account key (then `\u0000` and the resource).
 */
export class RecordingCache<V> extends Map<string, Promise<V>> {
  constructor(
    private readonly scope: CallScope,
    private readonly call: { readonly vendor: VendorId; readonly method: HttpMethod; readonly route: string },
  ) {
    super();
  }

  override get(key: string): Promise<V> | undefined {
    const hit = super.get(key);
    if (hit !== undefined) {
      this.scope.record?.({
        ...this.call,
        account: key.split('\u0000')[0] ?? key,
        status: null,
        attempts: 0,
        durationMs: 0,
        cached: true,
      });
    }
    return hit;
  }
}
