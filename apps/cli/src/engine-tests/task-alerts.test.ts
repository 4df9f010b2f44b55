// Data-quality alerts a task raises itself (ctx.alerts), through real dag processor, scheduler and
// worker processes: a failing check opens one incident per (kind, DAG, task, check), a repeat
// counts on it, a passing check resolves it; the alert is recorded whether the try succeeds or
// fails, and a task that misuses ctx.alerts fails with a message naming the mistake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const DAGS: Record<string, string> = {
  'quality.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'quality' }, (d) => {
  d.task('check_volume', async (ctx) => {
    const rows = Number(ctx.params.rows ?? 100);
    if (rows < 80)
      ctx.alerts.raise({
        kind: 'volume_drop',
        check: 'volume',
        title: 'events dropped to ' + rows + ' (yesterday 100)',
        details: { observed: rows, threshold: 80 },
        severity: 'warning',
      });
    else ctx.alerts.resolve({ kind: 'volume_drop', check: 'volume' });
    return rows;
  });
  d.task('check_nulls', async (ctx) => {
    if (Number(ctx.params.rows) === 0) {
      ctx.alerts.raise({ kind: 'data_quality_failed', check: 'not_null(user_id)', title: 'no rows to check' });
      throw new Error('not_null(user_id) failed');
    }
  });
});
`,
  'misuse.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'misuse' }, (d) => {
  d.task('bad_kind', async (ctx) => {
    ctx.alerts.raise({ kind: 'task_failed' as never, check: 'x', title: 'not mine to raise' });
  });
});
`,
};

describe('ctx.alerts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    for (const [name, source] of Object.entries(DAGS)) h.writeDag(name, source);
    await h.processor.processOnce();
    h.start('worker', '--concurrency', '2');
    h.start('scheduler');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const incidents = () =>
    h.database.db.alert.findMany({
      where: { dagId: 'quality' },
      orderBy: { id: 'asc' },
      select: {
        kind: true,
        dedupKey: true,
        state: true,
        occurrences: true,
        severity: true,
        title: true,
        details: true,
      },
    });

  it('opens one incident per check, counts repeats on it, and resolves it when the check passes', async () => {
    const first = await h.engine.trigger({ dagId: 'quality', conf: { rows: 50 } });
    expect(await h.waitForRun(first.id)).toBe('success');
    expect(await incidents()).toEqual([
      {
        kind: 'volume_drop',
        dedupKey: 'volume_drop:quality:check_volume:volume',
        state: 'open',
        occurrences: 1,
        severity: 'warning',
        title: 'events dropped to 50 (yesterday 100)',
        details: { observed: 50, threshold: 80 },
      },
    ]);
    const second = await h.engine.trigger({ dagId: 'quality', conf: { rows: 40 } });
    expect(await h.waitForRun(second.id)).toBe('success');
    expect(await incidents()).toMatchObject([
      { state: 'open', occurrences: 2, title: 'events dropped to 40 (yesterday 100)' },
    ]);
    const third = await h.engine.trigger({ dagId: 'quality', conf: { rows: 100 } });
    expect(await h.waitForRun(third.id)).toBe('success');
    expect(await incidents()).toMatchObject([{ state: 'resolved', occurrences: 2 }]);
  }, 120_000);

  it('records what a failing try raised, next to its task and run failure; a check failing again reopens', async () => {
    const run = await h.engine.trigger({ dagId: 'quality', conf: { rows: 0 } });
    expect(await h.waitForRun(run.id)).toBe('failed');
    const open = (await incidents()).filter((a) => a.state === 'open');
    expect(open.map((a) => a.dedupKey).sort()).toEqual([
      'data_quality_failed:quality:check_nulls:not_null(user_id)',
      'run_failed:quality',
      'task_failed:quality:check_nulls',
      'volume_drop:quality:check_volume:volume',
    ]);
  }, 120_000);

  it('fails a task that raises a kind that is not a data-quality finding, saying which kinds it may raise', async () => {
    const run = await h.engine.trigger({ dagId: 'misuse' });
    expect(await h.waitForRun(run.id)).toBe('failed');
    const attempt = await h.database.db.taskAttempt.findFirstOrThrow({
      where: { taskInstance: { dagRunId: run.id, taskId: 'bad_kind' } },
      orderBy: { tryNumber: 'desc' },
    });
    expect(attempt.error).toContain(
      'ctx.alerts.raise: kind must be one of data_quality_failed, volume_drop, freshness',
    );
    expect(
      await h.database.db.alert.count({
        where: { dagId: 'misuse', kind: { in: ['data_quality_failed', 'volume_drop', 'freshness'] } },
      }),
    ).toBe(0);
  }, 120_000);
});
