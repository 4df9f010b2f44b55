// Owns the `weir` command line: parses arguments and reports failures as one line.
import { ConfigError } from '@weir/config';
import { Command, CommanderError } from 'commander';
import { registerAlertsCommands } from './commands/alerts.ts';
import { registerAssetsCommands } from './commands/assets.ts';
import { registerCollectorCommand } from './commands/collector.ts';
import { registerComponentCommands } from './commands/components.ts';
import { registerConnectionsCommands } from './commands/connections.ts';
import { registerDagsCommands } from './commands/dags.ts';
import { registerDagsDeleteCommand } from './commands/dags-delete.ts';
import { registerDagsReadCommands } from './commands/dags-read.ts';
import { registerDbCommands } from './commands/db.ts';
import { registerDeadlineCommands } from './commands/deadlines.ts';
import { registerDemoCommands } from './commands/demo.ts';
import { registerHealthCommand } from './commands/health.ts';
import { registerInfoCommand } from './commands/info.ts';
import { registerInitCommand } from './commands/init.ts';
import { registerPipelineCommands } from './commands/pipeline.ts';
import { registerPoolsCommands } from './commands/pools.ts';
import { registerRunOperationCommands } from './commands/run-ops.ts';
import { registerSchemasCommands } from './commands/schemas.ts';
import { registerSourcesCommands } from './commands/sources.ts';
import { registerStandaloneCommand } from './commands/standalone.ts';
import { registerTasksCommands } from './commands/tasks.ts';
import { registerTasksReadCommands } from './commands/tasks-read.ts';
import { registerTokensCommands } from './commands/tokens.ts';
import { registerUsersCommands } from './commands/users.ts';
import { registerVariablesCommands } from './commands/variables.ts';
import { registerWebCommand } from './commands/web.ts';
import { CliError } from './errors.ts';
import { weirVersion } from './version.ts';

const program = new Command('weir')
  .description('Weir: an Airflow-style workflow orchestrator')
  .option('--verbose', 'show the stack trace of an unexpected error')
  .showHelpAfterError()
  .exitOverride();
// Commander matches the program's options anywhere on the line: `--version` after a command is
// that command's own option (`weir schemas show checkout --version 2`), Weir's only before one.
if (versionBeforeCommand(process.argv.slice(2))) program.version(weirVersion);

registerStandaloneCommand(program);
registerWebCommand(program);
registerComponentCommands(program);
registerDagsCommands(program);
registerInitCommand(program);
registerTasksCommands(program);
registerPoolsCommands(program);
registerAssetsCommands(program);
registerVariablesCommands(program);
registerSchemasCommands(program);
registerConnectionsCommands(program);
registerRunOperationCommands(program);
registerDagsReadCommands(program);
registerDagsDeleteCommand(program);
registerTasksReadCommands(program);
registerDeadlineCommands(program);
registerAlertsCommands(program);
registerUsersCommands(program);
registerTokensCommands(program);
registerSourcesCommands(program);
registerCollectorCommand(program);
registerPipelineCommands(program);
registerDemoCommands(program);
registerDbCommands(program);
registerHealthCommand(program);
registerInfoCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}

function versionBeforeCommand(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === '--version' || arg === '-V') return true;
    if (!arg.startsWith('-')) return false;
  }
  return true;
}

function reportFailure(error: unknown): number {
  // Commander has printed its message; a usage mistake (unknown option, missing argument) is 2.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof ConfigError) {
    process.stderr.write(`weir: ${error.message}\n`);
    return 2;
  }
  if (error instanceof CliError) {
    process.stderr.write(`weir: ${error.message}\n`);
    return error.exitCode;
  }
  const known = knownFailure(error);
  if (known) {
    process.stderr.write(`weir: ${known}\n`);
    return 1;
  }
  // A stack only when asked for: the message alone otherwise, on one line.
  const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
  const text =
    error instanceof Error ? (verbose ? (error.stack ?? error.message) : error.message) : String(error);
  process.stderr.write(
    `weir: unexpected error: ${
      verbose
        ? text
        : text
            .split('\n')
            .find((l) => l.trim() !== '')
            ?.trim()
    }${verbose ? '' : ' (--verbose shows the stack)'}\n`,
  );
  return 1;
}

/** Failures with a known fix, in one line naming it. */
function knownFailure(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  // Prisma: a table or column that does not exist means the database is behind the schema.
  if (code === 'P2021' || code === 'P2022')
    return 'the database has not been migrated to this version of Weir: run `weir db migrate` (DATABASE_URL names the database)';
  if (code === 'P1001' || code === 'ECONNREFUSED')
    return 'cannot reach PostgreSQL at DATABASE_URL: start it (docker compose up -d postgres) or set DATABASE_URL';
  return undefined;
}
