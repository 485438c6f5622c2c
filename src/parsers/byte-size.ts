// Byte sizes as the two dfdaemon generations write them: a number with an optional k/m/g/t/p, an
// optional `i` and an optional `b` ("1024Mi", "2MiB", "50GB", "512k"), or a plain integer.

/**
 * The size in bytes, or undefined when the text is no size. `binary` says how units scale:
 * `always` 1024 (Go's docker/go-units RAMInBytes, behind util.RateLimit), `with-i` 1024 only with an
 * `i` and 1000 without (the Rust client's bytesize: "50GB" = 50·10^9, "50GiB" = 50·2^30).
 */
export function parseByteSize(v: unknown, binary: 'always' | 'with-i'): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?)(b?)\s*$/i.exec(v);
  if (!m) return undefined;
  const pow = ' kmgtp'.indexOf((m[2] || ' ').toLowerCase());
  const base = binary === 'always' || m[3] ? 1024 : 1000;
  return Math.round(Number(m[1]) * base ** pow);
}
