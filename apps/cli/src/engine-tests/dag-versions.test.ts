// DAG versions through real dag processor, scheduler and worker processes and the `weir` CLI:
// a DAG file changed while a run is going becomes version 2; the run keeps the version it was
// created with and each try records the one it ran; a task that disappeared becomes `removed`
// and a new task joins the running run, as Airflow's verify_integrity does.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const gate = join(mkdtempSync(join(tmpdir(), 'weir-gate-')), 'open');

const v1 = `
import { existsSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'evolving' }, (d) => {
  const a = d.task('a', async (ctx) => {
    ctx.log.info('waiting for the gate');
    for (let i = 0; i < 600 && !existsSync(${JSON.stringify(gate)}); i++) await new Promise((r) => setTimeout(r, 100));
    return 'a';
  });
  const b = d.task('b', { after: [a] }, async () => 'b');
  d.task('c', { after: [b] }, async () => 'c, version 1');
});
`;
// c is gone, d is new.
const v2 = `
import { dag } from '@weir/sdk';
export default dag({ id: 'evolving' }, (d) => {
  const a = d.task('a', async () => 'a');
  const b = d.task('b', { after: [a] }, async () => 'b');
  d.task('d', { after: [b] }, async () => 'd, version 2');
});
`;

describe('DAG versions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.writeDag('evolving.ts', v1);
    await h.processor.processOnce();
    h.start('worker', '--concurrency', '2');
    h.start('scheduler', '--no-dag-processor');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('keeps both versions; the run follows the new one: removed and new tasks; tries record theirs', async () => {
    const run = await h.engine.trigger({ dagId: 'evolving' });
    // a runs version 1's code once it has said so (its executor imported the file by then).
    const waiting = () =>
      h.database.db.taskLog.count({
        where: { taskInstance: { dagRunId: run.id, taskId: 'a' }, message: 'waiting for the gate' },
      });
    for (let i = 0; i < 300 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await waiting()).toBe(1);
    h.writeDag('evolving.ts', v2);
    await h.processor.processOnce();
    const during = await h.tasks(run.id);
    expect(during.c?.state).toBe('removed');
    expect(during.d?.state).toBe('none');
    writeFileSync(gate, '');
    expect(existsSync(gate)).toBe(true);
    expect(await h.waitForRun(run.id, 60_000)).toBe('success');
    const after = await h.tasks(run.id);
    expect(Object.fromEntries(Object.entries(after).map(([id, t]) => [id, t.state]))).toEqual({
      a: 'success',
      b: 'success',
      c: 'removed',
      d: 'success',
    });

    const listed = await runWeir(['dags', 'versions', 'evolving', '--json'], h.env);
    expect(listed.stderr).toBe('');
    const versions = JSON.parse(listed.stdout) as {
      versionNumber: number;
      serializedHash: string;
      runs: number;
      tries: number;
      current: boolean;
    }[];
    expect(versions.map((v) => [v.versionNumber, v.runs, v.tries, v.current])).toEqual([
      [2, 0, 2, true], // b and d ran on version 2
      [1, 1, 1, false], // the run was created with version 1, and a started on it
    ]);
    const storedRun = await h.database.db.dagRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(storedRun.dagHash).toBe(versions[1]?.serializedHash);
    const attempts = await h.database.db.taskAttempt.findMany({
      where: { taskInstance: { dagRunId: run.id } },
      include: { taskInstance: { select: { taskId: true } } },
    });
    expect(Object.fromEntries(attempts.map((a) => [a.taskInstance.taskId, a.dagHash]))).toEqual({
      a: versions[1]?.serializedHash,
      b: versions[0]?.serializedHash,
      d: versions[0]?.serializedHash,
    });

    const code = await runWeir(['dags', 'versions', 'evolving', '--code', '1'], h.env);
    expect(code.stdout).toContain("d.task('c', { after: [b] }, async () => 'c, version 1');");
    const table = await runWeir(['dags', 'versions', 'evolving'], h.env);
    expect(table.stdout).toMatch(/^2 +\| [0-9a-f]{12} \|.*\| current$/m);
    const missing = await runWeir(['dags', 'versions', 'evolving', '--code', '9'], h.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'weir: DAG "evolving" has no version 9 (weir dags versions evolving lists them)',
    );
  }, 120_000);

  it('reuses the version number of a definition it had before', async () => {
    h.writeDag('evolving.ts', v1);
    await h.processor.processOnce();
    const versions = await h.database.db.dagVersion.findMany({ where: { dagId: 'evolving' } });
    expect(versions.map((v) => v.versionNumber).sort()).toEqual([1, 2]);
  }, 60_000);
});
