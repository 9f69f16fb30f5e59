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

/** Calls in flight at once on one HTTP/2 connection (undici's and Node's default stream limit). */
const H2_STREAMS_PER_CONNECTION = 100;

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
  /**
   * Offer HTTP/2 in the TLS handshake (ALPN `h2` after `http/1.1`; `gateway.vendorHttp.allowH2`).
   * A vendor that picks it gets its calls multiplexed over one socket; plain-http origins and
   * vendors that answer `http/1.1` are unaffected. Default false.
   */
  readonly allowH2?: boolean;
  /** Certificate authorities trusted instead of the system's (PEM): tests trust their own self-signed one. */
  readonly ca?: string;
}

/**
 * The gateway's single undici dispatcher: one keep-alive pool per vendor origin, shared by the
 * accounts on it, HTTP/1.1 unless {@link DispatcherOptions.allowH2} lets a TLS vendor choose
 * HTTP/2 (the simulators serve plain http; `npm run bench:h2` measures it against a local TLS
 * server). Redirects are never followed (undici's `request` does not follow them unless an
 * interceptor is added), so a 3xx from a vendor surfaces as a contract error instead of leaking
 * credentials to another host.
 *
 * Every connection is checked against the deny-list on the address it is opened to: a host name
 * through the lookup the socket itself uses (no separate pre-check for DNS to change its answer
 * after), an address literal before connecting (`net.connect` does not look those up). A denied
 * connection fails with {@link EGRESS_DENIED} before any socket exists.
 */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  const denyList = createDenyList(options.denyRanges ?? DEFAULT_DENY_RANGES);
  const allowH2 = options.allowH2 ?? false;
  const connector = buildConnector({
    timeout: options.connectTimeoutMs ?? 5_000,
    lookup: guardedLookup(denyList, options.resolve),
    allowH2,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  const connect: buildConnector.connector = (target, callback) => {
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && denyList.denies(host)) {
      callback(egressDenied(host), null);
      return;
    }
    if (!allowH2) {
      connector(target, callback);
      return;
    }
    connector(target, (error, socket) => {
      // undici emits 'connect' for this connection synchronously inside the callback.
      connectedH2 = (socket as { alpnProtocol?: unknown } | null)?.alpnProtocol === 'h2';
      try {
        callback(error, socket as never);
      } finally {
        connectedH2 = false;
      }
    });
  };
  let connectedH2 = false;
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    allowH2,
    connect,
  });
  if (allowH2) {
    // undici (7.x) sends one request at a time per connection unless `pipelining` is raised, even
    // on HTTP/2; raising it for the whole agent would also pipeline HTTP/1.1 origins (head-of-line
    // blocking behind a slow call). So only a connection that negotiated h2 gets it, and loses it
    // when it drops (its client may reconnect over HTTP/1.1).
    agent.on('connect', (_origin, targets) => {
      const client = targets.at(-1) as { pipelining: number } | undefined;
      if (connectedH2 && client) client.pipelining = H2_STREAMS_PER_CONNECTION;
    });
    agent.on('disconnect', (_origin, targets) => {
      const client = targets.at(-1) as { pipelining: number } | undefined;
      if (client && client.pipelining !== 1) client.pipelining = 1;
    });
  }
  return agent;
}
