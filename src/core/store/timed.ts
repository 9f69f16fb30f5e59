import type { Store } from './store.js';

/** Receives the latency of each store call: the store method, whether it failed, and seconds. */
export type StoreTimer = (operation: string, outcome: 'ok' | 'error', seconds: number) => void;

/**
 * The store with each call that returns a promise timed, by method name (the store's own
 * methods: a bounded set), whatever the request it runs for. A proxy, like the deadline wrapper
 * in src/app/store-deadline.ts, so that a method added to {@link Store} is timed without anyone
 * remembering to.
 */
export function withStoreTiming(store: Store, observe: StoreTimer): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]): unknown => {
        const started = performance.now();
        const result: unknown = Reflect.apply(value, target, args);
        if (!(result instanceof Promise)) return result;
        return result.then(
          (settled: unknown) => {
            observe(property, 'ok', (performance.now() - started) / 1000);
            return settled;
          },
          (error: unknown) => {
            observe(property, 'error', (performance.now() - started) / 1000);
            throw error;
          },
        );
      };
    },
  });
}
