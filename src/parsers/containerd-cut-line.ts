// A containerd journal line whose head a paste cut inside a quoted value: what is left is the end of that
// value, its closing quote, then the line's last fields (dragonflyoss/dragonfly#3419, a `journalctl -f`
// copied from a terminal: `127.0.0.1:4001/v2/devops/rockylinux/manifests/…?ns=harbor-core.71djy.cn\": EOF"
// host="127.0.0.1:4001"`). The resolver logs the host it tries as `host=` (containerd v1.6.20
// remotes/docker/resolver.go:268, v2.1.0 core/remotes/docker/resolver.go:297) on the lines of that try,
// its failure last among them (`trying next host`, or from 2.0 `fetch failed` for the last host, with
// error=: v1.6.20 :289, v2.1.0 :288-294), so a cut line that still has host= is the end of one of them:
// the message and the time are gone, the host and the error's end are not. What is left is placed only as
// far as it says: Go's transport error after a quoted request (`failed to do request: Head "<url>": EOF`),
// or an error status (`…: 500 Internal Server Error`). Pure.
import { logfmtFields } from './containerd-log.js';

export interface CutLine {
  /** 1-based line in the log. */
  line: number;
  /** What is left of the value the cut fell in, unescaped. */
  tail: string;
  /** The host the line's host= names. */
  host: string;
  /** The request's path the tail still shows (`/v2/…`), when it does. */
  request?: string;
  /** What the tail says the host did: gave no answer (Go's transport error), or answered this status. */
  outcome?: { transport: string } | { status: number };
}

/** The tail up to the first unquoted `"`, then logfmt fields to the end of the line. */
const CUT = /^((?:[^"\\]|\\.)+?)"((?:\s+[A-Za-z_][\w.-]*=(?:"(?:[^"\\]|\\.)*"|\S*))+)\s*$/;
/** The end of `failed to do request: Head \"<url>\": <transport>`; a cancel is the caller giving up, not the host. */
const TRANSPORT = /\\?": (?!context canceled|context deadline exceeded)(\S.*?)\s*$/;
const STATUS = /: ([1-5]\d\d) [A-Z][\w ]*$/;

/** The line as the end of a resolver's line whose head a paste cut; null for any other line. */
export function parseCutLine(text: string, line: number): CutLine | null {
  // a line with its message, its time or a key first is not cut inside a value
  if (text.includes('msg=') || /^\s*(?:[A-Za-z_][\w.-]*=|\{|\d{4}-)/.test(text)) return null;
  const m = CUT.exec(text);
  if (!m) return null;
  const host = logfmtFields(m[2] as string).host;
  if (host === undefined || host === '') return null;
  const tail = (m[1] as string).trim();
  const path = /(?:^|\/)(v2\/[^\s"\\]*)/.exec(tail)?.[1];
  const t = TRANSPORT.exec(tail);
  const s = t ? null : STATUS.exec(tail);
  return {
    line,
    tail: tail.replace(/\\(.)/g, '$1'),
    host,
    ...(path ? { request: `/${path}` } : {}),
    ...(t ? { outcome: { transport: t[1] as string } } : s ? { outcome: { status: Number(s[1]) } } : {}),
  };
}
