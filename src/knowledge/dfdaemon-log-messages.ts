/**
 * The shape of a dfdaemon log message as a versioned fact: the text the scanner matches (a prefix,
 * optionally a second string it must contain), the level it is written at, and what it means for the
 * task (`kind`). One fact per message; its entries give the releases that print each wording/level.
 * The Go table is in dfdaemon-go.ts, the Rust table in dfdaemon-rust.ts.
 */
import type { EventKind, Level } from '../parsers/dfdaemon-log-types.js';
import type { ReleaseRange, VersionedEntry, VersionedFact } from './versioned.js';

export interface MessageForm {
  prefix: string;
  /** The message must also contain this (a cheap second filter). */
  contains?: string;
  level: Exclude<Level, 'other'>;
  /** The upstream format string when the scanner depends on more than the prefix. */
  format?: string;
}

export interface MessageFact extends VersionedFact<MessageForm> {
  kind: EventKind;
}

export function form(
  range: ReleaseRange,
  source: string,
  prefix: string,
  level: MessageForm['level'],
  extra: Partial<Omit<MessageForm, 'prefix' | 'level'>> = {},
): VersionedEntry<MessageForm> {
  return { range, source, value: { prefix, level, ...extra } };
}

/** The newest entry is assumed for an unknown version (the tables list entries oldest first). */
export function message(
  component: MessageFact['component'],
  id: string,
  kind: EventKind,
  ...entries: VersionedEntry<MessageForm>[]
): MessageFact {
  return { id, component, kind, entries, assumeWhenUnknown: entries.length - 1 };
}

/** Every distinct (prefix, contains, kind) the table can print, for the scanner's byte-prefix index. */
export function patternsOf(table: readonly MessageFact[]): { prefix: string; contains?: string; kind: EventKind }[] {
  const seen = new Set<string>();
  const out: { prefix: string; contains?: string; kind: EventKind }[] = [];
  for (const f of table) {
    for (const e of f.entries) {
      const key = `${e.value.prefix}\u0000${e.value.contains ?? ''}\u0000${f.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        prefix: e.value.prefix,
        ...(e.value.contains === undefined ? {} : { contains: e.value.contains }),
        kind: f.kind,
      });
    }
  }
  return out;
}
