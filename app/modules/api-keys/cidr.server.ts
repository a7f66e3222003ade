import net from "node:net";

/** An address as Express gives it: IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes plain IPv4. */
export function normaliseIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/** `192.0.2.0/24`, `2001:db8::/32` or a single address (as /32 or /128). Null when not valid. */
export function parseCidr(text: string): { address: string; prefix: number; family: "ipv4" | "ipv6"; text: string } | null {
  const [address = "", prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const version = net.isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  const family = version === 4 ? "ipv4" : "ipv6";
  return { address, prefix, family, text: `${address.toLowerCase()}/${prefix}` };
}

/** Whether `ip` lies in any of the blocks (already validated with parseCidr). */
export function ipAllowed(ip: string | null, cidrs: string[]): boolean {
  const address = normaliseIp(ip);
  if (!address || net.isIP(address) === 0) return false;
  const list = new net.BlockList();
  for (const c of cidrs) {
    const parsed = parseCidr(c);
    if (parsed) list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return list.check(address, net.isIP(address) === 4 ? "ipv4" : "ipv6");
}
