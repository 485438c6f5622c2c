// The packets the netfilter walk (net-path.ts) follows: a connection to one of dfdaemon's ports on
// loopback (containerd ↔ dfdaemon) or from another peer to the upload port, each packet with the hooks it
// passes and what of it the walk knows. Unknown values (a peer's address) are kinds, never guesses.
import type { Hook, PortRange } from '../parsers/netfilter-rule.js';

export type Tri = 'yes' | 'no' | 'maybe';

/** An address the walker knows exactly, or only what kind it is. */
export type Addr = { ip: string } | { unknown: 'remote' | 'local' };
/** The interface a packet came in or goes out on; `none` for a locally generated packet's input side. */
export type Iface = { is: string } | { isNot: string } | 'none';

/** Linux's default net.ipv4.ip_local_port_range: the client side of a connection. */
export const EPHEMERAL: PortRange = [32768, 60999];

export interface Packet {
  id: string;
  /** Plain words for evidence: "containerd → dfdaemon proxy (127.0.0.1:4001), first packet". */
  description: string;
  family: 4 | 6;
  src: Addr;
  dst: Addr;
  sport: PortRange;
  dport: PortRange;
  state: 'NEW' | 'ESTABLISHED';
  syn: boolean;
  /** The hooks it passes, in order, with its interface at each. */
  hooks: { hook: Hook; iif: Iface; oif: Iface; nat: boolean }[];
  /** Loopback traffic (containerd ↔ dfdaemon) or peer traffic (other nodes ↔ upload port). */
  path: 'loopback' | 'peer';
  /** The port it was built for (the dfdaemon side). */
  port: number;
}

/** The packets a connection to `port` on loopback sends: request (first and later packets) and the reply stream. */
export function loopbackPackets(port: number, family: 4 | 6, role: string): Packet[] {
  const ip = family === 4 ? '127.0.0.1' : '::1';
  const lo = { is: 'lo' } as const;
  // nat is decided on the first packet at OUTPUT/POSTROUTING; the looped-back copy is already confirmed
  const hooks = (nat: boolean) => [
    { hook: 'output' as const, iif: 'none' as const, oif: lo, nat },
    { hook: 'postrouting' as const, iif: 'none' as const, oif: lo, nat },
    { hook: 'prerouting' as const, iif: lo, oif: 'none' as const, nat: false },
    { hook: 'input' as const, iif: lo, oif: 'none' as const, nat: false },
  ];
  const where = `${family === 6 ? `[${ip}]` : ip}:${port}`;
  const base = { family, src: { ip }, dst: { ip }, path: 'loopback' as const, port };
  return [
    {
      ...base,
      id: `lo${family}-${port}-syn`,
      description: `client → dfdaemon ${role} (${where}), connection's first packet`,
      sport: EPHEMERAL,
      dport: [port, port],
      state: 'NEW',
      syn: true,
      hooks: hooks(true),
    },
    {
      ...base,
      id: `lo${family}-${port}-req`,
      description: `client → dfdaemon ${role} (${where}), request packets`,
      sport: EPHEMERAL,
      dport: [port, port],
      state: 'ESTABLISHED',
      syn: false,
      hooks: hooks(false),
    },
    {
      ...base,
      id: `lo${family}-${port}-resp`,
      description: `dfdaemon ${role} (${where}) → client, response data`,
      sport: [port, port],
      dport: EPHEMERAL,
      state: 'ESTABLISHED',
      syn: false,
      hooks: hooks(false),
    },
  ];
}

/** The packets another peer's download from this node's upload port sends and receives. */
export function peerPackets(port: number, family: 4 | 6): Packet[] {
  const notLo = { isNot: 'lo' } as const;
  const base = { family, path: 'peer' as const, port };
  const inbound = (nat: boolean) => [
    { hook: 'prerouting' as const, iif: notLo, oif: 'none' as const, nat },
    { hook: 'input' as const, iif: notLo, oif: 'none' as const, nat },
  ];
  const outbound = [
    { hook: 'output' as const, iif: 'none' as const, oif: notLo, nat: false },
    { hook: 'postrouting' as const, iif: 'none' as const, oif: notLo, nat: false },
  ];
  return [
    {
      ...base,
      id: `peer${family}-${port}-syn`,
      description: `peer → upload port ${port}, connection's first packet`,
      src: { unknown: 'remote' },
      dst: { unknown: 'local' },
      sport: [1024, 65535],
      dport: [port, port],
      state: 'NEW',
      syn: true,
      hooks: inbound(true),
    },
    {
      ...base,
      id: `peer${family}-${port}-req`,
      description: `peer → upload port ${port}, request packets`,
      src: { unknown: 'remote' },
      dst: { unknown: 'local' },
      sport: [1024, 65535],
      dport: [port, port],
      state: 'ESTABLISHED',
      syn: false,
      hooks: inbound(false),
    },
    {
      ...base,
      id: `peer${family}-${port}-resp`,
      description: `upload port ${port} → peer, piece data`,
      src: { unknown: 'local' },
      dst: { unknown: 'remote' },
      sport: [port, port],
      dport: [1024, 65535],
      state: 'ESTABLISHED',
      syn: false,
      hooks: outbound,
    },
  ];
}
