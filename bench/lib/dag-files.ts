// Owns the DAG files the bench writes into its temporary DAG folders. They are plain TypeScript
// DAG files, as a user would write them; `@weir/sdk` resolves from the Weir installation.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHAIN_LENGTH = 40;
export const CHAIN_DAG = 'bench_chain40';
export const TIMED_CHAIN_DAG = 'bench_chain40_timed';
export const MAP_DAG = 'bench_map10k';
export const MAP_TASK = 'work';
export const PIPELINE_DAG = 'bench_pipeline5';

/**
 * The 5-task pipeline of the many-runs part, as (task, upstreams): extract → two parallel
 * transforms → join → load. The hop measurement reads its edges from here too.
 */
export const PIPELINE_TASKS: readonly { readonly id: string; readonly after: readonly string[] }[] = [
  { id: 'extract', after: [] },
  { id: 'transform_orders', after: ['extract'] },
  { id: 'transform_customers', after: ['extract'] },
  { id: 'join', after: ['transform_orders', 'transform_customers'] },
  { id: 'load', after: ['join'] },
];

/** Task ids t00…t39, in chain order. */
export function chainTaskIds(length = CHAIN_LENGTH): string[] {
  return Array.from({ length }, (_, i) => `t${String(i).padStart(2, '0')}`);
}

/**
 * 40 sequential no-op tasks. With `timed`, each task returns when (in the worker's clock, with
 * sub-millisecond precision) its function started and ended, so hops can be measured finer than
 * PostgreSQL's millisecond timestamps.
 */
export function writeChainDag(folder: string, timed: boolean): string {
  const dagId = timed ? TIMED_CHAIN_DAG : CHAIN_DAG;
  const body = timed
    ? `async () => {
      const s = performance.timeOrigin + performance.now();
      return { s, e: performance.timeOrigin + performance.now() };
    }`
    : 'async () => undefined';
  const source = `import { dag } from '@weir/sdk';

const ids = ${JSON.stringify(chainTaskIds())};

export default dag(
  { id: '${dagId}', schedule: null, startDate: '2026-01-01', catchup: false, maxActiveRuns: 1 },
  (d) => {
    let previous = d.task(ids[0] as string, ${body});
    for (const id of ids.slice(1)) {
      previous = d.task(id, { after: [previous] }, ${body});
    }
  },
);
`;
  const file = join(folder, `${dagId}.ts`);
  writeFileSync(file, source);
  return dagId;
}

/**
 * One task mapped over `items` no-op elements. maxActiveTasks is raised so the DAG's own cap
 * (default 16) does not stand between the expansion and the worker's concurrency.
 */
export function writeMapDag(folder: string, items: number): string {
  const source = `import { dag } from '@weir/sdk';

export default dag(
  { id: '${MAP_DAG}', schedule: null, startDate: '2026-01-01', catchup: false, maxActiveTasks: 100_000 },
  (d) => {
    const items = d.task('items', async () => Array.from({ length: ${items} }, (_, i) => i));
    d.map('${MAP_TASK}', { expand: { item: items } }, async (_ctx, { item }) => {
      void item;
      return undefined;
    });
  },
);
`;
  writeFileSync(join(folder, `${MAP_DAG}.ts`), source);
  return MAP_DAG;
}

/**
 * The pipeline with no-op bodies, for many runs at once: maxActiveRuns is raised to `runs` (the
 * default, 16, would keep the rest queued) and maxActiveTasks with it (the default, 16 tasks of
 * the DAG across all its runs, would cap the worker's 50 slots at 16).
 */
export function writePipelineDag(folder: string, runs: number): string {
  const upstreams = new Set(PIPELINE_TASKS.flatMap((t) => t.after));
  const tasks = PIPELINE_TASKS.map((t) => {
    const options = t.after.length > 0 ? `{ after: [${t.after.map(camel).join(', ')}] }, ` : '';
    const binding = upstreams.has(t.id) ? `const ${camel(t.id)} = ` : '';
    return `    ${binding}d.task('${t.id}', ${options}async () => undefined);`;
  });
  const source = `import { dag } from '@weir/sdk';

export default dag(
  {
    id: '${PIPELINE_DAG}',
    schedule: null,
    startDate: '2026-01-01',
    catchup: false,
    maxActiveRuns: ${runs},
    maxActiveTasks: ${runs * PIPELINE_TASKS.length},
  },
  (d) => {
${tasks.join('\n')}
  },
);
`;
  writeFileSync(join(folder, `${PIPELINE_DAG}.ts`), source);
  return PIPELINE_DAG;
}

const camel = (id: string) => id.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/** `count` files, each a small hourly DAG (extract → transform → load) with its own id. */
export function writeScaleDags(folder: string, count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const dagId = `bench_scale_${String(i).padStart(4, '0')}`;
    const source = `import { dag } from '@weir/sdk';

export default dag(
  { id: '${dagId}', schedule: '@hourly', startDate: '2026-01-01', catchup: false, tags: ['bench'] },
  (d) => {
    const extract = d.task('extract', async () => [1, 2, 3]);
    const transform = d.task('transform', { inputs: [extract] }, async (_ctx, xs) => xs.map((x) => x * ${i % 7}));
    d.task('load', { inputs: [transform] }, async (_ctx, ys) => ys.length);
  },
);
`;
    writeFileSync(join(folder, `${dagId}.ts`), source);
    ids.push(dagId);
  }
  return ids;
}
