// Constructors for typed remediation steps, so a rule reads as what it asks of the operator.
import type { SnippetFormat, Step } from '../report/model.js';

/** A shell command, pasteable as is (a trailing `# comment` is fine in a shell). */
export function cmd(command: string): Step {
  return { kind: 'command', command };
}

/** Whether this node opens a TCP connection to host:port within 5 s (bash's /dev/tcp: no tool to install). */
export function tcpCheck(host: string, port: number): Step {
  return cmd(`timeout 5 bash -c '</dev/tcp/${host}/${port}' && echo reachable`);
}

/** Config text that goes into `file`, written in `format`. */
export function snippet(s: { file: string; format: SnippetFormat; text: string }): Step {
  return { kind: 'snippet', file: s.file, format: s.format, text: s.text };
}

/** Advice for a person: not a command, not a file's content. */
export function prose(text: string): Step {
  return { kind: 'prose', text };
}
