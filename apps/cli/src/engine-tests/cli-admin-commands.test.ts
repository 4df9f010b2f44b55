// `weir dags delete` and `weir info` as users run them: the real CLI in a child process (and,
// for the confirmation prompt, under a pseudo-terminal from `script`) against a real database.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runWeir, TEST_SECRET_KEY } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const LOGGING_DAG = `
import { dag } from '@weir/sdk';
export default dag({ id: 'doomed' }, (d) => {
  const a = d.task('a', async (ctx) => { ctx.log.info('from a'); return 1; });
  d.task('b', { inputs: [a] }, async (ctx, n) => { ctx.log.info('from b'); return n + 1; });
});
`;

const KEEP_DAG = `
import { dag } from '@weir/sdk';
export default dag({ id: 'kept' }, (d) => { d.task('t', async () => 1); });
`;

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs `weir …args` under a pseudo-terminal, typing `input`. */
function runWeirInTerminal(args: readonly string[], env: Record<string, string>, input: string) {
  const command = [process.execPath, `${repoRoot}apps/cli/bin/weir.mjs`, ...args]
    .map((a) => `'${a}'`)
    .join(' ');
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stdin.write(input);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('weir dags delete', () => {
  let h: Harness;
  let doomedRun: number;
  beforeAll(async () => {
    h = await startHarness();
    h.writeDag('doomed.ts', LOGGING_DAG);
    h.writeDag('kept.ts', KEEP_DAG);
    await h.processor.processOnce();
    h.start('worker');
    h.start('scheduler', '--no-dag-processor');
    const [doomed, kept] = await Promise.all([
      h.engine.trigger({ dagId: 'doomed' }),
      h.engine.trigger({ dagId: 'kept' }),
    ]);
    doomedRun = doomed.id;
    expect(await h.waitForRun(doomed.id)).toBe('success');
    expect(await h.waitForRun(kept.id)).toBe('success');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const recorded = async (dagId: string) => {
    const db = h.database.db;
    const ofDag = { taskInstance: { dagId } };
    return {
      runs: await db.dagRun.count({ where: { dagId } }),
      taskInstances: await db.taskInstance.count({ where: { dagId } }),
      tries: await db.taskAttempt.count({ where: ofDag }),
      logLines: await db.taskLog.count({ where: ofDag }),
      outputs: await db.xCom.count({ where: { dagId } }),
    };
  };

  it('refuses without a terminal and without --yes, in one line, deleting nothing', async () => {
    const result = await runWeir(['dags', 'delete', 'doomed'], h.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'weir: not deleting DAG "doomed": confirm at a terminal, or pass --yes to delete without asking\n',
    );
    expect((await recorded('doomed')).runs).toBe(1);
  });

  it('asks at a terminal, and deletes nothing unless told yes', async () => {
    const result = await runWeirInTerminal(['dags', 'delete', 'doomed'], h.env, 'n\n');
    expect(result.code).toBe(0);
    expect(result.output).toMatch(
      /This deletes DAG doomed and all that is recorded about it: 1 run\(s\), 2 task instance\(s\), 2 tries, \d+ log line\(s\)/,
    );
    expect(result.output).toContain('Delete DAG doomed? [y/N]');
    expect(result.output).toContain('nothing deleted');
    expect((await recorded('doomed')).runs).toBe(1);
  });

  it('with --yes deletes the runs, task instances, tries, logs and outputs of that DAG only; its file brings it back', async () => {
    const before = await recorded('doomed');
    expect(before).toMatchObject({ runs: 1, taskInstances: 2, tries: 2, outputs: 2 });
    expect(before.logLines).toBeGreaterThanOrEqual(2);
    const keptBefore = await recorded('kept');

    const result = await runWeir(['dags', 'delete', 'doomed', '--yes'], h.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^deleted DAG doomed: 1 run\\(s\\), 2 task instance\\(s\\), 2 tries, ${before.logLines} log line\\(s\\)\n`,
      ),
    );
    expect(result.stdout).toContain('is still there: the DAG comes back, with no history');
    expect(await recorded('doomed')).toEqual({
      runs: 0,
      taskInstances: 0,
      tries: 0,
      logLines: 0,
      outputs: 0,
    });
    expect(await h.database.db.dagRun.findUnique({ where: { id: doomedRun } })).toBeNull();
    expect(await recorded('kept')).toEqual(keptBefore);

    const gone = await runWeir(['dags', 'delete', 'nope', '--yes'], h.env);
    expect([gone.code, gone.stderr]).toEqual([1, 'weir: DAG "nope" not found\n']);

    // Its file still defines it: the next listing parses the file again and finds it, with no runs.
    const list = await runWeir(['dags', 'list', '--json'], h.env);
    expect((JSON.parse(list.stdout) as { dagId: string }[]).map((d) => d.dagId)).toEqual(['doomed', 'kept']);
    expect((await runWeir(['dags', 'list-runs', 'doomed', '--json'], h.env)).stdout).toBe('[]\n');
  }, 60_000);
});

describe('weir info', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('prints versions, where each service answered, and the configuration with secrets masked', async () => {
    const withPassword = new URL(h.env.DATABASE_URL ?? '');
    withPassword.password = 'pg-sekret'; // trust authentication ignores it
    const env = {
      ...h.env,
      DATABASE_URL: withPassword.toString(),
      SLACK_TOKEN: 'xoxb-slack-sekret',
      S3_SECRET_ACCESS_KEY: 's3-sekret',
      PAGERDUTY_ROUTING_KEY: 'pd-sekret',
      SMTP_URL: 'smtp://mailer:smtp-sekret@mail.example.com:587',
    };
    const result = await runWeir(['info', '--json'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/sekret/);
    const info = JSON.parse(result.stdout) as {
      weir: string;
      node: string;
      postgres: { answered: boolean; version: string; url: string; foundBy: string };
      redis: { answered: boolean; version: string; foundBy: string };
      config: { name: string; value: string | null; source: string }[];
    };
    const pkg = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { version: string };
    expect(info.weir).toBe(pkg.version);
    expect(info.node).toBe(process.version);
    const server = await h.database.db.$queryRaw<
      { v: string }[]
    >`select current_setting('server_version') as v`;
    expect(info.postgres).toMatchObject({ answered: true, version: server[0]?.v, foundBy: 'DATABASE_URL' });
    expect(info.postgres.url).toContain(':***@');
    expect(info.redis).toMatchObject({ answered: true, foundBy: 'REDIS_URL' });
    expect(info.redis.version).toMatch(/^\d+\.\d+/);
    const config = Object.fromEntries(info.config.map((e) => [e.name, [e.value, e.source]]));
    expect(config.SLACK_TOKEN).toEqual(['***', 'set']);
    expect(config.S3_SECRET_ACCESS_KEY).toEqual(['***', 'set']);
    expect(config.PAGERDUTY_ROUTING_KEY).toEqual(['***', 'set']);
    expect(config.SMTP_URL).toEqual(['smtp://mailer:***@mail.example.com:587', 'set']);
    expect(config.WEIR_WEB_PORT).toEqual(['3000', 'default']);
    // Every `weir` a test starts gets TEST_SECRET_KEY: shown as set, never printed.
    expect(config.WEIR_SECRET_KEY).toEqual(['***', 'set']);

    const text = await runWeir(['info'], env);
    expect(text.stdout).not.toMatch(/sekret/);
    expect(`${result.stdout}${text.stdout}`).not.toContain(TEST_SECRET_KEY);
    expect(text.stdout).toMatch(
      /\nPostgreSQL \| \S+.* \| postgresql:\/\/postgres:\*\*\*@.* \| DATABASE_URL +\| ok: answered in \d+ ms\n/,
    );
  }, 60_000);

  it('reports a service that does not answer instead of failing', async () => {
    const result = await runWeir(['info', '--json'], { ...h.env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.code).toBe(0);
    const info = JSON.parse(result.stdout) as {
      redis: { answered: boolean; detail: string };
      postgres: { answered: boolean };
    };
    expect(info.postgres.answered).toBe(true);
    expect(info.redis.answered).toBe(false);
    expect(info.redis.detail).toMatch(/ECONNREFUSED/);
    const text = await runWeir(['info'], { ...h.env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(text.stdout).toMatch(
      /\nRedis +\| - +\| redis:\/\/127\.0\.0\.1:1 +\| REDIS_URL +\| not answering: .*ECONNREFUSED/,
    );
  }, 60_000);
});
