import { isIP } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { createDenyList, DEFAULT_DENY_RANGES, egressDenied, guardedLookup, type Resolve } from './egress.js';

/**
 * Sockets kept per vendor origin by default. Each vendor call holds a socket for its whole round
 * trip, so the pool caps throughput at `connections / latency`: 32 sockets held a slow vendor
 * (250 ms) to ~17 inventories/s whatever the demand. 256 keeps a slow vendor from being the cap
 * while still bounding the file descriptors one origin can take.
 */
export const DEFAULT_CONNECTIONS_PER_ORIGIN = 256;

/** How long an idle keep-alive socket stays open by default. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 10_000;

/** Options for the one dispatcher every vendor client shares. */
export interface DispatcherOptions {
  /** Sockets kept per origin; default {@link DEFAULT_CONNECTIONS_PER_ORIGIN}. */
  readonly connectionsPerOrigin?: number;
  /** How long an idle keep-alive socket stays open. */
  readonly keepAliveTimeoutMs?: number;
  /** Time allowed to open a TCP/TLS connection. */
  readonly connectTimeoutMs?: number;
  /** Address ranges never connected to (`gateway.egress.denyRanges`); default {@link DEFAULT_DENY_RANGES}. */
  readonly denyRanges?: readonly string[];
  /** How host names are resolved; tests inject one, production uses the system resolver. */
  readonly resolve?: Resolve;
}

/**
 * The gateway's single undici dispatcher: one keep-alive pool per vendor origin, shared by the
 * accounts on it (HTTP/1.1 only: none of the simulators serves HTTP/2, so `allowH2` is left off
 * until it can be measured). Redirects are
 * never followed (undici's `request` does not follow them unless an interceptor is added), so a
 * 3xx from a vendor surfaces as a contract error instead of leaking credentials to another host.
 *
 * Every connection is checked against the deny-list on the address it is opened to: a host name
 * through the lookup the socket itself uses (no separate pre-check for DNS to change its answer
 * after), an address literal before connecting (`net.connect` does not look those up). A denied
 * connection fails with {@link EGRESS_DENIED} before any socket exists.
 */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  const denyList = createDenyList(options.denyRanges ?? DEFAULT_DENY_RANGES);
  const connector = buildConnector({ timeout: options.connectTimeoutMs ?? 5_000, lookup: guardedLookup(denyList, options.resolve) });
  const connect: buildConnector.connector = (target, callback) => {
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && denyList.denies(host)) {
      callback(egressDenied(host), null);
      return;
    }
    connector(target, callback);
  };
  return new Agent({
    connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    connect,
  });
}
