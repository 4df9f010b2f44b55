// Owns `weir deadlines list`: recorded deadline misses, newest first.
import type { Command } from 'commander';
import { withRuntime } from '../runtime.ts';
import { printTable } from './output.ts';

export function registerDeadlineCommands(program: Command): void {
  program
    .command('deadlines')
    .description('deadline (SLA) misses')
    .command('list')
    .description('deadline misses, newest first')
    .option('--dag <dagId>', 'only this DAG')
    .option('--json', 'print a JSON array')
    .action(async (opts: { dag?: string; json?: boolean }) => {
      await withRuntime(async (runtime) => {
        const misses = await runtime.db.deadlineMiss.findMany({
          where: opts.dag ? { dagId: opts.dag } : {},
          orderBy: { detectedAt: 'desc' },
          take: 200,
          include: { dagRun: { select: { state: true } } },
        });
        const rows = misses.map((m) => ({
          dagId: m.dagId,
          runId: m.runId,
          taskId: m.taskId || null,
          deadlineId: m.deadlineId,
          deadlineAt: m.deadlineAt.toISOString(),
          detectedAt: m.detectedAt.toISOString(),
          runState: m.dagRun?.state ?? 'never created',
        }));
        if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else
          printTable(
            ['dag_id', 'run_id', 'task_id', 'deadline', 'due', 'detected'],
            rows.map((r) => [r.dagId, r.runId, r.taskId ?? '', r.deadlineId, r.deadlineAt, r.detectedAt]),
          );
      });
    });
}
