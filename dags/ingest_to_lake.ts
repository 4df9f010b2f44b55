// The bundled pipeline, step 1: the event bus → the lake's raw zone. Every hour (and whenever
// triggered) it lands everything the collector accepted as immutable gzip JSONL parts by
// server_ts hour, dead letters beside them, acknowledges the bus only once a part is written,
// and marks the hours that can receive nothing more (`_SUCCESS`), which transform_events waits for.
import { ingestToLake, pipelineEnvironment } from '@weir/pipeline';
import { dag } from '@weir/sdk';

export default dag(
  {
    id: 'ingest_to_lake',
    // Five past the hour: the hour before has ended and its grace minute has passed.
    schedule: '5 * * * *',
    startDate: '2026-01-01',
    catchup: false,
    // One run at a time: a run takes over whatever a dead try left unacknowledged.
    maxActiveRuns: 1,
    // Bundled: it runs as soon as Weir sees it (a DAG of your own starts paused by default).
    pausedAtCreation: false,
    tags: ['pipeline'],
    owner: 'data-platform',
    description: 'Event bus → raw zone of the lake, by server_ts hour; markers of closed hours',
    defaults: { retries: 3, retryDelay: '30s', retryExponentialBackoff: true },
  },
  (d) => {
    d.task('land_events', { executionTimeout: '30m' }, async (ctx) => {
      const env = pipelineEnvironment();
      const bus = env.openBus();
      try {
        const report = await ingestToLake({
          bus,
          store: env.lake,
          log: (message, fields) => ctx.log.debug(message, fields),
        });
        ctx.log.info(
          `landed ${report.events} events and ${report.deadLetters} dead letters in ${report.parts} parts; closed ${report.closedHours.length} hours`,
        );
        return report;
      } finally {
        await bus.close();
      }
    });
  },
);
