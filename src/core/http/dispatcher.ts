import { Agent, type Dispatcher } from 'undici';

/** Options for the one dispatcher every vendor client shares. */
export interface DispatcherOptions {
  /** Sockets kept per origin. */
  readonly connectionsPerOrigin?: number;
  /** How long an idle keep-alive socket stays open. */
  readonly keepAliveTimeoutMs?: number;
  /** Time allowed to open a TCP/TLS connection. */
  readonly connectTimeoutMs?: number;
}

/**
 * The gateway's single undici dispatcher: one keep-alive pool per vendor origin. Redirects are
 * never followed (undici's `request` does not follow them unless an interceptor is added), so a
 * 3xx from a vendor surfaces as a contract error instead of leaking credentials to another host.
 */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  return new Agent({
    connections: options.connectionsPerOrigin ?? 32,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    connect: { timeout: options.connectTimeoutMs ?? 5_000 },
  });
}
