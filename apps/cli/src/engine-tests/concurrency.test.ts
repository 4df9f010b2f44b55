// Several schedulers and workers on the same DAGs: every task instance runs exactly once, and
// maxActiveTasks and maxActiveRuns hold across processes.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const fanOut = (dir: string) => `
import { appendFileSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'fan_out', maxActiveRuns: 2 }, (d) => {
  const start = d.task('start', async (ctx) => { appendFileSync('${dir}/runs.log', ctx.runId + ' start\\n'); return 1; });
  for (let i = 0; i < 12; i++) {
    d.task('leaf_' + i, { after: [start] }, async (ctx) => {
      appendFileSync('${dir}/runs.log', ctx.runId + ' leaf_' + i + '\\n');
    });
  }
});
`;

const limited = (dir: string) => `
import { appendFileSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'limited', maxActiveTasks: 2 }, (d) => {
  for (let i = 0; i < 6; i++) {
    d.task('t' + i, async () => {
      appendFileSync('${dir}/limited.log', 'begin\\n');
      await new Promise((r) => setTimeout(r, 150));
      appendFileSync('${dir}/limited.log', 'end\\n');
    });
  }
});
`;

const hour = 3_600_000;
const catchupStart = new Date(Math.floor(Date.now() / hour) * hour - 6 * hour);
const catchup = `
import { dag } from '@weir/sdk';
export default dag({ id: 'catchup_ha', schedule: '@hourly', startDate: '${catchupStart.toISOString()}', catchup: true }, (d) => {
  d.task('noop', async () => 1);
});
`;

describe('two schedulers and two workers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.writeDag('fan_out.ts', fanOut(h.dir));
    h.writeDag('limited.ts', limited(h.dir));
    h.writeDag('catchup_ha.ts', catchup);
    await h.processor.processOnce();
    for (let i = 0; i < 2; i++) {
      h.start('scheduler');
      h.start('worker', '--concurrency', '6');
    }
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('runs every task instance of five runs exactly once', async () => {
    const runs = [];
    for (let i = 0; i < 5; i++)
      runs.push(await h.engine.trigger({ dagId: 'fan_out', runId: `concurrent_${i}` }));
    for (const run of runs) expect(await h.waitForRun(run.id)).toBe('success');
    const lines = readFileSync(`${h.dir}/runs.log`, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5 * 13);
    expect(new Set(lines).size).toBe(5 * 13);
    const attempts = await h.database.db.taskAttempt.count({ where: { taskInstance: { dagId: 'fan_out' } } });
    expect(attempts).toBe(5 * 13);
    const spans = await h.database.db.dagRun.findMany({
      where: { dagId: 'fan_out' },
      select: { startedAt: true, endedAt: true },
    });
    // maxActiveRuns 2: sweeping start and end times, never three runs running at once.
    const events = spans.flatMap((s) => [
      { at: s.startedAt?.getTime() ?? 0, delta: 1 },
      { at: s.endedAt?.getTime() ?? 0, delta: -1 },
    ]);
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let running = 0;
    let peak = 0;
    for (const e of events) {
      running += e.delta;
      peak = Math.max(peak, running);
    }
    expect(peak).toBeLessThanOrEqual(2);
  }, 120_000);

  it('never runs more than maxActiveTasks of a DAG at once', async () => {
    const run = await h.engine.trigger({ dagId: 'limited' });
    expect(await h.waitForRun(run.id)).toBe('success');
    let running = 0;
    let peak = 0;
    for (const line of readFileSync(`${h.dir}/limited.log`, 'utf8').trim().split('\n')) {
      running += line === 'begin' ? 1 : -1;
      peak = Math.max(peak, running);
    }
    expect(peak).toBeLessThanOrEqual(2);
  }, 120_000);

  it('creates each scheduled run once, with both schedulers catching up', async () => {
    for (let i = 0; ; i++) {
      const runs = await h.database.db.dagRun.findMany({
        where: { dagId: 'catchup_ha' },
        orderBy: { logicalDate: 'asc' },
      });
      if (runs.length >= 6 && runs.every((r) => r.state === 'success')) {
        expect(runs.map((r) => r.logicalDate.getTime())).toEqual(
          Array.from({ length: 6 }, (_, k) => catchupStart.getTime() + k * hour),
        );
        break;
      }
      if (i > 900)
        throw new Error(`catchup_ha has ${runs.length} runs: ${runs.map((r) => r.state).join(',')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // A moment later there are still exactly six: no scheduler created one twice.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await h.database.db.dagRun.count({ where: { dagId: 'catchup_ha' } })).toBe(6);
  }, 120_000);
});
