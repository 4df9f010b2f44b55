// Backfill, reprocessing failed runs, clear and mark, through the CLI and the real engine.
import { writeFileSync } from 'node:fs';
import { runWeir } from '@weir/testing';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const daily = (dir: string) => `
import { existsSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'daily', schedule: '@daily', startDate: '2026-01-01', catchup: false }, (d) => {
  // Fails on even days of the month until the fix is "deployed" (a marker file appears).
  const load = d.task('load', async (ctx) => {
    if (ctx.logicalDate.getUTCDate() % 2 === 0 && !existsSync('${dir}/fixed')) throw new Error('bad data');
    return ctx.logicalDate.toISOString().slice(0, 10);
  });
  d.task('report', { inputs: [load] }, async (_ctx, day) => 'report for ' + day);
});
`;

describe('backfill, clear and mark', () => {
  const h = useHarness({
    dags: (dir) => ({ 'daily.ts': daily(dir) }),
    components: [['scheduler'], ['worker']],
  });

  const backfillRuns = () =>
    h.database.db.dagRun.findMany({
      where: { dagId: 'daily', runType: 'backfill' },
      orderBy: { logicalDate: 'asc' },
    });
  const settled = async () => {
    for (let i = 0; i < 900; i++) {
      const runs = await backfillRuns();
      if (runs.length > 0 && runs.every((r) => r.state === 'success' || r.state === 'failed')) return runs;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('backfill runs did not settle');
  };

  it('a dry run plans ten intervals and changes nothing', async () => {
    const result = await runWeir(
      ['dags', 'backfill', 'daily', '--from', '2026-03-01', '--to', '2026-03-10', '--dry-run'],
      h.env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout.match(/ create /g)).toHaveLength(10);
    expect(result.stdout).toContain('dry run: nothing was changed');
    expect(await backfillRuns()).toHaveLength(0);
  });

  it('backfills ten intervals; then reprocesses only the failed ones', async () => {
    const first = await runWeir(
      ['dags', 'backfill', 'daily', '--from', '2026-03-01', '--to', '2026-03-10', '--max-active-runs', '3'],
      h.env,
    );
    expect(first.code).toBe(0);
    let runs = await settled();
    expect(runs.map((r) => r.logicalDate.toISOString().slice(0, 10))).toEqual(
      Array.from({ length: 10 }, (_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`),
    );
    expect(runs.map((r) => r.state)).toEqual(
      runs.map((r) => (r.logicalDate.getUTCDate() % 2 === 0 ? 'failed' : 'success')),
    );

    // Again without reprocess: every interval already has a run, so nothing is created.
    const again = await runWeir(
      ['dags', 'backfill', 'daily', '--from', '2026-03-01', '--to', '2026-03-10'],
      h.env,
    );
    expect(again.stdout.match(/ skip /g)).toHaveLength(10);

    writeFileSync(`${h.dir}/fixed`, 'yes');
    const reprocess = await runWeir(
      ['dags', 'backfill', 'daily', '--from', '2026-03-01', '--to', '2026-03-10', '--reprocess', 'failed'],
      h.env,
    );
    expect(reprocess.stdout.match(/ reprocess /g)).toHaveLength(5);
    runs = await settled();
    expect(runs.every((r) => r.state === 'success')).toBe(true);
    expect(await backfillRuns()).toHaveLength(10);
    const loads = await h.database.db.taskInstance.findMany({
      where: { dagId: 'daily', taskId: 'load', dagRun: { runType: 'backfill' } },
      include: { dagRun: true },
    });
    for (const ti of loads) expect(ti.tryNumber).toBe(ti.dagRun.logicalDate.getUTCDate() % 2 === 0 ? 2 : 1);
  }, 180_000);

  it('clear runs a task again with a new try; mark sets states', async () => {
    const runId = (await backfillRuns())[0]?.runId as string;
    const cleared = await runWeir(
      ['tasks', 'clear', 'daily', runId, '--task', 'load', '--downstream'],
      h.env,
    );
    expect(cleared.stdout).toBe('cleared 2 task instance(s): load, report\n');
    const run = await h.database.db.dagRun.findUniqueOrThrow({
      where: { dagId_runId: { dagId: 'daily', runId } },
    });
    expect(await h.waitForRun(run.id)).toBe('success');
    expect((await h.tasks(run.id)).load).toEqual({ state: 'success', tryNumber: 2 });

    expect(
      (await runWeir(['tasks', 'mark', 'daily', runId, 'report', '--state', 'failed'], h.env)).stdout,
    ).toBe('marked 1 task instance(s) failed\n');
    expect(await h.waitForRun(run.id)).toBe('failed');
    expect((await runWeir(['dags', 'mark', 'daily', runId, '--state', 'success'], h.env)).code).toBe(0);
    expect((await h.database.db.dagRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe('success');
  }, 60_000);
});
