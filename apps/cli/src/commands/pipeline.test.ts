// `weir pipeline profiles` and `weir warehouse query` as a user runs them: a snapshot lands in the
// lake's dimension zone, a bad file is refused in one line, a query prints a table (or JSON), and a
// bad query says why without a stack trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWarehouse, folderLakeStore, listProfileSnapshots } from '@weir/pipeline';
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('weir pipeline profiles and weir warehouse query', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-pipeline-cli-'));
    env = { WEIR_LAKE_URL: `file://${dir}/lake/`, WEIR_WAREHOUSE_URL: `duckdb://${dir}/warehouse.duckdb` };
    await ensureWarehouse(join(dir, 'warehouse.duckdb'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uploads a profile snapshot, and refuses a file that is not one', async () => {
    const file = join(dir, 'profiles.jsonl');
    writeFileSync(
      file,
      '{"user_id":"u1","plan":"pro","signup_date":"2026-01-02"}\n{"user_id":"u2","plan":"free","signup_date":"2026-03-04"}\n',
    );
    const ok = await runWeir(['pipeline', 'profiles', file, '--json'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ profiles: 2 });
    expect(await listProfileSnapshots(folderLakeStore(join(dir, 'lake')))).toHaveLength(1);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[{"user_id": 7}]');
    const refused = await runWeir(['pipeline', 'profiles', bad], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('bad.json');
    const missing = await runWeir(['pipeline', 'profiles', join(dir, 'nope.json')], env);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: ENOENT/);
  });

  it('queries the warehouse read-only, as a table or JSON', async () => {
    const table = await runWeir(['warehouse', 'query', 'SELECT 1 + 1 AS two, 42 AS answer'], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^two \| answer$/m);
    expect(table.stdout).toMatch(/^2 +\| 42$/m);
    const json = await runWeir(['warehouse', 'query', 'SELECT COUNT(*) AS n FROM events', '--json'], env);
    // BIGINTs (COUNT) come as strings, so no value is rounded.
    expect(JSON.parse(json.stdout)).toEqual([{ n: '0' }]);
    const write = await runWeir(['warehouse', 'query', 'DELETE FROM events'], env);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/warehouse query failed: .*read-only/i);
    expect(write.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
