// The REST API against the real server (production build, scheduler and worker running): every
// mutating route × {anonymous, viewer, operator, admin} → 401 / 403 / allowed, the CSRF rule for
// cookie sessions, 400 naming the field, 404 for unknown ids, 409 for a conflict, keyset paging,
// tailing a log, the return value, clearing with its dry run, masked variables and
// passwordless connections, the audit rows every mutation writes, and the served OpenAPI document.
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../apps/web/lib/api/registry.ts';
import { ADMIN_MATRIX_ROUTES } from './api-admin-routes.ts';
import { type ApiEnvironment, type Caller, startApiEnvironment } from './api-env.ts';

const DAGS = {
  'api_demo.ts': `
import { dag, z } from '@weir/sdk';
export default dag({ id: 'api_demo', params: z.object({ rows: z.number().int().default(3) }) }, (d) => {
  const extract = d.task('extract', async (ctx) => {
    ctx.log.info('first line');
    await new Promise((r) => setTimeout(r, 1500));
    ctx.log.info('second line');
    return { rows: ctx.params.rows };
  });
  d.task('load', { after: [extract] }, async (ctx) => { ctx.log.info('loaded'); });
});
`,
  'api_tail.ts': `
import { asset, dag } from '@weir/sdk';
export default dag({ id: 'api_tail' }, (d) => {
  d.task('slow', { outlets: [asset('file:///api/tail.log')] }, async (ctx) => {
    ctx.log.info('first line');
    await new Promise((r) => setTimeout(r, 2500));
    ctx.log.info('second line');
  });
});
`,
  'api_fail.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'api_fail' }, (d) => {
  d.task('boom', async () => { throw new Error('the API test wants this to fail'); });
});
`,
};

const RUNS = '/api/v1/dags/api_demo/dagRuns';

// Daily and paused: a backfill's runs wait, queued, so it stays running until cancelled (and no
// scheduled run joins the other DAGs' runs in the lists above).
const BACKFILL_DAG = `
import { dag } from '@weir/sdk';
export default dag({ id: 'api_daily', schedule: '@daily', startDate: '2025-01-01T00:00:00Z', pausedAtCreation: true }, (d) => {
  d.task('work', async () => 'done');
});
`;

/** expect.poll for hooks (it works only inside tests). */
async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
const CALLERS: readonly Caller[] = ['anonymous', 'viewer', 'operator', 'admin'];

describe('the REST API', () => {
  let api: ApiEnvironment;
  let runId: string;
  let alertId: number;
  let backfillId: number;

  beforeAll(async () => {
    api = await startApiEnvironment({ ...DAGS, 'api_daily.ts': BACKFILL_DAG });
    await until(async () => (await api.call('viewer', 'GET', '/api/v1/dags')).body?.dags?.length === 4);

    const trigger = await api.call('operator', 'POST', RUNS, {
      conf: { rows: 7 },
      logicalDate: '2026-01-01T00:00:00Z',
    });
    expect(trigger.status, JSON.stringify(trigger.body)).toBe(201);
    runId = trigger.body.runId;
    expect(trigger.body).toMatchObject({ dagId: 'api_demo', runType: 'manual', conf: { rows: 7 } });
    const failing = await runWeir(['dags', 'trigger', 'api_fail'], api.env);
    expect(failing.code, failing.stderr).toBe(0);
    await until(
      async () => (await api.call('viewer', 'GET', '/api/v1/alerts?dag_id=api_fail')).body.alerts?.length > 0,
    );
    alertId = (await api.call('viewer', 'GET', '/api/v1/alerts?dag_id=api_fail')).body.alerts[0].id;
  });
  afterAll(async () => {
    if (api) await api.close();
  });

  it('tails a running try’s log with the continuation token until done', async () => {
    const run = await api.call('operator', 'POST', '/api/v1/dags/api_tail/dagRuns', {});
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const path = `/api/v1/dags/api_tail/dagRuns/${run.body.runId}/taskInstances/slow/logs/1`;
    const seen: string[] = [];
    let token: string | undefined;
    let unfinished = 0;
    for (let polls = 0; ; polls++) {
      const chunk = await api.call('viewer', 'GET', `${path}${token ? `?token=${token}` : ''}`);
      expect(chunk.status, JSON.stringify(chunk.body)).toBe(200);
      seen.push(...chunk.body.lines.map((l: { message: string }) => l.message));
      token = chunk.body.continuationToken;
      if (chunk.body.done) break;
      unfinished++;
      expect(polls).toBeLessThan(200);
      await new Promise((r) => setTimeout(r, 300));
    }
    // The try took seconds: it was read while it ran, and each line arrived once, in order.
    expect(unfinished).toBeGreaterThan(0);
    expect(seen.filter((m) => m === 'first line' || m === 'second line')).toEqual([
      'first line',
      'second line',
    ]);
    const after = await api.call('viewer', 'GET', `${path}?token=${token}`);
    expect(after.body).toMatchObject({ lines: [], done: true, continuationToken: token });
  });

  it('serves a run’s task instances and a task’s return value', async () => {
    await expect
      .poll(async () => (await api.call('viewer', 'GET', `${RUNS}/${runId}`)).body.state, { timeout: 60_000 })
      .toBe('success');
    const xcom = await api.call('viewer', 'GET', `${RUNS}/${runId}/taskInstances/extract/xcom`);
    expect(xcom.status).toBe(200);
    expect(xcom.body).toMatchObject({ key: 'return_value', value: { rows: 7 } });
    const tis = await api.call('viewer', 'GET', `${RUNS}/${runId}/taskInstances`);
    expect(tis.body.taskInstances.map((t: { taskId: string }) => t.taskId)).toEqual(['extract', 'load']);
    expect(tis.body.taskInstances[0]).toMatchObject({
      dagId: 'api_demo',
      runId,
      state: 'success',
      tryNumber: 1,
    });
    const one = await api.call('viewer', 'GET', `${RUNS}/${runId}/taskInstances/load`);
    expect(one.body).toMatchObject({ taskId: 'load', mapIndex: -1, state: 'success' });
  });

  it('previews a clear without changing anything, then clears and the task runs again', async () => {
    const clear = `${RUNS}/${runId}/clear`;
    const preview = await api.call('operator', 'POST', clear, { taskIds: ['load'] });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toEqual({
      dryRun: true,
      taskInstances: [{ taskId: 'load', mapIndex: -1, state: 'success' }],
    });
    const withDownstream = await api.call('operator', 'POST', clear, {
      taskIds: ['extract'],
      downstream: true,
    });
    expect(withDownstream.body.taskInstances.map((t: { taskId: string }) => t.taskId).sort()).toEqual([
      'extract',
      'load',
    ]);
    expect((await api.call('viewer', 'GET', `${RUNS}/${runId}`)).body.state).toBe('success');
    const done = await api.call('operator', 'POST', clear, { taskIds: ['load'], dryRun: false });
    expect(done.body).toEqual({
      dryRun: false,
      taskInstances: [{ taskId: 'load', mapIndex: -1, state: 'success' }],
    });
    await expect
      .poll(async () => (await api.call('viewer', 'GET', `${RUNS}/${runId}/taskInstances/load`)).body, {
        timeout: 60_000,
      })
      .toMatchObject({ state: 'success', tryNumber: 2 });
  });

  it('pages runs by cursor, newest logical date first, across DAGs too', async () => {
    for (const day of ['02', '03', '04', '05'])
      expect(
        (await api.call('operator', 'POST', RUNS, { logicalDate: `2026-01-${day}T00:00:00Z` })).status,
      ).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await api.call('viewer', 'GET', `${RUNS}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.total_entries).toBe(5);
      expect(page.body.dagRuns.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.dagRuns.map((r: { logicalDate: string }) => r.logicalDate));
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([
      '2026-01-05T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
    const all = await api.call('viewer', 'GET', '/api/v1/dagRuns?limit=1000');
    expect(all.body.total_entries).toBeGreaterThanOrEqual(6);
    expect(new Set(all.body.dagRuns.map((r: { dagId: string }) => r.dagId))).toEqual(
      new Set(['api_demo', 'api_fail', 'api_tail']),
    );
    const failed = await api.call('viewer', 'GET', '/api/v1/taskInstances?dag_id=api_fail&state=failed');
    expect(failed.body.taskInstances).toEqual([
      expect.objectContaining({ dagId: 'api_fail', taskId: 'boom' }),
    ]);
    const first = await api.call('viewer', 'GET', '/api/v1/taskInstances?limit=1');
    const second = await api.call(
      'viewer',
      'GET',
      `/api/v1/taskInstances?limit=1&cursor=${first.body.next_cursor}`,
    );
    expect(second.body.taskInstances[0].id).toBeLessThan(first.body.taskInstances[0].id);
  });

  it('answers 400 naming the field, 404 for unknown ids and 409 for a conflict', async () => {
    const bad: [string, string, unknown, string][] = [
      ['GET', '/api/v1/dagRuns?limit=5000', undefined, 'limit'],
      ['GET', '/api/v1/dagRuns?state=sleeping', undefined, 'state'],
      ['GET', '/api/v1/dagRuns?cursor=not-a-cursor', undefined, 'cursor'],
      ['GET', '/api/v1/taskInstances?state=nope', undefined, 'state'],
      ['GET', `${RUNS}/${runId}/taskInstances/extract/logs/0`, undefined, 'tryNumber'],
      ['GET', `${RUNS}/${runId}/taskInstances/extract/logs/1?token=abc`, undefined, 'token'],
      ['POST', RUNS, { conf: { rows: 'many' } }, 'conf'],
      ['POST', RUNS, { conf: { colour: 'red' } }, 'conf'],
      ['POST', RUNS, { logicalDate: 'yesterday' }, 'logicalDate'],
      ['POST', RUNS, '{not json', 'body'],
      ['PATCH', '/api/v1/dags/api_demo', { isPaused: 'yes' }, 'isPaused'],
      ['PATCH', `${RUNS}/${runId}`, { state: 'skipped' }, 'state'],
      ['POST', `${RUNS}/${runId}/clear`, { taskIds: 'load' }, 'taskIds'],
      ['PUT', '/api/v1/pools/warehouse', { slots: -1 }, 'slots'],
      ['PUT', '/api/v1/pools/bad name', { slots: 1 }, 'name'],
      ['POST', '/api/v1/alerts/abc/acknowledge', undefined, 'id'],
      [
        'POST',
        '/api/v1/backfills',
        { dagId: 'api_daily', from: '2025-02-02T00:00:00Z', to: '2025-02-01T00:00:00Z' },
        'to',
      ],
      ['POST', '/api/v1/backfills', { dagId: 'api_daily', from: 'soon', to: '2025-02-01T00:00:00Z' }, 'from'],
      ['POST', '/api/v1/backfills', { dagId: 'api_daily', from: '2025-02-01T00:00:00Z' }, 'to'],
      ['GET', '/api/v1/backfills/abc', undefined, 'id'],
    ];
    for (const [method, path, body, field] of bad) {
      const answer = await api.call('admin', method, path, body);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(400);
      expect(answer.body.error.field, `${method} ${path}`).toBe(field);
      expect(answer.body.error.message).toMatch(/\S/);
    }
    const conf = await api.call('operator', 'POST', RUNS, { conf: { rows: 'many' } });
    expect(conf.body.error.message).toContain('does not match its params');
    const missing: [string, string, unknown][] = [
      ['GET', '/api/v1/dags/nope', undefined],
      ['PATCH', '/api/v1/dags/nope', { isPaused: true }],
      ['GET', '/api/v1/dags/nope/dagRuns', undefined],
      ['POST', '/api/v1/dags/nope/dagRuns', {}],
      ['GET', `${RUNS}/manual__nope`, undefined],
      ['PATCH', `${RUNS}/manual__nope`, { state: 'failed' }],
      ['POST', `${RUNS}/manual__nope/clear`, {}],
      ['GET', `${RUNS}/${runId}/taskInstances/nope`, undefined],
      ['GET', `${RUNS}/${runId}/taskInstances/extract/logs/9`, undefined],
      ['GET', `${RUNS}/${runId}/taskInstances/load/xcom`, undefined],
      ['POST', `${RUNS}/${runId}/clear`, { taskIds: ['nope'] }],
      ['POST', '/api/v1/alerts/999999/acknowledge', undefined],
      ['POST', '/api/v1/alerts/999999/resolve', undefined],
      ['GET', '/api/v1/backfills/999999', undefined],
      ['POST', '/api/v1/backfills/999999/cancel', undefined],
      [
        'POST',
        '/api/v1/backfills',
        { dagId: 'nope', from: '2025-02-01T00:00:00Z', to: '2025-02-01T00:00:00Z' },
      ],
    ];
    for (const [method, path, body] of missing) {
      const answer = await api.call('admin', method, path, body);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
    const again = await api.call('operator', 'POST', RUNS, { logicalDate: '2026-01-01T00:00:00Z' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('already has'),
    });
  });

  // Each mutating route, with a request its allowed roles may make: the least role that may, and
  // what an allowed call answers (2xx, or a 4xx that is not about access: a second resolve is 409).
  const MATRIX: {
    route: string;
    least: 'viewer' | 'operator' | 'admin';
    request: (caller: Caller, n: number) => [string, string, unknown?];
    allowed: (caller: Caller) => number;
  }[] = [
    {
      route: 'createToken',
      least: 'viewer',
      request: () => ['POST', '/api/v1/auth/token', { name: 'matrix' }],
      allowed: () => 201,
    },
    {
      route: 'patchDag',
      least: 'operator',
      request: () => ['PATCH', '/api/v1/dags/api_demo', { isPaused: false }],
      allowed: () => 200,
    },
    {
      route: 'triggerDagRun',
      least: 'operator',
      request: (_, n) => [
        'POST',
        RUNS,
        { logicalDate: `2025-06-${String(n + 1).padStart(2, '0')}T00:00:00Z` },
      ],
      allowed: () => 201,
    },
    {
      route: 'markDagRun',
      least: 'operator',
      request: () => ['PATCH', `${RUNS}/${runId}`, { state: 'success' }],
      allowed: () => 200,
    },
    {
      route: 'clearDagRun',
      least: 'operator',
      request: () => ['POST', `${RUNS}/${runId}/clear`, {}],
      allowed: () => 200,
    },
    {
      route: 'putPool',
      least: 'admin',
      request: () => ['PUT', '/api/v1/pools/matrix', { slots: 3 }],
      allowed: () => 200,
    },
    {
      route: 'acknowledgeAlert',
      least: 'operator',
      request: () => ['POST', `/api/v1/alerts/${alertId}/acknowledge`],
      allowed: () => 200,
    },
    {
      route: 'resolveAlert',
      least: 'operator',
      request: () => ['POST', `/api/v1/alerts/${alertId}/resolve`],
      allowed: (caller) => (caller === 'operator' ? 200 : 409),
    },
    {
      route: 'createAssetEvent',
      least: 'operator',
      request: () => [
        'POST',
        '/api/v1/assets/events',
        { uri: 'file:///api/tail.log', extra: { matrix: true } },
      ],
      allowed: () => 201,
    },
    {
      route: 'createBackfill',
      least: 'operator',
      request: (_, n) => [
        'POST',
        '/api/v1/backfills',
        {
          dagId: 'api_daily',
          from: `2025-05-${String((n % 28) + 1).padStart(2, '0')}T00:00:00Z`,
          to: `2025-05-${String((n % 28) + 1).padStart(2, '0')}T00:00:00Z`,
        },
      ],
      allowed: () => 201,
    },
    {
      route: 'createSilence',
      least: 'operator',
      request: () => ['POST', '/api/v1/silences', { dagId: 'api_tail', duration: '1h', reason: 'matrix' }],
      allowed: () => 201,
    },
    {
      // The operator's createSilence above made the database's first silence; ending it again is a no-op.
      route: 'endSilence',
      least: 'operator',
      request: () => ['POST', '/api/v1/silences/1/end'],
      allowed: () => 200,
    },
    {
      // The operator registers version 1; for the admin after, the same schema answers it again.
      route: 'registerSchema',
      least: 'operator',
      request: () => [
        'POST',
        '/api/v1/schemas/matrix/versions',
        { schema: { type: 'object', properties: { n: { type: 'integer' } } } },
      ],
      allowed: () => 200,
    },
    {
      route: 'putSchemaCompatibility',
      least: 'admin',
      request: () => ['PUT', '/api/v1/schemas/matrix/compatibility', { compatibility: 'FULL' }],
      allowed: () => 200,
    },
    {
      route: 'cancelBackfill',
      least: 'operator',
      request: () => ['POST', `/api/v1/backfills/${backfillId}/cancel`],
      // The operator cancels it; for the admin after, it is finished: a conflict.
      allowed: (caller) => (caller === 'operator' ? 200 : 409),
    },
  ];

  it('plans a backfill with dryRun, creates it, and shows its progress', async () => {
    const range = { dagId: 'api_daily', from: '2025-03-01T00:00:00Z', to: '2025-03-03T00:00:00Z' };
    const dry = await api.call('operator', 'POST', '/api/v1/backfills', { ...range, dryRun: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, backfill: null });
    expect(
      dry.body.plan.map((p: { logicalDate: string; action: string }) => [p.logicalDate, p.action]),
    ).toEqual([
      ['2025-03-01T00:00:00.000Z', 'create'],
      ['2025-03-02T00:00:00.000Z', 'create'],
      ['2025-03-03T00:00:00.000Z', 'create'],
    ]);
    expect((await api.call('viewer', 'GET', '/api/v1/backfills')).body.total_entries).toBe(0);
    const created = await api.call('operator', 'POST', '/api/v1/backfills', range);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    backfillId = created.body.backfill.id;
    // Paused: its runs wait, queued, and it stays running.
    expect(created.body.backfill).toMatchObject({ state: 'running', runs: { total: 3, done: 0 } });
    const one = await api.call('viewer', 'GET', `/api/v1/backfills/${backfillId}`);
    expect(one.body).toMatchObject({
      id: backfillId,
      dagId: 'api_daily',
      reprocess: 'none',
      maxActiveRuns: 10,
    });
    const list = await api.call('viewer', 'GET', '/api/v1/backfills?dag_id=api_daily&limit=1');
    expect(list.body).toMatchObject({ total_entries: 1, next_cursor: expect.any(String) });
    const runs = await api.call('viewer', 'GET', '/api/v1/dagRuns?dag_id=api_daily&run_type=backfill');
    expect(runs.body.total_entries).toBe(3);
    const ranged = await api.call(
      'viewer',
      'GET',
      '/api/v1/dagRuns?dag_id=api_daily&logical_date_gte=2025-03-02T00:00:00Z&logical_date_lt=2025-03-03T00:00:00Z',
    );
    expect(ranged.body.dagRuns.map((r: { logicalDate: string }) => r.logicalDate)).toEqual([
      '2025-03-02T00:00:00.000Z',
    ]);
  });

  it('registers event schemas: versions, the same schema again, 409 with the rule broken, 400 for no schema', async () => {
    const path = '/api/v1/schemas/api_checkout';
    const v1 = { type: 'object', properties: { plan: { type: 'string' } }, additionalProperties: false };
    const v2 = { ...v1, properties: { plan: { type: 'string' }, coupon: { type: 'string' } } };
    const first = await api.call('operator', 'POST', `${path}/versions`, { schema: v1 });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      created: true,
      compatibility: 'BACKWARD',
      version: { eventType: 'api_checkout', version: 1, createdBy: 'api-operator', schema: v1 },
    });
    expect(
      (await api.call('operator', 'POST', `${path}/versions`, { schema: v2 })).body.version.version,
    ).toBe(2);
    const again = await api.call('operator', 'POST', `${path}/versions`, { schema: v1 });
    expect(again.body).toMatchObject({ created: false, version: { version: 1 } });

    const refused = await api.call('operator', 'POST', `${path}/versions`, {
      schema: { ...v1, title: 'no coupon' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'INCOMPATIBLE_SCHEMA',
      field: 'schema',
      rule: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
      path: '#/properties/coupon',
      againstVersion: 2,
      message: expect.stringContaining('not BACKWARD compatible with version 2'),
    });
    const invalid = await api.call('operator', 'POST', `${path}/versions`, {
      schema: { type: 'object', properties: { a: { type: 'text' } } },
    });
    expect([invalid.status, invalid.body.error.code, invalid.body.error.field]).toEqual([
      400,
      'INVALID_SCHEMA',
      'schema',
    ]);
    const noSchema = await api.call('operator', 'POST', `${path}/versions`, {});
    expect([noSchema.status, noSchema.body.error.field]).toEqual([400, 'schema']);
    // Setting the mode on the way is an admin's change.
    const operatorMode = await api.call('operator', 'POST', `${path}/versions`, {
      schema: v2,
      compatibility: 'NONE',
    });
    expect(operatorMode.status).toBe(403);

    const shown = await api.call('viewer', 'GET', path);
    expect(shown.body).toMatchObject({
      eventType: 'api_checkout',
      compatibility: 'BACKWARD',
      versions: [{ version: 1 }, { version: 2 }],
      latest: { version: 2, schema: v2 },
    });
    expect((await api.call('viewer', 'GET', `${path}/versions/1`)).body).toMatchObject({
      version: 1,
      schema: v1,
    });
    expect((await api.call('viewer', 'GET', `${path}/versions/latest`)).body.version).toBe(2);
    expect((await api.call('viewer', 'GET', `${path}/versions/9`)).status).toBe(404);
    expect((await api.call('viewer', 'GET', '/api/v1/schemas/nothing_here')).status).toBe(404);
    const bad = await api.call('admin', 'PUT', `${path}/compatibility`, { compatibility: 'SIDEWAYS' });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'compatibility']);
    const list = await api.call('viewer', 'GET', '/api/v1/schemas');
    expect(list.body.schemas).toContainEqual(
      expect.objectContaining({
        eventType: 'api_checkout',
        compatibility: 'BACKWARD',
        versions: 2,
        latestVersion: 2,
      }),
    );
  });

  it('covers every mutating route of the registry in the authorization matrix', () => {
    // The collector takes a source's write key, not a role (e2e/collector.test.ts).
    const mutating = ROUTES.filter(
      (r) =>
        r.method !== 'GET' && r.permission !== 'write-key' && !ADMIN_MATRIX_ROUTES.includes(r.operationId),
    ).map((r) => r.operationId);
    expect(MATRIX.map((m) => m.route).sort()).toEqual(mutating.sort());
    for (const m of MATRIX) {
      const spec = ROUTES.find((r) => r.operationId === m.route);
      expect(spec?.action, `${m.route} writes an audit row`).toBeDefined();
    }
  });

  it('answers every mutating route × {anonymous, viewer, operator, admin} with 401 / 403 / allowed', async () => {
    const rank = { anonymous: -1, viewer: 0, operator: 1, admin: 2 } as const;
    let n = 0;
    for (const m of MATRIX)
      for (const caller of CALLERS) {
        const [method, path, body] = m.request(caller, n++);
        const answer = await api.call(caller, method, path, body);
        const expected =
          caller === 'anonymous' ? 401 : rank[caller] < rank[m.least] ? 403 : m.allowed(caller);
        expect(answer.status, `${m.route} as ${caller}: ${JSON.stringify(answer.body)}`).toBe(expected);
        if (expected === 401) expect(answer.body.error.code).toBe('unauthenticated');
        if (expected === 403) expect(answer.body.error.code).toBe('forbidden');
      }
  });

  it('refuses a mutation over the session cookie without its CSRF token, and takes it with the token', async () => {
    const cookie = { cookie: `weir_session=${encodeURIComponent(api.session.cookie)}` };
    const path = '/api/v1/pools/csrf';
    const without = await api.call('anonymous', 'PUT', path, { slots: 2 }, cookie);
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('csrf');
    const withToken = await api.call(
      'anonymous',
      'PUT',
      path,
      { slots: 2 },
      { ...cookie, 'x-csrf-token': api.session.csrfToken },
    );
    expect(withToken.status).toBe(200);
    expect(withToken.body).toMatchObject({ name: 'csrf', slots: 2, used: 0 });
    const session = await api.call('anonymous', 'GET', '/api/v1/auth/session', undefined, cookie);
    expect(session.body).toMatchObject({
      username: 'api-admin',
      role: 'admin',
      via: 'session',
      csrfToken: api.session.csrfToken,
    });
  });

  it('writes an audit row for every mutation, with who and from where', async () => {
    const rows = await api.sql.$queryRaw<
      { action: string; actor: string; source: string; run_id: string | null }[]
    >`
      SELECT action, actor, source, run_id FROM audit_log ORDER BY id`;
    const actions = new Set(rows.map((r) => r.action));
    for (const spec of ROUTES)
      if (spec.action && !ADMIN_MATRIX_ROUTES.includes(spec.operationId))
        expect(actions, spec.action).toContain(spec.action);
    expect(rows.every((r) => r.source === '198.51.100.20')).toBe(true);
    expect(rows.find((r) => r.action === 'dag.trigger')).toMatchObject({
      actor: 'api-operator',
      run_id: runId,
    });
    // A dry run changes nothing and is not audited: the matrix's dry runs left no run.clear rows.
    expect(rows.filter((r) => r.action === 'run.clear')).toHaveLength(1);
    // The backfill test's create and the matrix's two; its dry run is not audited.
    expect(rows.filter((r) => r.action === 'backfill.create')).toHaveLength(3);
  });

  it('issues a token for the caller, never above the caller’s role', async () => {
    const created = await api.call('operator', 'POST', '/api/v1/auth/token', { name: 'ci', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'viewer', token: expect.stringMatching(/^weir_/) });
    const asToken = await fetch(`${api.url}/api/v1/auth/session`, {
      headers: { authorization: `Bearer ${created.body.token}` },
    }).then((r) => r.json());
    expect(asToken).toMatchObject({ username: 'api-operator', role: 'viewer', via: 'token' });
    const higher = await api.call('operator', 'POST', '/api/v1/auth/token', { name: 'up', role: 'admin' });
    expect(higher.status).toBe(403);
  });

  it('masks secret-named variables, never returns connection passwords, and lists pools and import errors', async () => {
    for (const args of [
      ['variables', 'set', 'warehouse_password', 'hunter2-secret'],
      ['variables', 'set', 'region', 'eu'],
    ]) {
      const result = await runWeir(args, api.env);
      expect(result.code, result.stderr).toBe(0);
    }
    const added = await runWeir(
      ['connections', 'add', 'wh', '--uri', 'postgres://u:pa55word@db.example:5432/sales'],
      api.env,
    );
    expect(added.code, added.stderr).toBe(0);
    const variables = await api.call('viewer', 'GET', '/api/v1/variables');
    expect(variables.body.variables).toEqual([
      expect.objectContaining({ key: 'region', value: 'eu' }),
      expect.objectContaining({ key: 'warehouse_password', value: '***' }),
    ]);
    expect(JSON.stringify(variables.body)).not.toContain('hunter2');
    expect((await api.call('viewer', 'GET', '/api/v1/connections')).status).toBe(403);
    const connections = await api.call('admin', 'GET', '/api/v1/connections');
    expect(connections.body.connections).toEqual([
      expect.objectContaining({ id: 'wh', type: 'postgres', host: 'db.example', hasPassword: true }),
    ]);
    expect(JSON.stringify(connections.body)).not.toContain('pa55word');
    const pools = await api.call('viewer', 'GET', '/api/v1/pools');
    expect(pools.body.pools.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['default', 'matrix']),
    );
    const errors = await api.call('viewer', 'GET', '/api/v1/importErrors');
    expect(errors.body).toEqual({ importErrors: [], total_entries: 0 });
    const dag = await api.call('viewer', 'GET', '/api/v1/dags/api_demo');
    expect(dag.body).toMatchObject({
      dagId: 'api_demo',
      isPaused: false,
      params: { defaults: { rows: 3 } },
      tasks: [
        expect.objectContaining({ taskId: 'extract', downstreams: ['load'] }),
        expect.objectContaining({ taskId: 'load' }),
      ],
    });
  });

  it('answers /api/v1/health without a session, like /api/health, and nothing else anonymously', async () => {
    for (const path of ['/api/health', '/api/v1/health']) {
      const health = await api.call('anonymous', 'GET', path);
      expect(health.status, path).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', database: { ok: true }, redis: { ok: true } });
    }
    expect((await api.call('anonymous', 'GET', '/api/v1/dags')).status).toBe(401);
  });

  it('serves its OpenAPI 3.1 document with every route', async () => {
    const doc = await api.call('viewer', 'GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    for (const spec of ROUTES)
      expect(doc.body.paths[spec.path], spec.path).toHaveProperty(spec.method.toLowerCase());
  });
});
