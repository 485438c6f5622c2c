import { type Command, Option } from '@commander-js/extra-typings';

export function registerRules(program: Command, _ctx: unknown, setExit: (n: number) => void): void {
  program
    .command('rules')
    .description('list the rule catalogue: id, cause, severities, what fires it, remediation')
    .addOption(new Option('-f, --format <format>', 'table or json').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      "\nExamples:\n  $ dfdoctor rules\n  $ dfdoctor rules --format json | jq -r '.[].cause' | sort -u",
    )
    .action(async (flags) => {
      const { RULES } = await import('../rules/index.js');
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
        const [{ renderRulesTable }, { terminalWidth }] = await Promise.all([
          import('../report/rules-table.js'),
          import('./options.js'),
        ]);
        process.stdout.write(renderRulesTable(RULES, { width: terminalWidth() }));
      }
      setExit(0);
    });
}
