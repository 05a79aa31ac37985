/**
 * IPv4/IPv6 CIDR membership for token_bound_cidrs and CIDR-bound secret IDs.
 */
import { isIP } from 'node:net';

function toBigInt(ip: string): { value: bigint; bits: number } | undefined {
  const plain =
    ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  if (isIP(plain) === 4) {
    return {
      value: plain
        .split('.')
        .reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n),
      bits: 32,
    };
  }
  if (isIP(plain) !== 6) return undefined;
  const [head, tail] = plain.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const parts =
    tail === undefined
      ? headParts
      : [...headParts, ...Array(missing).fill('0'), ...tailParts];
  return {
    value: parts.reduce(
      (acc, part) => (acc << 16n) + BigInt(Number.parseInt(part || '0', 16)),
      0n,
    ),
    bits: 128,
  };
}

/** True when `address` lies inside `cidr` (`10.0.0.0/8`, `127.0.0.1`, `::1/128`). */
export function cidrContains(cidr: string, address: string): boolean {
  const [net, prefixText] = cidr.trim().split('/');
  const network = toBigInt(net);
  const ip = toBigInt(address);
  if (!network || !ip || network.bits !== ip.bits) return false;
  const prefix = prefixText === undefined ? network.bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > network.bits)
    return false;
  const shift = BigInt(network.bits - prefix);
  return network.value >> shift === ip.value >> shift;
}

/** True when the address is inside any of the CIDR blocks. */
export function cidrListAllows(cidrs: string[], address: string): boolean {
  return cidrs.some((c) => cidrContains(c, address));
}
