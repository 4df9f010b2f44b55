// A backfill's state and progress through the CLI, a real scheduler and worker: it completes when
// its runs have all finished (the scheduler's tick closes it out), `weir backfills list` shows its
// runs by state, a finished backfill cannot be cancelled, and conf is checked like a trigger's.
import { runWeir } from '@weir/testing';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

// `hold` waits for a marker file, so a backfill of it stays running until the test says.
const dags = (dir: string) => ({
  'quick.ts': `
import { dag, z } from '@weir/sdk';
export default dag({ id: 'quick', schedule: '@daily', startDate: '2026-01-01',
  params: z.object({ region: z.enum(['eu', 'us']).default('eu') }) }, (d) => {
  d.task('load', async (ctx) => ctx.params.region);
});
`,
  'hold.ts': `
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from '@weir/sdk';
export default dag({ id: 'hold', schedule: '@daily', startDate: '2026-01-01' }, (d) => {
  d.task('wait', async () => {
    for (let i = 0; i < 600 && !existsSync('${dir}/release'); i++) await sleep(100);
  });
});
`,
});

interface Listed {
  id: number;
  dagId: string;
  state: string;
  completedAt: string | null;
  cancelledAt: string | null;
  runs: { total: number; done: number; byState: Record<string, number> };
}

describe('backfill state and progress', () => {
  const h = useHarness({ dags, components: [['scheduler'], ['worker']] });
  const list = async (...args: string[]): Promise<Listed[]> => {
    const result = await runWeir(['backfills', 'list', '--json', ...args], h.env);
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout);
  };
  const backfillState = async (id: number, state: string) => {
    for (let i = 0; i < 600; i++) {
      const row = await h.database.db.backfill.findUniqueOrThrow({ where: { id } });
      if (row.state === state) return row;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`backfill ${id} never became ${state}\n${h.output()}`);
  };

  it('completes once every run has finished; a completed backfill cannot be cancelled', async () => {
    const created = await runWeir(
      [
        'dags',
        'backfill',
        'quick',
        '--from',
        '2026-03-01',
        '--to',
        '2026-03-03',
        '--conf',
        '{"region":"us"}',
      ],
      h.env,
    );
    expect(created.code).toBe(0);
    const id = Number(/backfill (\d+) created/.exec(created.stdout)?.[1]);
    const done = await backfillState(id, 'completed');
    expect(done.completedAt).toBeInstanceOf(Date);
    const [listed] = await list('--dag', 'quick');
    expect(listed).toMatchObject({
      id,
      dagId: 'quick',
      state: 'completed',
      cancelledAt: null,
      runs: { total: 3, done: 3, byState: { queued: 0, running: 0, success: 3, failed: 0 } },
    });
    const runs = await h.database.db.dagRun.findMany({ where: { backfillId: id } });
    expect(runs.map((r) => r.conf)).toEqual([{ region: 'us' }, { region: 'us' }, { region: 'us' }]);

    const cancel = await runWeir(['backfills', 'cancel', String(id)], h.env);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toBe(
      `weir: backfill ${id} is completed (since ${done.completedAt?.toISOString()}): there is nothing to cancel\n`,
    );
    expect(cancel.stdout).toBe('');
  }, 120_000);

  it('a backfill with nothing to run is completed at once', async () => {
    const again = await runWeir(
      ['dags', 'backfill', 'quick', '--from', '2026-03-01', '--to', '2026-03-03'],
      h.env,
    );
    expect(again.stdout.match(/ skip /g)).toHaveLength(3);
    const id = Number(/backfill (\d+) created/.exec(again.stdout)?.[1]);
    const row = await h.database.db.backfill.findUniqueOrThrow({ where: { id } });
    expect(row.state).toBe('completed');
  });

  it('refuses conf keys the params do not declare, for backfills and triggers alike', async () => {
    const backfill = await runWeir(
      [
        'dags',
        'backfill',
        'quick',
        '--from',
        '2026-04-01',
        '--to',
        '2026-04-02',
        '--conf',
        '{"regoin":"us"}',
      ],
      h.env,
    );
    expect(backfill.code).toBe(1);
    expect(backfill.stderr).toBe(
      `weir: conf for DAG "quick" has a key its params do not declare: regoin (declared: region); declare it in the DAG's params, or let the params take extra keys (z.looseObject or .catchall)\n`,
    );
    const trigger = await runWeir(['dags', 'trigger', 'quick', '--conf', '{"regoin":"us","x":1}'], h.env);
    expect(trigger.code).toBe(1);
    expect(trigger.stderr).toMatch(
      /^weir: conf for DAG "quick" has keys its params do not declare: regoin, x /,
    );
    expect(await h.database.db.dagRun.count({ where: { dagId: 'quick', runType: 'manual' } })).toBe(0);
    expect(await h.database.db.backfill.count({ where: { fromDate: new Date('2026-04-01') } })).toBe(0);
  });

  it('lists progress while running; cancelling stops what has not started, once', async () => {
    const created = await runWeir(
      ['dags', 'backfill', 'hold', '--from', '2026-03-01', '--to', '2026-03-03', '--max-active-runs', '1'],
      h.env,
    );
    const id = Number(/backfill (\d+) created/.exec(created.stdout)?.[1]);
    for (let i = 0; i < 300; i++) {
      const running = await h.database.db.taskInstance.count({ where: { dagId: 'hold', state: 'running' } });
      if (running === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const [listed] = await list('--dag', 'hold');
    expect(listed).toMatchObject({
      id,
      state: 'running',
      completedAt: null,
      runs: { total: 3, done: 0, byState: { queued: 2, running: 1, success: 0, failed: 0 } },
    });
    const table = await runWeir(['backfills', 'list'], h.env);
    expect(table.stdout).toMatch(
      new RegExp(
        `\\n${id}\\s+\\| hold\\s+\\| running\\s+\\| .* \\| 0/3\\s+\\| 2\\s+\\| 1\\s+\\| 0\\s+\\| 0\\s*\\n`,
      ),
    );

    const cancel = await runWeir(['backfills', 'cancel', String(id)], h.env);
    expect(cancel.stdout).toBe(`backfill ${id} cancelled; 2 run(s) not started were marked failed\n`);
    const again = await runWeir(['backfills', 'cancel', String(id)], h.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(`^weir: backfill ${id} is cancelled \\(since \\S+\\): there is nothing to cancel\\n$`),
    );

    // The running run finishes; the backfill stays cancelled.
    h.writeDag('release', '');
    for (let i = 0; i < 300; i++) {
      const open = await h.database.db.dagRun.count({
        where: { backfillId: id, state: { in: ['queued', 'running'] } },
      });
      if (open === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // A tick or two later: still cancelled, never completed.
    await new Promise((r) => setTimeout(r, 500));
    expect((await list('--dag', 'hold'))[0]).toMatchObject({
      state: 'cancelled',
      runs: { total: 3, done: 3, byState: { success: 1, failed: 2 } },
    });
    const missing = await runWeir(['backfills', 'cancel', '999'], h.env);
    expect(missing.stderr).toBe('weir: backfill 999 not found\n');
  }, 120_000);
});
