/** One listening TCP socket from `ss -ltnp` (or `ss -ltn`). */
export interface Listener {
  /** The local address as printed, without brackets: "127.0.0.1", "::1", "0.0.0.0", "::", "*". */
  address: string;
  port: number;
  /** From the `users:(("name",pid=N,fd=M))` column, when ss could see it. */
  process?: { name: string; pid: number };
}

export interface ListenersParse {
  listeners: Listener[];
  /** 1-based line numbers that were not recognised. */
  unrecognised: number[];
}

/** Parses `ss -ltnp` output. Pure; unknown lines are counted, never fatal. */
export function parseSsListeners(text: string): ListenersParse {
  const listeners: Listener[] = [];
  const unrecognised: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || /^(State|Netid)\s/.test(line)) continue;
    const cols = line.split(/\s+/);
    // State Recv-Q Send-Q Local:Port Peer:Port [Process]; with -a/-t there may be a leading Netid column
    const start = cols[0] === 'tcp' ? 1 : 0;
    const local = cols[start + 3];
    const m = local === undefined ? null : /^\[?([^\]]*?)\]?(?:%[^:]+)?:(\d+|\*)$/.exec(local);
    if (!m || m[2] === '*') {
      unrecognised.push(i + 1);
      continue;
    }
    const l: Listener = { address: m[1] ?? '', port: Number(m[2]) };
    const users = /users:\(\("([^"]*)",pid=(\d+)/.exec(line);
    if (users?.[1] !== undefined && users[2]) l.process = { name: users[1], pid: Number(users[2]) };
    listeners.push(l);
  }
  return { listeners, unrecognised };
}

/** Whether a listener accepts connections to `addr` (a wildcard listener accepts every local address of its family). */
export function listenerAccepts(l: Listener, addr: string): boolean {
  const v6 = addr.includes(':');
  if (l.address === '*') return true;
  if (l.address === '0.0.0.0') return !v6;
  if (l.address === '::') return true; // dual-stack unless bindv6only; the common Linux default
  return l.address === addr;
}
