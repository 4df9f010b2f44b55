// Owns `weir pipeline …` and `weir warehouse …`: run the bundled pipeline's DAGs in order
// (ingest_to_lake → transform_events → load_warehouse → data_quality), upload a user_profiles
// snapshot, and query the warehouse read-only.

import { readFile } from 'node:fs/promises';
import { loadConfig } from '@weir/config';
import { parseProfiles, pipelineEnvironment, queryWarehouse, writeProfileSnapshot } from '@weir/pipeline';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { type Runtime, withRuntime } from '../runtime.ts';
import { printJson, printTable } from './output.ts';

/** The pipeline's DAGs in the order each one's input is the one before's output. */
export const PIPELINE_DAGS = [
  'ingest_to_lake',
  'transform_events',
  'load_warehouse',
  'data_quality',
] as const;

const SCHEDULER_FRESH_MS = 30_000;
const POLL_MS = 500;

export function registerPipelineCommands(program: Command): void {
  const pipeline = program
    .command('pipeline')
    .description('run the bundled event pipeline and manage its inputs');

  pipeline
    .command('run')
    .description(`trigger ${PIPELINE_DAGS.join(' → ')} one after another, each once the one before succeeded`)
    .option('--timeout <seconds>', 'how long each DAG may take', '900')
    .option('--json', 'print the runs as JSON')
    .action(async (opts: { timeout: string; json?: boolean }) => {
      const timeoutMs = Number(opts.timeout) * 1000;
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
        throw new CliError('--timeout must be a number of seconds', 2);
      await withRuntime(async ({ engine, db }) => {
        const scheduler = await db.componentHeartbeat.findFirst({
          where: {
            component: 'scheduler',
            stoppedAt: null,
            lastSeenAt: { gt: new Date(Date.now() - SCHEDULER_FRESH_MS) },
          },
        });
        if (!scheduler)
          throw new CliError(
            'no scheduler is running: start Weir first (`npm start`), or run one DAG alone with `npx weir dags test <dagId>`',
          );
        const runs: { dagId: string; runId: string; state: string; seconds: number }[] = [];
        for (const [i, dagId] of PIPELINE_DAGS.entries()) {
          const started = Date.now();
          const run = await engine.trigger({ dagId, triggeredBy: 'weir pipeline run' });
          if (!opts.json)
            process.stdout.write(`[${i + 1}/${PIPELINE_DAGS.length}] ${dagId}: run ${run.runId} … `);
          const state = await waitForRun(db, run.id, timeoutMs);
          const seconds = Math.round((Date.now() - started) / 100) / 10;
          runs.push({ dagId, runId: run.runId, state, seconds });
          if (!opts.json) process.stdout.write(`${state} in ${seconds} s\n`);
          if (state !== 'success') {
            if (opts.json) printJson({ runs, ok: false });
            throw new CliError(
              `${dagId} ended ${state}: see its run in the UI (/dags/${dagId}) or \`npx weir dags runs ${dagId}\`; the steps after it were not run`,
            );
          }
        }
        if (opts.json) printJson({ runs, ok: true });
        else
          process.stdout.write(
            'the warehouse is up to date: npx weir warehouse query "SELECT COUNT(*) FROM events"\n',
          );
      });
    });

  pipeline
    .command('profiles')
    .description(
      'upload a user_profiles snapshot (JSON array or JSONL of user_id, plan, signup_date) to the lake',
    )
    .argument('<file>')
    .option('--json', 'print the snapshot written as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new CliError(
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          2,
        );
      }
      let profiles: ReturnType<typeof parseProfiles>;
      try {
        profiles = parseProfiles(text);
      } catch (error) {
        throw new CliError(`${file}: ${(error as Error).message}`, 2);
      }
      const env = pipelineEnvironment(loadConfig());
      const key = await writeProfileSnapshot(env.lake, profiles);
      if (opts.json) printJson({ key, profiles: profiles.length });
      else
        process.stdout.write(
          `wrote ${profiles.length} profiles to ${env.lake.describe(key)}; the next transform_events run enriches their users' events\n`,
        );
    });

  const warehouse = program.command('warehouse').description('the warehouse the pipeline loads');
  warehouse
    .command('query')
    .description('run a read-only SQL query on the warehouse and print the rows')
    .argument('<sql>')
    .option('--json', 'print the rows as JSON')
    .option('--limit <rows>', 'print at most this many rows', '1000')
    .action(async (sql: string, opts: { json?: boolean; limit: string }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new CliError('--limit must be a whole number of rows', 2);
      const env = pipelineEnvironment(loadConfig());
      let rows: Record<string, unknown>[];
      try {
        rows = await queryWarehouse(env.warehousePath, sql);
      } catch (error) {
        throw new CliError(`warehouse query failed: ${(error as Error).message}`);
      }
      const shown = rows.slice(0, limit);
      if (opts.json) return printJson(shown);
      const columns = [...new Set(shown.flatMap((r) => Object.keys(r)))];
      printTable(
        columns,
        shown.map((r) => columns.map((c) => text(r[c]))),
      );
      if (rows.length > limit)
        process.stdout.write(`(${rows.length - limit} more rows not shown; --limit)\n`);
    });
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

async function waitForRun(db: Runtime['db'], dagRunId: number, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db.dagRun.findUnique({ where: { id: dagRunId }, select: { state: true } });
    if (run && (run.state === 'success' || run.state === 'failed')) return run.state;
    if (Date.now() > deadline) return `still ${run?.state ?? 'missing'} after ${timeoutMs / 1000} s`;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
