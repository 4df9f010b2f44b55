// The executor pool with real executor processes: short invocations one after another reuse the
// same warm process, invocations that run long make the pool start more (never more than its
// size), and a try's stop reaches the executor running its code.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from './executor.ts';
import { ExecutorPool } from './executor-pool.ts';
import { ProcessExecutor } from './process-executor.ts';
import type { Invocation } from './protocol.ts';
import { TryStop } from './stop-signal.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-pool-'));
const fileloc = join(dir, 'pool_dag.ts');
writeFileSync(
  fileloc,
  `import { dag } from '@weir/sdk';
export default dag({ id: 'pool_dag' }, (d) => {
  d.task('pid', async () => process.pid);
  d.task('slow_pid', async () => { await new Promise((r) => setTimeout(r, 1500)); return process.pid; });
});`,
);

const invocation = (taskId: string): Invocation => ({
  fileloc,
  dagId: 'pool_dag',
  target: { kind: 'task', taskId },
  context: { dagId: 'pool_dag', runId: 'manual__pool', taskId, mapIndex: -1, tryNumber: 1, params: {} },
  args: [],
  result: 'store',
});

const quiet = { log: () => {} };
let pool: ExecutorPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function newPool(size: number): ExecutorPool {
  pool = new ExecutorPool({
    size,
    create: () => new ProcessExecutor(),
    warm: (e: Executor) => (e as ProcessExecutor).warm(),
    growAfterMs: 50,
  });
  return pool;
}

async function pidOf(p: ExecutorPool, taskId: string, stop?: TryStop): Promise<number | string> {
  const end = await p.run(invocation(taskId), quiet, stop);
  if (end.kind !== 'result') return end.kind;
  const result = end.result;
  return result.kind === 'returned' ? Number(result.stored) : result.kind;
}

describe('ExecutorPool', () => {
  it('starts two executors and runs short invocations one after another in the same warm one', async () => {
    const p = newPool(8);
    await p.prestart();
    expect(p.started).toBe(2);
    const pids = new Set<number | string>();
    for (let i = 0; i < 20; i++) pids.add(await pidOf(p, 'pid'));
    expect(pids.size).toBe(1);
    expect([...pids][0]).toEqual(expect.any(Number));
    expect(p.started).toBe(2);
  });

  it('hands an executor still starting to an invocation that asked for it (a pool of one)', async () => {
    const p = newPool(1);
    const starting = p.prestart();
    const pid = pidOf(p, 'pid');
    await starting;
    expect(await pid).toEqual(expect.any(Number));
    expect(p.started).toBe(1);
  });

  it('starts more executors while invocations wait, up to its size and no further', async () => {
    const p = newPool(3);
    await p.prestart();
    const pids = await Promise.all(Array.from({ length: 5 }, () => pidOf(p, 'slow_pid')));
    expect(pids.every((pid) => typeof pid === 'number')).toBe(true);
    expect(p.started).toBe(3);
    // Five long invocations ran in three processes: the pool grew past the two it started with.
    expect(new Set(pids).size).toBe(3);
  });

  it('stops the executor running a try when the try is stopped, and skips one stopped before it runs', async () => {
    const p = newPool(2);
    await p.prestart();
    const stop = new TryStop();
    const running = pidOf(p, 'slow_pid', stop);
    await new Promise((r) => setTimeout(r, 300));
    stop.stop({ kind: 'timeout', timeoutMs: 300 });
    expect(await running).toBe('stopped');
    expect(await pidOf(p, 'pid', stop)).toBe('stopped');
    // The pool goes on: the killed executor is replaced.
    expect(await pidOf(p, 'pid')).toEqual(expect.any(Number));
  });
});
