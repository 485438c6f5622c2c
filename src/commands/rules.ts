import type { Command } from 'commander';
import { Option } from 'commander';
import { renderRulesTable } from '../report/rules-table.js';
import { RULES } from '../rules/index.js';
import { terminalWidth } from './options.js';

export function registerRules(program: Command, _ctx: unknown, setExit: (n: number) => void): void {
  program
    .command('rules')
    .description('list the rule catalogue: id, cause, severities, what fires it, remediation')
    .addOption(new Option('-f, --format <format>', 'table or json').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  $ dfdoctor rules\n  $ dfdoctor rules --format json | jq -r \'.[].cause\' | sort -u')
    .action((flags: { format: 'table' | 'json' }) => {
      const rows = RULES.map((r) => ({
        id: r.id,
        cause: r.cause,
        title: r.title,
        severities: [...r.severities],
        description: r.description,
        remediation: r.remediationSummary,
      }));
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        process.stdout.write(renderRulesTable(RULES, { width: terminalWidth() }));
      }
      setExit(0);
    });
}
