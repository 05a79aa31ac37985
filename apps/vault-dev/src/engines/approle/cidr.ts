/**
 * CIDR checks for secret_id_bound_cidrs, secret-ID cidr_list and token_bound_cidrs,
 * with node:net's BlockList so IPv4, IPv6 and IPv4-mapped addresses all work.
 */
import { BlockList, isIP } from 'node:net';
import { badField, parseStringList } from './field-parsers';

/** Validates a CIDR list field; a bare address means a single host. */
export function parseCidrList(value: unknown, field: string): string[] {
  const list = parseStringList(value, field);
  for (const cidr of list) {
    if (!toBlock(cidr)) badField(`invalid CIDR block "${cidr}" in "${field}"`);
  }
  return list;
}

/** True when `address` lies inside at least one of `cidrs`. */
export function addressInCidrs(address: string, cidrs: string[]): boolean {
  const ip =
    address.startsWith('::ffff:') && isIP(address.slice(7)) === 4
      ? address.slice(7)
      : address;
  const family = isIP(ip);
  if (family === 0) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const block = toBlock(cidr);
    if (block) list.addSubnet(block.address, block.prefix, block.family);
  }
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

function toBlock(
  cidr: string,
): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, prefixText] = cidr.split('/');
  const family = isIP(address);
  if (family === 0) return undefined;
  const maxPrefix = family === 4 ? 32 : 128;
  const prefix =
    prefixText === undefined
      ? maxPrefix
      : /^\d+$/.test(prefixText)
        ? Number(prefixText)
        : -1;
  if (prefix < 0 || prefix > maxPrefix) return undefined;
  return { address, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}

/** True when the block `inner` lies entirely inside one of `outers`. */
export function cidrWithin(inner: string, outers: string[]): boolean {
  const block = toBlock(inner);
  if (!block) return false;
  return outers.some((outer) => {
    const o = toBlock(outer);
    return (
      o !== undefined &&
      o.family === block.family &&
      o.prefix <= block.prefix &&
      addressInCidrs(block.address, [outer])
    );
  });
}
