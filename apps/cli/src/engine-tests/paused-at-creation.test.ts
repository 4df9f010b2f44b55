// WEIR_DAGS_PAUSED_AT_CREATION and a DAG's pausedAtCreation, through a real scheduler (whose dag
// processor creates the DAG rows) and worker: a new DAG starts paused unless it says otherwise,
// dropping in a catchup DAG starts nothing, later syncs never change paused, and triggering a
// paused DAG creates a run that waits.
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

// Three days of backlog: enough to see it start, few enough to run quickly once unpaused.
const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
const backlog = (note: string) => `
import { dag } from '@weir/sdk';
// ${note}
export default dag({ id: 'backlog', schedule: '@daily', startDate: '${threeDaysAgo}', catchup: true }, (d) => {
  d.task('load', async () => 1);
});
`;

const eager = (note: string) => `
import { dag } from '@weir/sdk';
// ${note}
export default dag({ id: 'eager', schedule: '@daily', startDate: '2026-01-01', pausedAtCreation: false }, (d) => {
  d.task('load', async () => 1);
});
`;

const MANUAL = `
import { dag } from '@weir/sdk';
export default dag({ id: 'manual' }, (d) => {
  d.task('only', async () => 'done');
});
`;

describe('DAGs paused at creation', () => {
  let h: Harness;
  const dagRow = (dagId: string) => h.database.db.dag.findUnique({ where: { dagId } });
  const waitFor = async <T>(what: string, read: () => Promise<T | undefined | null | false>): Promise<T> => {
    for (let i = 0; i < 300; i++) {
      const value = await read();
      if (value) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}\n${h.output()}`);
  };

  beforeAll(async () => {
    h = await startHarness({ WEIR_DAGS_PAUSED_AT_CREATION: 'true', WEIR_DAG_POLL_MS: '300' });
    h.writeDag('backlog.ts', backlog('v1'));
    h.writeDag('eager.ts', eager('v1'));
    h.writeDag('manual.ts', MANUAL);
    h.start('scheduler');
    h.start('worker');
    await waitFor('the scheduler to sync the DAGs', async () => (await h.database.db.dag.count()) === 3);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('starts new DAGs paused unless they set pausedAtCreation: false', async () => {
    const list = await runWeir(['dags', 'list', '--json'], h.env);
    expect(
      JSON.parse(list.stdout).map((d: { dagId: string; paused: boolean }) => [d.dagId, d.paused]),
    ).toEqual([
      ['backlog', true],
      ['eager', false],
      ['manual', true],
    ]);
    // The unpaused one runs its latest interval; the paused catchup DAG starts none of its backlog.
    await waitFor('a run of eager', () => h.database.db.dagRun.findFirst({ where: { dagId: 'eager' } }));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await h.database.db.dagRun.count({ where: { dagId: 'backlog' } })).toBe(0);
  });

  it('never changes paused on later syncs', async () => {
    expect((await runWeir(['dags', 'pause', 'eager'], h.env)).code).toBe(0);
    expect((await runWeir(['dags', 'unpause', 'backlog'], h.env)).code).toBe(0);
    h.writeDag('eager.ts', eager('v2'));
    h.writeDag('backlog.ts', backlog('v2'));
    // dag_code is written in the same transaction as the DAG rows.
    await waitFor(
      'the changed files to be synced',
      async () => (await h.database.db.dagCode.count({ where: { source: { contains: '// v2' } } })) === 2,
    );
    expect((await dagRow('eager'))?.isPaused).toBe(true);
    expect((await dagRow('backlog'))?.isPaused).toBe(false);
    // Unpaused, the catchup DAG now creates its backlog.
    await waitFor(
      'backlog runs',
      async () => (await h.database.db.dagRun.count({ where: { dagId: 'backlog' } })) > 1,
    );
  }, 60_000);

  it('triggering a paused DAG creates a run that waits until it is unpaused', async () => {
    const result = await runWeir(['dags', 'trigger', 'manual'], h.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^created run manual__\S+ of DAG manual\nDAG manual is paused: the run waits, queued, until it is unpaused \(weir dags unpause manual\)\n$/,
    );
    const run = await h.database.db.dagRun.findFirstOrThrow({ where: { dagId: 'manual' } });
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await h.database.db.dagRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe('queued');
    expect((await runWeir(['dags', 'unpause', 'manual'], h.env)).code).toBe(0);
    expect(await h.waitForRun(run.id)).toBe('success');
    // Unpaused, a trigger says nothing more.
    const again = await runWeir(
      ['dags', 'trigger', 'manual', '--logical-date', '2026-02-01T00:00:00Z'],
      h.env,
    );
    expect(again.stdout).toMatch(/^created run manual__2026-02-01T00:00:00\+00:00 of DAG manual\n$/);
  }, 60_000);

  it('refuses to backfill a DAG without a schedule, saying why', async () => {
    const result = await runWeir(
      ['dags', 'backfill', 'manual', '--from', '2026-01-01', '--to', '2026-01-03'],
      h.env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'weir: DAG "manual" has no schedule, so it has no intervals to backfill; create runs with `weir dags trigger manual` instead\n',
    );
    expect(await h.database.db.backfill.count()).toBe(0);
  });
});
