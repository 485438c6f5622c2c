// A terminal session pasted into one file, as issues show files and command output: `# cat
// /etc/containerd/certs.d/<registry>/hosts.toml`, its text, then `# ctr … pull` and what ctr printed
// (kind#3857). Read whole, the text is one format and the rest of it errors in that format; split at its
// prompts, each command's output is read as the file or log it is. Pure.
import type { LooseFile } from './loose-file.js';

/**
 * A prompt and the command after it: `[root@node dir]# …`, `user@node:dir$ …`, or a bare `# ` / `$ `.
 * A bare `# ` is taken only before a command that prints what dfdoctor reads: in a config, `# ` starts
 * a comment. A bare `$ ` starts no line of a config or a log, so it is taken before any command (a
 * `$ systemctl restart containerd` between two outputs ends the first; containerd#11478).
 */
const PROMPT = /^(?:(\[[^\]\n]{1,80}\][#$]|[\w.-]+@[\w.-]+:[^\s#$]{0,200}[#$])|([#$]))\s+((?:sudo\s+)?(\S+).*)$/;
const COMMANDS = new Set([
  'cat',
  'zcat',
  'tail',
  'head',
  'grep',
  'journalctl',
  'dmesg',
  'kubectl',
  'crictl',
  'ctr',
  'nerdctl',
  'iptables-save',
  'ip6tables-save',
  'nft',
  'curl',
  'containerd',
]);
/** `cat <one absolute path>`: its output is that file, named as it is on the node. */
const CAT = /^(?:sudo\s+)?cat\s+([/~]\S+)\s*$/;
/**
 * `cat <one relative path>` after a bare `$ `: the file as the session names it, whose directory still
 * names a hosts.toml's registry (`$ cat certs.d/docker.io/hosts.toml`, containerd#11478).
 */
const CAT_RELATIVE = /^(?:sudo\s+)?cat\s+([\w.][^\s|;&<>]*)\s*$/;
/** A command word: what a bare `$ ` prompt must be followed by. */
const WORD = /^[\w./-]+$/;
/** The file a command prints (`cat`, `tail -f`, `head`, piped on or not), whose name a log it printed keeps. */
const PRINTS = /^(?:sudo\s+)?(?:cat|zcat|tail|head)\b.*?\s([/~][^\s|]+)\s*(?:\||$)/;

interface Prompt {
  line: number;
  /** The command's last line: a command continued with `\` ends lines below its prompt. */
  end: number;
  /** `user@host` or `[user@host dir]` before the `#`/`$`, not a bare one. */
  full: boolean;
  command: string;
  /** The file a `cat` printed. */
  file?: string;
  /** The file the command printed (PRINTS). */
  printed?: string;
}

/** A command line without its trailing `\` (the shell's continuation). */
const unbroken = (l: string): string => l.replace(/\\$/, '').trim();

function prompts(lines: readonly string[]): Prompt[] {
  const out: Prompt[] = [];
  let continued = false;
  for (const [i, l] of lines.entries()) {
    // a command continued with `\` on the next lines is still the command, not its output
    const wasContinued: boolean = continued;
    continued = wasContinued && l.endsWith('\\');
    if (wasContinued) {
      const last = out.at(-1);
      if (last) {
        last.end = i;
        last.command = `${last.command} ${unbroken(l)}`.trim();
      }
      continue;
    }
    const m = PROMPT.exec(l);
    if (!m) continue;
    const command = unbroken(m[3] as string);
    const word = (m[4] === 'sudo' ? command.split(/\s+/)[1] : m[4]) ?? '';
    if (m[2] === '#' && !COMMANDS.has(word)) continue;
    if (m[2] === '$' && !WORD.test(word)) continue;
    continued = l.endsWith('\\');
    const file = CAT.exec(command)?.[1] ?? (m[2] === '$' ? CAT_RELATIVE.exec(command)?.[1] : undefined);
    const printed = PRINTS.exec(command)?.[1];
    out.push({
      line: i,
      end: i,
      full: m[1] !== undefined,
      command,
      ...(file ? { file } : {}),
      ...(printed ? { printed } : {}),
    });
  }
  return out;
}

/**
 * The files a terminal session holds, each command's output one, named `<path>: $ <command>` (a `cat`'s
 * keeps the node's path at its end, which names a hosts.toml's registry) and, for a log in the bundle,
 * after the file the command printed or else the session; text before the first prompt is one more. Null when the text is no session: it needs a `cat` of an absolute path (or, after a bare `$ `, of a
 * relative one), or a full prompt (`user@host`), and output after it.
 */
export function splitTranscript(f: LooseFile): LooseFile[] | null {
  const lines = f.text.split('\n');
  const found = prompts(lines);
  if (!found.some((p) => p.full || p.file)) return null;
  const parts: LooseFile[] = [];
  const before = lines.slice(0, (found[0] as Prompt).line).join('\n');
  if (before.trim() !== '') parts.push({ path: `${f.path} (before its first prompt)`, text: `${before}\n` });
  for (const [k, p] of found.entries()) {
    const end = found[k + 1]?.line ?? lines.length;
    const text = lines.slice(p.end + 1, end).join('\n');
    if (text.trim() === '') continue;
    parts.push({
      path: `${f.path}: $ ${p.file ? `cat ${p.file}` : p.command}`,
      text: `${text.replace(/\n+$/, '')}\n`,
      name: (p.printed ?? f.path).split('/').pop() as string,
    });
  }
  return parts.length > 0 ? parts : null;
}
