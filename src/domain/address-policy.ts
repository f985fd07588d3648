// Which delivery targets are allowed (HOOKLINE_ALLOWED_HOSTS). Checked on the literal host when a hook is
// saved and again on every address actually dialled, so DNS cannot smuggle a private address in.
import { BlockList, isIP } from 'node:net';

/** Parsed HOOKLINE_ALLOWED_HOSTS. */
export interface AllowedHosts {
  readonly any: boolean;
  readonly external: boolean;
  readonly private: boolean;
  readonly loopback: boolean;
  readonly hostNames: ReadonlySet<string>;
  readonly cidrs: BlockList;
  readonly source: string;
  /** Items that are accepted but look like mistakes (bare words that are not keywords), for a start-up warning. */
  readonly warnings: readonly string[];
}

/** Why an address is refused, in the words GitHub puts in parentheses ("… (localhost)"). */
export type AddressClass = 'loopback' | 'private' | 'link-local' | 'reserved' | 'external';

const classes: Array<[AddressClass, BlockList]> = [];
function block(kind: AddressClass, v4: string[], v6: string[]): void {
  const list = new BlockList();
  for (const cidr of v4) list.addSubnet(cidr.split('/')[0], Number(cidr.split('/')[1]), 'ipv4');
  for (const cidr of v6) list.addSubnet(cidr.split('/')[0], Number(cidr.split('/')[1]), 'ipv6');
  classes.push([kind, list]);
}
block('loopback', ['127.0.0.0/8'], ['::1/128']);
block('private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'], ['fc00::/7']);
block('link-local', ['169.254.0.0/16'], ['fe80::/10']);
block(
  'reserved',
  ['0.0.0.0/8', '192.0.0.0/24', '192.0.2.0/24', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4'],
  // ::/96 holds the unspecified address and the deprecated IPv4-compatible form (::127.0.0.1); ::1 is
  // classified as loopback first.
  ['::/96', 'ff00::/8', '2001:db8::/32', '64:ff9b::/96', '100::/64'],
);

/** Parses the comma list: external, private, loopback, *, host names, CIDRs. Throws with a readable message. */
export function parseAllowedHosts(source: string): AllowedHosts {
  const result = {
    any: false, external: false, private: false, loopback: false,
    hostNames: new Set<string>(), cidrs: new BlockList(), source, warnings: [] as string[],
  };
  for (const raw of source.split(',')) {
    const item = raw.trim().toLowerCase();
    if (item === '') continue;
    if (item === '*') result.any = true;
    else if (item === 'external') result.external = true;
    else if (item === 'private') result.private = true;
    else if (item === 'loopback') result.loopback = true;
    else if (item.includes('/')) {
      const [addr, bits, ...extra] = item.split('/');
      const family = isIP(addr);
      const max = family === 4 ? 32 : 128;
      if (!family || extra.length > 0 || !/^\d+$/.test(bits) || Number(bits) > max) throw new Error(`"${raw.trim()}" is not a valid CIDR`);
      result.cidrs.addSubnet(addr, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
    } else if (isIP(item)) {
      result.cidrs.addAddress(item, isIP(item) === 4 ? 'ipv4' : 'ipv6');
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(item)) {
      checkBareWord(raw.trim(), item, result.warnings);
      result.hostNames.add(item);
    } else {
      throw new Error(`"${raw.trim()}" is not external, private, loopback, *, a host name or a CIDR`);
    }
  }
  return result;
}

const KEYWORDS = ['external', 'private', 'loopback'];

/**
 * A name without a dot is most likely a mistyped keyword (`loopbak`): refused when it is one or two
 * edits from a keyword, otherwise accepted (docker-compose service names are bare) with a warning.
 * A name whose last label is all digits is neither a host name nor an address (`10.0.0`).
 */
function checkBareWord(raw: string, item: string, warnings: string[]): void {
  if (/(^|\.)\d+$/.test(item)) throw new Error(`"${raw}" is neither an IP address nor a host name`);
  if (item.includes('.') || item === 'localhost') return;
  const near = KEYWORDS.find((k) => editDistance(item, k) <= 2);
  if (near) throw new Error(`"${raw}" is not a keyword; did you mean "${near}"?`);
  warnings.push(`"${raw}" is taken as a host name without a domain; the keywords are external, private, loopback and *`);
}

/** Levenshtein distance, for short words. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** Strips IPv6 brackets and unwraps IPv4-mapped IPv6 (::ffff:10.0.0.1) so it is judged as IPv4. */
export function normaliseAddress(address: string): string {
  let a = address.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) a = mapped[1];
  return a;
}

export function classifyAddress(address: string): AddressClass {
  const a = normaliseAddress(address);
  const family = isIP(a) === 6 ? 'ipv6' : 'ipv4';
  for (const [kind, list] of classes) if (list.check(a, family)) return kind;
  return 'external';
}

/** Null when the dialled address may be contacted; otherwise the class that refuses it. */
export function refusedAddress(policy: AllowedHosts, address: string, hostName?: string): AddressClass | null {
  if (policy.any) return null;
  if (hostName && policy.hostNames.has(hostName.toLowerCase().replace(/\.$/, ''))) return null;
  const a = normaliseAddress(address);
  const family = isIP(a);
  if (!family) return 'reserved';
  if (policy.cidrs.check(a, family === 4 ? 'ipv4' : 'ipv6')) return null;
  const kind = classifyAddress(a);
  if (kind === 'external' && policy.external) return null;
  if (kind === 'private' && policy.private) return null;
  if (kind === 'loopback' && policy.loopback) return null;
  return kind;
}

/**
 * Judges a URL's host before any DNS lookup: literal addresses and `localhost` names are decided here;
 * other names pass (they are checked again after resolution, at delivery time).
 */
export function refusedHost(policy: AllowedHosts, hostname: string): AddressClass | null {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (policy.any || policy.hostNames.has(host)) return null;
  if (isIP(normaliseAddress(host))) return refusedAddress(policy, host);
  if (host === 'localhost' || host.endsWith('.localhost')) return refusedAddress(policy, '127.0.0.1');
  return null;
}
