// Owns the shape of a DAG's task graph: the problems that make it unusable (duplicate ids,
// unknown upstreams, cycles, each named so the author can fix it), and the derived views the
// engine needs (downstream map, leaves, a deterministic topological order).

export interface GraphTask {
  readonly taskId: string;
  readonly upstreams: readonly string[];
}

export type DagGraphProblem =
  | { readonly code: 'duplicate_task_id'; readonly taskId: string; readonly message: string }
  | {
      readonly code: 'unknown_upstream';
      readonly taskId: string;
      readonly upstreamId: string;
      readonly message: string;
    }
  /** `path` starts and ends with the same task, in run order: a → b → a. */
  | { readonly code: 'cycle'; readonly path: readonly string[]; readonly message: string };

/** Every problem, in a stable order (definition order of the tasks involved); empty when valid. */
export function validateDagGraph(tasks: readonly GraphTask[]): DagGraphProblem[] {
  const problems: DagGraphProblem[] = [];
  const seen = new Set<string>();
  for (const task of tasks) {
    if (seen.has(task.taskId)) {
      problems.push({
        code: 'duplicate_task_id',
        taskId: task.taskId,
        message: `task id "${task.taskId}" is used by more than one task`,
      });
    }
    seen.add(task.taskId);
  }
  for (const task of firstOfEach(tasks)) {
    for (const upstreamId of new Set(task.upstreams)) {
      if (!seen.has(upstreamId)) {
        problems.push({
          code: 'unknown_upstream',
          taskId: task.taskId,
          upstreamId,
          message: `task "${task.taskId}" depends on "${upstreamId}", which is not a task of this DAG`,
        });
      }
    }
  }
  for (const path of findCycles(tasks)) {
    problems.push({
      code: 'cycle',
      path,
      message: `tasks depend on each other in a cycle: ${path.join(' → ')}`,
    });
  }
  return problems;
}

/** For every task, the tasks that list it as an upstream, in definition order. */
export function downstreamMap(tasks: readonly GraphTask[]): Map<string, string[]> {
  const unique = firstOfEach(tasks);
  const downstream = new Map<string, string[]>(unique.map((task) => [task.taskId, []]));
  for (const task of unique) {
    for (const upstreamId of new Set(task.upstreams)) downstream.get(upstreamId)?.push(task.taskId);
  }
  return downstream;
}

/** Tasks nothing depends on (Airflow's `dag.leaves`): they decide the DagRun's state. */
export function leaves(tasks: readonly GraphTask[]): string[] {
  return [...downstreamMap(tasks)]
    .filter(([, downstream]) => downstream.length === 0)
    .map(([taskId]) => taskId);
}

/** Tasks that depend on nothing (Airflow's `dag.roots`). */
export function roots(tasks: readonly GraphTask[]): string[] {
  const ids = new Set(tasks.map((task) => task.taskId));
  return firstOfEach(tasks)
    .filter((task) => !task.upstreams.some((id) => ids.has(id)))
    .map((task) => task.taskId);
}

/**
 * Every task after all its upstreams; among tasks ready at the same time, definition order
 * decides, so the order is the same on every machine. Unknown upstreams are ignored. Throws a
 * TypeError naming the cycle if there is one.
 */
export function topologicalOrder(tasks: readonly GraphTask[]): string[] {
  const unique = firstOfEach(tasks);
  const index = new Map(unique.map((task, i) => [task.taskId, i]));
  const downstream = downstreamMap(unique);
  const waitingOn = new Map(
    unique.map((task) => [task.taskId, [...new Set(task.upstreams)].filter((id) => index.has(id)).length]),
  );
  // Ready tasks by definition index; a DAG has at most thousands of tasks, so a sorted array does.
  const ready = unique.filter((task) => waitingOn.get(task.taskId) === 0).map((task) => task.taskId);
  const order: string[] = [];
  while (ready.length > 0) {
    const taskId = ready.shift() as string;
    order.push(taskId);
    for (const next of downstream.get(taskId) ?? []) {
      const left = (waitingOn.get(next) ?? 0) - 1;
      waitingOn.set(next, left);
      if (left === 0) insertByIndex(ready, next, index);
    }
  }
  if (order.length < unique.length) {
    const [cycle] = findCycles(unique);
    throw new TypeError(`tasks depend on each other in a cycle: ${(cycle ?? []).join(' → ')}`);
  }
  return order;
}

function insertByIndex(ready: string[], taskId: string, index: ReadonlyMap<string, number>): void {
  const at = index.get(taskId) ?? 0;
  let i = ready.length;
  while (i > 0 && (index.get(ready[i - 1] as string) ?? 0) > at) i--;
  ready.splice(i, 0, taskId);
}

/** The first task of each id, in definition order (duplicates are reported, not used). */
function firstOfEach(tasks: readonly GraphTask[]): GraphTask[] {
  const seen = new Set<string>();
  return tasks.filter((task) => !seen.has(task.taskId) && seen.add(task.taskId));
}

/** One path per distinct cycle, following upstream → downstream edges, in discovery order. */
function findCycles(tasks: readonly GraphTask[]): string[][] {
  const downstream = downstreamMap(tasks);
  const state = new Map<string, 'open' | 'closed'>();
  const cycles: string[][] = [];
  const found = new Set<string>();
  for (const root of downstream.keys()) {
    if (state.has(root)) continue;
    // Iterative depth-first search: deep chains must not overflow the call stack.
    const path: string[] = [root];
    const cursor: number[] = [0];
    state.set(root, 'open');
    while (path.length > 0) {
      const taskId = path[path.length - 1] as string;
      const i = cursor[cursor.length - 1] as number;
      const next = downstream.get(taskId)?.[i];
      if (next === undefined) {
        state.set(taskId, 'closed');
        path.pop();
        cursor.pop();
        continue;
      }
      cursor[cursor.length - 1] = i + 1;
      const nextState = state.get(next);
      if (nextState === undefined) {
        state.set(next, 'open');
        path.push(next);
        cursor.push(0);
      } else if (nextState === 'open') {
        const cycle = path.slice(path.indexOf(next));
        const key = [...cycle].sort().join('\u0000');
        if (!found.has(key)) {
          found.add(key);
          cycles.push([...cycle, next]);
        }
      }
    }
  }
  return cycles;
}
