// The scheduler's tick works over many DAGs and runs at once: it creates every due DAG's runs in
// one transaction, and schedules the runs it examines in one pass whose critical section shares
// pools and maxActiveTasks across them, in priority order (as Airflow's loop does). No worker
// or scheduler process runs here: the test calls the tick and reads PostgreSQL.
import { createDueScheduledRuns } from '@weir/engine';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const HOUR = 3_600_000;
const thisHour = () => Math.floor(Date.now() / HOUR) * HOUR;
// Catchup DAGs start five intervals ago, so at least five intervals are due (six near the hour).
const startDate = new Date(thisHour() - 5 * HOUR).toISOString();

const hourly = (id: string, options: string, body = `d.task('only', async () => 1);`) => `
import { dag } from '@weir/sdk';
export default dag({ id: '${id}', schedule: '@hourly', startDate: '${startDate}', ${options} }, (d) => {
  ${body}
});
`;

describe('the tick over many DAGs and runs', () => {
  const h = useHarness({
    dags: () => ({
      'catchup-two.ts': hourly('catchup_two', 'catchup: true, maxActiveRuns: 2'),
      'catchup-three.ts': hourly(
        'catchup_three',
        'catchup: true, maxActiveRuns: 3',
        `const a = d.task('a', async () => 1); d.task('b', { after: [a] }, async () => 2);`,
      ),
      'latest-only.ts': hourly('latest_only', 'catchup: false'),
    }),
    components: [],
  });

  it('creates the due runs of every DAG in one tick, each within its maxActiveRuns, and moves next_dagrun on', async () => {
    const report = await h.engine.tick();
    const runs = await h.database.db.dagRun.findMany({
      orderBy: [{ dagId: 'asc' }, { logicalDate: 'asc' }],
      include: { taskInstances: { select: { taskId: true }, orderBy: { taskId: 'asc' } } },
    });
    const of = (dagId: string) => runs.filter((r) => r.dagId === dagId);
    const start = new Date(startDate).getTime();
    expect(of('catchup_two').map((r) => r.logicalDate.getTime())).toEqual([start, start + HOUR]);
    expect(of('catchup_three').map((r) => r.logicalDate.getTime())).toEqual([
      start,
      start + HOUR,
      start + 2 * HOUR,
    ]);
    for (const run of of('catchup_three')) expect(run.taskInstances.map((t) => t.taskId)).toEqual(['a', 'b']);
    // Without catchup, only the latest complete interval runs.
    const latest = of('latest_only');
    expect(latest).toHaveLength(1);
    expect(latest[0]?.dataIntervalEnd?.getTime()).toBeLessThanOrEqual(Date.now());
    expect((latest[0]?.dataIntervalEnd?.getTime() ?? 0) + HOUR).toBeGreaterThan(Date.now());
    expect(report.createdRuns).toBe(6);
    // Each run was created with its data interval and started in the same tick.
    for (const run of runs) {
      expect(run.dataIntervalEnd?.getTime()).toBe(run.logicalDate.getTime() + HOUR);
      expect(run.state).toBe('running');
    }
    const dags = await h.database.db.dag.findMany({ orderBy: { dagId: 'asc' } });
    const next = Object.fromEntries(dags.map((d) => [d.dagId, d.nextDagRunLogicalDate?.getTime()]));
    expect(next.catchup_two).toBe(start + 2 * HOUR);
    expect(next.catchup_three).toBe(start + 3 * HOUR);
    expect(next.latest_only).toBe((latest[0]?.logicalDate.getTime() ?? 0) + HOUR);
    // A second tick creates nothing: every DAG is at its maxActiveRuns or not due.
    expect((await h.engine.tick()).createdRuns).toBe(0);
  }, 60_000);

  it('does not let DAGs at their maxActiveRuns crowd out due DAGs behind them', async () => {
    // catchup_two waits for room since the first test, and is due since the oldest interval.
    await h.engine.setPaused('catchup_three', true);
    await h.database.db.dag.update({
      where: { dagId: 'latest_only' },
      data: { nextDagRunCreateAfter: new Date(Date.now() - 1000) },
    });
    // As if latest_only never ran: its latest interval is due, behind catchup_two's.
    await h.database.db.dagRun.deleteMany({ where: { dagId: 'latest_only' } });
    // Room for one DAG only: the one that can create a run gets it.
    const { created, moreDue } = await createDueScheduledRuns(
      h.engine.sql,
      h.engine.catalog,
      h.engine.clock,
      1,
    );
    expect(created.map((r) => r.dagId)).toEqual(['latest_only']);
    expect(moreDue).toBe(true);
    expect((await createDueScheduledRuns(h.engine.sql, h.engine.catalog, h.engine.clock, 1)).moreDue).toBe(
      false,
    );
  }, 60_000);
});

describe('one pass over many runs', () => {
  const weighted = (id: string, weight: number) =>
    hourly(
      id,
      'catchup: false',
      `d.task('only', { pool: 'pair', priorityWeight: ${weight}, weightRule: 'absolute' }, async () => 1);`,
    );
  const h = useHarness({
    dags: () => ({
      'a-low.ts': weighted('a_low', 1),
      'b-high.ts': weighted('b_high', 10),
      'c-mid.ts': weighted('c_mid', 5),
      'narrow.ts': hourly(
        'narrow',
        'catchup: false, maxActiveTasks: 1',
        `d.task('x', async () => 1); d.task('y', async () => 2);`,
      ),
    }),
    components: [],
  });

  const statesOf = async () =>
    Object.fromEntries(
      (await h.database.db.taskInstance.findMany({ select: { dagId: true, taskId: true, state: true } })).map(
        (t) => [`${t.dagId}.${t.taskId}`, t.state],
      ),
    );

  it("shares a pool across runs of different DAGs in priority order, and keeps each DAG's maxActiveTasks", async () => {
    await h.database.db.pool.create({ data: { name: 'pair', slots: 2 } });
    const report = await h.engine.tick();
    expect(report.createdRuns).toBe(4);
    const states = await statesOf();
    // Two slots: the two highest weights get them, whichever run was created first.
    expect(states['b_high.only']).toBe('queued');
    expect(states['c_mid.only']).toBe('queued');
    expect(states['a_low.only']).toBe('scheduled');
    expect([states['narrow.x'], states['narrow.y']].sort()).toEqual(['queued', 'scheduled']);
    expect(report.queuedTries).toBe(3);
  }, 60_000);

  it('skips a run another pass holds, and schedules the rest', async () => {
    const runs = await h.database.db.dagRun.findMany({ select: { id: true, dagId: true } });
    const low = runs.find((r) => r.dagId === 'a_low');
    const high = runs.find((r) => r.dagId === 'b_high');
    if (!low || !high) throw new Error('runs missing');
    // Free the pool so the low-priority task could be queued, then hold its run's lock.
    await h.database.db.taskInstance.updateMany({
      where: { dagId: { in: ['b_high', 'c_mid'] } },
      data: { state: 'success' },
    });
    const outcome = await h.database.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM dag_run WHERE id = ${low.id} FOR UPDATE`;
        return h.engine.scheduleMany([low.id, high.id]);
      },
      { timeout: 30_000 },
    );
    expect(outcome.examined).toBe(1);
    expect((await statesOf())['a_low.only']).toBe('scheduled');
    // Once the lock is gone, the next pass takes it.
    expect((await h.engine.scheduleMany([low.id])).queued).toBe(1);
    expect((await statesOf())['a_low.only']).toBe('queued');
  }, 60_000);
});

describe('one pass over several runs of one DAG', () => {
  const h = useHarness({
    dags: () => ({
      'shared.ts': hourly('shared', 'catchup: true, maxActiveRuns: 3, maxActiveTasks: 2'),
    }),
    components: [],
  });

  it("shares the DAG's maxActiveTasks across its runs, oldest run first", async () => {
    const report = await h.engine.tick();
    expect(report.createdRuns).toBe(3);
    const tis = await h.database.db.taskInstance.findMany({
      where: { dagId: 'shared' },
      select: { state: true, dagRun: { select: { logicalDate: true } } },
    });
    const byDate = tis
      .sort((a, b) => a.dagRun.logicalDate.getTime() - b.dagRun.logicalDate.getTime())
      .map((t) => t.state);
    // Room for two tasks in the whole DAG: the two oldest runs' tasks run, the third waits.
    expect(byDate).toEqual(['queued', 'queued', 'scheduled']);
  }, 60_000);
});
