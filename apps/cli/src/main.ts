// Owns the `weir` command line: parses arguments and reports failures as one line.
import { ConfigError } from '@weir/config';
import { Command, CommanderError } from 'commander';
import { registerComponentCommands } from './commands/components.ts';
import { registerDagsCommands } from './commands/dags.ts';
import { registerDbCommands } from './commands/db.ts';
import { registerDeadlineCommands } from './commands/deadlines.ts';
import { registerHealthCommand } from './commands/health.ts';
import { registerInitCommand } from './commands/init.ts';
import { registerPoolsCommands } from './commands/pools.ts';
import { registerRunOperationCommands } from './commands/run-ops.ts';
import { registerStandaloneCommand } from './commands/standalone.ts';
import { registerTasksCommands } from './commands/tasks.ts';
import { registerWebCommand } from './commands/web.ts';
import { CliError } from './errors.ts';

const program = new Command('weir')
  .description('Weir: an Airflow-style workflow orchestrator')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerStandaloneCommand(program);
registerWebCommand(program);
registerComponentCommands(program);
registerDagsCommands(program);
registerInitCommand(program);
registerTasksCommands(program);
registerPoolsCommands(program);
registerRunOperationCommands(program);
registerDeadlineCommands(program);
registerDbCommands(program);
registerHealthCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}

function reportFailure(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof ConfigError) {
    process.stderr.write(`weir: ${error.message}\n`);
    return 2;
  }
  if (error instanceof CliError) {
    process.stderr.write(`weir: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(
    `weir: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}
