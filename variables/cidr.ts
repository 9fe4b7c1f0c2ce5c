// IPv4 CIDR arithmetic for validating deployment files (containment, overlap, alignment).

/** A parsed IPv4 network: first address and prefix length. */
export interface Ipv4Network {
  readonly base: number;
  readonly prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns a reason string instead of throwing so zod can report it in place. */
export function parseCidr(text: string): Ipv4Network | string {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return `"${text}" is not an IPv4 CIDR block such as 10.0.0.0/16`;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((octet) => octet > 255)) return `"${text}" has an octet above 255`;
  if (prefixLength > 32) return `"${text}" has a prefix length above 32`;
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const size = 2 ** (32 - prefixLength);
  const base = address - (address % size);
  if (base !== address) {
    return `"${text}" has host bits set; the network address is ${formatCidr({ base, prefixLength })}`;
  }
  return { base, prefixLength };
}

export function formatCidr(network: Ipv4Network): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(network.base / 2 ** shift) % 256);
  return `${octets.join(".")}/${network.prefixLength}`;
}

function lastAddress(network: Ipv4Network): number {
  return network.base + 2 ** (32 - network.prefixLength) - 1;
}

/** True when every address of `inner` lies in `outer`. */
export function cidrContains(outer: Ipv4Network, inner: Ipv4Network): boolean {
  return inner.base >= outer.base && lastAddress(inner) <= lastAddress(outer);
}

export function cidrsOverlap(a: Ipv4Network, b: Ipv4Network): boolean {
  return a.base <= lastAddress(b) && b.base <= lastAddress(a);
}
