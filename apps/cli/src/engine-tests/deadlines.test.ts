// Deadlines fire while the run is still running, once per run, deadline and task, with an alert.
import { runWeir } from '@weir/testing';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const DAG = `
import { dag } from '@weir/sdk';
export default dag({ id: 'late', deadlines: [{ id: 'fast-run', reference: 'queuedAt', interval: 1 }] }, (d) => {
  const quick = d.task('quick', { deadline: { reference: 'queuedAt', interval: '1m' } }, async () => 1);
  d.task('slow', { after: [quick], deadline: { id: 'slow-task', reference: 'queuedAt', interval: 1 } }, async () => {
    await new Promise((r) => setTimeout(r, 4_000));
  });
});
`;

describe('deadlines', () => {
  const h = useHarness({
    dags: (_dir) => ({ 'late.ts': DAG }),
    components: [['scheduler'], ['worker']],
  });

  it('records the miss while the run is still running, once, and raises an alert', async () => {
    const run = await h.engine.trigger({ dagId: 'late' });
    let misses = await h.database.db.deadlineMiss.findMany({ where: { dagRunId: run.id } });
    while (misses.length < 2) {
      await new Promise((r) => setTimeout(r, 100));
      misses = await h.database.db.deadlineMiss.findMany({ where: { dagRunId: run.id } });
    }
    // Both misses are known before the run ends.
    expect((await h.database.db.dagRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe('running');
    expect(await h.waitForRun(run.id)).toBe('success');
    const final = await h.database.db.deadlineMiss.findMany({
      where: { dagRunId: run.id },
      orderBy: { deadlineId: 'asc' },
    });
    expect(final.map((m) => [m.deadlineId, m.taskId])).toEqual([
      ['fast-run', ''],
      ['slow-task', 'slow'],
    ]);
    const alerts = await h.database.db.alert.findMany({
      where: { dagId: 'late' },
      orderBy: { dedupKey: 'asc' },
    });
    expect(alerts.map((a) => [a.kind, a.state, a.dedupKey])).toEqual([
      ['deadline_missed', 'open', 'deadline_missed:late:fast-run:'],
      ['deadline_missed', 'open', 'deadline_missed:late:slow-task:slow'],
    ]);
    const listed = JSON.parse((await runWeir(['deadlines', 'list', '--json'], h.env)).stdout);
    expect(listed.map((m: { deadlineId: string }) => m.deadlineId).sort()).toEqual(['fast-run', 'slow-task']);
  }, 60_000);
});

const HOUR = 3_600_000;
const thisHour = Math.floor(Date.now() / HOUR) * HOUR;
const hourly = `
import { dag } from '@weir/sdk';
export default dag(
  { id: 'hourly_sla', schedule: '@hourly', startDate: '${new Date(thisHour - 6 * HOUR).toISOString()}', catchup: false,
    deadlines: [{ id: 'fresh', reference: 'dataIntervalEnd', interval: '10m' }] },
  (d) => {
    d.task('load', { deadline: { id: 'loaded', reference: 'dataIntervalEnd', interval: '20m' } }, async () => 1);
  },
);
`;

describe('deadlines of scheduled runs that were never created', () => {
  const h = useHarness({ dags: () => ({ 'hourly.ts': hourly }), components: [] });

  /** As if the scheduler last ran 4 hours ago: it created the run of thisHour-5h and meant thisHour-4h next. */
  const schedulerWasDown = async () => {
    await h.database.db.dagRun.deleteMany({ where: { dagId: 'hourly_sla' } });
    await h.database.db.dagRun.create({
      data: {
        dagId: 'hourly_sla',
        runId: 'scheduled__old',
        runType: 'scheduled',
        logicalDate: new Date(thisHour - 5 * HOUR),
        dataIntervalStart: new Date(thisHour - 5 * HOUR),
        dataIntervalEnd: new Date(thisHour - 4 * HOUR),
        state: 'success',
      },
    });
    await h.database.db.dag.update({
      where: { dagId: 'hourly_sla' },
      data: {
        nextDagRunLogicalDate: new Date(thisHour - 4 * HOUR),
        nextDagRunCreateAfter: new Date(thisHour - 3 * HOUR),
      },
    });
  };

  it('records each skipped interval as missed, once, with an alert, when the scheduler comes back', async () => {
    await schedulerWasDown();
    const report = await h.engine.tick();
    expect(report.createdRuns).toBe(1); // catchup off: only the latest interval runs
    // (The created run's own deadlines may have passed too, depending on the minute: not these.)
    const misses = await h.database.db.deadlineMiss.findMany({
      where: { dagId: 'hourly_sla', dagRunId: null },
      orderBy: [{ logicalDate: 'asc' }, { deadlineId: 'asc' }],
    });
    // Intervals starting 4, 3 and 2 hours ago were never created; each missed both deadlines.
    expect(misses.map((m) => [m.logicalDate.getTime(), m.deadlineId, m.taskId, m.dagRunId])).toEqual(
      [4, 3, 2].flatMap((hours) => [
        [thisHour - hours * HOUR, 'fresh', '', null],
        [thisHour - hours * HOUR, 'loaded', 'load', null],
      ]),
    );
    expect(misses[0]?.runId).toBe(
      `scheduled__${new Date(thisHour - 4 * HOUR).toISOString().replace('.000Z', '+00:00')}`,
    );
    expect(misses[0]?.deadlineAt.getTime()).toBe(thisHour - 3 * HOUR + 10 * 60_000);
    expect(report.deadlineMisses).toBeGreaterThanOrEqual(6);
    const alert = await h.database.db.alert.findFirst({
      where: { dedupKey: 'deadline_missed:hourly_sla:fresh:' },
    });
    // One open alert per DAG and deadline: the three never-created runs are occurrences of it.
    expect(alert?.occurrences).toBeGreaterThanOrEqual(3);
    // Nothing new on the next tick.
    await h.engine.tick();
    expect(await h.database.db.deadlineMiss.count({ where: { dagId: 'hourly_sla', dagRunId: null } })).toBe(
      6,
    );
    const listed = JSON.parse(
      (await runWeir(['deadlines', 'list', '--dag', 'hourly_sla', '--json'], h.env)).stdout,
    );
    expect(listed.filter((m: { runState: string }) => m.runState === 'never created')).toHaveLength(6);
  }, 60_000);

  it('does not count intervals skipped while the DAG was paused', async () => {
    await h.database.db.deadlineMiss.deleteMany({ where: { dagId: 'hourly_sla' } });
    await h.engine.setPaused('hourly_sla', true);
    await schedulerWasDown();
    await h.engine.setPaused('hourly_sla', false);
    expect((await h.engine.tick()).createdRuns).toBe(1);
    expect(await h.database.db.deadlineMiss.count({ where: { dagId: 'hourly_sla', dagRunId: null } })).toBe(
      0,
    );
  }, 60_000);
});
