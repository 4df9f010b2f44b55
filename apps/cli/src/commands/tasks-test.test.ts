// `weir tasks test` as users run it: mapped instances, params checked as a trigger checks them,
// and every mistake reported as one line with no stack trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAPPED_DAG = `
import { dag, z } from '@weir/sdk';
export default dag({ id: 'mapped', params: z.object({ limit: z.number().int().positive().default(10) }) }, (d) => {
  const files = d.task('files', async () => ['a.csv', 'b.csv']);
  d.map('load', { expand: { file: files, mode: ['full', 'delta'] }, partial: { table: 'events' } },
    async (ctx, { file, mode, table }) => [ctx.mapIndex, file, mode, table, ctx.params.limit]);
  const squares = d.map('square', { expand: { n: [1, 2, 3] } }, async (_ctx, { n }) => n * n);
  d.task('sum', { inputs: [squares] }, async (_ctx, xs) => xs.reduce((a, b) => a + b, 0));
});
`;

describe('weir tasks test', () => {
  let dir: string;
  const tasksTest = (...args: string[]) =>
    runWeir(['tasks', 'test', 'mapped', ...args], { WEIR_DAGS_FOLDER: dir });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weir-tasks-test-'));
    writeFileSync(join(dir, 'mapped.ts'), MAPPED_DAG);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a mapped instance over literal lists, map index 0 by default', async () => {
    const first = await tasksTest('square');
    expect(first).toMatchObject({ code: 0, stdout: '1\n', stderr: '' });
    expect((await tasksTest('square', '--map-index', '2')).stdout).toBe('9\n');
  });

  it('computes the arguments from --inputs keyed by upstream task id, with the partial ones', async () => {
    const result = await tasksTest('load', '--map-index', '3', '--inputs', '{"files":["x.csv","y.csv"]}');
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([3, 'y.csv', 'delta', 'events', 10]);
  });

  it('takes the instance arguments from --args, and the params from --conf', async () => {
    const result = await tasksTest(
      'load',
      '--map-index',
      '1',
      '--args',
      '{"file":"z.csv","mode":"full"}',
      '--conf',
      '{"limit":3}',
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([1, 'z.csv', 'full', 'events', 3]);
  });

  it('asks for --args when an expanded list comes from an upstream it was not given', async () => {
    const result = await tasksTest('load');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `weir: mapped task "load" expands "file" over the output of task "files": pass the instance's arguments with --args '{"file": …}', or that output with --inputs '{"files": [...]}'\n`,
    );
  });

  it('refuses a map index out of range and map options on an unmapped task', async () => {
    const outOfRange = await tasksTest('square', '--map-index', '3');
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toBe(
      'weir: --map-index 3 is out of range: task "square" expands to 3 instance(s), 0..2\n',
    );
    const unmapped = await tasksTest('sum', '--map-index', '1', '--inputs', '[[1,4]]');
    expect(unmapped.code).toBe(2);
    expect(unmapped.stderr).toBe(
      'weir: task "sum" is not mapped: --map-index and --args apply to d.map tasks\n',
    );
    expect((await tasksTest('sum', '--inputs', '[[1,4]]')).stdout).toBe('5\n');
  });

  it('validates --conf against the params as a trigger does', async () => {
    const result = await tasksTest('square', '--conf', '{"limit":-1}');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^weir: conf for DAG "mapped" does not match its params: limit: [^\n]+\n$/);
    expect(result.stdout).toBe('');
  });

  it('reports an unknown DAG or task and bad JSON in one line', async () => {
    const noTask = await tasksTest('nope');
    expect(noTask).toMatchObject({
      code: 1,
      stderr: 'weir: DAG "mapped" has no task "nope"; it has: files, load, square, sum\n',
    });
    const noDag = await runWeir(['tasks', 'test', 'other', 'x'], { WEIR_DAGS_FOLDER: dir });
    expect(noDag).toMatchObject({ code: 1, stderr: `weir: DAG "other" not found in ${dir}\n` });
    const badInputs = await tasksTest('sum', '--inputs', '[1,');
    expect(badInputs.code).toBe(2);
    expect(badInputs.stderr).toMatch(/^weir: --inputs is not valid JSON: [^\n]+\n$/);
    const badArgs = await tasksTest('load', '--args', '["a"]');
    expect(badArgs.code).toBe(2);
    expect(badArgs.stderr).toBe('weir: --args must be a JSON object such as {"file": …}\n');
  });
});
