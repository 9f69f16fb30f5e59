import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where Patchbay may send credentials. Two rules, both about the vendor base URLs of the config
 * file: plain `http` only to this machine (simulators, sidecars) unless an account says
 * otherwise (`allowInsecureHttp`), and never to an address in a denied range, checked on the
 * address a connection is actually opened to (after DNS), so a name that resolves somewhere else
 * tomorrow (DNS rebinding) is refused as well.
 */

/** The error code of a connection refused by the deny-list; nothing was sent, and sending again will not help. */
export const EGRESS_DENIED = 'PATCHBAY_EGRESS_DENIED';

/**
 * Link-local ranges (cloud metadata services live there: 169.254.169.254 on AWS, GCP, Azure and
 * OCI) and the metadata addresses outside them (AWS over IPv6, Alibaba Cloud).
 */
export const DEFAULT_DENY_RANGES: readonly string[] = ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128', '100.100.100.200/32'];

/** A parsed `address/prefix` range. */
interface Range {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** An address range in CIDR notation (`10.0.0.0/8`, `fe80::/10`, or one address), or null when it is not one. */
export function parseRange(text: string): Range | null {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Addresses Patchbay must not connect to. */
export interface DenyList {
  /** Whether `address` (an IPv4 or IPv6 literal) lies in a denied range; an IPv4-mapped IPv6 address counts as its IPv4 address. */
  denies(address: string): boolean;
}

/** The deny-list of `ranges` (each as {@link parseRange} reads it). Throws on a range it cannot read. */
export function createDenyList(ranges: readonly string[]): DenyList {
  const list = new BlockList();
  for (const text of ranges) {
    const range = parseRange(text);
    if (!range) throw new Error(`not an address range: ${text}`);
    list.addSubnet(range.address, range.prefix, range.family);
  }
  return {
    denies(address) {
      const version = isIP(address);
      if (version === 4) return list.check(address, 'ipv4');
      if (version !== 6) return false;
      const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
      return list.check(address, 'ipv6') || (mapped !== undefined && list.check(mapped, 'ipv4'));
    },
  };
}

/** Resolves a host name to every address it has (tests inject one that maps made-up names). */
export type Resolve = (hostname: string, family: number) => Promise<readonly LookupAddress[]>;

const systemResolve: Resolve = (hostname, family) => dns.lookup(hostname, { all: true, family, verbatim: true });

/** The error a refused connection fails with: it names the host, never a path or a credential. */
export function egressDenied(host: string): Error & { code: string } {
  return Object.assign(new Error(`connection to ${host} refused: its address is in gateway.egress.denyRanges`), { code: EGRESS_DENIED });
}

/**
 * A `lookup` for `net.connect` that resolves as usual and refuses the host when any of its
 * addresses is denied (refusing the name rather than picking an allowed address, so that a
 * rebinding answer mixing both is refused too). The socket is never opened then.
 */
export function guardedLookup(denyList: DenyList, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    resolve(hostname, typeof options.family === 'number' ? options.family : 0).then(
      (addresses) => {
        const first = addresses[0];
        if (first === undefined) {
          callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
          return;
        }
        if (addresses.some((entry) => denyList.denies(entry.address))) {
          callback(egressDenied(hostname), []);
          return;
        }
        if (options.all) callback(null, [...addresses]);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

/** Host names that are this machine. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || /^(?:0{0,4}:){0,5}:?ffff:127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Why a vendor base URL may not carry credentials, or null when it may: `https` anywhere, plain
 * `http` only to a loopback host or when the account allows it. (User info, query and fragment
 * are refused by the URL's own schema.)
 */
export function insecureUrlProblem(url: URL, allowInsecureHttp: boolean): string | null {
  if (url.protocol === 'https:' || allowInsecureHttp || isLoopbackHost(url.hostname)) return null;
  return 'must use https (plain http only to 127.0.0.0/8, ::1 or localhost, or with allowInsecureHttp: true on the account)';
}
