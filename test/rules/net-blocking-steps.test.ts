// net.netfilter-blocking's steps on a rule that acts on a packet mark another rule sets: the command
// that prints that rule on the node, then the advice, as prose (it is no command to paste).
import { describe, expect, it } from 'vitest';
import { fixtureDiagnosis } from '../helpers/fixture-diagnosis.js';

describe('net.netfilter-blocking: the rule that sets the mark', () => {
  it('is printed by a command that reads the live ruleset, and the advice is prose', async () => {
    const { steps } = await fixtureDiagnosis('net-mark-drop-lo', 'net.netfilter-blocking');
    expect(steps[0]).toEqual({
      kind: 'command',
      command: "iptables-save -c | sed -n '43p'    # the rule that sets the mark",
    });
    expect(steps[1]).toMatchObject({ kind: 'prose' });
    expect(steps[1]).toHaveProperty('text', expect.stringContaining('sets the mark this rule acts on'));
    // every command step is a command
    for (const s of steps) if (s.kind === 'command') expect(s.command).toMatch(/^(iptables|ip6tables|nft)\b/);
  });
});
