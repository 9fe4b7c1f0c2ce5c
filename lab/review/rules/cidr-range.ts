// CIDR arithmetic for the ingress rule: is one block inside another, and how wide is it.

interface Block {
  readonly family: 4 | 6;
  readonly prefix: number;
  /** IPv4 network as a number; IPv6 keeps its text (compared only as written, or as ::/0). */
  readonly network: number | string;
}

function parse(cidr: string): Block | undefined {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  if (!Number.isInteger(prefix)) return undefined;
  if (address.includes(":")) return { family: 6, prefix, network: cidr };
  const octets = address.split(".").map(Number);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet) || octet < 0 || octet > 255)) return undefined;
  const value = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  return { family: 4, prefix, network: Math.floor(value / size) * size };
}

/** True when every address of `inner` is in `outer`. Unparsable text is compared as written. */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = parse(inner);
  const b = parse(outer);
  if (!a || !b || a.family !== b.family) return inner === outer;
  if (b.prefix === 0) return true;
  if (a.family === 6) return inner === outer;
  if (a.prefix < b.prefix) return false;
  const size = 2 ** (32 - b.prefix);
  return Math.floor((a.network as number) / size) * size === b.network;
}

/** The prefix length, or undefined when the text is no CIDR. */
export function cidrPrefix(cidr: string): number | undefined {
  return parse(cidr)?.prefix;
}
