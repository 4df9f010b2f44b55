// dependsOnPast: a task waits until the same task succeeded (or was skipped) in the previous run.
import { writeFileSync } from 'node:fs';
import { runWeir } from '@weir/testing';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const DAG = (dir: string) => `
import { existsSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'sequential' }, (d) => {
  d.task('step', { dependsOnPast: true }, async () => {
    if (!existsSync('${dir}/ready')) throw new Error('not ready');
    return 'done';
  });
});
`;

describe('dependsOnPast', () => {
  const h = useHarness({
    dags: (dir) => ({ 'sequential.ts': DAG(dir) }),
    components: [['scheduler'], ['worker']],
  });

  it('exempts the first run, holds the next until the previous one succeeded', async () => {
    const first = await h.engine.trigger({
      dagId: 'sequential',
      logicalDate: new Date('2026-05-01T00:00:00Z'),
    });
    expect(await h.waitForRun(first.id)).toBe('failed');
    const second = await h.engine.trigger({
      dagId: 'sequential',
      logicalDate: new Date('2026-05-02T00:00:00Z'),
    });
    // Several scheduler passes later, the second run's task still has not run.
    await new Promise((r) => setTimeout(r, 1_500));
    await h.engine.schedule(second.id);
    expect((await h.tasks(second.id)).step).toEqual({ state: 'none', tryNumber: 0 });

    writeFileSync(`${h.dir}/ready`, 'yes');
    expect((await runWeir(['tasks', 'clear', 'sequential', first.runId], h.env)).code).toBe(0);
    expect(await h.waitForRun(first.id)).toBe('success');
    expect(await h.waitForRun(second.id)).toBe('success');
  }, 90_000);
});
