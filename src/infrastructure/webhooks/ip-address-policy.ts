import { isIPv4, isIPv6 } from 'node:net';

// Addresses a webhook may not be delivered to: anything that is not a public unicast address of the
// internet. Delivering there would let a user make the service call into its own network (SSRF):
// the cloud metadata endpoint, a database port, an admin interface bound to loopback.

type Range = readonly [base: bigint, prefix: number, reason: string];

const V4_RANGES: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, '"this network"'],
  ['10.0.0.0', 8, 'private network'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private network'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private network'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6_RANGES: readonly (readonly [string, number, string])[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard-only'],
  ['2001::', 32, 'Teredo tunnel'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const v4Ranges: Range[] = V4_RANGES.map(([a, p, r]) => [BigInt(parseIPv4(a)), p, r]);
const v6Ranges: Range[] = V6_RANGES.map(([a, p, r]) => [parseIPv6(a), p, r]);

/**
 * Why deliveries may not go to `address` (an IPv4 or IPv6 literal, brackets and zone allowed), or
 * null for a public address. IPv6 forms that carry an IPv4 address (mapped ::ffff:a.b.c.d,
 * compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by that IPv4 address.
 */
export function forbiddenAddressReason(address: string): string | null {
  const literal = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIPv4(literal)) return inRanges(BigInt(parseIPv4(literal)), 32, v4Ranges);
  if (!isIPv6(literal)) return 'not an IP address';
  const v6 = parseIPv6(literal);
  const embedded = embeddedIPv4(v6);
  if (embedded !== null) {
    const reason = inRanges(embedded, 32, v4Ranges);
    return reason && `${reason} (IPv4 inside IPv6)`;
  }
  return inRanges(v6, 128, v6Ranges);
}

function inRanges(value: bigint, bits: number, ranges: readonly Range[]): string | null {
  for (const [base, prefix, reason] of ranges) {
    const shift = BigInt(bits - prefix);
    if (value >> shift === base >> shift) return reason;
  }
  return null;
}

function embeddedIPv4(v6: bigint): bigint | null {
  const low32 = v6 & 0xffffffffn;
  if (v6 >> 32n === 0xffffn) return low32; // ::ffff:a.b.c.d (mapped)
  if (v6 >> 32n === 0n && v6 > 1n) return low32; // ::a.b.c.d (compatible, deprecated); :: and ::1 are judged as IPv6
  if (v6 >> 32n === 0x0064ff9b0000000000000000n) return low32; // 64:ff9b::a.b.c.d (NAT64)
  if (v6 >> 112n === 0x2002n) return (v6 >> 80n) & 0xffffffffn; // 2002:aabb:ccdd::/48 (6to4)
  return null;
}

function parseIPv4(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** A valid IPv6 literal (checked by isIPv6) as a 128-bit number. */
function parseIPv6(address: string): bigint {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}
