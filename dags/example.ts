// A small example DAG: typed outputs flow from `extract` into `total`; `report` runs after it.
import { dag } from '@weir/sdk';

export default dag(
  {
    id: 'example',
    schedule: '0 * * * *',
    startDate: '2026-01-01',
    catchup: false,
    // The example is there to be watched: it runs as soon as Weir sees it, whatever
    // WEIR_DAGS_PAUSED_AT_CREATION says (a new DAG of your own starts paused by default).
    pausedAtCreation: false,
    tags: ['example'],
    description: 'Typed task outputs, retries with exponential backoff',
    defaults: { retries: 2, retryDelay: '30s', retryExponentialBackoff: true },
  },
  (d) => {
    const extract = d.task('extract', async (ctx) => {
      ctx.log.info('extracting', { interval: ctx.dataIntervalStart?.toISOString() });
      return [1, 2, 3];
    });
    const total = d.task('total', { inputs: [extract], triggerRule: 'all_success' }, async (_ctx, xs) =>
      xs.reduce((sum, x) => sum + x, 0),
    );
    d.task('report', { inputs: [total] }, async (ctx, sum) => {
      ctx.log.info(`total is ${sum}`);
    });
  },
);
