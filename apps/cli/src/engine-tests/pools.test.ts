// Pools and priority across two schedulers and two workers, and `weir pools`.
import { readFileSync } from 'node:fs';
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, peakConcurrency, startHarness } from './harness.ts';

const pooled = (dir: string) => `
import { appendFileSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'pooled' }, (d) => {
  for (let i = 0; i < 8; i++) {
    d.task('t' + i, { pool: 'narrow' }, async () => {
      appendFileSync('${dir}/pooled.log', 'begin\\n');
      await new Promise((r) => setTimeout(r, 100));
      appendFileSync('${dir}/pooled.log', 'end\\n');
    });
  }
});
`;

const prioritized = (dir: string) => `
import { appendFileSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'prioritized' }, (d) => {
  for (const weight of [3, 1, 5, 2, 4]) {
    d.task('w' + weight, { pool: 'single', priorityWeight: weight, weightRule: 'absolute' }, async () => {
      appendFileSync('${dir}/priority.log', weight + '\\n');
    });
  }
});
`;

describe('pools and priority', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    expect(
      (await runWeir(['pools', 'set', 'narrow', '2', '--description', 'two at a time'], h.env)).stdout,
    ).toBe('pool narrow has 2 slots\n');
    expect((await runWeir(['pools', 'set', 'single', '1'], h.env)).code).toBe(0);
    h.writeDag('pooled.ts', pooled(h.dir));
    h.writeDag('prioritized.ts', prioritized(h.dir));
    await h.processor.processOnce();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('never runs more tasks in a pool than it has slots, with two schedulers and two workers', async () => {
    for (let i = 0; i < 2; i++) {
      h.start('scheduler');
      h.start('worker', '--concurrency', '8');
    }
    const runs = [
      await h.engine.trigger({ dagId: 'pooled', runId: 'p1' }),
      await h.engine.trigger({ dagId: 'pooled', runId: 'p2' }),
    ];
    for (const run of runs) expect(await h.waitForRun(run.id)).toBe('success');
    const { lines, peak } = peakConcurrency(`${h.dir}/pooled.log`);
    expect(lines).toBe(32);
    expect(peak).toBeLessThanOrEqual(2);
  }, 120_000);

  it('queues higher priority weights first when slots are short', async () => {
    const run = await h.engine.trigger({ dagId: 'prioritized' });
    expect(await h.waitForRun(run.id)).toBe('success');
    expect(readFileSync(`${h.dir}/priority.log`, 'utf8').trim().split('\n')).toEqual([
      '5',
      '4',
      '3',
      '2',
      '1',
    ]);
  }, 60_000);

  it('weir pools list, and delete refuses the default pool', async () => {
    const list = JSON.parse((await runWeir(['pools', 'list', '--json'], h.env)).stdout);
    expect(list).toEqual([
      { name: 'default', slots: 128, used: 0, description: 'Default pool' },
      { name: 'narrow', slots: 2, used: 0, description: 'two at a time' },
      { name: 'single', slots: 1, used: 0, description: null },
      {
        name: 'warehouse',
        slots: 1,
        used: 0,
        description: 'Writers of the warehouse: one at a time (DuckDB has one writer)',
      },
    ]);
    const refused = await runWeir(['pools', 'delete', 'default'], h.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the default pool cannot be deleted/);
    expect((await runWeir(['pools', 'delete', 'single'], h.env)).stdout).toBe('pool single deleted\n');
  });
});
