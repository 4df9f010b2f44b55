// Cron scheduling through the scheduler process: catchup creates one run per missed interval,
// oldest first, with Airflow's data intervals; without catchup only the latest interval runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const hourly = (id: string, catchup: boolean, start: Date) => `
import { dag } from '@weir/sdk';
export default dag({ id: '${id}', schedule: '@hourly', startDate: '${start.toISOString()}', catchup: ${catchup}, maxActiveRuns: 16 }, (d) => {
  d.task('noop', async (ctx) => ctx.dataIntervalEnd?.toISOString());
});
`;

describe('cron scheduling', () => {
  let h: Harness;
  const hour = 3_600_000;
  const start = new Date(Math.floor(Date.now() / hour) * hour - 5 * hour);

  beforeAll(async () => {
    h = await startHarness();
    h.writeDag('catchup.ts', hourly('catchup_on', true, start));
    h.writeDag('no_catchup.ts', hourly('catchup_off', false, start));
    await h.processor.processOnce();
    h.start('scheduler');
    h.start('worker');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const runsOf = async (dagId: string, count: number) => {
    for (let i = 0; i < 600; i++) {
      const runs = await h.database.db.dagRun.findMany({
        where: { dagId, runType: 'scheduled' },
        orderBy: { logicalDate: 'asc' },
      });
      if (runs.length >= count && runs.every((r) => r.state === 'success')) return runs;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${dagId} did not get ${count} successful runs:\n${h.output()}`);
  };

  it('creates one run per missed interval, oldest first, with logical date = interval start', async () => {
    const runs = await runsOf('catchup_on', 5);
    expect(runs).toHaveLength(5);
    runs.forEach((run, i) => {
      const intervalStart = new Date(start.getTime() + i * hour);
      expect(run.logicalDate).toEqual(intervalStart);
      expect(run.dataIntervalStart).toEqual(intervalStart);
      expect(run.dataIntervalEnd).toEqual(new Date(intervalStart.getTime() + hour));
      expect(run.runId).toBe(`scheduled__${intervalStart.toISOString().replace('.000Z', '+00:00')}`);
    });
    const xcom = await h.database.db.xCom.findFirst({
      where: { dagId: 'catchup_on', runId: runs[4]?.runId },
    });
    expect(xcom?.value).toBe(runs[4]?.dataIntervalEnd?.toISOString());
  }, 120_000);

  it('without catchup runs only the latest complete interval', async () => {
    const runs = await runsOf('catchup_off', 1);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.logicalDate).toEqual(new Date(start.getTime() + 4 * hour));
  }, 120_000);
});
