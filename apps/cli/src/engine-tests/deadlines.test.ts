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
