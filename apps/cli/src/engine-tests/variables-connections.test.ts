// ctx.variable, ctx.connection and masking through real `weir worker` and `weir scheduler`
// processes: values from PostgreSQL (a connection's secrets decrypted in the worker and sent
// over the executor channel), the environment winning over the database, clear errors for what
// is missing, and secrets masked in every log line (ctx.log, console, a spawned child's output)
// and in the stored error, read back from the database.
import { ConnectionStore, connectionBox, setVariable } from '@weir/engine';
import { TEST_SECRET_KEY } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const WH_PASSWORD = 'wh-pass-Q7x!9z';
const API_TOKEN = 'tok-live-5f3a9c';
const REGISTERED = 'registered-secret-42';
const ENV_CONN_PASSWORD = 'lake-pass-K2m';

const DAG = `
import { execSync } from 'node:child_process';
import { dag, z } from '@weir/sdk';
export default dag({ id: 'lookups' }, (d) => {
  d.task('read', async (ctx) => {
    const limits = await ctx.variable('limits', z.object({ rows: z.number() }));
    const wh = await ctx.connection('warehouse');
    const lake = await ctx.connection('lake');
    return {
      rows: limits.rows,
      region: await ctx.variable('region'),
      overridden: await ctx.variable('overridden'),
      fallback: await ctx.variable('missing', { default: 'dflt' }),
      warehouse: { type: wh.type, host: wh.host, port: wh.port, login: wh.login, schema: wh.schema,
        extra: wh.extra, passwordOk: wh.password === ${JSON.stringify(WH_PASSWORD)},
        uriOk: wh.uri === 'postgres://etl:' + encodeURIComponent(${JSON.stringify(WH_PASSWORD)}) + '@db.internal:5432/dw?sslmode=require' },
      lake: { type: lake.type, host: lake.host, login: lake.login, schema: lake.schema, extra: lake.extra,
        passwordOk: lake.password === ${JSON.stringify(ENV_CONN_PASSWORD)} },
    };
  });
  d.task('missing_variable', async (ctx) => ctx.variable('nope'));
  d.task('missing_connection', async (ctx) => ctx.connection('nope'));
  d.task('masks', async (ctx) => {
    const wh = await ctx.connection('warehouse');
    const token = await ctx.variable('api_token');
    const region = await ctx.variable('region');
    ctx.mask(${JSON.stringify(REGISTERED)});
    ctx.log.info('ctx.log: ' + wh.password + ' ' + token + ' ' + ${JSON.stringify(REGISTERED)} + ' region ' + region, { password: wh.password });
    console.log('stdout: ' + wh.password + ' ' + token + ' ' + ${JSON.stringify(REGISTERED)});
    console.error('stderr: ' + wh.uri);
    process.stdout.write('split ' + wh.password.slice(0, 4));
    process.stdout.write(wh.password.slice(4) + ' written in two\\n');
    execSync('echo spawned: ' + JSON.stringify(token), { stdio: 'inherit' });
    throw new Error('failed with ' + wh.password + ' and ' + token + ' and ' + ${JSON.stringify(REGISTERED)});
  });
});
`;

describe('variables, connections and masking in task code', () => {
  let h: Harness;
  const runs: Record<string, { state: string }> = {};

  beforeAll(async () => {
    h = await startHarness({
      WEIR_VAR_REGION: 'eu-west-1',
      WEIR_VAR_OVERRIDDEN: '{"from":"env"}',
      WEIR_CONN_LAKE: `s3://lake-user:${ENV_CONN_PASSWORD}@minio:9000/raw?region=eu`,
    });
    const db = h.database.db;
    await setVariable(db, 'limits', { rows: 250 });
    await setVariable(db, 'overridden', 'from-db');
    await setVariable(db, 'api_token', API_TOKEN);
    await new ConnectionStore(db, connectionBox(TEST_SECRET_KEY)).add({
      id: 'warehouse',
      type: 'postgres',
      host: 'db.internal',
      port: 5432,
      login: 'etl',
      password: WH_PASSWORD,
      schema: 'dw',
      extra: { sslmode: 'require' },
    });
    h.writeDag('lookups.ts', DAG);
    const report = await h.processor.processOnce();
    expect(report.parsed.map((p) => p.importError)).toEqual([null]);
    h.start('worker', '--concurrency', '2');
    h.start('scheduler');
    const run = await h.engine.trigger({ dagId: 'lookups' });
    await h.waitForRun(run.id);
    Object.assign(runs, await h.tasks(run.id));
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  const attempt = (taskId: string) =>
    h.database.db.taskAttempt.findFirstOrThrow({ where: { taskInstance: { dagId: 'lookups', taskId } } });
  const logOf = async (taskId: string) =>
    (
      await h.database.db.taskLog.findMany({
        where: { taskInstance: { dagId: 'lookups', taskId } },
        orderBy: { id: 'asc' },
      })
    ).map((l) => `${l.level}: ${l.message}`);

  it('reads variables and connections from PostgreSQL and the environment, the environment winning', async () => {
    expect(runs.read?.state).toBe('success');
    const xcom = await h.database.db.xCom.findFirstOrThrow({ where: { dagId: 'lookups', taskId: 'read' } });
    expect(xcom.value).toEqual({
      rows: 250,
      region: 'eu-west-1',
      overridden: { from: 'env' },
      fallback: 'dflt',
      warehouse: {
        type: 'postgres',
        host: 'db.internal',
        port: 5432,
        login: 'etl',
        schema: 'dw',
        extra: { sslmode: 'require' },
        passwordOk: true,
        uriOk: true,
      },
      lake: {
        type: 's3',
        host: 'minio',
        login: 'lake-user',
        schema: 'raw',
        extra: { region: 'eu' },
        passwordOk: true,
      },
    });
  });

  it('a missing variable or connection fails the task with an error naming it', async () => {
    expect(runs.missing_variable?.state).toBe('failed');
    expect((await attempt('missing_variable')).error).toContain(
      'variable "nope" is not set: set it with `weir variables set nope <json>` or WEIR_VAR_NOPE',
    );
    expect(runs.missing_connection?.state).toBe('failed');
    expect((await attempt('missing_connection')).error).toContain(
      'connection "nope" does not exist: add it with `weir connections add nope …` or set WEIR_CONN_NOPE',
    );
  });

  it('masks connection passwords, secret-named variables and ctx.mask values in the log and the error', async () => {
    expect(runs.masks?.state).toBe('failed');
    const lines = await logOf('masks');
    const text = lines.join('\n');
    for (const secret of [WH_PASSWORD, encodeURIComponent(WH_PASSWORD), API_TOKEN, REGISTERED])
      expect(text, `the log holds ${secret}:\n${text}`).not.toContain(secret);
    // Each kind of line arrived, masked; what is no secret stays readable.
    expect(lines).toContain('info: ctx.log: *** *** *** region eu-west-1 {"password":"***"}');
    expect(lines).toContain('stdout: stdout: *** *** ***');
    expect(lines).toContain('stderr: stderr: postgres://etl:***@db.internal:5432/dw?sslmode=require');
    expect(lines).toContain('stdout: split *** written in two');
    expect(lines).toContain('stdout: spawned: ***');
    const failed = await attempt('masks');
    expect(failed.error).toBe('failed with *** and *** and ***');
    expect(failed.errorStack ?? '').not.toContain(WH_PASSWORD);
    expect(failed.errorStack ?? '').toContain('failed with *** and *** and ***');
  });
});
