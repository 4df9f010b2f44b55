// Owns a task context built by hand, for tests of task and sensor functions (a DAG's own tests,
// and Weir's): every field a running task sees, with defaults, so such a test does not break
// whenever the context gains a field. Variables and connections answer from the values given.
import type { TaskContext } from './context.ts';
import { type Connection, type JsonValue, lookupsFrom } from './lookups.ts';

export interface TestContextFields<P>
  extends Partial<Omit<TaskContext<P>, 'variable' | 'connection' | 'mask'>> {
  readonly variables?: Readonly<Record<string, JsonValue>>;
  readonly connections?: Readonly<Record<string, Connection>>;
}

const LOGICAL_DATE = new Date('2026-01-01T00:00:00Z');

/**
 * `testContext({ taskId: 'greet', params: { greeting: 'hi' } })`: a context for calling a task's
 * function directly. Log lines go nowhere unless `log` is given; the logical date defaults to
 * 2026-01-01 and the data interval to that instant.
 */
export function testContext<P = Record<string, unknown>>(fields: TestContextFields<P> = {}): TaskContext<P> {
  const { variables, connections, ...given } = fields;
  const logicalDate = given.logicalDate ?? LOGICAL_DATE;
  const quiet = () => {};
  return {
    dagId: 'test',
    runId: 'test',
    taskId: 'test',
    mapIndex: -1,
    tryNumber: 1,
    maxTries: 1,
    dataIntervalStart: logicalDate,
    dataIntervalEnd: logicalDate,
    params: {} as P,
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    signal: new AbortController().signal,
    outlets: { extra: quiet },
    alerts: { raise: quiet, resolve: quiet },
    triggeringAssetEvents: [],
    ...given,
    logicalDate,
    ...lookupsFrom({ ...(variables ? { variables } : {}), ...(connections ? { connections } : {}) }),
  };
}
