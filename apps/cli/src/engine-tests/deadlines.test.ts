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
    // Raised with the misses, in their transaction (once the run succeeds, the alert pass may
    // resolve them: the run got done).
    const alerts = await h.database.db.alert.findMany({
      where: { dagId: 'late' },
      orderBy: { dedupKey: 'asc' },
    });
    expect(alerts.map((a) => [a.kind, a.state, a.dedupKey])).toEqual([
      ['deadline_missed', 'open', 'deadline_missed:late:fast-run:'],
      ['deadline_missed', 'open', 'deadline_missed:late:slow-task:slow'],
    ]);
    expect(await h.waitForRun(run.id)).toBe('success');
    const final = await h.database.db.deadlineMiss.findMany({
      where: { dagRunId: run.id },
      orderBy: { deadlineId: 'asc' },
    });
    expect(final.map((m) => [m.deadlineId, m.taskId])).toEqual([
      ['fast-run', ''],
      ['slow-task', 'slow'],
    ]);
    const listed = JSON.parse((await runWeir(['deadlines', 'list', '--json'], h.env)).stdout);
    expect(listed.map((m: { deadlineId: string }) => m.deadlineId).sort()).toEqual(['fast-run', 'slow-task']);
  }, 60_000);
});

const HOUR = 3_600_000;
const startDate = new Date(Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR).toISOString();
const hourly = `
import { dag } from '@weir/sdk';
export default dag(
  { id: 'hourly_sla', schedule: '@hourly', startDate: '${startDate}', catchup: false, maxActiveRuns: 1,
    deadlines: [{ id: 'fresh', reference: 'dataIntervalEnd', interval: '10m' }] },
  (d) => {
    d.task('load', { deadline: { id: 'loaded', reference: 'dataIntervalEnd', interval: '20m' } }, async () => 1);
  },
);
`;

describe('deadlines of scheduled runs that were never created', () => {
  const h = useHarness({ dags: () => ({ 'hourly.ts': hourly }), components: [] });

  /**
   * As if the scheduler last ran 4 hours ago: it had created the run of the interval starting 5
   * hours ago (ended at `endedAt`), and meant to create the one starting 4 hours ago next.
   */
  const schedulerWasDown = async (endedAt: Date | null = null) => {
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    await h.database.db.dagRun.deleteMany({ where: { dagId: 'hourly_sla' } });
    await h.database.db.deadlineMiss.deleteMany({ where: { dagId: 'hourly_sla' } });
    await h.database.db.dagRun.create({
      data: {
        dagId: 'hourly_sla',
        runId: 'scheduled__old',
        runType: 'scheduled',
        logicalDate: new Date(hour - 5 * HOUR),
        dataIntervalStart: new Date(hour - 5 * HOUR),
        dataIntervalEnd: new Date(hour - 4 * HOUR),
        state: 'success',
        endedAt,
      },
    });
    await h.database.db.dag.update({
      where: { dagId: 'hourly_sla' },
      data: {
        nextDagRunLogicalDate: new Date(hour - 4 * HOUR),
        nextDagRunCreateAfter: new Date(hour - 3 * HOUR),
      },
    });
    return hour;
  };

  /** The run the tick created (catchup off: the latest interval), and the never-created misses. */
  const afterTick = async () => {
    const created = await h.database.db.dagRun.findFirstOrThrow({
      where: { dagId: 'hourly_sla', runId: { not: 'scheduled__old' } },
    });
    const misses = await h.database.db.deadlineMiss.findMany({
      where: { dagId: 'hourly_sla', dagRunId: null },
      orderBy: [{ logicalDate: 'asc' }, { deadlineId: 'asc' }],
    });
    return { created, misses };
  };

  it('records each skipped interval as missed, once, with an alert, when the scheduler comes back', async () => {
    const hour = await schedulerWasDown();
    const report = await h.engine.tick();
    expect(report.createdRuns).toBe(1);
    const { created, misses } = await afterTick();
    // Every interval from the one meant next up to the one created was never created, and each
    // missed both deadlines (their intervals ended over an hour ago).
    const skipped: number[] = [];
    for (let start = hour - 4 * HOUR; start < created.logicalDate.getTime(); start += HOUR)
      skipped.push(start);
    expect(skipped.length).toBeGreaterThanOrEqual(3);
    expect(misses.map((m) => [m.logicalDate.getTime(), m.deadlineId, m.taskId])).toEqual(
      skipped.flatMap((start) => [
        [start, 'fresh', ''],
        [start, 'loaded', 'load'],
      ]),
    );
    expect(misses[0]?.runId).toBe(
      `scheduled__${new Date(hour - 4 * HOUR).toISOString().replace('.000Z', '+00:00')}`,
    );
    expect(misses[0]?.deadlineAt.getTime()).toBe(hour - 3 * HOUR + 10 * 60_000);
    expect(report.deadlineMisses).toBeGreaterThanOrEqual(misses.length);
    const alert = await h.database.db.alert.findFirst({
      where: { dedupKey: 'deadline_missed:hourly_sla:fresh:' },
    });
    // One open alert per DAG and deadline: the never-created runs are occurrences of it.
    expect(alert?.occurrences).toBeGreaterThanOrEqual(skipped.length);
    // Nothing new on the next tick.
    await h.engine.tick();
    expect(await h.database.db.deadlineMiss.count({ where: { dagId: 'hourly_sla', dagRunId: null } })).toBe(
      misses.length,
    );
    const listed = JSON.parse(
      (await runWeir(['deadlines', 'list', '--dag', 'hourly_sla', '--json'], h.env)).stdout,
    );
    expect(listed.filter((m: { runState: string }) => m.runState === 'never created')).toHaveLength(
      misses.length,
    );
  }, 60_000);

  it('does not count intervals skipped while its runs filled maxActiveRuns', async () => {
    // The old run (maxActiveRuns 1) ran until 2 hours 55 minutes ago: the interval that ended
    // before (3 hours ago) was skipped by design; the ones that ended after, by a down scheduler.
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    await schedulerWasDown(new Date(hour - 2 * HOUR - 55 * 60_000));
    expect((await h.engine.tick()).createdRuns).toBe(1);
    const { created, misses } = await afterTick();
    const skipped: number[] = [];
    for (let start = hour - 3 * HOUR; start < created.logicalDate.getTime(); start += HOUR)
      skipped.push(start);
    expect([...new Set(misses.map((m) => m.logicalDate.getTime()))]).toEqual(skipped);
  }, 60_000);

  it('does not count intervals skipped while the DAG was paused', async () => {
    await h.engine.setPaused('hourly_sla', true);
    await schedulerWasDown();
    await h.engine.setPaused('hourly_sla', false);
    expect((await h.engine.tick()).createdRuns).toBe(1);
    expect(await h.database.db.deadlineMiss.count({ where: { dagId: 'hourly_sla', dagRunId: null } })).toBe(
      0,
    );
  }, 60_000);
});
