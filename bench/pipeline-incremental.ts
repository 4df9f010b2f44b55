// The incremental cost at the scale, outside `npm run bench` (it takes minutes here):
// `days` of history at 10,000 events an hour (30 days: 7.2 M events, 2 % client retries)
// landed and transformed once, then one new hour of 10,000 events transformed on top of it and
// the same hour on an empty lake. A new hour should touch its partitions, not the history
// (issue 14: less than 3 × the empty lake). Run with `npx tsx bench/pipeline-incremental.ts [days]`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderLakeStore, runTransform } from '@weir/pipeline';
import { HOUR, land, START, synthetic } from './pipeline-transform.ts';

const EVENTS_PER_HOUR = 10_000;

export interface IncrementalResult {
  history_days: number;
  history_events: number;
  land_history_ms: number;
  transform_history_ms: number;
  new_hour_empty_ms: number;
  new_hour_on_history_ms: number;
  incremental_hour_ratio_vs_empty: number;
}

export async function measureIncremental(days = 30): Promise<IncrementalResult> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-bench-incremental-'));
  try {
    const hours = days * 24;
    const history = hours * EVENTS_PER_HOUR;
    const root = join(dir, 'lake');
    const landed = performance.now();
    await land(root, synthetic(history, START, hours));
    const landHistoryMs = performance.now() - landed;
    const transformed = performance.now();
    await runTransform(folderLakeStore(root));
    const transformHistoryMs = performance.now() - transformed;
    // The hour after the history; ids far above the history's.
    // BENCH_VERBOSE=1 prints the new hour's slowest statements (where the history costs).
    const statements: [number, string][] = [];
    const timed = async (lake: string) => {
      await land(lake, synthetic(EVENTS_PER_HOUR, START + hours * HOUR, 1, 1 << 30));
      statements.length = 0;
      const began = performance.now();
      await runTransform(folderLakeStore(lake), {
        onStatement: (sql, ms) => statements.push([ms, sql.replace(/\s+/g, ' ').trim().slice(0, 160)]),
      });
      const ms = performance.now() - began;
      if (process.env.BENCH_VERBOSE)
        for (const [t, sql] of statements.sort((a, b) => b[0] - a[0]).slice(0, 10))
          console.error(`${Math.round(t)} ms  ${sql}`);
      return ms;
    };
    const emptyMs = await timed(join(dir, 'empty-lake'));
    const onHistoryMs = await timed(root);
    return {
      history_days: days,
      history_events: history,
      land_history_ms: Math.round(landHistoryMs),
      transform_history_ms: Math.round(transformHistoryMs),
      new_hour_empty_ms: Math.round(emptyMs),
      new_hour_on_history_ms: Math.round(onHistoryMs),
      incremental_hour_ratio_vs_empty: Math.round((onHistoryMs / emptyMs) * 100) / 100,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await measureIncremental(Number(process.argv[2] ?? 30)));
}
